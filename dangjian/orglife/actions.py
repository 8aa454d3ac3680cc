"""Recording organizational life: the only code that writes meetings, their kind tags, attendance, guests,
attachments and votes (architecture.md, pattern 2). Views, the API and tests all call these functions.

Each state change validates, checks the actor's "change" scope on the meeting's org, writes the rows (and the
simple-history row of the meeting) and the audit entry in one transaction. A draft may be edited freely; a
submitted record changes only through `correct_meeting`, whose reason is kept in the history.

The expected attendance (应到) is derived, never typed: from `members_on` (who belonged to the branch on the
meeting's day, so a member transferred mid-month is expected where they were then), from the 党小组's members,
or from the committee members in office that day.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import nh3
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import linebreaks, strip_tags

from dangjian.core import audit, uploads
from dangjian.core.scoping import get_for_user, require, scope_for
from dangjian.core.validation import Errors, too_long
from dangjian.leadership.models import COMMITTEE_POSTS, PostHolding
from dangjian.leadership.rules import in_office_q
from dangjian.lib.dates import cn_date
from dangjian.lib.votes import assembly_vote
from dangjian.members.choices import ON_ROLL_STATES
from dangjian.members.membership import members_on
from dangjian.members.models import Member
from dangjian.orglife import hooks
from dangjian.orglife.choices import AttendanceStatus, GuestRole, MeetingKind, MeetingStatus
from dangjian.orglife.models import (
    REASON_MAX,
    Attachment,
    Attendance,
    Guest,
    HeartTalk,
    Meeting,
    MeetingKindTag,
    Vote,
    year_month,
)
from dangjian.orgs.models import Organization, OrgKind

# Which kinds of org may hold each kind of meeting (支部工作条例, 2018):
#   党员大会 第十一条, 支委会 第十二条, 民主评议党员 (第十八条) — the 党支部's own bodies;
#   党小组会 第十三条 — a 党小组;
#   党课 第十六条 (党委书记 also lectures), 主题党日 — a 党支部, and a 党总支 or 党委 for its own activities;
#   组织生活会 第十七条 — held "以党支部党员大会、党支部委员会会议或者党小组会形式", so also by a 党小组;
#   民主生活会 — the 班子 of a 党委 or 党总支 (领导班子民主生活会), never a branch.
# 谈心谈话 is a conversation, not a meeting, and is not recorded here.
ALLOWED_ORG_KINDS: dict[str, frozenset[str]] = {
    MeetingKind.BRANCH_ASSEMBLY: frozenset({OrgKind.BRANCH}),
    MeetingKind.COMMITTEE_MEETING: frozenset({OrgKind.BRANCH}),
    MeetingKind.GROUP_MEETING: frozenset({OrgKind.GROUP}),
    MeetingKind.PARTY_LECTURE: frozenset({OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE}),
    MeetingKind.THEME_DAY: frozenset({OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE}),
    MeetingKind.LIFE_MEETING: frozenset(
        {OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE, OrgKind.GROUP}
    ),
    MeetingKind.MEMBER_REVIEW: frozenset({OrgKind.BRANCH}),
    MeetingKind.DEMOCRATIC_LIFE: frozenset({OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE}),
}

# Kinds attended by the committee (班子) only; any other kind in the same sitting makes it an all-member one.
COMMITTEE_ONLY_KINDS = frozenset({MeetingKind.COMMITTEE_MEETING, MeetingKind.DEMOCRATIC_LIFE})

# Fields of a meeting that recording, editing and correcting may set ("kinds" becomes the kind tags).
MEETING_FIELDS = (
    "kinds", "title", "starts_at", "place", "online", "host", "recorder", "lecturer", "lecture_topic",
    "topics", "agenda", "resolutions", "minutes", "study_hours",
)
MAX_STUDY_HOURS = Decimal("24")
RICH_TEXT_FIELDS = ("topics", "agenda", "resolutions", "minutes")
# The longest each long text may be, in characters as sent (SEC-14; minutes once took 3 MB): a 会议记录 of a long
# sitting runs to some thousands of characters, the others to some hundreds.
RICH_TEXT_LIMITS = {"topics": 5000, "agenda": 5000, "resolutions": 5000, "minutes": 30000}
RICH_TEXT_LABELS = {"topics": "议题", "agenda": "议程", "resolutions": "决议事项", "minutes": "会议记录"}
_TEXT_LIMITS = {"title": 200, "place": 200, "lecturer": 100, "lecture_topic": 200}

# Rich text: the formatting a 会议记录 needs, nothing that runs or links (stored already clean).
ALLOWED_TAGS = frozenset({
    "p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "u", "h3", "h4", "table", "thead", "tbody", "tr",
    "th", "td", "blockquote",
})
ALLOWED_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def _who(actor: Any) -> Any:
    """The actor as a user row for foreign keys and history (None for anonymous/system callers)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- pure helpers -------------------------------------------------------------------------------------------


