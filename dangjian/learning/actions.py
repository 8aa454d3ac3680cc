"""Recording study sessions: the only code that writes StudySession and Participation rows (architecture.md,
pattern 2). Views, the API, the demo and tests all call these functions.

- `create_session`: a session that is not a sitting of organizational life (党校 course, 专题培训, 读书班, online
  course …) with its participants and the 学时 each completed (never more than the session's length).
- `create_from_meeting`: a session taken from a submitted orglife meeting record (党课, 主题党日, 集中学习): the
  members marked present get the session's 学时, those on leave or absent get none. Nothing is typed twice, and a
  meeting gives at most one session (checked here, and by the unique key on `meeting`).
- `set_participants`: replace the participants of a session that was not taken from a meeting.

Each validates everything first and raises ValidationError({field: [Chinese message]}) — nothing is written on
error — checks the actor's "change" scope on the session's org, writes, and records the audit entry, all in one
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangjian.core import audit
from dangjian.core import rules as rule_registry
from dangjian.core.scoping import get_for_user, require, scope_for, subtree_q
from dangjian.core.validation import Errors
from dangjian.learning import rules
from dangjian.learning.choices import MEETING_SESSION_KINDS, SessionKind
from dangjian.learning.models import Participation, StudySession, Trainee
from dangjian.learning.rules import TENTH, hours_errors
from dangjian.members.choices import MemberState
from dangjian.members.models import Member
from dangjian.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus
from dangjian.orglife.models import Attendance, Meeting, MeetingKindTag
from dangjian.orgs.models import Organization

MAX_SESSION_HOURS = Decimal("999.9")
SESSION_FIELDS = ("kind", "title", "held_on", "hours", "place", "provider")
_TEXT_LIMITS = {"title": 200, "place": 200, "provider": 100}


def _who(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _check_session(data: dict[str, Any], errors: Errors, *, from_meeting: bool) -> None:
    """The session's own fields: kind, title, a day not in the future, a positive length in tenths."""
    kind = data.get("kind")
    if kind not in SessionKind.values:
        errors.add("kind", "请选择学习形式")
    elif from_meeting and kind not in MEETING_SESSION_KINDS:
        errors.add("kind", f"“{SessionKind(kind).label}”不是组织生活中的集体学习，请直接登记学习培训并填写参学人员")
    if not str(data.get("title") or "").strip():
        errors.add("title", "请填写学习主题")
    for name, limit in _TEXT_LIMITS.items():
        if len(str(data.get(name) or "")) > limit:
            errors.add(name, f"不能超过{limit}个字")
    held_on = data.get("held_on")
    if not isinstance(held_on, dt.date):
        errors.add("held_on", "请填写学习日期")
    elif held_on > timezone.localdate():
        errors.add("held_on", "学习日期不能晚于今天：学时只记已经完成的学习培训")
    hours = _decimal(data.get("hours"))
    if hours is None:
        errors.add("hours", "请填写学时（数字）")
    elif hours <= 0:
        errors.add("hours", "学时须大于0")
    elif hours > MAX_SESSION_HOURS:
        errors.add("hours", f"学时不能超过{MAX_SESSION_HOURS}")
    elif hours != hours.quantize(TENTH):
        errors.add("hours", "学时最多保留一位小数")


def _session_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data.get(k) for k in SESSION_FIELDS}
    values["title"] = str(values["title"] or "").strip()
    values["place"] = str(values["place"] or "").strip()
    values["provider"] = str(values["provider"] or "").strip()
    values["hours"] = Decimal(str(values["hours"]))
    return values


def _check_participants(
    org: Organization, held_on: Any, session_hours: Any, entries: Iterable[tuple[Any, Any]],
    errors: Errors,
) -> list[tuple[Member, Decimal]]:
    """Each (member id, hours): an active member of the org's subtree, once, with 0 < hours ≤ the session's."""
    pairs = list(entries)
    ids: list[int] = []
    for raw_id, _hours in pairs:
        try:
            ids.append(int(raw_id))
        except (TypeError, ValueError):
            errors.add("participants", f"党员编号“{raw_id}”无效")
    members = {
        m.pk: m for m in Member.objects.filter(pk__in=ids).select_related("org")
    }
    seen: set[int] = set()
    result: list[tuple[Member, Decimal]] = []
    for raw_id, raw_hours in pairs:
        try:
            member_id = int(raw_id)
        except (TypeError, ValueError):
            continue
        member = members.get(member_id)
        if member is None:
            errors.add("participants", f"党员编号{member_id}不存在")
            continue
        if member_id in seen:
            errors.add("participants", f"{member.name}重复登记")
            continue
        seen.add(member_id)
        if not member.org.path.startswith(org.path):
            errors.add("participants", f"{member.name}（{member.org.name}）不在{org.name}及其下级党组织中，不能计入本次学习")
            continue
        if member.state != MemberState.ACTIVE:
            errors.add("participants", f"{member.name}不是在册党员（{member.get_state_display()}），不能计入学时")
            continue
        if isinstance(held_on, dt.date) and member.joined_on > held_on:
            errors.add("participants", f"{member.name}的入党日期晚于学习日期")
            continue
        hours = _decimal(raw_hours)
        problems = hours_errors(hours, session_hours) if session_hours is not None else []
        if hours is None and not problems:
            problems = ["请填写完成学时"]
        for problem in problems:
            errors.add("participants", f"{member.name}：{problem}")
        if not problems and hours is not None:
            result.append((member, hours))
    return result


