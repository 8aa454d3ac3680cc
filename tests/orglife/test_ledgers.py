"""台账 generated from the records: the meetings with attendance, the compliance sheet and the 换届 register."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.models import AuditEvent
from dangjian.leadership.actions import open_term
from dangjian.orglife import actions
from dangjian.orglife.choices import MeetingKind

NOW = dt.datetime(2025, 12, 20, 4, tzinfo=dt.UTC)
BJ = ZoneInfo("Asia/Shanghai")


def sheets(response) -> dict[str, list[tuple]]:
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


@time_machine.travel(NOW, tick=False)
def test_the_ledger_lists_each_meeting_with_attendance_and_the_compliance_and_register_sheets(world, login):
    second = world.make_member(world.a1, name="请假人")
    meeting = actions.record_meeting(
        actor=world.secretary, org=world.a1,
        data={"kinds": [MeetingKind.THEME_DAY, MeetingKind.BRANCH_ASSEMBLY],
              "starts_at": dt.datetime(2025, 11, 10, 15, tzinfo=BJ), "place": "三楼会议室"},
    )
    actions.set_attendance(meeting, actor=world.secretary, entries=[
        {"member": world.member.pk, "status": "present"},
        {"member": second.pk, "status": "leave", "leave_reason": "出差"},
    ])
    actions.submit_meeting(meeting, actor=world.secretary)
    open_term(world.a1, actor=world.admin, number=3, starts_on=dt.date(2023, 1, 5), doc_no="组字1号")
    book = sheets(login(world.admin, verified=True).get(reverse("orglife:ledger", args=[world.general.pk, 2025])))
    assert list(book) == ["组织生活台账", "落实情况", "换届登记"]
    header, *rows = book["组织生活台账"]
    row = dict(zip(header, rows[0], strict=False))
    assert (row["党组织"], row["应到"], row["实到"], row["请假"], row["请假人员及事由"]) == (
        "第一党支部", 2, 1, 1, "请假人（出差）"
    )
    assert "主题党日" in row["类型"] and "支部党员大会" in row["类型"]
    compliance = book["落实情况"]
    theme_day_a1 = next(r for r in compliance if r[0] == "第一党支部" and r[1] == "主题党日")
    assert "11月：已完成（1次）" in theme_day_a1 and "10月：逾期未开" in theme_day_a1
    assert any(r[0] == "第二党支部" for r in compliance)
    register = {r[0]: r for r in book["换届登记"][1:]}
    assert register["第一党支部"][2] == 3 and register["第二党支部"][7] == "未录入届次"
    assert AuditEvent.objects.filter(action="orglife.ledger", actor=world.admin).exists()


@time_machine.travel(NOW, tick=False)
def test_outsiders_and_plain_members_get_no_ledger(world, login):
    url = reverse("orglife:ledger", args=[world.a1.pk, 2025])
    assert login(world.outsider, verified=True).get(url).status_code == 404
    assert login(world.member_user, verified=True).get(url).status_code == 404
    assert login(world.auditor, verified=True).get(url).status_code == 404
    assert login(world.viewer, verified=True).get(url).status_code == 200


def docx_text(response) -> str:
    from docx import Document

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    doc = Document(io.BytesIO(response.content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@time_machine.travel(NOW, tick=False)
def test_the_word_ledger_holds_the_same_meetings_compliance_and_register_as_the_workbook(world, login):
    second = world.make_member(world.a1, name="请假人")
    meeting = actions.record_meeting(
        actor=world.secretary, org=world.a1,
        data={"kinds": [MeetingKind.BRANCH_ASSEMBLY], "starts_at": dt.datetime(2025, 11, 10, 15, tzinfo=BJ),
              "place": "三楼会议室", "topics": "研究<发展>&转正"},
    )
    actions.set_attendance(meeting, actor=world.secretary, entries=[
        {"member": world.member.pk, "status": "present"},
        {"member": second.pk, "status": "leave", "leave_reason": "出差"},
    ])
    open_term(world.a1, actor=world.admin, number=3, starts_on=dt.date(2023, 1, 5), doc_no="组字1号")
    url = reverse("orglife:ledger", args=[world.general.pk, 2025]) + "?format=docx"
    text = docx_text(login(world.admin, verified=True).get(url))
    assert "机关党总支2025年组织生活台账" in text or "2025年组织生活台账" in text
    assert "2025年11月10日" in text and "三楼会议室" in text
    assert "应到2人，实到1人，请假1人，缺席0人。请假：请假人（出差）。" in text
    # Markup in the data is text in the document, not broken XML.
    assert "研究<发展>&转正" in text
    assert "第二党支部" in text and "未录入届次" in text and "2023年1月5日" in text
    assert AuditEvent.objects.get(action="orglife.ledger", actor=world.admin).changes["format"] == "docx"


@time_machine.travel(NOW, tick=False)
def test_outsiders_get_no_word_ledger(world, login):
    url = reverse("orglife:ledger", args=[world.a1.pk, 2025]) + "?format=docx"
    assert login(world.outsider, verified=True).get(url).status_code == 404
