"""The audit log (SEC-10..12): append-only in the app and in the database, readable only by the 审计管理员,
searchable and exportable with the view and export themselves audited, and free of personal data in clear."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core import audit
from dangjian.core.models import AuditEvent
from dangjian.core.views import AUDIT_EXPORT_MAX_ROWS
from dangjian.members import actions as member_actions
from dangjian.members import pii

# --- Append-only -----------------------------------------------------------------------------------------------


def test_an_audit_row_cannot_be_changed_or_deleted_through_the_model(world):
    event = AuditEvent.objects.first()
    assert event is not None
    event.reason = "篡改"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).reason != "篡改"


def test_bulk_update_and_delete_are_refused_by_the_database(world):
    pk = AuditEvent.objects.values_list("pk", flat=True)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=pk).update(reason="篡改")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=pk).delete()
    assert AuditEvent.objects.filter(pk=pk).exclude(reason="篡改").exists()


@pytest.mark.parametrize("sql", [
    "UPDATE core_auditevent SET reason = 'x' WHERE id = %s",
    "DELETE FROM core_auditevent WHERE id = %s",
])
def test_raw_sql_cannot_rewrite_the_log(world, sql):
    pk = AuditEvent.objects.values_list("pk", flat=True)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [pk])
    assert AuditEvent.objects.filter(pk=pk).exclude(reason="x").exists()


def test_every_action_code_has_a_chinese_label():
    for code, label in audit.ACTIONS.items():
        assert "." in code
        assert label and not label.isascii(), code


def test_an_unknown_action_code_is_refused(db):
    with pytest.raises(ValueError):
        audit.record("made.up", actor=None)


# --- Who reads it ----------------------------------------------------------------------------------------------


@pytest.fixture
def auditor(world, login):  # type: ignore[no-untyped-def]
    return login(world.auditor, verified=True)


@pytest.mark.parametrize("persona", ["admin", "sysadmin", "secadmin", "member_user", "secretary", "nobody"])
@pytest.mark.parametrize("params", [{}, {"export": "xlsx"}])
def test_only_the_auditor_reads_the_log_others_get_404_and_are_recorded(world, login, persona, params):
    user = getattr(world, persona)
    response = login(user, verified=True).get(reverse("core:audit"), params)
    assert response.status_code == 404
    denial = AuditEvent.objects.get(action="auth.denied", actor=user)
    assert denial.result == "denied"
    assert denial.reason == ("audit.export" if params else "audit.view")
    assert not AuditEvent.objects.filter(action__in=["audit.view", "audit.export"]).exists()


def test_viewing_the_log_is_itself_audited(world, auditor):
    response = auditor.get(reverse("core:audit"), {"action": "auth.login"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="audit.view")
    assert event.actor == world.auditor
    assert event.changes["filters"] == {"action": "auth.login"}


def shown(response) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(response.context["page"].object_list)


def test_the_auditor_searches_by_actor(world, auditor):
    rows = shown(auditor.get(reverse("core:audit"), {"q": "sysadmin"}))
    assert rows
    assert all("sysadmin" in (e.actor_name + e.object_repr) for e in rows)
    assert not any(e.actor_name == "admin" for e in rows)
    assert any(e.actor_name == "admin" for e in shown(auditor.get(reverse("core:audit"), {"q": "admin"})))


def test_the_auditor_filters_by_action_and_result(world, auditor):
    audit.record("auth.login_failed", actor=None, actor_name="someone", result="failure")
    rows = shown(auditor.get(reverse("core:audit"), {"action": "auth.login_failed", "result": "failure"}))
    assert [e.actor_name for e in rows] == ["someone"]


def test_the_auditor_filters_by_date_in_local_days(world, auditor):
    # 2026-01-10 23:30 in Beijing is 15:30 UTC the same day; 2026-01-11 00:30 Beijing is still 01-10 in UTC.
    beijing = dt.timezone(dt.timedelta(hours=8))
    with time_machine.travel(dt.datetime(2026, 1, 10, 23, 30, tzinfo=beijing), tick=False):
        audit.record("auth.login_failed", actor=None, actor_name="late-on-the-10th", result="failure")
    with time_machine.travel(dt.datetime(2026, 1, 11, 0, 30, tzinfo=beijing), tick=False):
        audit.record("auth.login_failed", actor=None, actor_name="early-on-the-11th", result="failure")
    rows = shown(auditor.get(reverse("core:audit"), {"start": "2026-01-10", "end": "2026-01-10"}))
    assert [e.actor_name for e in rows] == ["late-on-the-10th"]
    rows = shown(auditor.get(reverse("core:audit"), {"start": "2026-01-11", "end": "2026-01-11"}))
    assert [e.actor_name for e in rows] == ["early-on-the-11th"]


def test_bad_filters_show_errors_and_no_rows(world, auditor):
    response = auditor.get(reverse("core:audit"), {"start": "2026-02-10", "end": "2026-02-01"})
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert shown(response) == []


def test_the_log_paginates(world, auditor):
    for i in range(30):
        audit.record("auth.login_failed", actor=None, actor_name=f"bulk{i}", result="failure")
    first = auditor.get(reverse("core:audit"), {"action": "auth.login_failed"})
    assert len(shown(first)) == 20
    second = auditor.get(reverse("core:audit"), {"action": "auth.login_failed", "page": 2})
    assert len(shown(second)) == 10


def workbook_rows(response) -> list[tuple]:  # type: ignore[no-untyped-def]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def test_the_auditor_exports_xlsx_and_the_export_is_audited_with_its_row_count(world, auditor):
    expected = AuditEvent.objects.filter(action="accounts.role_grant").count()
    response = auditor.get(reverse("core:audit"), {"action": "accounts.role_grant", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    rows = workbook_rows(response)
    assert rows[0][:5] == ("时间", "账号", "角色", "IP地址", "操作")
    assert len(rows) - 1 == expected
    assert all(r[4] == "授予角色" for r in rows[1:])
    # Changes are readable JSON, not Python reprs.
    assert json.loads(rows[1][-1])["role"]
    event = AuditEvent.objects.get(action="audit.export")
    assert event.actor == world.auditor
    assert event.changes["rows"] == expected
    assert event.changes["filters"]["action"] == "accounts.role_grant"


def test_an_export_with_bad_filters_never_falls_back_to_the_whole_log(world, auditor):
    response = auditor.get(reverse("core:audit"), {"start": "not-a-date", "export": "xlsx"})
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action="audit.export", result="success").exists()


def test_an_oversized_export_is_refused_and_recorded(world, auditor, monkeypatch):
    monkeypatch.setattr("dangjian.core.views.AUDIT_EXPORT_MAX_ROWS", 3)
    response = auditor.get(reverse("core:audit"), {"export": "xlsx"}, follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "请缩小" in response.content.decode()
    assert AuditEvent.objects.get(action="audit.export").result == "failure"
    assert AUDIT_EXPORT_MAX_ROWS == 5000


def test_export_cells_cannot_inject_formulas(world, auditor):
    audit.record("auth.login_failed", actor=None, actor_name="=HYPERLINK(\"http://x\")", result="failure")
    response = auditor.get(reverse("core:audit"), {"action": "auth.login_failed", "export": "xlsx"})
    names = [r[1] for r in workbook_rows(response)[1:]]
    assert names == ["'=HYPERLINK(\"http://x\")"]


# --- No personal data in clear ------------------------------------------------------------------------------------


def test_personal_data_never_appears_in_clear_in_the_audit_log(world, settings, login):
    settings.DANGJIAN_REVEAL_REQUIRES_OTP = False
    member = world.make_member(world.a1, name="王保密", phone="13900001111")
    number = pii.read_id_card(member)
    assert member_actions.reveal(member, actor=world.admin, field="id_card", reason="核对党员身份") == number
    assert member_actions.reveal(member, actor=world.admin, field="phone", reason="联系本人核实") == "13900001111"
    member_actions.update_member(member, actor=world.admin, data={"phone": "13900002222"})
    # A 系统管理员 links an account by the number: still nothing in clear.
    sysadmin = login(world.sysadmin, verified=True)
    sysadmin.post(reverse("accounts:user_link", args=[world.nobody.pk]), {"id_card": number})
    assert AuditEvent.objects.filter(action="members.reveal").count() == 2
    assert AuditEvent.objects.filter(action="accounts.user_update").exists()
    secrets = (number, number[:-1], "13900001111", "13900002222")
    for event in AuditEvent.objects.all():
        blob = json.dumps(event.changes, ensure_ascii=False) + event.reason + event.object_repr + event.actor_name
        for secret in secrets:
            assert secret not in blob, event.action


def test_a_reveal_records_field_and_reason(world, settings):
    settings.DANGJIAN_REVEAL_REQUIRES_OTP = False
    member_actions.reveal(world.member, actor=world.admin, field="id_card", reason="核对党员身份")
    event = AuditEvent.objects.get(action="members.reveal")
    assert (event.actor, event.reason, event.changes) == (world.admin, "核对党员身份", {"field": "身份证号"})
    assert event.org_name == "第一党支部"


def test_audit_rows_record_time_with_offset_ip_and_request_id(world, auditor):
    auditor.get(reverse("core:audit"))
    event = AuditEvent.objects.get(action="audit.view")
    assert event.time.utcoffset() is not None
    assert event.ip == "127.0.0.1"
    assert len(event.request_id) == 32
    assert event.role == "审计管理员"
