"""Plain multi-row INSERTs for bulk writes (the demo loader, the member import), bypassing `bulk_create`.

`bulk_create` compiles every value of every row into SQL one by one (measured: 46 of 73 s for 100,000 members with
events on SQLite; 60 % of a 20,000-row member import). `RowWriter` builds one parameterised INSERT per model and
sends prepared tuples through the driver's `executemany`. `allocate_ids` hands out primary keys ahead of the
INSERT, so that rows pointing at the new rows (history, events) can be written without reading them back.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction


class RowWriter:
    """Plain multi-row INSERTs for one model, bypassing the ORM's per-field SQL compilation.

    Values arrive as {attname: python value}; fields left out get their model default; dates and datetimes are
    adapted by the backend's own operations, so the rows are what the ORM would have written. Columns come from
    the model, so a field added later is not silently skipped. `explicit_pk`: the caller supplies ids (needed to
    point other rows at these without reading them back); otherwise the database assigns them.
    """

    def __init__(self, model: type[models.Model], *, explicit_pk: bool) -> None:
        ops = connection.ops
        self.fields = [f for f in model._meta.concrete_fields if explicit_pk or not f.primary_key]
        self.adapters: list[Callable[[Any], Any] | None] = []
        self.defaults: list[Any] = []
        for f in self.fields:
            if isinstance(f, models.DateTimeField):
                self.adapters.append(_last_value_cache(ops.adapt_datetimefield_value))
            elif isinstance(f, models.DateField):
                self.adapters.append(ops.adapt_datefield_value)
            elif isinstance(f, models.JSONField):
                self.adapters.append(functools.partial(f.get_db_prep_save, connection=connection))
            else:  # text, numbers, booleans and foreign keys go to both drivers as they are
                self.adapters.append(None)
            self.defaults.append(None if f.primary_key else f.get_db_prep_save(f.get_default(), connection))
        qn = ops.quote_name
        self.table = model._meta.db_table
        self.columns = ", ".join(qn(f.column) for f in self.fields)
        self.sql = f"INSERT INTO {qn(self.table)} ({self.columns}) VALUES ({', '.join(['%s'] * len(self.fields))})"  # nosec B608 # table and column names from the model, never user input

    def slot(self, attname: str) -> int:
        """The position of a field's value in the rows `row` returns (to fill in an id allocated later)."""
        return next(i for i, f in enumerate(self.fields) if f.attname == attname)

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        out: list[Any] = []
        for f, adapt, default in zip(self.fields, self.adapters, self.defaults, strict=True):
            if f.attname not in values:
                out.append(default)
                continue
            v = values[f.attname]
            out.append(adapt(v) if adapt is not None and v is not None else v)
        return tuple(out)

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)


def _last_value_cache(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Timestamps are one value per run: adapt it once, not once per row."""
    last: list[Any] = [None, None]

    def cached(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, adapt(value)
        return last[1]

    return cached


def reset_sequences(*model_list: type[models.Model]) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys for new rows of `model` that no other writer will take.

    PostgreSQL: drawn from the table's sequence (`nextval`, safe beside concurrent inserts, callable before the
    transaction). SQLite: the next free range after both the highest id and the AUTOINCREMENT counter, so an id
    is never reused; the caller must already hold the write lock (inside `transaction.atomic()`, which this
    project opens with BEGIN IMMEDIATE), or another writer could take the same range.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("allocate_ids on SQLite must run inside the writing transaction")
        cursor.execute(f"SELECT COALESCE(MAX({qn(column)}), 0) FROM {qn(table)}")  # nosec B608 # table and column names from the model, never user input
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
        if cursor.fetchone() is not None:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
            highest = max(highest, found[0] if found else 0)
    return list(range(highest + 1, highest + 1 + count))


class Staging:
    """A session-private TEMP table with a RowWriter's columns: rows go there first, then into the real table in one
    `INSERT … SELECT`, so the transaction that takes the database's write lock runs no per-row Python at all.

    On SQLite a TEMP table lives in the connection's own temporary database: writing it takes no lock on the main
    file, so other writers are not held up while the rows are bound and sent. On PostgreSQL a TEMP table is private
    to the session as well. `shift`: columns whose staged value is an offset to add at copy time (member ids known
    only once the write lock is held).
    """

    def __init__(self, writer: RowWriter, name: str) -> None:
        self.writer = writer
        self.name = connection.ops.quote_name(name)

    def __enter__(self) -> Staging:
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
            cursor.execute(
                f"CREATE TEMP TABLE {self.name} AS SELECT {self.writer.columns} FROM {qn(self.writer.table)} WHERE 1 = 0"  # nosec B608 # table and column names from the model, never user input
            )
        return self

    def __exit__(self, *exc: object) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")

    def insert(self, rows: list[Any]) -> None:
        if not rows:
            return
        marks = ", ".join(["%s"] * len(self.writer.fields))
        # PostgreSQL: one transaction rather than one per row (it locks nothing others need). SQLite: autocommit,
        # since this project opens every transaction with BEGIN IMMEDIATE, which would take the main file's lock.
        batch = transaction.atomic() if connection.vendor == "postgresql" else contextlib.nullcontext()
        with batch, connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.name} ({self.writer.columns}) VALUES ({marks})", rows)  # nosec B608 # table and column names from the model, never user input

    def copy(self, shift: dict[str, int] | None = None) -> None:
        """Copy every staged row into the real table, adding `shift[attname]` to those columns."""
        qn = connection.ops.quote_name
        shift = shift or {}
        chosen = [f"{qn(f.column)} + {int(shift[f.attname])}" if f.attname in shift else qn(f.column)
                  for f in self.writer.fields]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {qn(self.writer.table)} ({self.writer.columns}) SELECT {', '.join(chosen)} FROM {self.name}"  # nosec B608 # table and column names from the model, never user input
            )
