"""Recording organizational life through dangjian.orglife.actions: every validation at its boundary, the kind
tags kept in step, attendance, submission, correction with history, attachments by content, and votes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from dangjian.core.models import AuditEvent
from dangjian.leadership.models import Post, PostHolding
from dangjian.members import actions as member_actions
from dangjian.orglife import actions
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.models import Attachment, Meeting, MeetingKindTag
from dangjian.orgs.actions import dissolve_org
from dangjian.orgs.models import Organization
from tests.samples import JPEG, PDF, PNG

NOW = dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC)
BJ = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.usefixtures("private_media")


@pytest.fixture
def private_media(settings, tmp_path):
    """Uploaded files go to a temporary directory, not the project's var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def at(day: int, hour: int = 15, month: int = 6) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, tzinfo=BJ)


def data(**overrides):
    base = {"kinds": [MeetingKind.BRANCH_ASSEMBLY], "starts_at": at(20), "place": "三楼会议室"}
    base.update(overrides)
    return base


def errors_of(exc_info) -> dict[str, list[str]]:
    return exc_info.value.message_dict


def everyone_present(meeting: Meeting, actor) -> None:
    expected = actions.expected_members(meeting.org, meeting.held_on, actions.meeting_kinds(meeting))
    actions.set_attendance(meeting, actor=actor, entries=[{"member": m.pk, "status": "present"} for m in expected])


# --- recording a draft ---------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_recorded_meeting_is_a_draft_dated_by_its_beijing_day_with_a_default_title_tags_and_audit(world):
    late_evening_utc = dt.datetime(2025, 6, 20, 17, 30, tzinfo=dt.UTC)  # 21 June, 01:30 in Beijing
    meeting = actions.record_meeting(
        actor=world.secretary, org=world.a1,
        data=data(kinds=[MeetingKind.PARTY_LECTURE, MeetingKind.BRANCH_ASSEMBLY], starts_at=late_evening_utc,
                  lecturer="周书记", lecture_topic="学习条例"),
    )
    assert meeting.status == MeetingStatus.DRAFT
    assert meeting.held_on == dt.date(2025, 6, 21)
    assert meeting.title == "支部党员大会、党课"
    tags = set(MeetingKindTag.objects.filter(meeting=meeting).values_list("kind", "org_id", "held_on", "submitted"))
    assert tags == {
        (MeetingKind.BRANCH_ASSEMBLY, world.a1.pk, dt.date(2025, 6, 21), False),
        (MeetingKind.PARTY_LECTURE, world.a1.pk, dt.date(2025, 6, 21), False),
    }
    event = AuditEvent.objects.get(action="orglife.create")
    assert event.object_id == str(meeting.pk) and event.actor == world.secretary
    assert meeting.history.count() == 1


def test_a_meeting_dated_now_is_accepted_and_one_second_later_refused(world):
    with time_machine.travel(NOW, tick=False):
        actions.record_meeting(actor=world.secretary, org=world.a1, data=data(starts_at=NOW))
        with pytest.raises(ValidationError) as exc:
            actions.record_meeting(
                actor=world.secretary, org=world.a1, data=data(starts_at=NOW + dt.timedelta(seconds=1))
            )
    assert errors_of(exc)["starts_at"] == ["会议时间不能晚于现在"]


@time_machine.travel(NOW, tick=False)
def test_a_meeting_before_the_founding_day_is_refused_and_on_it_accepted(world):
    Organization.objects.filter(pk=world.a1.pk).update(founded_on=dt.date(2025, 6, 10))
    with pytest.raises(ValidationError) as exc:
        actions.record_meeting(actor=world.secretary, org=world.a1, data=data(starts_at=at(9, 23)))
    assert "成立日期" in errors_of(exc)["starts_at"][0]
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data=data(starts_at=at(10, 0)))
    assert meeting.held_on == dt.date(2025, 6, 10)


