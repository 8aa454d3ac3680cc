"""QR sign-in (扫码签到): the only code that writes SignIn rows and the attendance a scan gives.

The secretary opens a window (`open_signin`) on a draft: a random token is made, only its SHA-256 is stored, and
the QR code on the secretary's screen carries the token in the sign-in URL. A logged-in member who scans it
signs in themselves only (`sign_in`): the token must be this meeting's, its window open, the meeting a draft and
the member on its roll (应到) that day. Every refusal — forged, expired, closed, another meeting's token, not on
the roll, signing in for someone else, already signed in — writes nothing but its audit entry and comes back as
a Chinese message. `close_signin` ends the window; the secretary then marks the exceptions on the sheet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.models import AuditResult
from dangjian.core.scoping import require, scope_for
from dangjian.members.models import Member
from dangjian.orglife.actions import expected_members, meeting_kinds
from dangjian.orglife.choices import AttendanceStatus, MeetingStatus
from dangjian.orglife.models import Attendance, Meeting, SignIn

WINDOW_CHOICES = [(10, "10分钟"), (30, "30分钟"), (60, "1小时"), (120, "2小时")]
DEFAULT_WINDOW = 30


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_open(signin: SignIn | None, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return signin is not None and signin.closed_at is None and signin.opens_at <= now < signin.closes_at


def latest_signin(meeting: Meeting) -> SignIn | None:
    """The meeting's most recent sign-in window, open or not (None: sign-in was never used)."""
    return meeting.signins.order_by("-opens_at", "-id").first()


def open_signins_for(member: Member | int, now: dt.datetime | None = None) -> QuerySet[SignIn]:
    """Sign-in windows open now at draft meetings of the member's branch or 党小组 — what a member's home page
    shows as 正在签到 (the member signs in by scanning the code at the meeting; the roll is checked then)."""
    now = now or timezone.now()
    member = member if isinstance(member, Member) else Member.objects.get(pk=member)
    orgs = [member.org_id] + ([member.group_id] if member.group_id else [])
    return (
        SignIn.objects.filter(closed_at__isnull=True, opens_at__lte=now, closes_at__gt=now,
                              meeting__status=MeetingStatus.DRAFT, meeting__org_id__in=orgs)
        .select_related("meeting").order_by("closes_at")
    )


def signed_in_count(meeting: Meeting) -> int:
    return meeting.attendance.filter(signed_in_at__isnull=False, dual=False).count()


def _locked_draft(meeting: Meeting, actor: Any) -> Meeting:
    locked = Meeting.objects.select_for_update().select_related("org").get(pk=meeting.pk)
    require(actor, locked.org.path, "change", locked)
    if locked.status != MeetingStatus.DRAFT:
        raise ValidationError({NON_FIELD_ERRORS: ["已提交的记录不能再签到"]})
    return locked


@audit.records_denials
@transaction.atomic
def open_signin(meeting: Meeting, *, actor: Any, minutes: Any) -> tuple[SignIn, str]:
    """开始扫码签到 on a draft for `minutes` (one of WINDOW_CHOICES); an open window is closed first. Returns the
    window and its token — shown once, as the QR code; only its hash is kept."""
    meeting = _locked_draft(meeting, actor)
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if minutes not in dict(WINDOW_CHOICES):
        raise ValidationError({"minutes": ["请选择签到时长"]})
    now = timezone.now()
    meeting.signins.filter(closed_at__isnull=True, closes_at__gt=now).update(closed_at=now)
    token = secrets.token_urlsafe(24)
    signin = SignIn.objects.create(meeting=meeting, token_hash=token_hash(token), opens_at=now,
                                   closes_at=now + dt.timedelta(minutes=minutes), opened_by=actor)
    audit.record("orglife.signin_open", actor=actor, obj=meeting, org=meeting.org,
                 changes={"minutes": minutes, "closes_at": signin.closes_at.isoformat()})
    return signin, token


@audit.records_denials
@transaction.atomic
def close_signin(meeting: Meeting, *, actor: Any) -> int:
    """结束签到: the open window closes now. Returns how many expected members signed in."""
    meeting = _locked_draft(meeting, actor)
    now = timezone.now()
    closed = meeting.signins.filter(closed_at__isnull=True, closes_at__gt=now).update(closed_at=now)
    count = signed_in_count(meeting)
    audit.record("orglife.signin_close", actor=actor, obj=meeting, org=meeting.org,
                 changes={"closed": closed, "signed_in": count})
    return count


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    message: str


def _refuse(actor: Any, meeting: Meeting | None, why: str, message: str) -> SignInResult:
    audit.record("orglife.signin_refused", actor=actor, obj=meeting, org=meeting.org if meeting else None,
                 result=AuditResult.DENIED, reason=why)
    return SignInResult(False, message)


def sign_in(meeting_id: Any, token: str, *, actor: Any, for_member: Any = None) -> SignInResult:
    """A member's scan: present at the meeting, if everything checks; otherwise a Chinese message, nothing
    written but the audit entry. `for_member`, when given, must be the actor's own member record."""
    own = scope_for(actor).own_member_id
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("org").filter(pk=meeting_id).first()
        if own is None:
            return _refuse(actor, meeting, "no_member", "您的账号未关联党员档案，不能签到")
        if for_member not in (None, "") and str(for_member) != str(own):
            return _refuse(actor, meeting, "for_other", "只能为本人签到，不能代他人签到")
        signin = SignIn.objects.filter(token_hash=token_hash(token or "")).first()
        if signin is None:
            return _refuse(actor, meeting, "forged", "签到码无效，请扫描会场上的二维码")
        if meeting is None or signin.meeting_id != meeting.pk:
            return _refuse(actor, meeting, "other_meeting", "该签到码不属于这次会议")
        now = timezone.now()
        if meeting.status != MeetingStatus.DRAFT:
            return _refuse(actor, meeting, "submitted", "会议记录已提交，签到已结束")
        if signin.closed_at is not None and signin.closed_at <= now:
            return _refuse(actor, meeting, "closed", "签到已结束")
        if now >= signin.closes_at:
            return _refuse(actor, meeting, "expired", "签到码已过期，签到时间已过")
        roll = {m.pk for m in expected_members(meeting.org, meeting.held_on, meeting_kinds(meeting))}
        if own not in roll:
            return _refuse(actor, meeting, "not_on_roll", "您不在本次会议的应到人员名单中，不能签到")
        row = Attendance.objects.filter(meeting=meeting, member_id=own).first()
        if row is not None and row.signed_in_at is not None:
            local = timezone.localtime(row.signed_in_at)
            return _refuse(actor, meeting, "reused", f"您已于{local:%H:%M}签到，无需重复签到")
        Attendance.objects.update_or_create(
            meeting=meeting, member_id=own,
            defaults={"status": AttendanceStatus.PRESENT, "signed_in_at": now, "reason": "", "dual": False,
                      "excluded": False, "excluded_basis": "", "written_opinion": False},
        )
        audit.record("orglife.signin", actor=actor, obj=meeting, org=meeting.org, changes={"member": own})
    return SignInResult(True, f"签到成功：{meeting.title}")
