"""民主评议党员: the only code that writes rounds, results and 组织处置 (architecture.md, pattern 2). Views, the
API, the demo's checks and tests all call these functions.

Each action checks the actor's "change" scope on the branch, validates (a ValidationError with Chinese
messages naming the field or rule; nothing written), writes the rows, their simple-history and the audit entry
in one transaction. A draft round is edited freely; a confirmed one changes only by `correct_round` /
`correct_result`, whose reason is kept as the history row's change reason and in the audit log.

Who is appraised is never typed: the members the branch would expect at its 民主评议党员 meeting on the
round's day (`dangjian.orglife.actions.expected_members`, i.e. `members_on`), so a member transferred in
after the day is not on the sheet and one transferred away afterwards still is.

除名, and a 劝退 that ends in 出党, go through the members app's own action
(`dangjian.members.actions.record_status_event` with LeaveReason.REMOVED / PERSUADED), which keeps the roll,
the subtree totals and the login in step.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from dangjian.appraisal import rules
from dangjian.appraisal.choices import OUTCOMES_BY_KIND, FollowUpKind, FollowUpOutcome, Rating, RoundStatus
from dangjian.appraisal.models import AppraisalResult, AppraisalRound, FollowUp
from dangjian.core import audit, uploads
from dangjian.core import rules as rule_registry
from dangjian.core.scoping import get_for_user, require, scope_for
from dangjian.core.validation import Errors
from dangjian.lib.dates import cn_date
from dangjian.members import actions as member_actions
from dangjian.members.choices import ON_ROLL_STATES, LeaveReason, MemberEventKind
from dangjian.members.models import Member
from dangjian.orglife.actions import expected_members, meeting_kinds
from dangjian.orglife.choices import AttendanceStatus, MeetingKind
from dangjian.orglife.models import Meeting
from dangjian.orgs.models import Organization, OrgKind

ROUND_FIELDS = ("year", "held_on", "meeting", "participants", "note")
CORRECTABLE_ROUND_FIELDS = ("participants", "note", "meeting")
RESULT_FIELDS = (
    "self_rating", "peer_opinion", "votes_excellent", "votes_qualified", "votes_basic", "votes_unqualified",
    "rating", "reason",
)
VOTE_FIELDS = ("votes_excellent", "votes_qualified", "votes_basic", "votes_unqualified")
VOTE_LABELS = {"votes_excellent": "优秀票", "votes_qualified": "合格票", "votes_basic": "基本合格票",
               "votes_unqualified": "不合格票"}
FOLLOWUP_FIELDS = ("kind", "decided_on", "doc_no", "deadline", "note")
_TEXT_LIMIT = 500


def _who(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写更正原因"]})
    if len(reason) > 100:
        raise ValidationError({"reason": ["更正原因不能超过100个字"]})
    return reason


# --- reading (shared by the pages, the API and the member record) ---------------------------------------------


def rounds_for(user: Any, action: str = "view") -> Any:
    return AppraisalRound.objects.visible_to(user, action)


def get_round_for_user(user: Any, pk: Any, action: str = "view") -> AppraisalRound:
    """One round the user may reach for `action`, or 404 (missing and forbidden alike; forbidden audited)."""
    base: Any = AppraisalRound.objects.select_related("org", "meeting")
    return get_for_user(base, user, action, pk=pk)


def get_result_for_user(user: Any, pk: Any, action: str = "view") -> AppraisalResult:
    base: Any = AppraisalResult.objects.select_related("round__org", "member")
    return get_for_user(base, user, action, pk=pk)


def get_followup_for_user(user: Any, pk: Any, action: str = "view") -> FollowUp:
    base: Any = FollowUp.objects.select_related("result__round__org", "result__member")
    return get_for_user(base, user, action, pk=pk)


def can_change(user: Any, appraisal: AppraisalRound) -> bool:
    return scope_for(user).covers(appraisal.org.path, "change")


def roll(org: Organization, day: dt.date) -> list[Member]:
    """Who is appraised: the members the branch expects at a 民主评议党员 sitting on `day` (its roll that day)."""
    return expected_members(org, day, [MeetingKind.MEMBER_REVIEW])


def excellent_check(appraisal: AppraisalRound) -> rules.ExcellentCheck:
    """The 1/3 优秀 warning for a round, from its results (one query) and the rule in force on its day."""
    counts = appraisal.results.aggregate(total=Count("id"), excellent=Count("id", filter=Q(rating=Rating.EXCELLENT)))
    share = rule_registry.value(rules.EXCELLENT_MAX_SHARE, appraisal.held_on)
    return rules.check_excellent(counts["excellent"], counts["total"], share)


def has_round(year: int) -> Exists:
    """For an org queryset: whether the org has a round (draft or confirmed) for `year`."""
    return Exists(AppraisalRound.objects.filter(org_id=OuterRef("pk"), year=year))


def awaiting_followup(results: Any) -> Any:
    """Of `results`, those rated 不合格 in a confirmed round, member still on the roll, with no 组织处置 yet."""
    return results.filter(
        rating=Rating.UNQUALIFIED, round__status=RoundStatus.CONFIRMED, member__state__in=ON_ROLL_STATES
    ).exclude(Exists(FollowUp.objects.filter(result_id=OuterRef("pk"))))


def review_meetings(org: Organization) -> Any:
    """The org's meeting records that count as 民主评议党员, newest first (for linking a round to one)."""
    return Meeting.objects.filter(org=org, kind_tags__kind=MeetingKind.MEMBER_REVIEW).order_by("-held_on", "-id")