def _write_participants(session: StudySession, rows: list[tuple[int, Decimal]]) -> None:
    Participation.objects.bulk_create(
        [Participation(session=session, member_id=member_id, hours=hours, held_on=session.held_on)
         for member_id, hours in rows],
        batch_size=1000,
    )


def _audit_changes(session: StudySession, n: int) -> dict[str, Any]:
    return {
        "kind": session.kind, "title": session.title, "held_on": session.held_on.isoformat(),
        "hours": str(session.hours), "participants": n,
    }


@audit.records_denials
@transaction.atomic
def create_session(
    *, actor: Any, org: Organization, data: dict[str, Any], participants: Iterable[tuple[Any, Any]],
) -> StudySession:
    """登记学习培训 (not a meeting): the session and each participant's completed 学时, all or nothing."""
    require(actor, org.path, "change", obj=org)
    errors = Errors()
    _check_session(data, errors, from_meeting=False)
    if not org.is_active:
        errors.add("org", f"{org.name}已撤销，不能登记学习培训")
    session_hours = _decimal(data.get("hours")) if "hours" not in errors else None
    rows = _check_participants(org, data.get("held_on"), session_hours, participants, errors)
    errors.raise_if_any()
    session = StudySession.objects.create(org=org, created_by=_who(actor), **_session_values(data))
    _write_participants(session, [(m.pk, h) for m, h in rows])
    audit.record("learning.create", actor=actor, obj=session, org=org, changes=_audit_changes(session, len(rows)))
    return session


def meeting_kinds_allowed(on: dt.date) -> list[str]:
    return list(rule_registry.value(rules.MEETING_KINDS, on))