@time_machine.travel(NOW, tick=False)
def test_a_meeting_after_the_dissolution_day_is_refused_and_on_it_accepted(world):
    member_actions.transfer_member(world.a2_member, actor=world.admin, to_org=world.a1, date=dt.date(2025, 6, 16))
    dissolve_org(world.a2, actor=world.admin, date=dt.date(2025, 6, 15), doc_no="机党〔2025〕1号")
    actions.record_meeting(actor=world.admin, org=world.a2, data=data(starts_at=at(15, 23)))
    with pytest.raises(ValidationError) as exc:
        actions.record_meeting(actor=world.admin, org=world.a2, data=data(starts_at=at(16, 0)))
    assert "撤销" in errors_of(exc)["starts_at"][0]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("org_name", "kind", "allowed"),
    [
        ("a1", MeetingKind.BRANCH_ASSEMBLY, True),
        ("a1", MeetingKind.GROUP_MEETING, False),
        ("a1_group", MeetingKind.GROUP_MEETING, True),
        ("a1_group", MeetingKind.BRANCH_ASSEMBLY, False),
        ("a1", MeetingKind.DEMOCRATIC_LIFE, False),
        ("general", MeetingKind.BRANCH_ASSEMBLY, False),
        ("general", MeetingKind.COMMITTEE_MEETING, False),
        ("a1", MeetingKind.HEART_TALK, False),
    ],
)
def test_each_meeting_kind_is_held_only_by_its_kinds_of_org(world, org_name, kind, allowed):
    org = getattr(world, org_name)
    if allowed:
        assert actions.record_meeting(actor=world.admin, org=org, data=data(kinds=[kind])).pk
    else:
        with pytest.raises(ValidationError) as exc:
            actions.record_meeting(actor=world.admin, org=org, data=data(kinds=[kind]))
        assert "kinds" in errors_of(exc)


@time_machine.travel(NOW, tick=False)
def test_a_democratic_life_meeting_of_a_general_branch_expects_its_committee_in_office(world):
    PostHolding.objects.create(org=world.general, member=world.a2_member, post=Post.SECRETARY,
                               starts_on=dt.date(2024, 1, 1))
    meeting = actions.record_meeting(actor=world.admin, org=world.general,
                                     data=data(kinds=[MeetingKind.DEMOCRATIC_LIFE]))
    assert actions.expected_members(world.general, meeting.held_on, [MeetingKind.DEMOCRATIC_LIFE]) == [world.a2_member]


@time_machine.travel(NOW, tick=False)
def test_at_least_one_kind_is_required_and_a_lecture_needs_its_lecturer_and_topic(world):
    with pytest.raises(ValidationError) as exc:
        actions.record_meeting(actor=world.secretary, org=world.a1, data=data(kinds=[]))
    assert errors_of(exc)["kinds"] == ["请至少选择一种会议类型"]
    with pytest.raises(ValidationError) as exc:
        actions.record_meeting(actor=world.secretary, org=world.a1, data=data(kinds=[MeetingKind.PARTY_LECTURE]))
    assert set(errors_of(exc)) == {"lecturer", "lecture_topic"}


@time_machine.travel(NOW, tick=False)
def test_minutes_are_sanitised_to_the_allowed_tags(world):
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data=data(
        minutes='<p onclick="x()">议题<script>alert(1)</script></p><a href="http://x">链接</a>'
                '<table><tbody><tr><td colspan="2" style="color:red">表</td></tr></tbody></table>',
        agenda="一、学习\n二、讨论",
    ))
    assert meeting.minutes == (
        '<p>议题</p>链接<table><tbody><tr><td colspan="2">表</td></tr></tbody></table>'
    )
    assert meeting.agenda == "<p>一、学习<br>二、讨论</p>"