# --- validation -----------------------------------------------------------------------------------------------


def _meeting(value: Any, org: Organization, errors: Errors) -> Meeting | None:
    if value in (None, ""):
        return None
    meeting_id = value.pk if isinstance(value, Meeting) else value
    try:
        meeting = Meeting.objects.filter(pk=int(meeting_id), org=org).first()
    except (TypeError, ValueError):
        meeting = None
    if meeting is None:
        errors.add("meeting", "所选会议记录不存在或不是该党支部的会议")
        return None
    if MeetingKind.MEMBER_REVIEW not in meeting_kinds(meeting):
        errors.add("meeting", "所选会议记录不是“民主评议党员”类型的会议")
        return None
    return meeting


def _clean_round(org: Organization, data: dict[str, Any], *, exclude_pk: int | None = None
                 ) -> tuple[dict[str, Any], list[Member]]:
    """Validate a round's data for `org`: (model field values, the members appraised)."""
    errors = Errors()
    for name in sorted(set(data) - set(ROUND_FIELDS)):
        errors.add(name, "未知字段")
    if org.kind != OrgKind.BRANCH:
        errors.add("org", f"民主评议党员由党支部开展，{OrgKind(org.kind).label}不能登记")
    meeting = _meeting(data.get("meeting"), org, errors)
    held_on = data.get("held_on") or (meeting.held_on if meeting is not None else None)
    if isinstance(held_on, dt.datetime) or not isinstance(held_on, dt.date):
        errors.add("held_on", "请填写评议日期")
        held_on = None
    else:
        if held_on > timezone.localdate():
            errors.add("held_on", "评议日期不能晚于今天")
        if org.founded_on and held_on < org.founded_on:
            errors.add("held_on", f"评议日期不能早于{org.name}的成立日期（{cn_date(org.founded_on)}）")
        if org.dissolved_on and held_on > org.dissolved_on:
            errors.add("held_on", f"{org.name}已于{cn_date(org.dissolved_on)}撤销，不能登记此后的评议")
        if meeting is not None and meeting.held_on != held_on:
            errors.add("meeting", f"所选会议于{cn_date(meeting.held_on)}召开，与评议日期不一致")
    year = errors.count(data.get("year"), "year", "评议年度")
    if year is None and "year" not in errors and held_on is not None:
        year = held_on.year
    if year is None:
        errors.add("year", "请填写评议年度")
    elif held_on is not None and not rules.round_year_ok(year, held_on):
        errors.add("year", f"{year}年度的民主评议应在{year}年内或次年开展")
    elif AppraisalRound.objects.filter(org=org, year=year).exclude(pk=exclude_pk or 0).exists():
        errors.add("year", f"{org.name}{year}年度已有民主评议，每个党支部每年一次")
    note = str(data.get("note") or "").strip()
    if len(note) > _TEXT_LIMIT:
        errors.add("note", f"不能超过{_TEXT_LIMIT}个字")
    members: list[Member] = []
    if held_on is not None and "org" not in errors and "held_on" not in errors:
        members = roll(org, held_on)
        if not members:
            errors.add("held_on", "该党支部评议日没有在册党员，无法开展民主评议")
    participants = errors.count(data.get("participants"), "participants", "参加民主测评人数")
    if participants is None and "participants" not in errors and meeting is not None:
        participants = meeting.attendance.filter(dual=False, status=AttendanceStatus.PRESENT).count()
    if participants is None:
        if "participants" not in errors:
            errors.add("participants", "请填写参加民主测评人数")
    elif participants <= 0:
        errors.add("participants", "参加民主测评人数须大于0")
    elif members and participants > len(members):
        errors.add("participants", f"参加民主测评人数（{participants}）不能多于评议名单人数（{len(members)}）")
    errors.raise_if_any()
    return {"year": year, "held_on": held_on, "meeting": meeting, "participants": participants, "note": note}, members


