"""The attendance sheet on a phone (issue 9): a reason kept for every non-attendance (defect 2), members away or
out of contact shown apart and left out of 应到 only on a recorded basis (defect 3), 保存并提交 with the study
record and 学时 in one trip."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.learning.models import Participation, StudySession
from dangjian.orglife import actions
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.models import Attendance, Meeting
from dangjian.transfers import actions as transfer_actions

NOW = dt.datetime(2026, 6, 30, 4, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 30)


def draft(world, kinds=(MeetingKind.THEME_DAY, MeetingKind.BRANCH_ASSEMBLY), **extra) -> Meeting:
    return actions.record_meeting(actor=world.secretary, org=world.a1, data={
        "kinds": list(kinds), "starts_at": timezone.now() - dt.timedelta(hours=2), **extra})


def errors_of(exc) -> dict:
    return exc.value.message_dict


@time_machine.travel(NOW, tick=False)
def test_the_reason_typed_for_an_absent_member_is_stored_and_shown(world, login):
    other = world.make_member(world.a1, name="王缺席")
    meeting = draft(world)
    client = login(world.secretary)
    sheet = reverse("orglife:attendance", args=[meeting.pk])
    page = client.get(sheet).content.decode()
    assert "请假事由" not in page and f"{other.name}未出席的原因" in page
    response = client.post(sheet, {
        f"status_{world.member.pk}": "present", f"status_{other.pk}": "absent", f"reason_{other.pk}": "临时出差未请假",
        "minutes": "",
    })
    assert response.status_code == 302
    assert Attendance.objects.get(meeting=meeting, member=other).reason == "临时出差未请假"
    detail = client.get(reverse("orglife:detail", args=[meeting.pk])).content.decode()
    assert "未出席原因" in detail and "临时出差未请假" in detail


@time_machine.travel(NOW, tick=False)
def test_a_reason_over_the_limit_is_refused_naming_the_member_and_nothing_is_written(world, login):
    other = world.make_member(world.a1, name="王缺席")
    meeting = draft(world)
    with pytest.raises(ValidationError) as exc:
        actions.set_attendance(meeting, actor=world.secretary, entries=[
            {"member": world.member.pk, "status": "present"},
            {"member": other.pk, "status": "absent", "reason": "因" * 201},
        ])
    assert errors_of(exc)["attendance"] == ["王缺席：未出席原因不能超过200个字（现为201个字）"]
    assert not Attendance.objects.filter(meeting=meeting).exists()
    client = login(world.secretary)
    page = client.post(reverse("orglife:attendance", args=[meeting.pk]), {
        f"status_{world.member.pk}": "present", f"status_{other.pk}": "absent", f"reason_{other.pk}": "因" * 201,
    })
    assert page.status_code == 200 and "王缺席：未出席原因不能超过200个字" in page.content.decode()
    assert not Attendance.objects.filter(meeting=meeting).exists()


@time_machine.travel(NOW, tick=False)
def test_floating_and_lost_members_are_shown_apart_and_start_as_not_attending(world, login):
    away = world.make_member(world.a1, name="周外出")
    lost = world.make_member(world.a1, name="吴失联")
    transfer_actions.record_floating(away, actor=world.admin, data={
        "left_on": dt.date(2026, 5, 1), "place": "成都市", "fixed_place": True}, today=TODAY)
    transfer_actions.record_lost_contact(lost, actor=world.admin, last_contact_on=dt.date(2026, 3, 1), today=TODAY)
    meeting = draft(world)
    page = login(world.secretary).get(reverse("orglife:attendance", args=[meeting.pk]))
    form = page.context["form"]
    assert {r["member"].name for r in form.noted_rows()} == {"周外出", "吴失联"}
    assert form.initial[f"status_{away.pk}"] == "absent" and form.initial[f"reason_{away.pk}"] == "外出流动"
    assert form.initial[f"status_{lost.pk}"] == "absent" and form.initial[f"reason_{lost.pk}"] == "失联"
    assert form[f"status_{world.member.pk}"].value() == "present"
    # Away two months only and lost: no rule leaves them out of 应到 — no such box is offered.
    assert f"excluded_{away.pk}" not in form.fields and f"excluded_{lost.pk}" not in form.fields


@time_machine.travel(NOW, tick=False)
def test_a_member_away_over_six_months_is_left_out_of_the_quorum_only_at_an_assembly_with_the_basis_recorded(world):
    away = world.make_member(world.a1, name="周外出")
    lost = world.make_member(world.a1, name="吴失联")
    transfer_actions.record_floating(away, actor=world.admin, data={
        "left_on": dt.date(2025, 11, 1), "place": "成都市", "fixed_place": True}, today=TODAY)
    transfer_actions.record_lost_contact(lost, actor=world.admin, last_contact_on=dt.date(2026, 3, 1), today=TODAY)
    theme_day = draft(world, kinds=(MeetingKind.THEME_DAY,))
    with pytest.raises(ValidationError) as exc:
        actions.set_attendance(theme_day, actor=world.secretary, entries=[
            {"member": world.member.pk, "status": "present"},
            {"member": away.pk, "status": "absent", "excluded": True},
            {"member": lost.pk, "status": "absent"},
        ])
    assert errors_of(exc)["attendance"] == ["周外出：只有支部党员大会可以按规定不计入应到人数"]
    assembly = draft(world)
    with pytest.raises(ValidationError) as exc:
        actions.set_attendance(assembly, actor=world.secretary, entries=[
            {"member": world.member.pk, "status": "present"},
            {"member": away.pk, "status": "absent"},
            {"member": lost.pk, "status": "absent", "excluded": True},
        ])
    assert errors_of(exc)["attendance"] == ["吴失联：没有可以不计入应到人数的依据，须计入应到"]
    actions.set_attendance(assembly, actor=world.secretary, entries=[
        {"member": world.member.pk, "status": "present"},
        {"member": away.pk, "status": "absent", "excluded": True},
        {"member": lost.pk, "status": "absent"},
    ])
    row = Attendance.objects.get(meeting=assembly, member=away)
    assert row.excluded and "第5项" in row.excluded_basis and "2025年11月1日" in row.excluded_basis
    assert row.roll_note.startswith("外出流动：成都市") and row.reason == "外出流动"
    assert Attendance.objects.get(meeting=assembly, member=lost).reason == "失联"
    assert actions.attendance_summary(assembly) == {
        "expected": 2, "present": 1, "leave": 0, "absent": 1, "dual": 0, "excluded": 1}
    vote = actions.record_vote(assembly, actor=world.secretary, subject="表决", yes=1, no=0, abstain=0)
    assert (vote.entitled, vote.present) == (2, 1)


@time_machine.travel(NOW, tick=False)
def test_save_and_submit_writes_the_study_record_and_hours_in_one_trip(world, login):
    other = world.make_member(world.a1, name="王缺席")
    client = login(world.secretary)
    form = client.get(reverse("orglife:create"), {"org": world.a1.pk}).context["form"]
    assert form.initial["study_hours"] == 2
    when = timezone.localtime(NOW - dt.timedelta(hours=2))
    created = client.post(f"{reverse('orglife:create')}?org={world.a1.pk}", {
        "kinds": [MeetingKind.THEME_DAY, MeetingKind.BRANCH_ASSEMBLY], "date": when.date().isoformat(),
        "time": when.strftime("%H:%M"), "study_hours": "2",
    })
    meeting = Meeting.objects.get()
    assert created["Location"] == reverse("orglife:attendance", args=[meeting.pk]) and meeting.study_hours == 2
    done = client.post(reverse("orglife:attendance", args=[meeting.pk]), {
        f"status_{world.member.pk}": "present", f"status_{other.pk}": "leave", f"reason_{other.pk}": "病假",
        "then": "submit",
    })
    assert done.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SUBMITTED
    session = StudySession.objects.get(meeting=meeting)
    assert session.hours == Decimal("2.0")
    assert list(Participation.objects.filter(session=session).values_list("member_id", flat=True)) == [world.member.pk]


@time_machine.travel(NOW, tick=False)
def test_a_refused_submission_keeps_nothing_of_the_sheet(world, login):
    other = world.make_member(world.a1, name="王请假")
    meeting = draft(world, study_hours="2")
    response = login(world.secretary).post(reverse("orglife:attendance", args=[meeting.pk]), {
        f"status_{world.member.pk}": "present", f"status_{other.pk}": "leave", "then": "submit",
    })
    assert response.status_code == 200 and "王请假：请假须填写事由" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT and not Attendance.objects.filter(meeting=meeting).exists()
    assert not StudySession.objects.filter(meeting=meeting).exists()


@time_machine.travel(NOW, tick=False)
def test_a_meeting_that_is_not_study_keeps_no_hours(world):
    meeting = draft(world, kinds=(MeetingKind.LIFE_MEETING,), study_hours="2")
    assert meeting.study_hours is None
    with pytest.raises(ValidationError) as exc:
        draft(world, study_hours="2.25")
    assert errors_of(exc)["study_hours"] == ["学时最多保留一位小数"]


@time_machine.travel(NOW, tick=False)
def test_the_democratic_life_meeting_is_offered_to_a_committee_and_a_general_branch_not_to_a_branch(world, login):
    client = login(world.admin)
    for org, offered in ((world.root, True), (world.general, True), (world.a1, False)):
        form = client.get(reverse("orglife:create"), {"org": org.pk}).context["form"]
        assert (MeetingKind.DEMOCRATIC_LIFE in dict(form.fields["kinds"].choices)) is offered, org.name


@time_machine.travel(NOW, tick=False)
def test_the_sheet_reads_the_same_number_of_queries_whatever_the_branch_size(world, login):
    meeting = draft(world)
    client = login(world.secretary)
    sheet = reverse("orglife:attendance", args=[meeting.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(sheet)
    with CaptureQueriesContext(connection) as small:
        client.get(sheet)
    for name in ("甲一", "乙二", "丙三", "丁四", "戊五", "己六", "庚七", "辛八"):
        world.make_member(world.a1, name=name)
    with CaptureQueriesContext(connection) as large:
        client.get(sheet)
    assert len(large) == len(small)


@time_machine.travel(NOW, tick=False)
def test_the_api_gives_the_roll_note_and_the_basis_and_takes_the_exclusion(world, api):
    away = world.make_member(world.a1, name="周外出")
    transfer_actions.record_floating(away, actor=world.admin, data={
        "left_on": dt.date(2025, 11, 1), "place": "成都市", "fixed_place": True}, today=TODAY)
    meeting = draft(world)
    client = api(world.secretary)
    url = f"/api/v1/meetings/{meeting.pk}/attendance/"
    rows = {r["name"]: r for r in client.get(url).json()}
    assert rows["周外出"]["roll_note"].startswith("外出流动：成都市") and "第5项" in rows["周外出"]["exclusion_basis"]
    assert rows["李党员"]["roll_note"] == "" and rows["李党员"]["exclusion_basis"] == ""
    done = client.post(url, {"entries": [
        {"member": world.member.pk, "status": "present"},
        {"member": away.pk, "status": "absent", "leave_reason": "外出流动", "excluded": True},
    ]}, format="json")
    assert done.status_code == 200 and done.json()["attendance_summary"]["excluded"] == 1
