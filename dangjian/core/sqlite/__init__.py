"""SQLite backend for dangjian: Django's, reading the library's real bound-parameter limit (as Django 6 does)."""