def clean_rich_text(text: str | None) -> str:
    """Sanitised HTML for minutes and the like. Plain text from a textarea keeps its paragraphs and breaks."""
    text = (text or "").strip()
    if not text:
        return ""
    if "<" not in text:
        text = linebreaks(text, autoescape=True)
    return nh3.clean(text, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES, link_rel=None).strip()


def _check_rich_length(raw: Any, name: str, errors: Errors) -> None:
    """A long text counts by the characters one reads (stored HTML carries tags that a re-save must not count);
    markup beyond four times the limit is refused too, whatever it shows."""
    text = str(raw or "")
    limit = RICH_TEXT_LIMITS[name]
    visible = len(strip_tags(text).strip())
    if visible > limit or len(text) > 4 * limit:
        errors.add(name, too_long(RICH_TEXT_LABELS[name], limit, visible))


def default_title(kinds: Iterable[str]) -> str:
    return "、".join(MeetingKind(k).label for k in kinds)


# --- who is expected ----------------------------------------------------------------------------------------


def committee_members(org: Organization, day: dt.date) -> list[Member]:
    """The org's committee (支委/总支委/党委委员, secretary included) in office on `day`, in pinyin order."""
    holdings = PostHolding.objects.filter(in_office_q(day), org=org, post__in=COMMITTEE_POSTS)
    return list(Member.objects.filter(pk__in=holdings.values("member_id")).order_by("name_pinyin", "pk"))


def expected_members(org: Organization, day: dt.date, kinds: Iterable[str]) -> list[Member]:
    """应到 for a sitting of `org` on `day` counting as `kinds`.

    支委会 / 民主生活会 alone, and any sitting of a 党委 or 党总支 (which have no members of their own): the
    committee in office that day. A 党小组: its members that day. A 党支部: its members that day.
    """
    kinds = set(kinds)
    if (kinds and kinds <= COMMITTEE_ONLY_KINDS) or org.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH):
        return committee_members(org, day)
    if org.kind == OrgKind.GROUP:
        assert org.parent_id is not None
        return members_on(org.parent_id, day, group_id=org.pk)
    return members_on(org.pk, day)


def meeting_kinds(meeting: Meeting) -> list[str]:
    """The kinds a meeting counts as, in the order of MeetingKind."""
    found = {t.kind for t in meeting.kind_tags.all()}
    return [k for k in MeetingKind.values if k in found]


def dual_allowed_ids(meeting: Meeting, actor: Any, member_ids: Iterable[int]) -> set[int]:
    """Which of `member_ids` may be recorded as attending in 双重组织生活: on-roll members the actor may see,
    or committee members of an org above the meeting's org on its day (the leaders who take part in a
    branch's life). Others are refused, so the API cannot be used to name people out of scope."""
    ids = set(member_ids)
    if not ids:
        return set()
    ancestors = meeting.org.ancestor_paths()
    day = meeting.held_on
    leaders = PostHolding.objects.filter(
        in_office_q(day), member_id__in=ids, post__in=COMMITTEE_POSTS, org__path__in=ancestors
    )
    visible = Member.objects.visible_to(actor).filter(pk__in=ids)
    on_roll = Member.objects.filter(pk__in=ids, state__in=ON_ROLL_STATES).filter(
        Q(pk__in=leaders.values("member_id")) | Q(pk__in=visible.values("pk"))
    )
    return set(on_roll.values_list("pk", flat=True))


# --- reading (shared by the pages and the API) ---------------------------------------------------------------


def meetings_for(user: Any, action: str = "view") -> Any:
    """Meetings the user may read (or change): their scope's, plus — for reading — the submitted meetings at
    which a plain 党员 was expected (they have an attendance row), so members see their own organizational
    life without seeing their branch's drafts."""
    qs = Meeting.objects.visible_to(user, action)
    own = scope_for(user).own_member_id
    if action == "view" and own is not None:
        attended = Attendance.objects.filter(member_id=own).values("meeting_id")
        qs = qs | Meeting.objects.filter(status=MeetingStatus.SUBMITTED, pk__in=attended)
    return qs


def get_meeting_for_user(user: Any, pk: Any, action: str = "view") -> Meeting:
    """One meeting the user may reach for `action`, or 404 (missing and forbidden alike; forbidden audited)."""
    if action == "view" and scope_for(user).own_member_id is not None:
        try:
            return meetings_for(user).select_related("org").get(pk=pk)
        except (Meeting.DoesNotExist, ValueError, TypeError):
            pass
    base: Any = Meeting.objects.select_related("org")
    return get_for_user(base, user, action, pk=pk)


