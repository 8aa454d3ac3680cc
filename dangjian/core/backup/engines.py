"""Dumping and restoring the database, per engine: SQLite through its online backup API (SEC-19), PostgreSQL
through `pg_dump`/`pg_restore` in the custom format. Each dump comes with the row count of every table and a
digest of the audit log read from the same snapshot, so a restore can be proven complete (SEC-21).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess  # nosec B404 # pg_dump/pg_restore run with argument lists, never a shell
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from dangjian.core.backup.archive import create_private
from dangjian.core.crypto import sm3_hasher

AUDIT_TABLE = "core_auditevent"


class RestoreFailed(Exception):
    """The database tool reported an error while restoring; its message is kept for the operator."""


def _counts(cursor: Any, tables: list[str], audit_sql: str) -> dict[str, Any]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # nosec B608 # table names from the catalogue or the model, never user input
        counts[table] = int(cursor.fetchone()[0])
    digest, rows = sm3_hasher(), 0
    if AUDIT_TABLE in tables:
        cursor.execute(audit_sql)
        while batch := cursor.fetchmany(2000):
            for row in batch:
                digest.update(repr(tuple(row)).encode() + b"\n")
                rows += 1
    return {"tables": counts, "audit": {"rows": rows, "digest": digest.finalize().hex()}}


# --- SQLite -------------------------------------------------------------------------------------------------

_SQLITE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"


def sqlite_contents(path: Path) -> dict[str, Any]:
    """Row counts and the audit digest of a SQLite file."""
    with closing(sqlite3.connect(path)) as conn:
        cursor = conn.cursor()
        tables = [name for (name,) in cursor.execute(_SQLITE_TABLES).fetchall()]
        return _counts(cursor, tables, f'SELECT * FROM "{AUDIT_TABLE}" ORDER BY id')  # nosec B608 # table names from the catalogue or the model, never user input


def sqlite_dump(dest: Path) -> dict[str, Any]:
    """Copy the live database into `dest` with the online backup API (consistent while the app runs)."""
    connection.ensure_connection()
    with closing(sqlite3.connect(dest)) as target:
        connection.connection.backup(target)
    return sqlite_contents(dest)


def sqlite_restore(dump: Path, target: Path) -> None:
    """Copy a dumped database over `target`, page by page, in one step readers never see half done. A new
    target file is created readable by the service user only (SQLite gives its journal files the same mode)."""
    if not target.exists():
        create_private(target).close()
    with closing(sqlite3.connect(dump)) as source, closing(sqlite3.connect(target)) as dest:
        source.backup(dest)


# --- PostgreSQL -----------------------------------------------------------------------------------------------

_PG_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
_PG_AUDIT = f'SELECT t::text FROM "{AUDIT_TABLE}" t ORDER BY id'  # nosec B608 # table names from the catalogue or the model, never user input


def _pg_env(dbname: str | None = None) -> dict[str, str]:
    """libpq variables for the command-line tools, so the password never appears in a process list."""
    s = connection.settings_dict
    env = {**os.environ, "PGDATABASE": dbname or s["NAME"]}
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if s.get(key):
            env[var] = str(s[key])
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # nosec B603 # fixed program and argument list, no shell
    if result.returncode != 0:
        raise RestoreFailed(f"{args[0]} 失败：{result.stderr.strip()[-1000:]}")


def pg_dump(dest: Path) -> dict[str, Any]:
    """`pg_dump` of one exported snapshot, counted inside that same snapshot (so counts match the dump)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dest}"], _pg_env())
        cursor.execute(_PG_TABLES)
        return _counts(cursor, [name for (name,) in cursor.fetchall()], _PG_AUDIT)


def pg_restore(dump: Path, dbname: str | None = None, *, clean: bool) -> None:
    """Load a custom-format dump in one transaction: it all lands, or nothing changes."""
    args = ["pg_restore", "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]
    if clean:
        args += ["--clean", "--if-exists"]
    env = _pg_env(dbname)
    _run([*args, f"--dbname={env['PGDATABASE']}", str(dump)], env)


def pg_contents(dbname: str) -> dict[str, Any]:
    """Row counts and the audit digest of another database on the same server (the drill's scratch copy)."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    env = _pg_env(dbname)
    params = {k: env[v] for k, v in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"),
                                     ("password", "PGPASSWORD")) if v in env}
    with psycopg.connect(make_conninfo(dbname=dbname, **params)) as conn, conn.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")  # as Django's own connections, so timestamps read alike
        cursor.execute(_PG_TABLES)
        return _counts(cursor, [name for (name,) in cursor.fetchall()], _PG_AUDIT)


@contextmanager
def pg_scratch_database() -> Iterator[str]:
    """An empty database beside the live one for a restore drill, dropped afterwards (needs CREATEDB)."""
    name = f"{connection.settings_dict['NAME']}_drill_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
