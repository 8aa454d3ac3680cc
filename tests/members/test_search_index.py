"""The member search's PostgreSQL-only index (migration members 0003): present on PostgreSQL with the columns a
name or pinyin search's count reads, so the count is an index-only scan; absent on SQLite (nothing changes there)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _index_definition() -> str | None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'members_org_state_names'")
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'members_org_state_names'")
        row = cursor.fetchone()
    return row[0] if row else None


def test_the_search_index_covers_the_subtree_and_name_columns_on_postgresql_and_is_absent_on_sqlite():
    definition = _index_definition()
    if connection.vendor == "postgresql":
        assert definition is not None
        assert "(org_id, state) INCLUDE (name, name_initials, name_pinyin)" in definition
    else:
        assert definition is None