@time_machine.travel(NOW, tick=False)
def test_host_and_recorder_must_be_expected_that_day(world):
    with pytest.raises(ValidationError) as exc:
        actions.record_meeting(actor=world.admin, org=world.a1, data=data(host=world.a2_member.pk))
    assert errors_of(exc)["host"] == ["主持人须是该组织当日的应到人员"]
    meeting = actions.record_meeting(actor=world.admin, org=world.a1, data=data(host=world.member, recorder=world.member.pk))
    assert meeting.host == world.member and meeting.recorder == world.member


@time_machine.travel(NOW, tick=False)
def test_outsiders_and_viewers_cannot_record_and_the_refusal_is_audited(world):
    for user in (world.outsider, world.viewer, world.member_user):
        with pytest.raises(Http404):
            actions.record_meeting(actor=user, org=world.a1, data=data())
    assert not Meeting.objects.exists()
    assert AuditEvent.objects.filter(action="auth.denied").count() == 3


# --- who is expected -------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_member_transferred_mid_month_is_expected_at_the_old_branch_before_and_the_new_after(world):
    world.make_member(world.a1, name="陈留下")
    member_actions.transfer_member(world.member, actor=world.admin, to_org=world.a2, date=dt.date(2025, 6, 15))
    before = actions.record_meeting(actor=world.admin, org=world.a1, data=data(starts_at=at(14)))
    after_old = actions.record_meeting(actor=world.admin, org=world.a2, data=data(starts_at=at(15)))
    assert world.member in actions.expected_members(world.a1, before.held_on, [MeetingKind.BRANCH_ASSEMBLY])
    assert world.member in actions.expected_members(world.a2, after_old.held_on, [MeetingKind.BRANCH_ASSEMBLY])
    assert world.member not in actions.expected_members(world.a2, dt.date(2025, 6, 14), [MeetingKind.BRANCH_ASSEMBLY])
    actions.set_attendance(before, actor=world.admin, entries=[{"member": world.member.pk, "status": "present"}])
    old_branch_after = actions.record_meeting(actor=world.admin, org=world.a1, data=data(starts_at=at(15)))
    with pytest.raises(ValidationError, match="李党员不是该组织当日的党员"):
        actions.set_attendance(old_branch_after, actor=world.admin,
                               entries=[{"member": world.member.pk, "status": "present"}])


@time_machine.travel(NOW, tick=False)
def test_a_group_meeting_expects_the_group_and_a_committee_meeting_the_committee_in_office(world):
    other = world.make_member(world.a1, name="陈其他")
    group_meeting = actions.record_meeting(actor=world.secretary, org=world.a1_group,
                                           data=data(kinds=[MeetingKind.GROUP_MEETING]))
    assert actions.expected_members(world.a1_group, group_meeting.held_on, [MeetingKind.GROUP_MEETING]) == [world.member]
    with pytest.raises(ValidationError) as exc:
        actions.record_meeting(actor=world.secretary, org=world.a1, data=data(kinds=[MeetingKind.COMMITTEE_MEETING]))
    assert "没有在任的委员" in errors_of(exc)["kinds"][0]
    PostHolding.objects.create(org=world.a1, member=other, post=Post.SECRETARY, starts_on=dt.date(2025, 6, 20))
    PostHolding.objects.create(org=world.a1, member=world.member, post=Post.ORGANIZATION,
                               starts_on=dt.date(2022, 1, 1), ends_on=dt.date(2025, 6, 20))  # the end day is the first day out
    day = dt.date(2025, 6, 20)
    assert actions.expected_members(world.a1, day, [MeetingKind.COMMITTEE_MEETING]) == [other]
    assert actions.expected_members(world.a1, day - dt.timedelta(days=1), [MeetingKind.COMMITTEE_MEETING]) == [world.member]
    both = actions.expected_members(world.a1, day, [MeetingKind.COMMITTEE_MEETING, MeetingKind.PARTY_LECTURE])
    assert {m.pk for m in both} == {other.pk, world.member.pk}