def _sync_results(appraisal: AppraisalRound, members: list[Member]) -> None:
    """One result row per member appraised: rows for members no longer on the day's roll go, new ones come."""
    ids = {m.pk for m in members}
    appraisal.results.exclude(member_id__in=ids).delete()
    existing = set(appraisal.results.values_list("member_id", flat=True))
    AppraisalResult.objects.bulk_create(
        AppraisalResult(round=appraisal, member_id=pk) for pk in sorted(ids - existing)
    )


def _round_snapshot(appraisal: AppraisalRound) -> dict[str, Any]:
    return {
        "year": appraisal.year, "held_on": appraisal.held_on.isoformat(), "meeting_id": appraisal.meeting_id,
        "participants": appraisal.participants, "note": appraisal.note, "status": appraisal.status,
    }


def _lock_round(appraisal: AppraisalRound, actor: Any) -> AppraisalRound:
    locked = AppraisalRound.objects.select_for_update(of=("self",)).select_related("org").get(pk=appraisal.pk)
    require(actor, locked.org.path, "change", locked)
    return locked


def _clean_result(entry: dict[str, Any], participants: int, name: str, errors: Errors,
                  field: str = "results") -> dict[str, Any]:
    """A result's values from `entry` (the keys of RESULT_FIELDS it holds); errors prefixed with the name."""
    values: dict[str, Any] = {}
    for key in sorted(set(entry) - set(RESULT_FIELDS) - {"member"}):
        errors.add(field, f"{name}：未知字段 {key}")
    for key in ("self_rating", "rating"):
        if key in entry:
            value = entry.get(key) or ""
            if value and value not in Rating.values:
                errors.add(field, f"{name}：请选择优秀、合格、基本合格或不合格")
            values[key] = value
    for key in ("peer_opinion", "reason"):
        if key in entry:
            text = str(entry.get(key) or "").strip()
            if len(text) > _TEXT_LIMIT:
                errors.add(field, f"{name}：{'党员互评意见' if key == 'peer_opinion' else '评定意见'}不能超过{_TEXT_LIMIT}个字")
            values[key] = text
    for key in VOTE_FIELDS:
        if key in entry:
            number = errors.count(entry.get(key), field, f"{name}：{VOTE_LABELS[key]}")
            values[key] = number or 0
    return values


def _check_result(values: dict[str, Any], participants: int, name: str, errors: Errors,
                  field: str = "results") -> None:
    """Rules on a result's full values: votes within the participants, a reason for 不合格."""
    votes = [int(values.get(k) or 0) for k in VOTE_FIELDS]
    if not rules.votes_within(votes, participants):
        errors.add(field, f"{name}：测评票数合计（{sum(votes)}）不能多于参加民主测评人数（{participants}）")
    if values.get("rating") == Rating.UNQUALIFIED and not values.get("reason"):
        errors.add(field, f"{name}：评定为不合格须填写评定意见")


