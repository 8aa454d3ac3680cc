"""Recording study sessions through dangjian.learning.actions: hours from attendance, direct sessions with
completed hours, every refusal with a clear message and nothing written, scope and audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from dangjian.core.models import AuditEvent
from dangjian.learning import actions
from dangjian.learning.choices import SessionKind
from dangjian.learning.models import Participation, StudySession
from dangjian.orglife.choices import MeetingKind
from tests.learning.conftest import NOW, direct_session, submitted_meeting

pytestmark = pytest.mark.usefixtures("world")


def nothing_written() -> None:
    assert StudySession.objects.count() == 0
    assert Participation.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_a_session_from_a_meeting_gives_the_present_members_its_hours_and_none_to_leave_or_absent(world):
    on_leave = world.make_member(world.a1, name="请假人")
    absent = world.make_member(world.a1, name="缺席人")
    meeting = submitted_meeting(world, world.a1, dt.date(2025, 6, 10), {on_leave.pk: "leave", absent.pk: "absent"})
    session = actions.create_from_meeting(
        actor=world.secretary, meeting=meeting, data={"kind": SessionKind.BRANCH_STUDY, "hours": "2.5"},
    )
    rows = dict(Participation.objects.filter(session=session).values_list("member_id", "hours"))
    assert rows == {world.member.pk: Decimal("2.5")}
    assert session.org == world.a1 and session.held_on == dt.date(2025, 6, 10) and session.title == "学习党章"
    assert Participation.objects.get().held_on == dt.date(2025, 6, 10)
    event = AuditEvent.objects.get(action="learning.from_meeting")
    assert event.changes["participants"] == 1 and event.changes["meeting"] == meeting.pk


@time_machine.travel(NOW, tick=False)
def test_the_same_meeting_cannot_give_a_second_session(world):
    meeting = submitted_meeting(world, world.a1, dt.date(2025, 6, 10), {})
    actions.create_from_meeting(actor=world.admin, meeting=meeting, data={"kind": "branch_study", "hours": 2})
    with pytest.raises(ValidationError) as exc:
        actions.create_from_meeting(actor=world.admin, meeting=meeting, data={"kind": "branch_study", "hours": 2})
    assert "不能重复计算学时" in exc.value.message_dict["meeting"][0]
    assert StudySession.objects.count() == 1 and Participation.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_draft_meeting_or_a_kind_that_is_not_study_gives_no_session(world):
    from dangjian.orglife import actions as orglife_actions

    draft = orglife_actions.record_meeting(
        actor=world.admin, org=world.a1,
        data={"kinds": [MeetingKind.THEME_DAY], "starts_at": dt.datetime(2025, 6, 1, 8, tzinfo=dt.UTC)},
    )
    with pytest.raises(ValidationError) as exc:
        actions.create_from_meeting(actor=world.admin, meeting=draft, data={"kind": "branch_study", "hours": 2})
    assert "已提交" in exc.value.message_dict["meeting"][0]
    committee = submitted_meeting(world, world.a1, dt.date(2025, 6, 11), {}, kinds=(MeetingKind.MEMBER_REVIEW,))
    with pytest.raises(ValidationError) as exc:
        actions.create_from_meeting(actor=world.admin, meeting=committee, data={"kind": "branch_study", "hours": 2})
    assert "learning.meeting_kinds" in exc.value.message_dict["meeting"][0]
    with pytest.raises(ValidationError) as exc:
        actions.create_from_meeting(
            actor=world.admin, meeting=submitted_meeting(world, world.a1, dt.date(2025, 6, 12), {}),
            data={"kind": SessionKind.PARTY_SCHOOL, "hours": 2},
        )
    assert "不是组织生活中的集体学习" in exc.value.message_dict["kind"][0]
    nothing_written()


@time_machine.travel(NOW, tick=False)
def test_a_direct_session_records_each_participants_completed_hours(world):
    session = direct_session(world, world.root, dt.date(2025, 5, 20), "24",
                             [(world.member.pk, "24"), (world.b_member.pk, "16.5")])
    rows = dict(session.participations.values_list("member_id", "hours"))
    assert rows == {world.member.pk: Decimal("24.0"), world.b_member.pk: Decimal("16.5")}
    assert AuditEvent.objects.filter(action="learning.create").count() == 1


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("hours", "message"), [
    ("8.1", "超过本次学习培训的学时8"),
    ("-1", "须大于0"),
    ("0", "须大于0"),
    ("2.25", "一位小数"),
    ("", "请填写完成学时"),
])
def test_participant_hours_beyond_the_session_negative_or_malformed_are_refused(world, hours, message):
    with pytest.raises(ValidationError) as exc:
        direct_session(world, world.a1, dt.date(2025, 6, 1), "8", [(world.member.pk, hours)])
    assert message in exc.value.message_dict["participants"][0]
    assert "李党员" in exc.value.message_dict["participants"][0]
    nothing_written()


@time_machine.travel(NOW, tick=False)
def test_exactly_the_session_length_is_accepted(world):
    session = direct_session(world, world.a1, dt.date(2025, 6, 1), "8", [(world.member.pk, "8.0")])
    assert session.participations.get().hours == Decimal("8.0")


@time_machine.travel(NOW, tick=False)
def test_a_session_dated_after_today_is_refused_and_today_is_accepted(world):
    with pytest.raises(ValidationError) as exc:
        direct_session(world, world.a1, dt.date(2025, 7, 1), "4", [(world.member.pk, "4")])
    assert "不能晚于今天" in exc.value.message_dict["held_on"][0]
    nothing_written()
    direct_session(world, world.a1, dt.date(2025, 6, 30), "4", [(world.member.pk, "4")])
    assert StudySession.objects.count() == 1


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("hours", "message"), [("0", "须大于0"), ("-2", "须大于0"), ("abc", "数字"), ("1000", "不能超过")])
def test_a_session_length_that_is_not_positive_is_refused(world, hours, message):
    with pytest.raises(ValidationError) as exc:
        direct_session(world, world.a1, dt.date(2025, 6, 1), hours, [])
    assert message in exc.value.message_dict["hours"][0]
    nothing_written()


@time_machine.travel(NOW, tick=False)
def test_a_participant_outside_the_sessions_subtree_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        direct_session(world, world.a1, dt.date(2025, 6, 1), "4", [(world.member.pk, "4"), (world.a2_member.pk, "4")])
    message = exc.value.message_dict["participants"][0]
    assert "赵二支" in message and "不在第一党支部及其下级党组织中" in message
    nothing_written()


@time_machine.travel(NOW, tick=False)
def test_a_participant_listed_twice_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        direct_session(world, world.a1, dt.date(2025, 6, 1), "4", [(world.member.pk, "4"), (world.member.pk, "2")])
    assert "重复" in exc.value.message_dict["participants"][0]
    nothing_written()


@time_machine.travel(NOW, tick=False)
def test_an_outsider_cannot_record_for_another_branch_and_the_refusal_is_audited(world):
    with pytest.raises(Http404):
        direct_session(world, world.a1, dt.date(2025, 6, 1), "4", [(world.member.pk, "4")], actor=world.outsider)
    nothing_written()
    assert AuditEvent.objects.filter(action="auth.denied", actor=world.outsider).exists()
    meeting = submitted_meeting(world, world.a1, dt.date(2025, 6, 10), {})
    with pytest.raises(Http404):
        actions.create_from_meeting(actor=world.viewer, meeting=meeting, data={"kind": "branch_study", "hours": 2})
    nothing_written()


@time_machine.travel(NOW, tick=False)
def test_participants_of_a_direct_session_can_be_replaced_but_a_meetings_come_from_attendance(world):
    session = direct_session(world, world.a1, dt.date(2025, 6, 1), "6", [(world.member.pk, "6")])
    other = world.make_member(world.a1, name="新学员")
    actions.set_participants(session, actor=world.secretary, participants=[(other.pk, "3")])
    assert dict(session.participations.values_list("member_id", "hours")) == {other.pk: Decimal("3.0")}
    meeting = submitted_meeting(world, world.a1, dt.date(2025, 6, 10), {})
    from_meeting = actions.create_from_meeting(actor=world.admin, meeting=meeting, data={"kind": "first_topic", "hours": 1})
    with pytest.raises(ValidationError) as exc:
        actions.set_participants(from_meeting, actor=world.admin, participants=[(other.pk, "1")])
    assert "以会议出席情况为准" in exc.value.message_dict["participants"][0]