# --- attendance -----------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_attendance_of_someone_not_in_the_org_is_refused(world):
    meeting = actions.record_meeting(actor=world.admin, org=world.a1, data=data())
    with pytest.raises(ValidationError) as exc:
        actions.set_attendance(meeting, actor=world.admin, entries=[{"member": world.a2_member.pk, "status": "present"}])
    assert errors_of(exc)["attendance"] == ["赵二支不是该组织当日的党员"]


@time_machine.travel(NOW, tick=False)
def test_leave_without_a_reason_is_refused_and_with_one_recorded(world):
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data=data())
    with pytest.raises(ValidationError) as exc:
        actions.set_attendance(meeting, actor=world.secretary, entries=[{"member": world.member.pk, "status": "leave"}])
    assert errors_of(exc)["attendance"] == ["李党员：请假须填写事由"]
    actions.set_attendance(meeting, actor=world.secretary, entries=[
        {"member": world.member.pk, "status": "leave", "leave_reason": "出差", "written_opinion": True},
    ], guests=[{"name": "刘上级", "unit": "机关党委", "role": "superior"}])
    row = meeting.attendance.get()
    assert (row.status, row.reason, row.written_opinion) == ("leave", "出差", True)
    assert list(meeting.guests.values_list("name", flat=True)) == ["刘上级"]
    assert actions.attendance_summary(meeting) == {"expected": 1, "present": 0, "leave": 1, "absent": 0, "dual": 0, "excluded": 0}
    assert AuditEvent.objects.filter(action="orglife.attendance", object_id=str(meeting.pk)).exists()


@time_machine.travel(NOW, tick=False)
def test_dual_attendance_is_for_leaders_of_orgs_above_and_counted_apart(world):
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data=data())
    entries = [{"member": world.member.pk, "status": "present"}, {"member": world.b_member.pk, "status": "present", "dual": True}]
    with pytest.raises(ValidationError, match="钱三支不能以双重组织生活身份登记"):
        actions.set_attendance(meeting, actor=world.secretary, entries=entries)
    PostHolding.objects.create(org=world.root, member=world.b_member, post=Post.COMMITTEE_MEMBER,
                               starts_on=dt.date(2024, 1, 1))
    actions.set_attendance(meeting, actor=world.secretary, entries=entries)
    assert actions.attendance_summary(meeting) == {"expected": 1, "present": 1, "leave": 0, "absent": 0, "dual": 1, "excluded": 0}
    actions.submit_meeting(meeting, actor=world.secretary)


# --- submission and correction -----------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_submission_needs_everyone_expected_and_marks_the_tags(world):
    world.make_member(world.a1, name="陈其他")
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data=data())
    actions.set_attendance(meeting, actor=world.secretary, entries=[{"member": world.member.pk, "status": "present"}])
    with pytest.raises(ValidationError) as exc:
        actions.submit_meeting(meeting, actor=world.secretary)
    assert errors_of(exc)["attendance"] == ["尚未登记1人的出席情况：陈其他"]
    everyone_present(meeting, world.secretary)
    meeting = actions.submit_meeting(meeting, actor=world.secretary)
    assert meeting.status == MeetingStatus.SUBMITTED and meeting.submitted_at == NOW
    assert list(MeetingKindTag.objects.filter(meeting=meeting).values_list("submitted", flat=True)) == [True]
    assert AuditEvent.objects.filter(action="orglife.submit").count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_submitted_record_cannot_be_updated_or_its_attendance_changed(world):
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data=data())
    everyone_present(meeting, world.secretary)
    actions.submit_meeting(meeting, actor=world.secretary)
    with pytest.raises(ValidationError, match="更正"):
        actions.update_meeting(meeting, actor=world.secretary, data={"place": "别处"})
    with pytest.raises(ValidationError):
        actions.set_attendance(meeting, actor=world.secretary, entries=[])
    with pytest.raises(ValidationError):
        actions.add_attachment(meeting, actor=world.secretary, upload=SimpleUploadedFile("a.png", PNG))
    meeting.refresh_from_db()
    assert meeting.place == "三楼会议室"


