"""One applicant from 递交入党申请书 to 转正 through the actions: the member record is created at admission
(a 预备党员 from the 支部大会's date), placed in a 党小组, and made a 正式党员 from the day the probation ended."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dangjian.core.models import AuditEvent
from dangjian.members import pii
from dangjian.members.choices import MemberEventKind, PartyStatus
from dangjian.orglife import actions as orglife
from dangjian.orglife.choices import AttendanceStatus, MeetingKind
from dangjian.recruitment import actions
from dangjian.recruitment.models import ApplicantStatus
from tests.recruitment.conftest import TALLY, applicant_data, full_members, step

BEIJING = ZoneInfo("Asia/Shanghai")


def test_full_path_from_application_to_full_membership(world):
    mentor, introducer = full_members(world)
    data = applicant_data(world)
    applicant = actions.create_applicant(actor=world.secretary, data=data)
    assert applicant.step == 1 and applicant.next_step == 2 and applicant.due_on == dt.date(2024, 4, 1)
    assert applicant.id_card_masked.startswith(data["id_card"][:4]) and "*" in applicant.id_card_masked
    assert data["id_card"] not in applicant.id_card_cipher

    step(world, applicant, 2, dt.date(2024, 3, 20), handled_by="组织委员 周书记")
    step(world, applicant, 3, dt.date(2024, 5, 10))
    step(world, applicant, 4, dt.date(2024, 5, 20))
    step(world, applicant, 5, dt.date(2024, 5, 25), people=[mentor])
    step(world, applicant, 6, dt.date(2024, 11, 5))
    step(world, applicant, 6, dt.date(2025, 4, 30))
    step(world, applicant, 7, dt.date(2025, 5, 10))
    step(world, applicant, 8, dt.date(2025, 5, 20))
    step(world, applicant, 9, dt.date(2025, 5, 25), people=[mentor, introducer])
    step(world, applicant, 10, dt.date(2025, 6, 10))
    step(world, applicant, 11, dt.date(2025, 6, 20), training_days=3, training_hours=24)
    step(world, applicant, 12, dt.date(2025, 7, 1))
    step(world, applicant, 13, dt.date(2025, 7, 10))
    step(world, applicant, 14, dt.date(2025, 7, 15))

    # The 支部党员大会 is recorded in 组织生活; the admission vote is recorded on it, for this candidate alone.
    meeting = orglife.record_meeting(actor=world.secretary, org=world.a1, data={
        "kinds": [MeetingKind.BRANCH_ASSEMBLY], "starts_at": dt.datetime(2025, 7, 20, 15, 0, tzinfo=BEIJING),
        "place": "党员活动室",
    })
    expected = orglife.expected_members(world.a1, meeting.held_on, [MeetingKind.BRANCH_ASSEMBLY])
    orglife.set_attendance(meeting, actor=world.secretary, entries=[
        {"member": m, "status": AttendanceStatus.PRESENT} for m in expected
    ])
    admitted = step(world, applicant, 15, None, meeting=meeting, yes=len(expected), no=0, abstain=0)
    assert admitted.date == dt.date(2025, 7, 20) and admitted.meeting == meeting
    assert admitted.vote.subject == "接收陈申请为预备党员" and admitted.vote.passed
    assert admitted.vote.entitled == len(expected)

    step(world, applicant, 16, dt.date(2025, 8, 1))
    applicant.refresh_from_db()
    assert applicant.next_step == 17 and applicant.due_on == dt.date(2025, 10, 20)
    step(world, applicant, 17, dt.date(2025, 9, 1), doc_no="机党发〔2025〕12号")
    applicant.refresh_from_db()
    member = applicant.member
    assert applicant.status == ApplicantStatus.PROBATION
    assert member.party_status == PartyStatus.PROBATIONARY and member.joined_on == dt.date(2025, 7, 20)
    assert member.org == world.a1 and member.name == "陈申请" and member.education == "postgraduate"
    assert pii.read_id_card(member) == data["id_card"] and pii.read_phone(member) == "13900001111"

    step(world, applicant, 18, dt.date(2025, 9, 10))
    step(world, applicant, 19, dt.date(2025, 9, 15), group=world.a1_group)
    member.refresh_from_db()
    assert member.group == world.a1_group
    step(world, applicant, 20, dt.date(2025, 9, 20))
    step(world, applicant, 21, dt.date(2026, 1, 10))
    step(world, applicant, 22, dt.date(2026, 7, 10))
    applicant.refresh_from_db()
    assert applicant.next_step == 23 and applicant.due_on == dt.date(2026, 7, 20)
    step(world, applicant, 23, dt.date(2026, 7, 20), outcome="confirm", **TALLY)
    step(world, applicant, 24, dt.date(2026, 8, 15))
    member.refresh_from_db()
    applicant.refresh_from_db()
    assert applicant.status == ApplicantStatus.CONFIRMED and applicant.next_step == 25
    # 党龄 counts from the day the probation ended, not from the approval.
    assert member.party_status == PartyStatus.FULL and member.confirmed_on == dt.date(2026, 7, 20)
    assert member.party_years(dt.date(2027, 7, 20)) == 1
    assert list(member.events.order_by("date").values_list("kind", flat=True)) == [
        MemberEventKind.JOINED, MemberEventKind.CONFIRMED,
    ]
    step(world, applicant, 25, dt.date(2026, 9, 1))
    applicant.refresh_from_db()
    assert applicant.step == 25 and applicant.next_step is None and applicant.due_on is None
    assert applicant.steps.count() == 26
    assert AuditEvent.objects.filter(action="recruitment.step", object_id=str(applicant.pk)).count() == 25
    assert AuditEvent.objects.filter(action="members.create", object_id=str(member.pk)).exists()
