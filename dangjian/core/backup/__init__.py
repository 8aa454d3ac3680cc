"""Encrypted backups with their keys, restore that refuses a bad file before touching the database, and the
restore drill (SEC-19..21). `archive` is the file format, `engines` the per-database dump and load,
`actions` the audited operations the `backup` and `restore` commands run."""