@time_machine.travel(NOW, tick=False)
def test_a_correction_needs_a_reason_and_keeps_it_in_the_history_and_the_audit_log(world):
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data=data())
    everyone_present(meeting, world.secretary)
    actions.submit_meeting(meeting, actor=world.secretary)
    with pytest.raises(ValidationError) as exc:
        actions.correct_meeting(meeting, actor=world.secretary, data={"place": "党员活动室"}, reason="  ")
    assert errors_of(exc)["reason"] == ["请填写更正原因"]
    actions.correct_meeting(meeting, actor=world.secretary, data={"place": "党员活动室"}, reason="地点录入有误")
    latest = meeting.history.order_by("-history_id").first()
    assert latest.place == "党员活动室" and latest.history_change_reason == "地点录入有误"
    assert latest.history_user == world.secretary
    event = AuditEvent.objects.get(action="orglife.correct")
    assert event.reason == "地点录入有误" and event.changes["place"] == ["三楼会议室", "党员活动室"]


@time_machine.travel(NOW, tick=False)
def test_a_correction_of_the_date_moves_the_tags_but_may_not_change_who_was_expected(world):
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data=data())
    everyone_present(meeting, world.secretary)
    actions.submit_meeting(meeting, actor=world.secretary)
    actions.correct_meeting(meeting, actor=world.secretary, data={"starts_at": at(18)}, reason="日期录错")
    assert set(MeetingKindTag.objects.filter(meeting=meeting).values_list("held_on", "submitted")) == {
        (dt.date(2025, 6, 18), True)
    }
    late = world.make_member(world.a1, name="新党员", party_status="probationary", joined_on=dt.date(2025, 6, 19),
                             confirmed_on=None)
    assert late.pk
    with pytest.raises(ValidationError, match="应到人员"):
        actions.correct_meeting(meeting, actor=world.secretary, data={"starts_at": at(20)}, reason="日期录错")


@time_machine.travel(NOW, tick=False)
def test_updating_a_draft_keeps_the_tags_in_step_with_kinds_and_day(world):
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data=data())
    actions.update_meeting(meeting, actor=world.secretary, data={
        "kinds": [MeetingKind.THEME_DAY, MeetingKind.BRANCH_ASSEMBLY], "starts_at": at(5),
    })
    tags = set(MeetingKindTag.objects.filter(meeting=meeting).values_list("kind", "held_on"))
    assert tags == {(MeetingKind.THEME_DAY, dt.date(2025, 6, 5)), (MeetingKind.BRANCH_ASSEMBLY, dt.date(2025, 6, 5))}
    actions.update_meeting(meeting, actor=world.secretary, data={"kinds": [MeetingKind.THEME_DAY], "title": "六月主题党日"})
    meeting.refresh_from_db()
    assert meeting.title == "六月主题党日"
    assert list(MeetingKindTag.objects.filter(meeting=meeting).values_list("kind", flat=True)) == [MeetingKind.THEME_DAY]
    assert AuditEvent.objects.filter(action="orglife.update").count() == 2


# --- attachments -------------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_photos_and_scans_are_accepted_by_their_content_and_stored_under_a_random_name(world, private_media):
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data=data())
    for name, content, kind in (("现场.jpg", JPEG, "image/jpeg"), ("签到.PNG", PNG, "image/png"),
                                ("纪要.pdf", PDF, "application/pdf")):
        attachment = actions.add_attachment(meeting, actor=world.secretary,
                                            upload=SimpleUploadedFile(name, content, content_type="text/plain"))
        assert attachment.content_type == kind and attachment.original_name == name
        assert name not in attachment.file.name
        with attachment.file.open("rb") as fh:
            assert fh.read() == content
    assert AuditEvent.objects.filter(action="orglife.attachment").count() == 3


