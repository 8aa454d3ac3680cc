"""QR sign-in (issue 9): a member on the roll signs in themselves within the window; every other attempt —
forged, expired, closed, reused, another meeting's code, not on the roll, for someone else — writes nothing but
its audit entry and gets a Chinese message. Outsiders cannot reach the secretary's pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEvent, AuditResult
from dangjian.orglife import actions
from dangjian.orglife.choices import MeetingKind
from dangjian.orglife.models import Attendance
from dangjian.orglife.signin import actions as signin

NOW = dt.datetime(2026, 6, 30, 4, tzinfo=dt.UTC)


def draft(world, org=None):
    return actions.record_meeting(actor=world.admin, org=org or world.a1, data={
        "kinds": [MeetingKind.THEME_DAY], "starts_at": timezone.now() - dt.timedelta(minutes=10)})


def refusals() -> list[str]:
    return list(AuditEvent.objects.filter(action="orglife.signin_refused", result=AuditResult.DENIED)
                .order_by("pk").values_list("reason", flat=True))


@time_machine.travel(NOW, tick=False)
def test_a_member_signs_in_once_within_the_window_and_the_secretary_sees_the_count(world, login):
    meeting = draft(world)
    secretary = login(world.secretary)
    opened = secretary.post(reverse("orglife:signin_open", args=[meeting.pk]), {"minutes": "30"})
    assert opened["Location"] == reverse("orglife:signin", args=[meeting.pk])
    page = secretary.get(opened["Location"])
    assert "<svg" in page.content.decode() and page.context["signed"] == 0
    url = page.context["url"]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert signin.latest_signin(meeting).token_hash == signin.token_hash(token) and token not in str(
        list(meeting.signins.values()))
    assert [s.meeting for s in signin.open_signins_for(world.member)] == [meeting]

    from django.test import Client
    member = Client()
    member.force_login(world.member_user)
    done = member.post(reverse("orglife:signin_member", args=[meeting.pk, token]))
    assert done.status_code == 200 and "签到成功" in done.content.decode()
    row = Attendance.objects.get(meeting=meeting, member=world.member)
    assert row.status == "present" and row.signed_in_at == NOW
    again = member.post(reverse("orglife:signin_member", args=[meeting.pk, token]))
    assert again.status_code == 400 and "无需重复签到" in again.content.decode()
    assert "已签到 <strong data-dj-signed>1</strong>" in secretary.get(
        reverse("orglife:signin_count", args=[meeting.pk])).content.decode()
    closed = secretary.post(reverse("orglife:signin_close", args=[meeting.pk]))
    assert closed["Location"] == reverse("orglife:attendance", args=[meeting.pk])
    late = member.post(reverse("orglife:signin_member", args=[meeting.pk, token]))
    assert late.status_code == 400 and "签到已结束" in late.content.decode()
    assert refusals() == ["reused", "closed"]


@time_machine.travel(NOW, tick=False)
def test_forged_expired_other_meeting_off_roll_and_for_someone_else_are_refused_and_audited(world):
    meeting = draft(world)
    other = draft(world, world.a2)
    _s, token = signin.open_signin(meeting, actor=world.admin, minutes=10)
    _o, other_token = signin.open_signin(other, actor=world.admin, minutes=10)
    cases = [
        (meeting.pk, "x" * 32, world.member_user, None, "签到码无效，请扫描会场上的二维码"),
        (meeting.pk, other_token, world.member_user, None, "该签到码不属于这次会议"),
        (other.pk, other_token, world.member_user, None, "您不在本次会议的应到人员名单中，不能签到"),
        (meeting.pk, token, world.member_user, world.a2_member.pk, "只能为本人签到，不能代他人签到"),
        (meeting.pk, token, world.admin, None, "您的账号未关联党员档案，不能签到"),
    ]
    for meeting_id, code, user, for_member, message in cases:
        result = signin.sign_in(meeting_id, code, actor=user, for_member=for_member)
        assert (result.ok, result.message) == (False, message)
    with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False):
        result = signin.sign_in(meeting.pk, token, actor=world.member_user)
        assert (result.ok, result.message) == (False, "签到码已过期，签到时间已过")
    assert not Attendance.objects.exists()
    assert refusals() == ["forged", "other_meeting", "not_on_roll", "for_other", "no_member", "expired"]


@time_machine.travel(NOW, tick=False)
def test_after_sign_in_those_who_did_not_sign_in_start_as_absent(world, login):
    absent = world.make_member(world.a1, name="王未签")
    meeting = draft(world)
    _s, token = signin.open_signin(meeting, actor=world.admin, minutes=30)
    assert signin.sign_in(meeting.pk, token, actor=world.member_user).ok
    form = login(world.secretary).get(reverse("orglife:attendance", args=[meeting.pk])).context["form"]
    assert form[f"status_{world.member.pk}"].value() == "present"
    assert form[f"status_{absent.pk}"].value() == "absent"


@time_machine.travel(NOW, tick=False)
def test_outsiders_cannot_open_see_or_close_a_sign_in(world, login):
    meeting = draft(world)
    client = login(world.outsider)
    for name in ("signin_open", "signin_close"):
        assert client.post(reverse(f"orglife:{name}", args=[meeting.pk]), {"minutes": "30"}).status_code == 404
    for name in ("signin", "signin_count"):
        assert client.get(reverse(f"orglife:{name}", args=[meeting.pk])).status_code == 404
    assert not meeting.signins.exists()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("left_on", "left_out"), [
    (dt.date(2025, 12, 31), True),  # six months by the meeting's day (30 June: the month has no 31st)
    (dt.date(2026, 1, 1), False),  # six months only on 1 July: stays in 应到
])
def test_the_sign_in_count_and_the_sheet_show_the_same_expected_when_a_floating_member_is_left_out(
        world, login, left_on, left_out):
    from dangjian.transfers import actions as transfer_actions

    away = world.make_member(world.a1, name="周外出")
    transfer_actions.record_floating(away, actor=world.admin, data={
        "left_on": left_on, "place": "成都市", "fixed_place": True}, today=NOW.date())
    meeting = actions.record_meeting(actor=world.secretary, org=world.a1, data={
        "kinds": [MeetingKind.THEME_DAY, MeetingKind.BRANCH_ASSEMBLY],
        "starts_at": timezone.now() - dt.timedelta(minutes=10)})
    on_roll = len(actions.expected_members(meeting.org, meeting.held_on, actions.meeting_kinds(meeting)))
    secretary = login(world.secretary)
    secretary.post(reverse("orglife:signin_open", args=[meeting.pk]), {"minutes": "30"})
    expected = on_roll - (1 if left_out else 0)
    sheet = secretary.get(reverse("orglife:attendance", args=[meeting.pk]))
    page = secretary.get(reverse("orglife:signin", args=[meeting.pk]))
    count = secretary.get(reverse("orglife:signin_count", args=[meeting.pk])).content.decode()
    assert sheet.context["expected"] == page.context["expected"] == expected
    assert f'data-dj-count="expected">{expected}<' in sheet.content.decode() and f"应到 {expected} 人" in count
    # Once the secretary records them as counted after all, both count them.
    actions.set_attendance(meeting, actor=world.secretary, entries=[
        {"member": away.pk, "status": "absent", "excluded": False}])
    assert secretary.get(reverse("orglife:signin", args=[meeting.pk])).context["expected"] == on_roll
    assert secretary.get(reverse("orglife:attendance", args=[meeting.pk])).context["expected"] == on_roll
