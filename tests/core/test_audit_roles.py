"""On PostgreSQL the application role can read and append to the audit log but not change it, even with the
triggers out of the way, and cannot drop them (issue 11 finding 2): deploy/postgres/grants.sql applied to a role
of its own inside the test's transaction, then the role's rights tried with SET ROLE."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from dangjian.core import audit, auditchain

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")

GRANTS = Path(__file__).resolve().parents[2] / "deploy" / "postgres" / "grants.sql"
APP = "dangjian_app_under_test"


def as_app(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{APP}"')
        cursor.execute(sql)


@pytest.fixture
def app_role(db):  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{APP}"')
        cursor.execute(f'GRANT USAGE ON SCHEMA public TO "{APP}"')
        for statement in re.sub(r"--[^\n]*", "", GRANTS.read_text()).split(";"):
            if statement.strip():
                cursor.execute(statement.replace(':"app"', f'"{APP}"'))
    audit.record("core.rule_set", actor=None, actor_name="before")


def test_the_application_role_reads_and_appends_to_the_log(app_role):
    as_app("SELECT count(*) FROM core_auditevent")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{APP}"')
        event = audit.record("core.rule_set", actor=None, actor_name="app")
    assert event.seq is not None and auditchain.verify().broken is None
    as_app("UPDATE orgs_organization SET name = name WHERE false")


@pytest.mark.parametrize("sql", [
    "UPDATE core_auditevent SET reason = 'x'",
    "DELETE FROM core_auditevent",
    "TRUNCATE core_auditevent",
    "DROP TRIGGER core_auditevent_no_change ON core_auditevent",
    "ALTER TABLE core_auditevent DISABLE TRIGGER USER",
])
def test_the_application_role_cannot_change_the_log_or_its_triggers(app_role, sql):
    with pytest.raises(DatabaseError, match="permission denied|must be owner"):
        as_app(sql)
