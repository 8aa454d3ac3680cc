"""The 党员名册 Excel export: scoped and filtered like the list, masked by default, full data only with the
reveal right, a reason and a verified session — and every export audited with its row count."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.models import AuditEvent
from dangjian.members import pii
from dangjian.members.models import Member
from tests.world import make_id_card

EXPORT = reverse("members:export")
LIST = reverse("members:list")


def sheet_rows(response: Any) -> list[dict[str, Any]]:
    """The exported sheet as a list of {header: value}."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def export_rows() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="members.export"))


def refusal_message(response: Any) -> str:
    assert response.status_code == 302 and response["Location"].startswith(LIST)
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_masked_export_holds_every_visible_row_masked_and_is_audited(world, login):
    rows = sheet_rows(login(world.admin, verified=True).get(EXPORT))
    assert sorted(r["姓名"] for r in rows) == sorted(["李党员", "赵二支", "钱三支"])
    by_name = {r["姓名"]: r for r in rows}
    member = world.member
    assert by_name["李党员"]["身份证号"] == member.id_card_masked
    assert by_name["李党员"]["手机号"] == member.phone_masked
    assert by_name["李党员"]["所在党支部"] == "第一党支部" and by_name["李党员"]["所在党小组"] == "第一党小组"
    assert by_name["李党员"]["性别"] == "男" and by_name["李党员"]["党员类别"] == "正式党员"
    clear = {pii.read_id_card(m) for m in Member.objects.all()} | {pii.read_phone(m) for m in Member.objects.all()}
    assert not clear & {str(v) for r in rows for v in r.values()}
    (audit_row,) = export_rows()
    assert audit_row.actor == world.admin
    assert audit_row.changes == {"rows": 3, "filters": {}, "unmasked": False}


def test_export_takes_the_list_filters_and_all_pages(world, login):
    for i in range(25):
        birth = dt.date(1980, 1, 1) + dt.timedelta(days=i)
        world.make_member(world.a2, name=f"党员{chr(0x4e00 + i)}", birth_date=birth, id_card=make_id_card(birth))
    rows = sheet_rows(login(world.admin, verified=True).get(EXPORT, {"org": world.general.pk, "page": 2}))
    assert len(rows) == 27  # both branches of 第一党总支, every page
    assert "钱三支" not in {r["姓名"] for r in rows}
    assert export_rows()[0].changes["filters"] == {"org": "第一党总支"}


def test_outsider_export_holds_none_of_the_other_subtree(world, login):
    rows = sheet_rows(login(world.outsider, verified=True).get(EXPORT))
    assert [r["姓名"] for r in rows] == ["钱三支"]
    # Asking for another subtree by filter is refused, not widened.
    response = login(world.outsider, verified=True).get(EXPORT, {"org": world.general.pk})
    assert "筛选条件有误" in refusal_message(response)


def test_system_roles_export_nothing(world, login):
    rows = sheet_rows(login(world.auditor, verified=True).get(EXPORT))
    assert rows == []


def test_searched_id_card_is_masked_in_the_audit_filters(world, login):
    # A whole number is refused in the URL (the lookup takes it by POST); a part of one is still masked.
    number = pii.read_id_card(world.member)
    assert login(world.admin, verified=True).get(EXPORT, {"q": number}).status_code == 302
    assert not export_rows()
    partial = number[:17]
    assert sheet_rows(login(world.admin, verified=True).get(EXPORT, {"q": partial})) == []
    (audit_row,) = export_rows()
    assert partial not in str(audit_row.changes)
    assert audit_row.changes["filters"]["q"].startswith(number[:3]) and "*" in audit_row.changes["filters"]["q"]


def test_unmasked_export_for_admin_with_reason_and_verified_session(world, login):
    response = login(world.admin, verified=True).post(EXPORT, {"unmasked": "1", "reason": "报送上级组织部门"})
    rows = sheet_rows(response)
    by_name = {r["姓名"]: r for r in rows}
    assert by_name["李党员"]["身份证号"] == pii.read_id_card(world.member)
    assert by_name["李党员"]["手机号"] == pii.read_phone(world.member)
    (audit_row,) = export_rows()
    assert audit_row.changes == {"rows": 3, "filters": {}, "unmasked": True}
    assert audit_row.reason == "报送上级组织部门"
    assert pii.read_id_card(world.member) not in str(audit_row.changes)


def test_unmasked_export_from_the_posted_form_keeps_the_filters(world, login):
    url = f"{EXPORT}?org={world.a1.pk}"
    rows = sheet_rows(login(world.admin, verified=True).post(url, {"unmasked": "1", "reason": "报送上级组织部门"}))
    assert [r["身份证号"] for r in rows] == [pii.read_id_card(world.member)]
    assert export_rows()[0].changes["rows"] == 1


def test_unmasked_export_refused_without_a_reason(world, login):
    response = login(world.admin, verified=True).post(EXPORT, {"unmasked": "1", "reason": "导出"})
    assert "事由" in refusal_message(response)
    assert export_rows() == []


def test_unmasked_export_refused_without_a_verified_session(world, login):
    # The export guard (accounts.export_guard) sends the 党务管理员 to bind the 动态口令 before any export.
    response = login(world.admin).post(EXPORT, {"unmasked": "1", "reason": "报送上级组织部门"})
    assert response.status_code == 302 and response.url == reverse("accounts:otp_setup")
    assert export_rows() == []


def test_unmasked_export_refused_without_the_reveal_right(world, login):
    for persona in (world.viewer, world.secretary, world.outsider):
        response = login(persona, verified=True).post(EXPORT, {"unmasked": "1", "reason": "报送上级组织部门"})
        assert "无权" in refusal_message(response)
    assert export_rows() == []
    assert AuditEvent.objects.filter(action="auth.denied", actor=world.secretary).exists()


def test_the_refusal_keeps_the_filters_and_drops_the_reason(world, login):
    response = login(world.viewer, verified=True).post(
        f"{EXPORT}?q=%E6%9D%8E", {"unmasked": "1", "reason": "报送上级组织部门"}
    )
    assert response["Location"] == f"{LIST}?q=%E6%9D%8E"


def test_export_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    client = login(world.admin, verified=True)
    client.get(LIST)  # warm the session
    for i in range(30):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=i)
        world.make_member(world.a2, name=f"导出{chr(0x4e00 + i)}", birth_date=birth, id_card=make_id_card(birth))
    with django_assert_max_num_queries(12):
        rows = sheet_rows(client.get(EXPORT))
    assert len(rows) == 33


def test_a_link_cannot_start_an_unmasked_export(world, login):
    """unmasked=1 in a query string is ignored: the export stays masked and is audited as such."""
    rows = sheet_rows(login(world.admin, verified=True).get(EXPORT, {"unmasked": "1", "reason": "报送上级组织部门"}))
    assert rows and all("*" in row["身份证号"] for row in rows)
    assert AuditEvent.objects.filter(action="members.export").latest("id").changes["unmasked"] is False