def can_change(user: Any, meeting: Meeting) -> bool:
    return scope_for(user).covers(meeting.org.path, "change")


def attendance_summary(meeting: Meeting) -> dict[str, int]:
    """应到/实到/请假/缺席 from the prefetched or queried rows; dual attendees and members left out of 应到 on a
    recorded basis are counted apart."""
    return summarise(meeting.attendance.all())


def summarise(rows: Iterable[Attendance]) -> dict[str, int]:
    """The counts of `attendance_summary` over given rows."""
    counts = {"expected": 0, "present": 0, "leave": 0, "absent": 0, "dual": 0, "excluded": 0}
    for row in rows:
        if row.dual or row.excluded:
            counts["dual" if row.dual else "excluded"] += 1
            continue
        counts["expected"] += 1
        counts[row.status] += 1
    return counts


# --- validation shared by record, update and correct ---------------------------------------------------------


def _member_id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, Member):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"host": ["所选党员不存在"]}) from exc


def _clean(org: Organization, data: dict[str, Any]) -> tuple[dict[str, Any], list[str], list[Member]]:
    """Validate a meeting's data for `org`: (model field values, kinds, expected members)."""
    errors = Errors()
    unknown = sorted(set(data) - set(MEETING_FIELDS))
    for name in unknown:
        errors.add(name, "未知字段")
    kinds = [k for k in MeetingKind.values if k in set(data.get("kinds") or [])]
    for k in set(data.get("kinds") or []) - set(MeetingKind.values):
        errors.add("kinds", f"未知的会议类型：{k}")
    if not data.get("kinds"):
        errors.add("kinds", "请至少选择一种会议类型")
    for k in kinds:
        if k not in ALLOWED_ORG_KINDS:
            errors.add("kinds", f"{MeetingKind(k).label}不作为会议登记")
        elif org.kind not in ALLOWED_ORG_KINDS[k]:
            errors.add("kinds", f"{OrgKind(org.kind).label}不能召开{MeetingKind(k).label}")
    starts_at = data.get("starts_at")
    held_on: dt.date | None = None
    if not isinstance(starts_at, dt.datetime):
        errors.add("starts_at", "请填写会议时间")
    else:
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        held_on = timezone.localdate(starts_at)
        if starts_at > timezone.now():
            errors.add("starts_at", "会议时间不能晚于现在")
        if org.founded_on and held_on < org.founded_on:
            errors.add("starts_at", f"会议日期不能早于{org.name}的成立日期（{cn_date(org.founded_on)}）")
        if org.dissolved_on and held_on > org.dissolved_on:
            errors.add("starts_at", f"{org.name}已于{cn_date(org.dissolved_on)}撤销，不能登记此后的会议")
    values: dict[str, Any] = {
        "starts_at": starts_at, "held_on": held_on, "online": bool(data.get("online")),
    }
    for name, limit in _TEXT_LIMITS.items():
        text = str(data.get(name) or "").strip()
        if len(text) > limit:
            errors.add(name, f"不能超过{limit}个字")
        values[name] = text
    if MeetingKind.PARTY_LECTURE in kinds:
        if not values["lecturer"]:
            errors.add("lecturer", "党课须填写主讲人")
        if not values["lecture_topic"]:
            errors.add("lecture_topic", "党课须填写题目")
    values["title"] = values["title"] or default_title(kinds)
    for name in RICH_TEXT_FIELDS:
        _check_rich_length(data.get(name), name, errors)
        values[name] = clean_rich_text(data.get(name)) if name not in errors else ""
    values["study_hours"] = _study_hours(data.get("study_hours"), kinds, held_on, errors)
    expected: list[Member] = []
    if held_on is not None and kinds and "kinds" not in errors and "starts_at" not in errors:
        expected = expected_members(org, held_on, kinds)
        if not expected:
            committee = set(kinds) <= COMMITTEE_ONLY_KINDS or org.kind != OrgKind.BRANCH
            errors.add("kinds", "该组织当日没有在任的委员，无法登记" if committee and org.kind != OrgKind.GROUP
                 else "该组织当日没有党员，无法登记")
    expected_ids = {m.pk for m in expected}
    for name, label in (("host", "主持人"), ("recorder", "记录人")):
        try:
            member_id = _member_id(data.get(name))
        except ValidationError:
            errors.add(name, "所选党员不存在")
            continue
        if member_id is not None and expected and member_id not in expected_ids:
            errors.add(name, f"{label}须是该组织当日的应到人员")
        values[f"{name}_id"] = member_id
    errors.raise_if_any()
    return values, kinds, expected


