"""Against a real PostgreSQL streaming replica (scripts/replica; DATABASE_URL on the primary, DATABASE_REPLICA_URL the
same database on 127.0.0.1:5433): the home dashboard is read from the replica, including what the primary wrote once
the replica has caught up; a browser that just wrote reads from the primary; the replica refuses writes.

Marked `replica` and skipped without DATABASE_REPLICA_URL; .ci/run starts the replica and runs these."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InternalError, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.dbrouter import REPLICA, reading_from_replica, unit_of_work
from dangjian.members.models import Member
from tests.world import build_world

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(REPLICA not in settings.DATABASES, reason="needs DATABASE_REPLICA_URL (scripts/replica)"),
    pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA]),
]

MEMBER_TABLE = f'"{Member._meta.db_table}"'


@pytest.fixture(autouse=True)
def _flushable_audit_log(transactional_db: None) -> Any:
    """These tests commit (the replica only sees committed data), so teardown empties the tables with TRUNCATE,
    which the audit log's append-only trigger refuses. For that flush only, this session sets triggers aside
    (session_replication_role = replica, superuser); each test starts with them back on."""
    _set_triggers("RESET session_replication_role")
    yield
    _set_triggers("SET session_replication_role = replica")


def _set_triggers(sql: str) -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql)


def _one(alias: str, sql: str, params: list[Any] | None = None) -> Any:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def wait_for_replica(timeout: float = 10.0) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    target = _one(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while not _one(REPLICA, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]):
        assert time.monotonic() < deadline, f"the replica did not reach {target} in {timeout} s"
        time.sleep(0.05)


def _home(client: Any) -> tuple[Any, list[str], list[str]]:
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response, [q["sql"] for q in on_replica], [q["sql"] for q in on_primary]


def test_the_dashboard_reads_from_the_replica_what_the_primary_wrote_and_the_primary_after_a_write(login):
    # The replica alias is a hot standby of the primary's database, on another server.
    assert _one(REPLICA, "SELECT pg_is_in_recovery()") is True
    assert _one(DEFAULT_DB_ALIAS, "SELECT pg_is_in_recovery()") is False
    assert _one(REPLICA, "SELECT current_database()") == _one(DEFAULT_DB_ALIAS, "SELECT current_database()")
    assert connections[REPLICA].settings_dict["PORT"] != connections[DEFAULT_DB_ALIAS].settings_dict["PORT"]

    world = build_world()
    client = login(world.admin)
    wait_for_replica()
    response, on_replica, on_primary = _home(client)
    assert response.context["member_counts"]["on_roll"] == 3
    assert any(MEMBER_TABLE in sql for sql in on_replica)
    assert not any(MEMBER_TABLE in sql for sql in on_primary)

    world.make_member(world.b, name="新党员")  # on the primary, outside any request
    wait_for_replica()
    response, on_replica, _ = _home(client)
    assert response.context["member_counts"]["on_roll"] == 4
    assert any(MEMBER_TABLE in sql for sql in on_replica)

    # The browser that just wrote reads the dashboard from the primary (read-your-writes).
    assert client.post(reverse("accounts:elder_mode"), {"on": "1"}).status_code == 302
    response, on_replica, on_primary = _home(client)
    assert response.context["member_counts"]["on_roll"] == 4
    assert not any(MEMBER_TABLE in sql for sql in on_replica)
    assert any(MEMBER_TABLE in sql for sql in on_primary)


def test_the_replica_refuses_writes_and_the_router_sends_them_to_the_primary():
    world = build_world()
    wait_for_replica()
    with pytest.raises(InternalError, match="read-only transaction"):
        Member.objects.using(REPLICA).filter(pk=world.member.pk).update(name="改名")
    with unit_of_work(), reading_from_replica():
        member = Member.objects.get(pk=world.member.pk)
        assert member._state.db == REPLICA
        Member.objects.filter(pk=member.pk).update(name="改名")
    assert Member.objects.get(pk=world.member.pk).name == "改名"