def _result_snapshot(result: AppraisalResult) -> dict[str, Any]:
    return {k: getattr(result, k) for k in RESULT_FIELDS if k not in ("peer_opinion", "reason")} | {
        "peer_opinion": f"{len(result.peer_opinion)}字", "reason": f"{len(result.reason)}字",
    }


# --- rounds ---------------------------------------------------------------------------------------------------


@audit.records_denials
@transaction.atomic
def create_round(*, actor: Any, org: Organization, data: dict[str, Any]) -> AppraisalRound:
    """Draft a branch's round for a year: `data` holds held_on (date), year (defaults to held_on's),
    meeting (a 民主评议党员 Meeting of the branch, or its id; optional), participants (defaults to those present
    at the linked meeting) and note. One result row is created for each member on the roll that day."""
    org = Organization.objects.get(pk=org.pk)
    require(actor, org.path, "change", org)
    values, members = _clean_round(org, data)
    appraisal = AppraisalRound(org=org, status=RoundStatus.DRAFT, created_by=_who(actor), **values)
    appraisal._history_user = _who(actor)  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            appraisal.save()
    except IntegrityError as exc:  # a concurrent request drafted the same branch and year first
        raise ValidationError({"year": [f"{org.name}{values['year']}年度已有民主评议，每个党支部每年一次"]}) from exc
    _sync_results(appraisal, members)
    audit.record("appraisal.create", actor=actor, obj=appraisal, org=org,
                 changes={**_round_snapshot(appraisal), "members": len(members)})
    return appraisal


@audit.records_denials
@transaction.atomic
def update_round(appraisal: AppraisalRound, *, actor: Any, data: dict[str, Any]) -> AppraisalRound:
    """Edit a draft round; fields left out keep their values. A new day re-derives who is appraised (results
    of members still on the roll are kept)."""
    appraisal = _lock_round(appraisal, actor)
    if not appraisal.is_draft:
        raise ValidationError({NON_FIELD_ERRORS: ["已确认的民主评议不能直接修改，请使用“更正”并填写原因"]})
    before = _round_snapshot(appraisal)
    current = {"year": appraisal.year, "held_on": appraisal.held_on, "meeting": appraisal.meeting_id,
               "participants": appraisal.participants, "note": appraisal.note}
    values, members = _clean_round(appraisal.org, {**current, **data}, exclude_pk=appraisal.pk)
    _check_votes_fit(appraisal, values["participants"], "participants")
    for name, value in values.items():
        setattr(appraisal, name, value)
    appraisal._history_user = _who(actor)  # type: ignore[attr-defined]
    appraisal.save()
    _sync_results(appraisal, members)
    changes = audit.diff(before, _round_snapshot(appraisal))
    if changes:
        audit.record("appraisal.update", actor=actor, obj=appraisal, org=appraisal.org, changes=changes)
    return appraisal


def _check_votes_fit(appraisal: AppraisalRound, participants: int, field: str) -> None:
    """No recorded result may hold more votes than a new number of participants."""
    over = [
        r.member.name for r in appraisal.results.select_related("member")
        if r.votes_total > participants
    ]
    if over:
        shown = "、".join(over[:5]) + ("等" if len(over) > 5 else "")
        raise ValidationError({field: [f"{shown}的测评票数合计多于{participants}，请先修改测评票数"]})