def _study_hours(value: Any, kinds: list[str], day: dt.date | None, errors: Errors) -> Decimal | None:
    """The 学时 the sitting gives when submitted: only for a kind the study policy counts; empty or 0 gives none."""
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add("study_hours", "请填写学时（数字）")
        return None
    if not hours.is_finite() or hours < 0 or hours > MAX_STUDY_HOURS:
        errors.add("study_hours", f"学时须在0到{MAX_STUDY_HOURS}之间")
        return None
    if hours != hours.quantize(Decimal("0.1")):
        errors.add("study_hours", "学时最多保留一位小数")
        return None
    policy = hooks.study_policy(day or timezone.localdate())
    if hours == 0 or policy is None or not set(kinds) & set(policy.kinds):
        return None
    return hours


def _apply(meeting: Meeting, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(meeting, name, value)


def _snapshot(meeting: Meeting, kinds: list[str]) -> dict[str, Any]:
    """What the audit log keeps of a meeting: its plain fields, and only the length of its long texts."""
    out: dict[str, Any] = {
        "kinds": kinds, "title": meeting.title, "starts_at": meeting.starts_at.isoformat(),
        "held_on": meeting.held_on.isoformat(), "place": meeting.place, "online": meeting.online,
        "host_id": meeting.host_id, "recorder_id": meeting.recorder_id, "lecturer": meeting.lecturer,
        "lecture_topic": meeting.lecture_topic, "status": meeting.status,
        "study_hours": str(meeting.study_hours) if meeting.study_hours is not None else None,
    }
    for name in RICH_TEXT_FIELDS:
        out[name] = f"{len(getattr(meeting, name))}字"
    return out


def _sync_tags(meeting: Meeting, kinds: list[str]) -> None:
    """Keep the kind tags in step with the meeting: one per kind, with its org, day and submitted flag."""
    meeting.kind_tags.exclude(kind__in=kinds).delete()
    existing = set(meeting.kind_tags.values_list("kind", flat=True))
    month = year_month(meeting.held_on)
    MeetingKindTag.objects.bulk_create(
        MeetingKindTag(meeting=meeting, kind=k, org_id=meeting.org_id, held_on=meeting.held_on, month=month,
                       submitted=False)
        for k in kinds if k not in existing
    )
    meeting.kind_tags.update(
        org_id=meeting.org_id, held_on=meeting.held_on, month=month,
        submitted=meeting.status == MeetingStatus.SUBMITTED,
    )


def _lock(meeting: Meeting, actor: Any) -> Meeting:
    """The meeting row locked for this transaction, after the actor's change scope on its org is checked."""
    locked = Meeting.objects.select_for_update().select_related("org").get(pk=meeting.pk)
    require(actor, locked.org.path, "change", locked)
    return locked


def _check_kinds_keep_votes(meeting: Meeting, kinds: list[str]) -> None:
    if MeetingKind.BRANCH_ASSEMBLY not in kinds and meeting.votes.exists():
        raise ValidationError({"kinds": ["本次会议已有表决记录，不能取消“支部党员大会”类型"]})


# --- actions ----------------------------------------------------------------------------------------------------


@audit.records_denials
@transaction.atomic
def record_meeting(*, actor: Any, org: Organization, data: dict[str, Any]) -> Meeting:
    """登记 a meeting as a draft. `data` holds Python values: kinds (list of MeetingKind values), starts_at
    (an aware datetime; held_on is its date in Beijing time), host/recorder (Member or id) and the texts."""
    org = Organization.objects.get(pk=org.pk)
    require(actor, org.path, "change", org)
    values, kinds, _expected = _clean(org, data)
    meeting = Meeting(org=org, status=MeetingStatus.DRAFT, created_by=_who(actor))
    _apply(meeting, values)
    meeting._history_user = _who(actor)  # type: ignore[attr-defined]
    meeting.save()
    _sync_tags(meeting, kinds)
    audit.record("orglife.create", actor=actor, obj=meeting, org=org, changes=_snapshot(meeting, kinds))
    return meeting


def _drop_unexpected_attendance(meeting: Meeting, expected: list[Member]) -> None:
    """After a draft's date or kinds change, attendance of members no longer expected is removed."""
    meeting.attendance.filter(dual=False).exclude(member_id__in=[m.pk for m in expected]).delete()


@audit.records_denials
@transaction.atomic
def update_meeting(meeting: Meeting, *, actor: Any, data: dict[str, Any]) -> Meeting:
    """Edit a draft; fields left out of `data` keep their values. Submitted records: `correct_meeting`."""
    meeting = _lock(meeting, actor)
    if meeting.status != MeetingStatus.DRAFT:
        raise ValidationError({NON_FIELD_ERRORS: ["已提交的记录不能直接修改，请使用“更正”并填写原因"]})
    before = _snapshot(meeting, meeting_kinds(meeting))
    values, kinds, expected = _clean(meeting.org, {**_current(meeting), **data})
    _check_kinds_keep_votes(meeting, kinds)
    _apply(meeting, values)
    meeting._history_user = _who(actor)  # type: ignore[attr-defined]
    meeting.save()
    _sync_tags(meeting, kinds)
    _drop_unexpected_attendance(meeting, expected)
    changes = audit.diff(before, _snapshot(meeting, kinds))
    if changes:
        audit.record("orglife.update", actor=actor, obj=meeting, org=meeting.org, changes=changes)
    return meeting


def _current(meeting: Meeting) -> dict[str, Any]:
    """The meeting's values in the shape `_clean` takes (edits and corrections merge their changes into it)."""
    data: dict[str, Any] = {name: getattr(meeting, name) for name in MEETING_FIELDS if name not in ("kinds", "host", "recorder")}
    kinds = meeting_kinds(meeting)
    data.update(kinds=kinds, host=meeting.host_id, recorder=meeting.recorder_id)
    if meeting.title == default_title(kinds):
        data["title"] = ""  # a title that only named the kinds follows them when the kinds change
    return data


@audit.records_denials
@transaction.atomic
def correct_meeting(meeting: Meeting, *, actor: Any, data: dict[str, Any], reason: str) -> Meeting:
    """更正 a submitted record: the reason is required and kept as the history row's change reason.

    A correction may not change who was expected (应到): that would leave the attendance record wrong.
    """
    meeting = _lock(meeting, actor)
    if meeting.status != MeetingStatus.SUBMITTED:
        raise ValidationError({NON_FIELD_ERRORS: ["草稿可直接修改，无需更正"]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写更正原因"]})
    if len(reason) > 100:
        raise ValidationError({"reason": ["更正原因不能超过100个字"]})
    kinds_before = meeting_kinds(meeting)
    before = _snapshot(meeting, kinds_before)
    values, kinds, expected = _clean(meeting.org, {**_current(meeting), **data})
    _check_kinds_keep_votes(meeting, kinds)
    recorded = set(meeting.attendance.filter(dual=False).values_list("member_id", flat=True))
    if {m.pk for m in expected} != recorded:
        raise ValidationError({"starts_at": ["更正后的应到人员与已登记的出席情况不一致，不能这样更正会议时间或类型"]})
    _apply(meeting, values)
    after = _snapshot(meeting, kinds)
    changes = audit.diff(before, after)
    if not changes:
        raise ValidationError({NON_FIELD_ERRORS: ["没有需要更正的内容"]})
    meeting._history_user = _who(actor)  # type: ignore[attr-defined]
    meeting._change_reason = reason  # type: ignore[attr-defined]
    meeting.save()
    _sync_tags(meeting, kinds)
    audit.record("orglife.correct", actor=actor, obj=meeting, org=meeting.org, changes=changes, reason=reason)
    return meeting


def excludable(kinds: Iterable[str]) -> bool:
    """Whether a sitting of these kinds may leave members out of 应到 on a recorded basis: a 党员大会, where the
    quorum and votes count 应到会 and the election rules' exclusions apply (regulations.md §2, §7.3)."""
    return MeetingKind.BRANCH_ASSEMBLY in set(kinds)


def _entry_reason(entry: dict[str, Any]) -> str:
    """The reason given for not attending ("leave_reason" is the API's older name of the same field)."""
    return str(entry.get("reason") or entry.get("leave_reason") or "").strip()


@audit.records_denials
@transaction.atomic
def set_attendance(
    meeting: Meeting, *, actor: Any, entries: list[dict[str, Any]], guests: list[dict[str, Any]] | None = None
) -> Meeting:
    """Record a draft's attendance: `entries` replace the recorded list (each: member, status, reason — required
    on leave, kept for an absence too, at most REASON_MAX characters — dual, written_opinion, excluded);
    `guests` (name, unit, role), when given, replace the guests.

    Only expected members may be listed, except leaders attending as 双重组织生活 (dual=True), who are kept
    apart from 应到. A member the transfers registry notes as 外出流动 or 失联 keeps that note on the row; one may
    be left out of 应到 (excluded=True) only at a 党员大会 and only where the note carries the rule allowing it,
    which is written on the row as its basis. A member's QR sign-in time is kept. The list may be partial
    while recording; `submit_meeting` needs everyone expected.
    """
    meeting = _lock(meeting, actor)
    if meeting.status != MeetingStatus.DRAFT:
        raise ValidationError({NON_FIELD_ERRORS: ["已提交的记录不能修改出席情况"]})
    kinds = meeting_kinds(meeting)
    expected_ids = {m.pk for m in expected_members(meeting.org, meeting.held_on, kinds)}
    errors = Errors()
    ids: list[int] = []
    for entry in entries:
        try:
            raw: Any = entry.get("member")
            ids.append(int(raw.pk if isinstance(raw, Member) else raw))
        except (TypeError, ValueError):
            errors.add("attendance", "所选党员不存在")
    errors.raise_if_any()
    names = dict(Member.objects.filter(pk__in=ids).values_list("pk", "name"))
    dual_ok = dual_allowed_ids(meeting, actor, [i for i, e in zip(ids, entries, strict=True) if e.get("dual")])
    notes = hooks.roll_notes(sorted(expected_ids & set(ids)), meeting.held_on)
    signed = dict(meeting.attendance.filter(signed_in_at__isnull=False).values_list("member_id", "signed_in_at"))
    seen: set[int] = set()
    rows: list[Attendance] = []
    for member_id, entry in zip(ids, entries, strict=True):
        name = names.get(member_id)
        if name is None:
            errors.add("attendance", "所选党员不存在")
            continue
        if member_id in seen:
            errors.add("attendance", f"{name}重复登记")
            continue
        seen.add(member_id)
        status = entry.get("status")
        dual = bool(entry.get("dual"))
        written = bool(entry.get("written_opinion"))
        excluded = bool(entry.get("excluded"))
        reason = _entry_reason(entry)
        note = notes.get(member_id)
        if status not in AttendanceStatus.values:
            errors.add("attendance", f"{name}：请选择出席、请假或缺席")
            continue
        if dual:
            if member_id in expected_ids:
                errors.add("attendance", f"{name}是本次会议的应到人员，不应登记为双重组织生活")
            elif member_id not in dual_ok:
                errors.add("attendance", f"{name}不能以双重组织生活身份登记")
        elif member_id not in expected_ids:
            errors.add("attendance", f"{name}不是该组织当日的党员")
        if status == AttendanceStatus.LEAVE and not reason:
            errors.add("attendance", f"{name}：请假须填写事由")
        if len(reason) > REASON_MAX:
            errors.add("attendance", f"{name}：未出席原因不能超过{REASON_MAX}个字（现为{len(reason)}个字）")
        if written and status == AttendanceStatus.PRESENT:
            errors.add("attendance", f"{name}已出席，无需标记会前书面意见")
        basis = ""
        if excluded:
            if status == AttendanceStatus.PRESENT:
                errors.add("attendance", f"{name}已出席，应计入应到人数")
            elif not excludable(kinds):
                errors.add("attendance", f"{name}：只有支部党员大会可以按规定不计入应到人数")
            elif note is None or not note.exclusion_basis:
                errors.add("attendance", f"{name}：没有可以不计入应到人数的依据，须计入应到")
            else:
                basis = note.exclusion_basis
        rows.append(Attendance(
            meeting=meeting, member_id=member_id, status=status, dual=dual, written_opinion=written,
            reason="" if status == AttendanceStatus.PRESENT else reason or (note.reason if note else ""),
            roll_note=note.note if note else "", excluded=bool(basis), excluded_basis=basis,
            signed_in_at=signed.get(member_id),
        ))
    guest_rows: list[Guest] = []
    for guest in guests or []:
        name = str(guest.get("name") or "").strip()
        unit = str(guest.get("unit") or "").strip()
        role = guest.get("role") or GuestRole.SUPERIOR
        if not name:
            errors.add("guests", "请填写列席人员姓名")
        elif len(name) > 50 or len(unit) > 100:
            errors.add("guests", f"{name[:50]}：姓名不超过50字、单位不超过100字")
        if role not in GuestRole.values:
            errors.add("guests", f"{name}：请选择列席身份")
        guest_rows.append(Guest(meeting=meeting, name=name, unit=unit, role=role))
    errors.raise_if_any()
    meeting.attendance.all().delete()
    Attendance.objects.bulk_create(rows)
    if guests is not None:
        meeting.guests.all().delete()
        Guest.objects.bulk_create(guest_rows)
    counts = summarise(rows)
    audit.record(
        "orglife.attendance", actor=actor, obj=meeting, org=meeting.org,
        changes={**counts, "guests": len(guest_rows) if guests is not None else None,
                 "excluded_ids": [r.member_id for r in rows if r.excluded]},
    )
    return meeting


@audit.records_denials
@transaction.atomic
def add_attachment(meeting: Meeting, *, actor: Any, upload: Any) -> Attachment:
    """Store a photo or scan of a draft meeting privately under a random name; type by content, ≤ 10 MB."""
    meeting = _lock(meeting, actor)
    if meeting.status != MeetingStatus.DRAFT:
        raise ValidationError({"file": ["已提交的记录不能再上传附件"]})
    original, size, content_type, ext = uploads.check_file(upload, "附件")
    attachment = Attachment(
        meeting=meeting, original_name=original, content_type=content_type, size=size, uploaded_by=_who(actor)
    )
    attachment.file.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
    attachment.save()
    audit.record(
        "orglife.attachment", actor=actor, obj=meeting, org=meeting.org,
        changes={"name": original, "type": content_type, "size": size},
    )
    return attachment


@audit.records_denials
@transaction.atomic
def submit_meeting(meeting: Meeting, *, actor: Any) -> Meeting:
    """提交 a draft once everyone expected has an attendance entry; from then on it changes only by correction.
    The hooks registered with orglife.hooks.after_submit (learning: the study record and its 学时) run in the
    same transaction."""
    meeting = _lock(meeting, actor)
    if meeting.status != MeetingStatus.DRAFT:
        raise ValidationError({NON_FIELD_ERRORS: ["该记录已提交"]})
    expected = expected_members(meeting.org, meeting.held_on, meeting_kinds(meeting))
    recorded = set(meeting.attendance.filter(dual=False).values_list("member_id", flat=True))
    missing = [m.name for m in expected if m.pk not in recorded]
    if missing:
        shown = "、".join(missing[:10]) + ("等" if len(missing) > 10 else "")
        raise ValidationError({"attendance": [f"尚未登记{len(missing)}人的出席情况：{shown}"]})
    stale = recorded - {m.pk for m in expected}
    if stale:
        raise ValidationError({"attendance": ["出席情况中有不属于应到人员的党员，请重新登记出席情况"]})
    meeting.status = MeetingStatus.SUBMITTED
    meeting.submitted_at = timezone.now()
    meeting._history_user = _who(actor)  # type: ignore[attr-defined]
    meeting.save()
    _sync_tags(meeting, meeting_kinds(meeting))
    audit.record("orglife.submit", actor=actor, obj=meeting, org=meeting.org, changes={"status": "submitted"})
    hooks.run_after_submit(meeting, actor)
    return meeting


@audit.records_denials
@transaction.atomic
def record_vote(
    meeting: Meeting, *, actor: Any, subject: str, member: Member | int | None = None,
    entitled: int | None = None, present: int | None = None, yes: int, no: int, abstain: int,
    written_yes: int = 0,
) -> Vote:
    """A 表决 at a draft 支部党员大会 (支部工作条例 第十一条). 应到/实到 with a vote default to the attendance:
    the expected members who were 正式党员 on the day, and those of them present. The result (quorum,
    passed) is computed by dangjian.lib.votes.assembly_vote and never typed."""
    meeting = _lock(meeting, actor)
    if meeting.status != MeetingStatus.DRAFT:
        raise ValidationError({NON_FIELD_ERRORS: ["已提交的记录不能再登记表决"]})
    if MeetingKind.BRANCH_ASSEMBLY not in meeting_kinds(meeting):
        raise ValidationError({NON_FIELD_ERRORS: ["只有支部党员大会可以进行表决"]})
    errors = Errors()
    subject = (subject or "").strip()
    if not subject:
        errors.add("subject", "请填写表决事项")
    elif len(subject) > 200:
        errors.add("subject", "不能超过200个字")
    counts = {
        name: errors.count(value, name)
        for name, value in (("entitled", entitled), ("present", present), ("yes", yes), ("no", no),
                            ("abstain", abstain), ("written_yes", written_yes))
    }
    day = meeting.held_on
    voters = [
        row for row in meeting.attendance.filter(dual=False, excluded=False).select_related("member")
        if row.member.confirmed_on is not None and row.member.confirmed_on <= day
    ]
    if counts["entitled"] is None and "entitled" not in errors:
        if not voters:
            errors.add("entitled", "请先登记出席情况，或填写应到会有表决权人数")
        counts["entitled"] = len(voters)
    if counts["present"] is None and "present" not in errors:
        counts["present"] = sum(1 for row in voters if row.status == AttendanceStatus.PRESENT)
    for name in ("yes", "no", "abstain", "written_yes"):
        if counts[name] is None and name not in errors:
            errors.add(name, "请填写票数")
    member_id = member.pk if isinstance(member, Member) else member
    if member_id is not None:
        expected_ids = {m.pk for m in expected_members(meeting.org, day, meeting_kinds(meeting))}
        if member_id not in expected_ids:
            errors.add("member", "所涉党员须是该组织当日的党员")
    errors.raise_if_any()
    n: dict[str, int] = {k: int(v or 0) for k, v in counts.items()}
    if n["entitled"] <= 0:
        errors.add("entitled", "应到会有表决权人数须大于0")
    if n["present"] > n["entitled"]:
        errors.add("present", "实到人数不能多于应到人数")
    if n["yes"] + n["no"] + n["abstain"] > n["present"]:
        errors.add("yes", "赞成、反对、弃权票合计不能多于实到会有表决权人数")
    if n["written_yes"] > n["entitled"] - n["present"]:
        errors.add("written_yes", "书面意见赞成票不能多于未到会的有表决权党员人数")
    errors.raise_if_any()
    decision = assembly_vote(entitled=n["entitled"], present=n["present"], yes=n["yes"], written_yes=n["written_yes"])
    vote = Vote.objects.create(
        meeting=meeting, subject=subject, member_id=member_id, entitled=n["entitled"], present=n["present"],
        yes=n["yes"], no=n["no"], abstain=n["abstain"], written_yes=n["written_yes"], quorum=decision.quorum,
        passed=decision.passed,
    )
    audit.record(
        "orglife.vote", actor=actor, obj=meeting, org=meeting.org,
        changes={"subject": subject, **n, "quorum": decision.quorum, "passed": decision.passed},
    )
    return vote



def dual_candidates(meeting: Meeting) -> list[Member]:
    """Leaders who may join this sitting as 双重组织生活: committee members, in office on its day, of the orgs
    above its org (one query), excluding those already expected."""
    day = meeting.held_on
    holdings = PostHolding.objects.filter(
        in_office_q(day), post__in=COMMITTEE_POSTS, org__path__in=meeting.org.ancestor_paths()
    )
    return list(
        Member.objects.filter(pk__in=holdings.values("member_id"), state__in=ON_ROLL_STATES).order_by("name_pinyin", "pk")
    )


# --- 谈心谈话 ---------------------------------------------------------------------------------------------------


def _talk_member(value: Any, roll: dict[int, Member], field: str, org: Organization,
                 errors: Errors) -> Member | None:
    member_id = _member_id(value)
    if member_id is None:
        errors.add(field, "请选择党员")
        return None
    if member_id not in roll:
        errors.add(field, f"该党员在谈话当日不是{org.name}的在册党员")
        return None
    return roll[member_id]


@audit.records_denials
@transaction.atomic
def record_talk(*, actor: Any, org: Organization, data: dict[str, Any]) -> HeartTalk:
    """登记 a 谈心谈话 of two members of a 党支部 (支部工作条例 第十九条): date, the two, topic and follow-up only.
    Both must be on the branch's roll that day; the date may not be in the future or outside the branch's life."""
    org = Organization.objects.get(pk=org.pk)
    require(actor, org.path, "change", org)
    errors = Errors()
    if org.kind != OrgKind.BRANCH:
        errors.add("org", "谈心谈话按党支部登记")
    held_on = data.get("held_on")
    initiator = counterpart = None
    if not isinstance(held_on, dt.date):
        errors.add("held_on", "请填写谈话日期")
    else:
        if held_on > timezone.localdate():
            errors.add("held_on", "谈话日期不能晚于今天")
        if org.founded_on and held_on < org.founded_on:
            errors.add("held_on", f"谈话日期不能早于{org.name}的成立日期（{cn_date(org.founded_on)}）")
        if org.dissolved_on and held_on > org.dissolved_on:
            errors.add("held_on", f"{org.name}已于{cn_date(org.dissolved_on)}撤销")
        if not errors:
            roll = {m.pk: m for m in members_on(org.pk, held_on)}
            initiator = _talk_member(data.get("initiator"), roll, "initiator", org, errors)
            counterpart = _talk_member(data.get("counterpart"), roll, "counterpart", org, errors)
            if initiator is not None and initiator == counterpart:
                errors.add("counterpart", "谈话双方不能是同一人")
    topic = (data.get("topic") or "").strip()
    follow_up = (data.get("follow_up") or "").strip()
    if not topic:
        errors.add("topic", "请填写谈话主题")
    elif len(topic) > 200:
        errors.add("topic", "谈话主题不能超过200字")
    if len(follow_up) > 500:
        errors.add("follow_up", "后续跟进不能超过500字")
    errors.raise_if_any()
    assert isinstance(held_on, dt.date)
    talk = HeartTalk(org=org, held_on=held_on, initiator=initiator, counterpart=counterpart, topic=topic,
                     follow_up=follow_up, recorded_by=_who(actor))
    talk._history_user = _who(actor)  # type: ignore[attr-defined]
    talk.save()
    # The audit entry names the record, not the topic: the log is read by more people than the record.
    audit.record("orglife.talk", actor=actor, obj=talk, org=org, changes={"held_on": held_on.isoformat()})
    return talk
