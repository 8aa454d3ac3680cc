"""Django 5.2 assumes SQLite's old limit of 999 parameters per statement, which cuts bulk inserts of members
(25 columns) into batches of 39 rows. SQLite ≥ 3.32 allows 32,766; read the real limit from the connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int:  # type: ignore[override]
        self.connection.ensure_connection()
        return int(self.connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures

    def get_new_connection(self, conn_params: Any) -> Any:
        """The database file (and its WAL files) readable by the service user only, whatever the umask: it holds
        the whole register (issue 11 finding 5: it was created 0644)."""
        connection = super().get_new_connection(conn_params)
        name = str(self.settings_dict["NAME"] or "")
        if name and name != ":memory:" and not name.startswith("file:"):
            for suffix in ("", "-wal", "-shm"):
                path = Path(name + suffix)
                if path.exists() and path.stat().st_mode & 0o077:
                    path.chmod(0o600)
        return connection
