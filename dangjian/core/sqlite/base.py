"""Django 5.2 assumes SQLite's old limit of 999 parameters per statement, which cuts bulk inserts of members
(25 columns) into batches of 39 rows. SQLite ≥ 3.32 allows 32,766; read the real limit from the connection."""

from __future__ import annotations

import sqlite3

from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int:  # type: ignore[override]
        self.connection.ensure_connection()
        return int(self.connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