@audit.records_denials
@transaction.atomic
def set_results(appraisal: AppraisalRound, *, actor: Any, entries: list[dict[str, Any]]) -> rules.ExcellentCheck:
    """Fill the rating sheet of a draft: each entry names a member (Member or id) and any of 自评等次, 互评意见,
    the four vote counts, 评定等次 and 评定意见. Members not on the round's roll are refused by name. Returns
    the 1/3 优秀 check (a warning the page shows, never a refusal)."""
    appraisal = _lock_round(appraisal, actor)
    if not appraisal.is_draft:
        raise ValidationError({NON_FIELD_ERRORS: ["已确认的民主评议不能直接修改，请使用“更正”并填写原因"]})
    # The sheet follows the roll of the day, should a 党籍变动 dated before it have been recorded since drafting.
    _sync_results(appraisal, roll(appraisal.org, appraisal.held_on))
    results = {r.member_id: r for r in appraisal.results.select_related("member")}
    errors = Errors()
    seen: set[int] = set()
    changed: list[AppraisalResult] = []
    for entry in entries:
        raw: Any = entry.get("member")
        try:
            member_id = int(raw.pk if isinstance(raw, Member) else raw)
        except (TypeError, ValueError):
            errors.add("results", "所选党员不存在")
            continue
        result = results.get(member_id)
        if result is None:
            name = Member.objects.filter(pk=member_id).values_list("name", flat=True).first()
            errors.add("results", f"{name or '所选党员'}不在{appraisal.org.name}{cn_date(appraisal.held_on)}的党员名册上，不能评议")
            continue
        if member_id in seen:
            errors.add("results", f"{result.member.name}重复填写")
            continue
        seen.add(member_id)
        values = _clean_result(entry, appraisal.participants, result.member.name, errors)
        merged = {k: getattr(result, k) for k in RESULT_FIELDS} | values
        _check_result(merged, appraisal.participants, result.member.name, errors)
        for key, value in values.items():
            setattr(result, key, value)
        changed.append(result)
    errors.raise_if_any()
    if changed:
        AppraisalResult.objects.bulk_update(changed, list(RESULT_FIELDS))
    check = excellent_check(appraisal)
    rated = sum(1 for r in results.values() if r.rating)
    audit.record("appraisal.results", actor=actor, obj=appraisal, org=appraisal.org,
                 changes={"entries": len(changed), "rated": rated, "excellent_over": check.over})
    return check


@audit.records_denials
@transaction.atomic
def confirm_round(appraisal: AppraisalRound, *, actor: Any) -> rules.ExcellentCheck:
    """确认 (submit) the branch's decisions once every member appraised has a 评定等次 and the sheet still
    matches the roll of the day. Over 1/3 优秀 is allowed (a warning kept in the audit entry)."""
    appraisal = _lock_round(appraisal, actor)
    if not appraisal.is_draft:
        raise ValidationError({NON_FIELD_ERRORS: ["该民主评议已确认"]})
    results = list(appraisal.results.select_related("member"))
    if {r.member_id for r in results} != {m.pk for m in roll(appraisal.org, appraisal.held_on)}:
        raise ValidationError({NON_FIELD_ERRORS: ["评议名单与评议日的党员名册不一致（其间登记了党籍变动），请重新保存评议表后再确认"]})
    missing = [r.member.name for r in results if not r.rating]
    if missing:
        shown = "、".join(missing[:10]) + ("等" if len(missing) > 10 else "")
        raise ValidationError({"results": [f"尚有{len(missing)}人未评定等次：{shown}"]})
    appraisal.status = RoundStatus.CONFIRMED
    appraisal.confirmed_at = timezone.now()
    appraisal.confirmed_by = _who(actor)
    appraisal._history_user = _who(actor)  # type: ignore[attr-defined]
    appraisal.save()
    # The confirmed state of every result opens its history (the sheet was saved in bulk, without history rows),
    # so a later correction shows what it changed.
    AppraisalResult.history.bulk_history_create(  # type: ignore[attr-defined]
        results, default_user=_who(actor), default_change_reason="确认评议结果")
    check = excellent_check(appraisal)
    counts = {str(Rating(k).label): sum(1 for r in results if r.rating == k) for k in Rating.values}
    audit.record("appraisal.confirm", actor=actor, obj=appraisal, org=appraisal.org,
                 changes={"status": "confirmed", **counts, "warning": check.message})
    return check