@audit.records_denials
@transaction.atomic
def create_from_meeting(*, actor: Any, meeting: Meeting, data: dict[str, Any]) -> StudySession:
    """学习记录 from an orglife meeting: the members present get the session's 学时; on leave or absent, none.

    `data` gives kind, hours and optionally title (default: the meeting's lecture topic or title); the org and
    the day are the meeting's."""
    require(actor, meeting.org.path, "change", obj=meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    errors = Errors()
    if locked.status != MeetingStatus.SUBMITTED:
        errors.add("meeting", "只有已提交的组织生活记录才能生成学习记录（出席情况须已确定）")
    if StudySession.objects.filter(meeting=locked).exists():
        errors.add("meeting", "该组织生活记录已生成过学习记录，同一次会议不能重复计算学时")
    kinds = set(MeetingKindTag.objects.filter(meeting=locked).values_list("kind", flat=True))
    allowed = meeting_kinds_allowed(locked.held_on)
    if not kinds & set(allowed):
        labels = "、".join(MeetingKind(k).label for k in allowed if k in MeetingKind.values)
        errors.add("meeting", f"只有{labels}可以生成学习记录（规则 {rules.MEETING_KINDS}）")
    values = {
        "kind": data.get("kind") or SessionKind.BRANCH_STUDY,
        "title": (data.get("title") or locked.lecture_topic or locked.title),
        "held_on": locked.held_on,
        "hours": data.get("hours"),
        "place": locked.place,
        "provider": data.get("provider") or "",
    }
    _check_session(values, errors, from_meeting=True)
    errors.raise_if_any()
    session = StudySession.objects.create(org=locked.org, meeting=locked, created_by=_who(actor), **_session_values(values))
    present = list(
        Attendance.objects.filter(meeting=locked, status=AttendanceStatus.PRESENT, member__state=MemberState.ACTIVE)
        .values_list("member_id", flat=True)
    )
    _write_participants(session, [(member_id, session.hours) for member_id in present])
    changes = _audit_changes(session, len(present))
    changes["meeting"] = locked.pk
    audit.record("learning.from_meeting", actor=actor, obj=session, org=locked.org, changes=changes)
    return session


@audit.records_denials
@transaction.atomic
def set_participants(session: StudySession, *, actor: Any, participants: Iterable[tuple[Any, Any]]) -> StudySession:
    """Replace the participants of a session entered directly (a meeting's come from its attendance)."""
    require(actor, session.org.path, "change", obj=session)
    errors = Errors()
    if session.meeting_id is not None:
        errors.add("participants", "该学习记录由组织生活记录生成，参学人员以会议出席情况为准，请更正会议记录")
    rows = _check_participants(session.org, session.held_on, session.hours, participants, errors)
    errors.raise_if_any()
    before = Participation.objects.filter(session=session).count()
    Participation.objects.filter(session=session).delete()
    _write_participants(session, [(m.pk, h) for m, h in rows])
    audit.record("learning.participants", actor=actor, obj=session, org=session.org,
                 changes={"participants": [before, len(rows)]})
    return session


@audit.records_denials
@transaction.atomic
def add_trainee(session: StudySession, *, actor: Any, applicant: Any, hours: Any) -> Trainee:
    """登记 an 入党积极分子 or 发展对象 of the session's subtree as having completed `hours` of it (the training the
    发展党员 admission rule reads). Sessions from a meeting record are for members only."""
    from dangjian.recruitment.models import Applicant, ApplicantStatus
    from dangjian.recruitment.steps import Stage

    require(actor, session.org.path, "change", obj=session)
    errors = Errors()
    if session.meeting_id is not None:
        errors.add("applicant", "由组织生活记录生成的学习记录只计党员学时，发展对象培训请另行登记")
    applicant_id = getattr(applicant, "pk", applicant)
    found = None
    if isinstance(applicant_id, int) or (isinstance(applicant_id, str) and applicant_id.isdigit()):
        found = Applicant.objects.visible_to(actor, "change").select_related("org").filter(pk=int(applicant_id)).first()
    if found is None:
        errors.add("applicant", "请选择本单位的入党积极分子或发展对象")
    elif not found.org.path.startswith(session.org.path):
        errors.add("applicant", f"{found.name}不在{session.org.name}及其下级党组织中")
    elif found.status != ApplicantStatus.IN_PROGRESS or found.stage not in (Stage.ACTIVIST, Stage.CANDIDATE):
        errors.add("applicant", f"{found.name}目前为“{found.get_stage_display()}”阶段，只有入党积极分子和发展对象登记培训")
    elif Trainee.objects.filter(session=session, applicant=found).exists():
        errors.add("applicant", f"{found.name}已登记过本次培训")
    value = _decimal(hours)
    for problem in (hours_errors(value, session.hours) if value is not None else ["请填写完成学时"]):
        errors.add("hours", problem)
    errors.raise_if_any()
    assert found is not None and value is not None
    trainee = Trainee.objects.create(session=session, applicant=found, hours=value, held_on=session.held_on)
    audit.record("learning.trainee", actor=actor, obj=session, org=session.org,
                 changes={"applicant": found.pk, "hours": str(value)})
    return trainee


# --- scoped reading ---------------------------------------------------------------------------------------------


def sessions_for(user: Any, action: str = "view") -> Any:
    """Sessions the user may read: their scope's, plus — for a plain 党员 — the sessions they took part in."""
    qs = StudySession.objects.visible_to(user, action)
    own = scope_for(user).own_member_id
    if action == "view" and own is not None:
        qs = qs | StudySession.objects.filter(pk__in=Participation.objects.filter(member_id=own).values("session_id"))
    return qs


def get_session_for_user(user: Any, pk: Any, action: str = "view") -> StudySession:
    """One session the user may reach, or 404 (missing and forbidden alike; forbidden audited)."""
    if action == "view" and scope_for(user).own_member_id is not None:
        try:
            return sessions_for(user).select_related("org", "meeting").get(pk=pk)
        except (StudySession.DoesNotExist, ValueError, TypeError):
            pass
    base: Any = StudySession.objects.select_related("org", "meeting")
    return get_for_user(base, user, action, pk=pk)


def participations_for(user: Any) -> Any:
    """Participation rows the user may read: of sessions in their scope, plus a plain 党员's own."""
    scope = scope_for(user)
    visible = StudySession.objects.visible_to(user).values("pk")
    qs = Participation.objects.filter(session__in=visible)
    if scope.own_member_id is not None:
        qs = qs | Participation.objects.filter(member_id=scope.own_member_id)
    return qs


def meetings_available(user: Any, org: Organization, limit: int = 50) -> Any:
    """Submitted meetings of `org`'s subtree that may become a study record and have not yet."""
    allowed = meeting_kinds_allowed(timezone.localdate())
    return (
        Meeting.objects.visible_to(user, "change")
        .filter(subtree_q(org.path, "org__path"), status=MeetingStatus.SUBMITTED, study_session__isnull=True)
        .filter(pk__in=MeetingKindTag.objects.filter(kind__in=allowed).values("meeting_id"))
        .select_related("org").order_by("-held_on", "-id")[:limit]
    )
