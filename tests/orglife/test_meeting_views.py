"""The meeting pages: the recording flow end to end, read-only readers, the plain 党员's own meetings, 404 for
outsiders on every page, private attachment downloads, and query counts that do not grow with rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEvent
from dangjian.orglife import actions
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.models import Attachment, Attendance, Meeting
from tests.samples import PNG

LIST = reverse("orglife:list")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded files go to a temporary directory, not the project's var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def ago(days: int = 2, hours: int = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days, hours=hours)


def meeting_at(world, org=None, *, submitted: bool = False, kinds=(MeetingKind.BRANCH_ASSEMBLY,), days: int = 2,
               photo: bool = False) -> Meeting:
    org = org or world.a1
    meeting = actions.record_meeting(actor=world.admin, org=org, data={"kinds": list(kinds), "starts_at": ago(days)})
    expected = actions.expected_members(org, meeting.held_on, kinds)
    actions.set_attendance(meeting, actor=world.admin, entries=[{"member": m.pk, "status": "present"} for m in expected])
    if photo:
        actions.add_attachment(meeting, actor=world.admin, upload=SimpleUploadedFile("现场.png", PNG))
    if submitted:
        actions.submit_meeting(meeting, actor=world.admin)
    return meeting


def titles(response) -> list[str]:
    return [m.title for m, _kinds in response.context["rows"]]


# --- recording end to end ------------------------------------------------------------------------------------


def test_a_secretary_records_a_meeting_its_attendance_photos_and_minutes_then_submits_and_corrects(world, login):
    client = login(world.secretary)
    picker = client.get(reverse("orglife:create"))
    assert [o.pk for o in picker.context["orgs"]] == [world.a1.pk, world.a1_group.pk]
    page = client.get(reverse("orglife:create"), {"org": world.a1.pk})
    assert page.status_code == 200
    when = timezone.localtime(ago(1))
    response = client.post(f"{reverse('orglife:create')}?org={world.a1.pk}", {
        "kinds": [MeetingKind.BRANCH_ASSEMBLY, MeetingKind.THEME_DAY], "date": when.date().isoformat(),
        "time": when.strftime("%H:%M"), "place": "三楼会议室", "host": world.member.pk,
    })
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("orglife:attendance", args=[meeting.pk])
    assert meeting.title == "支部党员大会、主题党日" and meeting.host == world.member

    sheet = reverse("orglife:attendance", args=[meeting.pk])
    assert world.member.name in client.get(sheet).content.decode()
    refused = client.post(sheet, {f"status_{world.member.pk}": "leave", "minutes": "记录"})
    assert refused.status_code == 200 and "李党员：请假须填写事由" in refused.content.decode()
    assert not Attendance.objects.exists()
    saved = client.post(sheet, {
        f"status_{world.member.pk}": "present", "minutes": "一、学习\n二、讨论", "guest_name_0": "刘上级",
        "guest_unit_0": "机关党委", "guest_role_0": "superior",
        "photos": [SimpleUploadedFile("现场.png", PNG, content_type="image/png")],
    })
    assert saved.status_code == 302, saved.context["form"].errors
    meeting.refresh_from_db()
    assert meeting.minutes == "<p>一、学习<br>二、讨论</p>"
    assert Attachment.objects.filter(meeting=meeting).count() == 1
    assert list(meeting.guests.values_list("name", flat=True)) == ["刘上级"]

    detail = client.get(reverse("orglife:detail", args=[meeting.pk]))
    assert detail.context["summary"]["present"] == 1 and detail.context["can_edit"]
    client.post(reverse("orglife:submit", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SUBMITTED
    assert client.get(reverse("orglife:edit", args=[meeting.pk]))["Location"] == reverse("orglife:correct", args=[meeting.pk])

    correction = {
        "kinds": [MeetingKind.BRANCH_ASSEMBLY, MeetingKind.THEME_DAY], "date": when.date().isoformat(),
        "time": when.strftime("%H:%M"), "place": "党员活动室", "host": world.member.pk,
    }
    no_reason = client.post(reverse("orglife:correct", args=[meeting.pk]), correction)
    assert no_reason.status_code == 200 and no_reason.context["form"].errors["reason"]
    client.post(reverse("orglife:correct", args=[meeting.pk]), {**correction, "reason": "地点录错"})
    detail = client.get(reverse("orglife:detail", args=[meeting.pk]))
    assert detail.context["history"][0]["reason"] == "地点录错"
    assert "地点" in detail.context["history"][0]["changed"]
    assert AuditEvent.objects.filter(action="orglife.correct", reason="地点录错").exists()


def test_a_future_time_comes_back_as_an_error_on_the_date_field(world, login):
    client = login(world.secretary)
    later = timezone.localtime(timezone.now() + dt.timedelta(days=1))
    response = client.post(f"{reverse('orglife:create')}?org={world.a1.pk}", {
        "kinds": [MeetingKind.BRANCH_ASSEMBLY], "date": later.date().isoformat(), "time": later.strftime("%H:%M"),
    })
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == ["会议时间不能晚于现在"]
    assert not Meeting.objects.exists()


def test_an_executable_photo_refuses_the_whole_sheet(world, login):
    meeting = actions.record_meeting(actor=world.admin, org=world.a1,
                                     data={"kinds": [MeetingKind.BRANCH_ASSEMBLY], "starts_at": ago()})
    client = login(world.secretary)
    response = client.post(reverse("orglife:attendance", args=[meeting.pk]), {
        f"status_{world.member.pk}": "present", "photos": [SimpleUploadedFile("a.jpg", b"MZ\x90\x00" * 20, content_type="image/jpeg")],
    })
    assert response.status_code == 200
    assert "仅支持 JPG、PNG 图片和 PDF 扫描件" in response.content.decode()
    assert not Attendance.objects.exists() and not Attachment.objects.exists()


def test_submitting_without_full_attendance_shows_the_refusal(world, login):
    meeting = actions.record_meeting(actor=world.admin, org=world.a1,
                                     data={"kinds": [MeetingKind.BRANCH_ASSEMBLY], "starts_at": ago()})
    client = login(world.secretary)
    response = client.post(reverse("orglife:submit", args=[meeting.pk]), follow=True)
    assert "尚未登记1人的出席情况：李党员" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT


def test_a_vote_is_recorded_from_the_page_with_a_computed_result(world, login):
    meeting = meeting_at(world)
    client = login(world.secretary)
    response = client.post(reverse("orglife:vote", args=[meeting.pk]), {
        "subject": "接收预备党员", "yes": 1, "no": 0, "abstain": 0, "written_yes": 0,
    })
    assert response.status_code == 302
    vote = meeting.votes.get()
    assert (vote.entitled, vote.present, vote.quorum, vote.passed) == (1, 1, True, True)


# --- readers ------------------------------------------------------------------------------------------------


def test_a_viewer_reads_list_detail_and_attachments_but_may_change_nothing(world, login):
    meeting = meeting_at(world, photo=True)
    client = login(world.viewer)
    assert titles(client.get(LIST)) == [meeting.title]
    detail = client.get(reverse("orglife:detail", args=[meeting.pk]))
    assert detail.status_code == 200 and not detail.context["can_edit"] and not detail.context["can_correct"]
    attachment = meeting.attachments.get()
    assert client.get(reverse("orglife:attachment", args=[meeting.pk, attachment.pk])).status_code == 200
    for name in ("edit", "attendance", "correct", "vote"):
        assert client.get(reverse(f"orglife:{name}", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("orglife:submit", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("orglife:create"), {"org": world.a1.pk}).status_code == 404


def test_an_attachment_is_downloaded_as_an_attachment_that_browsers_may_not_sniff(world, login):
    meeting = meeting_at(world, photo=True)
    attachment = meeting.attachments.get()
    response = login(world.secretary).get(reverse("orglife:attachment", args=[meeting.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


def test_an_outsider_gets_404_on_every_page_of_another_branchs_meeting_and_an_empty_list(world, login):
    meeting = meeting_at(world, photo=True)
    attachment = meeting.attachments.get()
    client = login(world.outsider)
    assert titles(client.get(LIST)) == []
    for name in ("detail", "edit", "attendance", "correct", "vote"):
        assert client.get(reverse(f"orglife:{name}", args=[meeting.pk])).status_code == 404, name
    assert client.post(reverse("orglife:submit", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("orglife:attachment", args=[meeting.pk, attachment.pk])).status_code == 404
    assert client.get(reverse("orglife:calendar", args=[world.a1.pk])).status_code == 404
    assert client.get(reverse("orglife:create"), {"org": world.a1.pk}).status_code == 404
    assert titles(client.get(LIST, {"org": world.a1.pk})) == []
    assert AuditEvent.objects.filter(action="auth.denied", actor=world.outsider).exists()


def test_a_plain_member_sees_only_the_submitted_meetings_they_were_expected_at_with_their_own_row(world, login):
    other = world.make_member(world.a1, name="陈其他")
    mine = meeting_at(world, submitted=True, photo=True)
    draft = meeting_at(world, days=3)
    elsewhere = meeting_at(world, world.a2, submitted=True)
    client = login(world.member_user)
    assert titles(client.get(LIST)) == [mine.title]
    detail = client.get(reverse("orglife:detail", args=[mine.pk]))
    assert detail.status_code == 200 and not detail.context["full"]
    assert [r.member_id for r in detail.context["rows"]] == [world.member.pk]
    assert detail.context["summary"]["expected"] == 2 and other.name not in detail.content.decode()
    assert detail.context["history"] == [] and detail.context["attachments"] == []
    for meeting in (draft, elsewhere):
        assert client.get(reverse("orglife:detail", args=[meeting.pk])).status_code == 404
    attachment = mine.attachments.get()
    assert client.get(reverse("orglife:attachment", args=[mine.pk, attachment.pk])).status_code == 404
    assert client.get(reverse("orglife:edit", args=[mine.pk])).status_code == 404


# --- list, filters, calendar, query counts -------------------------------------------------------------------


def test_the_list_filters_by_subtree_kind_month_and_status(world, login):
    a1 = meeting_at(world, submitted=True)
    a2 = meeting_at(world, world.a2, kinds=(MeetingKind.THEME_DAY,))
    b = meeting_at(world, world.b)
    client = login(world.admin)
    assert set(titles(client.get(LIST))) == {a1.title, a2.title, b.title}
    assert {m.pk for m, _ in client.get(LIST, {"org": world.general.pk}).context["rows"]} == {a1.pk, a2.pk}
    assert [m.pk for m, _ in client.get(LIST, {"kind": MeetingKind.THEME_DAY}).context["rows"]] == [a2.pk]
    assert [m.pk for m, _ in client.get(LIST, {"status": "submitted"}).context["rows"]] == [a1.pk]
    month = a1.held_on.strftime("%Y-%m")
    assert len(client.get(LIST, {"month_from": month, "month_to": month}).context["rows"]) == 3
    next_year = f"{a1.held_on.year + 1}-01"
    assert client.get(LIST, {"month_from": next_year}).context["rows"] == []
    assert client.get(LIST, {"month_from": "2025-13"}).context["form"].errors["month_from"]


def test_the_calendar_puts_each_meeting_on_its_day(world, login):
    meeting = meeting_at(world)
    client = login(world.secretary)
    response = client.get(reverse("orglife:calendar", args=[world.a1.pk]), {"month": meeting.held_on.strftime("%Y-%m")})
    cells = [cell for week in response.context["weeks"] for cell in week if cell["meetings"]]
    assert [(c["day"], [m.pk for m in c["meetings"]]) for c in cells] == [(meeting.held_on, [meeting.pk])]
    assert meeting.title in response.content.decode()
    empty = client.get(reverse("orglife:calendar", args=[world.a1.pk]), {"month": "2001-01"})
    assert empty.context["count"] == 0


def test_list_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    meeting_at(world)
    client = login(world.admin)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for days in range(3, 28):
        meeting_at(world, days=days)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["rows"]) == 20 and response.context["page"].paginator.count == 26


def test_attendance_page_query_count_does_not_grow_with_members(world, login, django_assert_max_num_queries):
    meeting = actions.record_meeting(actor=world.admin, org=world.a1,
                                     data={"kinds": [MeetingKind.BRANCH_ASSEMBLY], "starts_at": ago()})
    client = login(world.secretary)
    url = reverse("orglife:attendance", args=[meeting.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i, name in enumerate("甲乙丙丁戊己庚辛壬癸子丑寅卯辰"):
        world.make_member(world.a1, name=f"党员{name}", birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["form"].members) == 16