@audit.records_denials
@transaction.atomic
def correct_round(appraisal: AppraisalRound, *, actor: Any, data: dict[str, Any], reason: str) -> AppraisalRound:
    """更正 a confirmed round's participants, note or meeting link, with a reason kept in its history. Its day
    and year fix who was appraised and cannot be corrected."""
    appraisal = _lock_round(appraisal, actor)
    if appraisal.is_draft:
        raise ValidationError({NON_FIELD_ERRORS: ["草稿可直接修改，无需更正"]})
    reason = _reason(reason)
    unknown = sorted(set(data) - set(CORRECTABLE_ROUND_FIELDS))
    if unknown:
        raise ValidationError({name: ["评议日期和年度决定评议名单，确认后不能更正"] if name in ROUND_FIELDS else ["未知字段"]
                               for name in unknown})
    before = _round_snapshot(appraisal)
    current = {"year": appraisal.year, "held_on": appraisal.held_on, "meeting": appraisal.meeting_id,
               "participants": appraisal.participants, "note": appraisal.note}
    values, _members = _clean_round(appraisal.org, {**current, **data}, exclude_pk=appraisal.pk)
    _check_votes_fit(appraisal, values["participants"], "participants")
    for name in CORRECTABLE_ROUND_FIELDS:
        setattr(appraisal, name, values[name])
    changes = audit.diff(before, _round_snapshot(appraisal))
    if not changes:
        raise ValidationError({NON_FIELD_ERRORS: ["没有需要更正的内容"]})
    appraisal._history_user = _who(actor)  # type: ignore[attr-defined]
    appraisal._change_reason = reason  # type: ignore[attr-defined]
    appraisal.save()
    audit.record("appraisal.correct", actor=actor, obj=appraisal, org=appraisal.org, changes=changes, reason=reason)
    return appraisal


@audit.records_denials
@transaction.atomic
def correct_result(result: AppraisalResult, *, actor: Any, data: dict[str, Any], reason: str) -> AppraisalResult:
    """更正 one member's result in a confirmed round, with a reason kept in its history. A 不合格 that already
    has a 组织处置 cannot be changed to another grade."""
    result = AppraisalResult.objects.select_for_update(of=("self",)).select_related("round__org", "member").get(pk=result.pk)
    appraisal = result.round
    require(actor, appraisal.org.path, "change", appraisal)
    if appraisal.is_draft:
        raise ValidationError({NON_FIELD_ERRORS: ["草稿可直接修改，无需更正"]})
    reason = _reason(reason)
    errors = Errors()
    values = _clean_result(data, appraisal.participants, result.member.name, errors, field=NON_FIELD_ERRORS)
    merged = {k: getattr(result, k) for k in RESULT_FIELDS} | values
    if not merged["rating"]:
        errors.add("rating", "请选择评定等次")
    _check_result(merged, appraisal.participants, result.member.name, errors, field=NON_FIELD_ERRORS)
    if (result.rating == Rating.UNQUALIFIED and merged["rating"] != Rating.UNQUALIFIED
            and result.followups.exists()):
        errors.add("rating", "该党员已有组织处置记录，不能更正为其他等次")
    errors.raise_if_any()
    before = _result_snapshot(result)
    for key, value in values.items():
        setattr(result, key, value)
    changes = audit.diff(before, _result_snapshot(result))
    if not changes:
        raise ValidationError({NON_FIELD_ERRORS: ["没有需要更正的内容"]})
    result._history_user = _who(actor)  # type: ignore[attr-defined]
    result._change_reason = reason  # type: ignore[attr-defined]
    result.save()
    audit.record("appraisal.correct_result", actor=actor, obj=appraisal, org=appraisal.org,
                 changes={"member_id": result.member_id, **changes}, reason=reason)
    return result


# --- 组织处置 of 不合格党员 -----------------------------------------------------------------------------------


def _store_scan(followup: FollowUp, upload: Any) -> None:
    original, size, content_type, ext = uploads.check_file(upload, "扫描件")
    followup.scan.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
    followup.scan_name, followup.scan_type, followup.scan_size = original, content_type, size


def _leave(member: Member, *, actor: Any, reason: str, date: dt.date, doc_no: str, why: str) -> Any:
    """The member's 出党 through the members app's action (its refusals come back under this form's fields)."""
    try:
        return member_actions.record_status_event(
            member, actor=actor, kind=MemberEventKind.LEFT, date=date, reason=why, doc_no=doc_no, leave_reason=reason,
        )
    except ValidationError as exc:
        messages = exc.messages
        raise ValidationError({NON_FIELD_ERRORS: [f"党籍变动未能登记：{m}" for m in messages]}) from exc


