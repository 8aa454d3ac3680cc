"""The audit log's hash chain (SEC-12, issue 11 finding 2): every event is chained to the one before by an
HMAC-SM3 under a key outside the database; a row rewritten, removed or slipped in around the app is found by
`dangjian audit verify`, which names the first row that no longer fits and exits non-zero; events are
forwarded to syslog as JSON when configured."""

from __future__ import annotations

import json
import socket

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from dangjian.core import audit, auditchain, forward
from dangjian.core.models import AuditChainHead, AuditEvent


def record(n: int) -> list[AuditEvent]:
    return [audit.record("core.rule_set", actor=None, actor_name=f"op{i}", changes={"i": i, "tuple": (1, 2)})
            for i in range(n)]


def tamper(sql: str, params: list[object]) -> None:
    """What someone with the database file or a superuser could do around the app: lift the append-only
    triggers and change rows (rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
        else:
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)


def test_events_are_chained_in_order_and_the_chain_verifies(db):
    events = record(3)
    seqs = [e.seq for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + 3))
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert len(events[2].hash) == 64
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (events[2].seq, events[2].hash)
    report = auditchain.verify()
    assert report.broken is None and report.checked == AuditEvent.objects.count()


def test_a_rewritten_actor_is_found_and_named(db):
    events = record(3)
    tamper("UPDATE core_auditevent SET actor_name = 'someone' WHERE id = %s", [events[1].pk])
    broken = auditchain.verify().broken
    assert broken is not None and broken.event_id == events[1].pk and "本条被改动" in broken.reason


@pytest.mark.skipif(connection.vendor != "sqlite", reason="INSERT OR REPLACE is SQLite's")
def test_insert_or_replace_on_sqlite_is_found(db):
    """The attack of finding 2: REPLACE deletes and re-inserts, firing no update trigger."""
    events = record(2)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT OR REPLACE INTO core_auditevent (id, time, actor_name, role, ip, user_agent, request_id, action,"
            " object_type, object_id, object_repr, org_path, org_name, result, reason, changes, seq, prev_hash, hash)"
            " SELECT id, time, 'intruder', role, ip, user_agent, request_id, action, object_type, object_id,"
            " object_repr, org_path, org_name, result, reason, changes, seq, prev_hash, hash"
            " FROM core_auditevent WHERE id = %s", [events[0].pk])
    broken = auditchain.verify().broken
    assert broken is not None and broken.event_id == events[0].pk


def test_a_removed_row_breaks_the_link_of_the_next(db):
    events = record(3)
    tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    broken = auditchain.verify().broken
    assert broken is not None and broken.seq == events[1].seq and "缺少" in broken.reason


def test_rows_removed_from_the_end_are_found_by_the_head(db):
    events = record(3)
    tamper("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    broken = auditchain.verify().broken
    assert broken is not None and "末尾" in broken.reason


def test_a_row_written_around_the_chain_is_found(db):
    record(1)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (time, actor_name, role, ip, user_agent, request_id, action, object_type,"
            " object_id, object_repr, org_path, org_name, result, reason, changes, prev_hash, hash)"
            " VALUES (CURRENT_TIMESTAMP, 'x', '', '', '', '', 'auth.login', '', '', '', '', '', 'success', '', '{}',"
            " '', '')")
    broken = auditchain.verify().broken
    assert broken is not None and "不在校验链中" in broken.reason


def test_the_command_exits_non_zero_naming_the_row(db):
    events = record(2)
    call_command("audit", "verify")  # intact: no error
    tamper("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert f"第{events[0].seq}条" in str(exc.value) and f"编号 {events[0].pk}" in str(exc.value)
    assert AuditEvent.objects.filter(action="audit.verify", result="failure").exists()


def test_another_key_does_not_verify(db, settings):
    record(1)
    settings.DANGJIAN_AUDIT_KEY = "another-key"
    assert auditchain.verify().broken is not None


def test_events_are_forwarded_to_syslog_as_json_after_commit(db, settings, django_capture_on_commit_callbacks):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    settings.DANGJIAN_AUDIT_SYSLOG = f"127.0.0.1:{receiver.getsockname()[1]}"
    forward._handler.cache_clear()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            event = audit.record("core.rule_set", actor=None, actor_name="op", changes={"key": "x"})
        data = receiver.recv(65536).decode()
    finally:
        receiver.close()
        forward._handler.cache_clear()
    assert "dangjian-audit: " in data
    sent = json.loads(data.split("dangjian-audit: ", 1)[1].rstrip("\x00"))
    assert (sent["seq"], sent["hash"], sent["action"], sent["changes"]) == (event.seq, event.hash, "core.rule_set",
                                                                            {"key": "x"})


def test_a_rolled_back_event_is_not_forwarded(db, settings, django_capture_on_commit_callbacks):
    settings.DANGJIAN_AUDIT_SYSLOG = "127.0.0.1:9"
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                audit.record("core.rule_set", actor=None)
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []


@pytest.mark.parametrize(("target", "expected"), [
    ("10.0.0.5:514", (("10.0.0.5", 514), socket.SOCK_DGRAM)),
    ("tcp:logs.example:6514", (("logs.example", 6514), socket.SOCK_STREAM)),
    ("/dev/log", ("/dev/log", socket.SOCK_DGRAM)),
])
def test_syslog_targets_are_read(target, expected):
    assert forward.address(target) == expected


def test_a_bad_syslog_target_is_refused_with_a_message():
    with pytest.raises(ValueError, match="DANGJIAN_AUDIT_SYSLOG"):
        forward.address("nohostport")