@time_machine.travel(NOW, tick=False)
def test_an_executable_renamed_jpg_is_refused(world):
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data=data())
    with pytest.raises(ValidationError) as exc:
        actions.add_attachment(meeting, actor=world.secretary,
                               upload=SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 64, content_type="image/jpeg"))
    assert errors_of(exc)["file"] == ["“photo.jpg”：仅支持 JPG、PNG 图片和 PDF 扫描件"]
    assert not Attachment.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_an_attachment_of_10_mb_is_accepted_and_one_byte_more_refused(world):
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data=data())
    limit = 10 * 1024 * 1024
    actions.add_attachment(meeting, actor=world.secretary, upload=SimpleUploadedFile("a.pdf", PDF + b" " * (limit - len(PDF))))
    with pytest.raises(ValidationError, match="超过10MB"):
        actions.add_attachment(meeting, actor=world.secretary,
                               upload=SimpleUploadedFile("b.pdf", PDF + b" " * (limit + 1 - len(PDF))))
    assert Attachment.objects.count() == 1


# --- votes ----------------------------------------------------------------------------------------------------------


def assembly(world) -> Meeting:
    return actions.record_meeting(actor=world.secretary, org=world.a1, data=data())


def vote(world, meeting, **counts):
    base = {"subject": "接收预备党员", "no": 0, "abstain": 0}
    base.update(counts)
    return actions.record_vote(meeting, actor=world.secretary, **base)


@time_machine.travel(NOW, tick=False)
def test_quorum_needs_more_than_half_of_those_entitled(world):
    meeting = assembly(world)
    assert vote(world, meeting, entitled=10, present=5, yes=5).quorum is False
    decided = vote(world, meeting, entitled=10, present=6, yes=6)
    assert decided.quorum is True and decided.passed is True


@time_machine.travel(NOW, tick=False)
def test_passing_needs_more_than_half_of_those_entitled_not_of_those_present(world):
    meeting = assembly(world)
    failed = vote(world, meeting, entitled=10, present=10, yes=5, no=5)
    assert failed.quorum is True and failed.passed is False
    assert vote(world, meeting, entitled=10, present=10, yes=6, no=4).passed is True


@time_machine.travel(NOW, tick=False)
def test_written_opinions_count_towards_passing_but_not_beyond_those_absent(world):
    meeting = assembly(world)
    assert vote(world, meeting, entitled=10, present=7, yes=5, no=2, written_yes=1).passed is True
    with pytest.raises(ValidationError) as exc:
        vote(world, meeting, entitled=10, present=7, yes=5, written_yes=4)
    assert "written_yes" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        vote(world, meeting, entitled=10, present=6, yes=5, no=1, abstain=1)
    assert "yes" in errors_of(exc)


@time_machine.travel(NOW, tick=False)
def test_entitled_and_present_default_to_the_full_members_expected_and_present(world):
    world.make_member(world.a1, name="预备党员", party_status="probationary", joined_on=dt.date(2025, 1, 1),
                      confirmed_on=None)
    absent = world.make_member(world.a1, name="缺席者")
    meeting = assembly(world)
    entries = [
        {"member": m.pk, "status": "absent" if m == absent else "present"}
        for m in actions.expected_members(world.a1, meeting.held_on, [MeetingKind.BRANCH_ASSEMBLY])
    ]
    actions.set_attendance(meeting, actor=world.secretary, entries=entries)
    result = vote(world, meeting, yes=1, member=world.member)
    assert (result.entitled, result.present, result.quorum, result.passed) == (2, 1, False, False)
    assert AuditEvent.objects.filter(action="orglife.vote").count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_vote_is_refused_at_a_meeting_that_is_not_a_general_assembly(world):
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data=data(kinds=[MeetingKind.THEME_DAY]))
    with pytest.raises(ValidationError, match="只有支部党员大会可以进行表决"):
        vote(world, meeting, entitled=10, present=6, yes=6)
    with pytest.raises(Http404):
        actions.record_vote(assembly(world), actor=world.outsider, subject="x", entitled=1, present=1, yes=1, no=0, abstain=0)