@audit.records_denials
@transaction.atomic
def record_followup(result: AppraisalResult, *, actor: Any, data: dict[str, Any], upload: Any = None) -> FollowUp:
    """Record a 组织处置 of a member rated 不合格 in a confirmed round: `data` holds kind (限期改正 / 劝退 /
    除名), decided_on, doc_no (文号: required for 劝退 and 除名), deadline (限期改正 only, after the decision)
    and note; `upload` an optional scan of the decision (JPG/PNG/PDF by content, ≤ 10 MB).

    One 处置 at a time: a new one only after the last is closed (a 限期改正 not corrected may be followed by
    劝退, a 劝而不退 by 除名). 除名 records the member's 出党 (除名) at once."""
    result = AppraisalResult.objects.select_for_update(of=("self",)).select_related("round__org", "member").get(pk=result.pk)
    appraisal = result.round
    require(actor, appraisal.org.path, "change", appraisal)
    errors = Errors()
    for name in sorted(set(data) - set(FOLLOWUP_FIELDS)):
        errors.add(name, "未知字段")
    if appraisal.is_draft or result.rating != Rating.UNQUALIFIED:
        raise ValidationError({NON_FIELD_ERRORS: ["只有已确认评定为“不合格”的党员需要组织处置"]})
    open_one = result.followups.filter(outcome="").first()
    if open_one is not None:
        raise ValidationError({NON_FIELD_ERRORS: [f"尚有未办结的{open_one.get_kind_display()}，请先登记其结果"]})
    if not result.member.on_roll:
        raise ValidationError({NON_FIELD_ERRORS: [f"{result.member.name}已不在册，无需再作组织处置"]})
    kind = data.get("kind")
    if kind not in FollowUpKind.values:
        errors.add("kind", "请选择限期改正、劝退或除名")
    decided_on = data.get("decided_on")
    today = timezone.localdate()
    if not isinstance(decided_on, dt.date):
        errors.add("decided_on", "请填写决定日期")
        decided_on = None
    elif decided_on > today:
        errors.add("decided_on", "决定日期不能晚于今天")
    elif decided_on < appraisal.held_on:
        errors.add("decided_on", f"决定日期不能早于民主评议日期（{cn_date(appraisal.held_on)}）")
    doc_no = str(data.get("doc_no") or "").strip()
    if len(doc_no) > 100:
        errors.add("doc_no", "文号不能超过100个字")
    elif kind in (FollowUpKind.PERSUADE, FollowUpKind.REMOVE) and not doc_no:
        errors.add("doc_no", f"{FollowUpKind(kind).label}须填写决定文号")
    deadline = data.get("deadline")
    if kind == FollowUpKind.CORRECTION:
        if not isinstance(deadline, dt.date):
            errors.add("deadline", "限期改正须填写改正期限")
        elif decided_on is not None and deadline <= decided_on:
            errors.add("deadline", f"改正期限须晚于决定日期（{cn_date(decided_on)}）")
    elif deadline:
        errors.add("deadline", "只有限期改正需要填写改正期限")
        deadline = None
    note = str(data.get("note") or "").strip()
    if len(note) > _TEXT_LIMIT:
        errors.add("note", f"不能超过{_TEXT_LIMIT}个字")
    elif kind in (FollowUpKind.PERSUADE, FollowUpKind.REMOVE) and not note:
        errors.add("note", f"{FollowUpKind(kind).label}须写明理由")
    if upload is not None and "kind" not in errors:
        try:
            uploads.check_file(upload, "扫描件")
        except ValidationError as exc:
            for msg in exc.messages:
                errors.add("scan", msg)
    errors.raise_if_any()
    assert decided_on is not None and kind is not None
    followup = FollowUp(result=result, kind=kind, decided_on=decided_on, doc_no=doc_no,
                        deadline=deadline if kind == FollowUpKind.CORRECTION else None, note=note,
                        created_by=_who(actor))
    if upload is not None:
        _store_scan(followup, upload)
    if kind == FollowUpKind.REMOVE:
        followup.member_event = _leave(result.member, actor=actor, reason=LeaveReason.REMOVED, date=decided_on,
                                       doc_no=doc_no, why=f"民主评议不合格，除名：{note}"[:500])
        followup.outcome, followup.closed_on = FollowUpOutcome.REMOVED, decided_on
    followup._history_user = _who(actor)  # type: ignore[attr-defined]
    followup.save()
    audit.record("appraisal.followup", actor=actor, obj=followup, org=appraisal.org, changes={
        "member_id": result.member_id, "kind": followup.get_kind_display(), "decided_on": decided_on.isoformat(),
        "doc_no": doc_no, "deadline": deadline.isoformat() if isinstance(deadline, dt.date) else None,
        "scan": followup.scan_name or None,
    })
    return followup


@audit.records_denials
@transaction.atomic
def close_followup(followup: FollowUp, *, actor: Any, outcome: str, closed_on: dt.date, note: str = "") -> FollowUp:
    """Record how a 处置 ended: a 限期改正 已改正 or 逾期未改正 (only once its deadline has passed); a 劝退 that
    ended in 出党 (the member's 出党, 劝退, is recorded with the decision's 文号) or 劝而不退."""
    followup = FollowUp.objects.select_for_update(of=("self",)).select_related("result__round__org", "result__member").get(
        pk=followup.pk)
    appraisal = followup.result.round
    require(actor, appraisal.org.path, "change", followup)
    if not followup.is_open:
        raise ValidationError({NON_FIELD_ERRORS: ["该组织处置已办结"]})
    errors = Errors()
    if outcome not in OUTCOMES_BY_KIND[followup.kind] or outcome == FollowUpOutcome.REMOVED:
        allowed = "、".join(FollowUpOutcome(o).label for o in OUTCOMES_BY_KIND[followup.kind])
        errors.add("outcome", f"{followup.get_kind_display()}的结果应为：{allowed}")
    today = timezone.localdate()
    if not isinstance(closed_on, dt.date):
        errors.add("closed_on", "请填写办结日期")
    elif closed_on > today:
        errors.add("closed_on", "办结日期不能晚于今天")
    elif closed_on < followup.decided_on:
        errors.add("closed_on", f"办结日期不能早于决定日期（{cn_date(followup.decided_on)}）")
    elif (outcome == FollowUpOutcome.NOT_CORRECTED and followup.deadline is not None
          and closed_on <= followup.deadline):
        errors.add("outcome", f"改正期限（{cn_date(followup.deadline)}）届满后才能认定逾期未改正")
    note = (note or "").strip()
    if len(note) > _TEXT_LIMIT:
        errors.add("note", f"不能超过{_TEXT_LIMIT}个字")
    errors.raise_if_any()
    if outcome == FollowUpOutcome.LEFT:
        followup.member_event = _leave(followup.result.member, actor=actor, reason=LeaveReason.PERSUADED,
                                       date=closed_on, doc_no=followup.doc_no,
                                       why=f"民主评议不合格，劝退：{followup.note}"[:500])
    followup.outcome, followup.closed_on, followup.outcome_note = outcome, closed_on, note
    followup._history_user = _who(actor)  # type: ignore[attr-defined]
    followup.save()
    audit.record("appraisal.followup_close", actor=actor, obj=followup, org=appraisal.org, changes={
        "member_id": followup.result.member_id, "kind": followup.get_kind_display(),
        "outcome": followup.get_outcome_display(), "closed_on": closed_on.isoformat(),
    })
    return followup


def followup_warning(followup: FollowUp) -> str:
    """A 限期改正 deadline beyond the general period (local practice: 一般为1年) — shown, never refused."""
    if followup.kind != FollowUpKind.CORRECTION or followup.deadline is None:
        return ""
    months = int(rule_registry.value(rules.CORRECTION_MONTHS, followup.decided_on))
    if rules.deadline_beyond_general(followup.decided_on, followup.deadline, months):
        return f"改正期限超过一般期限（{months}个月，本单位做法，可配置），请核实"
    return ""
