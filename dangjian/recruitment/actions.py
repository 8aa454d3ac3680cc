"""发展党员: the only code that writes applicants, their steps and documents (architecture.md, pattern 2).

Each action checks the actor's "change" scope on the applicant's 党支部, validates against the rules
(dangjian.recruitment.rules, steps) and answers bad input with {field: [message naming the rule]} — nothing is
written then. A step that passes is written with its documents, its side effects on the member registry and the
audit entry in one transaction:

- step 15/23 (支部大会): the vote is the 支部党员大会's — an existing orglife Vote, or recorded now on a draft
  meeting through orglife.actions.record_vote, or (no meeting record) counts put through lib.votes.assembly_vote;
  one candidate per vote; a vote that does not pass is refused;
- step 17 (上级党委审批 of the admission): the member record is created by members.actions.create_member, a
  预备党员 whose 入党日期 is the date of the 支部大会 — nothing about the person is typed twice;
- step 19 (编入党小组): members.actions.update_member sets the group;
- step 24 (审批转正): members.actions.record_status_event records the 转正 (dated the day the probation ended —
  党龄 counts from then) or the 取消预备党员资格 (出党); an approved extension is a 延长预备期 event.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.core import audit
from dangjian.core import uploads as core_uploads
from dangjian.core.scoping import require
from dangjian.core.validation import Errors
from dangjian.lib import pinyin
from dangjian.lib.dates import cn_date
from dangjian.lib.votes import assembly_vote
from dangjian.members import actions as member_actions
from dangjian.members import pii
from dangjian.members.choices import ON_ROLL_STATES, LeaveReason, MemberEventKind, MemberState, PartyStatus
from dangjian.members.models import Member, MemberEvent
from dangjian.members.validation import check_member_data
from dangjian.orglife import actions as orglife_actions
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.models import Meeting, Vote
from dangjian.orgs.models import Organization, OrgKind
from dangjian.recruitment import rules
from dangjian.recruitment.models import OPEN_STATUSES, Applicant, ApplicantStatus, Step, StepDocument
from dangjian.recruitment.rules import Fact, Limits
from dangjian.recruitment.steps import (
    ACTIVIST,
    ADMISSION_APPROVAL,
    ADMISSION_MEETING,
    ASSESSMENT,
    CANDIDATE,
    CONFIRMATION_APPROVAL,
    CONFIRMATION_MEETING,
    INTRODUCERS,
    MENTORS,
    PLACEMENT,
    STEPS,
    TALK,
    TRAINING,
    VOTING_STEPS,
    Outcome,
    allowed_next,
    stage_of,
)
from dangjian.recruitment.training import training_hours

# The person's fields, entered once at the application and copied into the member record at admission.
PERSON_FIELDS = (
    "name", "sex", "ethnicity", "birth_date", "education", "occupation", "person_category", "work_unit", "post",
)
TALLY_FIELDS = ("entitled", "present", "yes", "no", "abstain", "written_yes")
_TEXT_LIMITS = {"handled_by": 100, "doc_no": 100, "note": 2000, "delay_reason": 300}
REVEALABLE = member_actions.REVEALABLE
_MIN_REASON = 4


def _who(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _lock(applicant: Applicant, actor: Any) -> Applicant:
    locked = Applicant.objects.select_for_update(of=("self",)).select_related("org").get(pk=applicant.pk)
    require(actor, locked.org.path, "change", locked)
    return locked


def _safe_snapshot(applicant: Applicant) -> dict[str, Any]:
    """Field values for the audit log: personal data only masked (SEC-11)."""
    out: dict[str, Any] = {}
    for f in (*PERSON_FIELDS, "id_card_masked", "phone_masked", "org_id", "status"):
        value = getattr(applicant, f)
        out[f] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def facts_of(applicant: Applicant) -> list[Fact]:
    return [
        Fact(s.number, s.date, s.outcome, s.extension_months)
        for s in applicant.steps.order_by("id").only("number", "date", "outcome", "extension_months")
    ]


def refresh(applicant: Applicant, facts: list[Fact], limits: Limits) -> None:
    """Bring the kept position (step, stage, next step, due date) in line with the recorded steps."""
    last = facts[-1].number
    applicant.step = last
    applicant.stage = stage_of(last)
    due = rules.next_due(facts, limits) if applicant.status != ApplicantStatus.STOPPED else rules.Due(None)
    applicant.next_step = due.next_step
    applicant.due_on = due.due_on
    applicant.due_rule = due.rule


# --- the person ------------------------------------------------------------------------------------------------


def check_person(data: dict[str, Any], *, today: dt.date, require_id_card: bool = True) -> Errors:
    """The person's fields, checked by the member registry's own rules (members.validation): 身份证号 checksum,
    birth date and sex against it, name, phone, value lists. The 入党 fields are not the applicant's yet."""
    probe = {**data, "party_status": PartyStatus.PROBATIONARY, "joined_on": None, "confirmed_on": None}
    checked = check_member_data(probe, today=today, require_id_card=require_id_card)
    return Errors({k: v for k, v in checked.errors.items() if k not in ("party_status", "joined_on", "confirmed_on")})


def _duplicates(number: str, exclude_pk: int | None) -> dict[str, list[str]]:
    index = pii.id_card_index(number)
    if Member.objects.filter(id_card_index=index, state__in=ON_ROLL_STATES).exists():
        return {"id_card": ["该身份证号已是在册党员，无需发展"]}
    open_applicants = Applicant.objects.filter(id_card_index=index, status__in=OPEN_STATUSES)
    if exclude_pk is not None:
        open_applicants = open_applicants.exclude(pk=exclude_pk)
    if open_applicants.exists():
        return {"id_card": ["该身份证号已有正在培养发展的记录"]}
    return {}


def _apply_person(applicant: Applicant, data: dict[str, Any]) -> None:
    for f in PERSON_FIELDS:
        if f in data:
            value = data[f]
            setattr(applicant, f, value.strip() if isinstance(value, str) else value)
    applicant.ethnicity = applicant.ethnicity or "汉族"
    applicant.name_pinyin = pinyin.full(applicant.name)
    applicant.name_initials = pinyin.initials(applicant.name)
    if data.get("id_card"):
        pii.set_id_card(applicant, data["id_card"])
    if "phone" in data:
        pii.set_phone(applicant, data.get("phone") or "")


@audit.records_denials
@transaction.atomic
def create_applicant(*, actor: Any, data: dict[str, Any], uploads: list[Any] | None = None,
                     today: dt.date | None = None) -> Applicant:
    """Step 1, 递交入党申请书: register the applicant in a 党支部 the actor may change.

    `data` holds Python values: org (Organization), the person's fields, id_card and phone in clear, applied_on
    (the date of the application), and optionally handled_by, note. `uploads`: scans of the application.
    """
    today = today or timezone.localdate()
    org: Organization | None = data.get("org")
    if org is not None:
        require(actor, org.path, "change", org)
    errors = Errors(member_actions.check_placement(org, None))
    for k, v in check_person(data, today=today).items():
        errors.setdefault(k, []).extend(v)
    if "id_card" not in errors and data.get("id_card"):
        errors.update(_duplicates(data["id_card"], None))
    limits = rules.load(today)
    applied_on: dt.date | None = data.get("applied_on")
    if applied_on is None:
        errors.add("applied_on", "请填写递交入党申请书的日期")
    elif applied_on > today:
        errors.add("applied_on", "递交入党申请书的日期不能晚于今天")
    elif data.get("birth_date") and "birth_date" not in errors:
        message = rules.age_error(data["birth_date"], applied_on, limits)
        if message:
            errors.add("birth_date", message)
    _check_texts(data, errors)
    _check_uploads(uploads or [], errors)
    errors.raise_if_any()
    assert org is not None and applied_on is not None
    applicant = Applicant(org=org, status=ApplicantStatus.IN_PROGRESS, step=1, stage=1)
    _apply_person(applicant, data)
    applicant._history_user = _who(actor)  # type: ignore[attr-defined]
    applicant.save()
    step = Step.objects.create(
        applicant=applicant, number=1, date=applied_on, handled_by=(data.get("handled_by") or "").strip(),
        note=(data.get("note") or "").strip(), recorded_by=_who(actor),
    )
    for upload in uploads or []:
        _store(step, upload, actor)
    refresh(applicant, [Fact(1, applied_on)], limits)
    applicant.save(update_fields=["step", "stage", "next_step", "due_on", "due_rule", "updated_at"])
    audit.record("recruitment.create", actor=actor, obj=applicant, org=org,
                 changes={**_safe_snapshot(applicant), "applied_on": applied_on.isoformat()})
    return applicant


@audit.records_denials
@transaction.atomic
def update_applicant(applicant: Applicant, *, actor: Any, data: dict[str, Any], today: dt.date | None = None) -> Applicant:
    """Correct the person's data while they are not yet a member (afterwards the member record is the one kept)."""
    today = today or timezone.localdate()
    applicant = _lock(applicant, actor)
    if applicant.status != ApplicantStatus.IN_PROGRESS:
        raise ValidationError({NON_FIELD_ERRORS: ["已接收为预备党员或已终止发展，个人信息请在党员档案中修改"]})
    unknown = set(data) - set(PERSON_FIELDS) - {"id_card", "phone"}
    if unknown:
        raise ValidationError({f: ["该字段不能在此修改"] for f in sorted(unknown)})
    merged: dict[str, Any] = {f: getattr(applicant, f) for f in PERSON_FIELDS}
    merged.update(data)
    if not data.get("id_card"):
        merged["id_card"] = pii.read_id_card(applicant)
    errors = check_person(merged, today=today)
    if data.get("id_card") and "id_card" not in errors:
        errors.update(_duplicates(data["id_card"], applicant.pk))
    errors.raise_if_any()
    before = _safe_snapshot(applicant)
    _apply_person(applicant, data)
    applicant._history_user = _who(actor)  # type: ignore[attr-defined]
    applicant.save()
    changes = audit.diff(before, _safe_snapshot(applicant))
    if changes:
        audit.record("recruitment.update", actor=actor, obj=applicant, org=applicant.org, changes=changes)
    return applicant


@audit.records_denials
@transaction.atomic
def stop_applicant(applicant: Applicant, *, actor: Any, reason: str) -> Applicant:
    """终止发展: an applicant who is not to be admitted (not yet a 预备党员; a 预备党员 is cancelled at 转正)."""
    applicant = _lock(applicant, actor)
    reason = (reason or "").strip()
    if applicant.status != ApplicantStatus.IN_PROGRESS:
        raise ValidationError({NON_FIELD_ERRORS: ["只有尚未接收为预备党员的申请人可以终止发展"]})
    if not reason:
        raise ValidationError({"reason": ["请填写终止发展的原因"]})
    if len(reason) > 500:
        raise ValidationError({"reason": ["原因不能超过500个字"]})
    applicant.status = ApplicantStatus.STOPPED
    applicant.stopped_reason = reason
    applicant.next_step = None
    applicant.due_on = None
    applicant.due_rule = ""
    applicant._history_user = _who(actor)  # type: ignore[attr-defined]
    applicant._change_reason = "终止发展"  # type: ignore[attr-defined]
    applicant.save()
    audit.record("recruitment.stop", actor=actor, obj=applicant, org=applicant.org, reason=reason,
                 changes={"status": [ApplicantStatus.IN_PROGRESS, ApplicantStatus.STOPPED]})
    return applicant


def can_reveal(applicant: Applicant, user: Any) -> bool:
    from dangjian.core.scoping import scope_for

    return scope_for(user).covers(applicant.org.path, "reveal")


@audit.records_denials
@transaction.atomic
def reveal(applicant: Applicant, *, actor: Any, field: str, reason: str) -> str:
    """The full 身份证号 or phone, for a user with the reveal right who gives a reason; always audited."""
    if field not in REVEALABLE:
        raise ValidationError({"field": ["不支持查看该字段"]})
    require(actor, applicant.org.path, "reveal", applicant)
    if len(reason.strip()) < _MIN_REASON:
        raise ValidationError({"reason": ["请填写查看事由（至少4个字）"]})
    if member_actions.reveal_needs_otp(actor):
        raise ValidationError({"reason": ["查看完整个人信息前须完成动态口令验证"]})
    value = pii.read_id_card(applicant) if field == "id_card" else pii.read_phone(applicant)
    audit.record("recruitment.reveal", actor=actor, obj=applicant, org=applicant.org, reason=reason.strip(),
                 changes={"field": REVEALABLE[field]})
    return value


# --- documents -------------------------------------------------------------------------------------------------


def _check_uploads(uploads: list[Any], errors: Errors) -> None:
    """Type (by content) and size of every file before anything is saved (core.uploads)."""
    for upload in uploads:
        try:
            core_uploads.check_file(upload, "材料")
        except ValidationError as exc:
            for msg in exc.message_dict.get("file", exc.messages):
                errors.add("file", msg)


def _store(step: Step, upload: Any, actor: Any, title: str = "") -> StepDocument:
    original, size, content_type, ext = core_uploads.check_file(upload, "材料")
    document = StepDocument(
        step=step, title=(title.strip() or STEPS[step.number].document)[:100], original_name=original,
        content_type=content_type, size=size, uploaded_by=_who(actor),
    )
    document.file.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
    document.save()
    return document


@audit.records_denials
@transaction.atomic
def add_document(step: Step, *, actor: Any, upload: Any, title: str = "") -> StepDocument:
    """A scan or photo of a step's paper, added after the step was recorded (JPG, PNG or PDF, ≤ 10 MB)."""
    applicant = _lock(step.applicant, actor)
    errors = Errors()
    if len(title.strip()) > 100:
        errors.add("title", "材料名称不能超过100个字")
    _check_uploads([upload], errors)
    errors.raise_if_any()
    document = _store(step, upload, actor, title)
    audit.record("recruitment.document", actor=actor, obj=applicant, org=applicant.org,
                 changes={"step": step.number, "title": document.title, "type": document.content_type,
                          "size": document.size})
    return document


# --- steps -----------------------------------------------------------------------------------------------------


def _check_texts(data: dict[str, Any], errors: Errors) -> None:
    for name, limit in _TEXT_LIMITS.items():
        if len(str(data.get(name) or "").strip()) > limit:
            errors.add(name, f"不能超过{limit}个字")


def _people(data: dict[str, Any], actor: Any, on: dt.date, field: str, role: str, rule: str,
            low: int, high: int, errors: Errors) -> list[Member]:
    """Mentors or introducers: `low`–`high` distinct members the actor can see, each a 正式党员 on the day."""
    raw = list(data.get("people") or [])
    ids: list[int] = []
    for item in raw:
        try:
            ids.append(int(item.pk if isinstance(item, Member) else item))
        except (TypeError, ValueError):
            errors.add(field, "所选党员不存在")
            return []
    if len(set(ids)) != len(ids):
        errors.add(field, f"{role}不能重复")
        return []
    count = f"{low}名" if low == high else f"{low}至{high}名"
    if not low <= len(ids) <= high:
        errors.add(field, f"须有{count}{role}（{rule}），现为{len(ids)}名")
        return []
    found = {m.pk: m for m in Member.objects.visible_to(actor).filter(pk__in=ids)}
    people: list[Member] = []
    for pk in ids:
        member = found.get(pk)
        if member is None:
            errors.add(field, "所选党员不存在或不在您的管理范围内")
            continue
        if member.state != MemberState.ACTIVE:
            errors.add(field, f"{member.name}{member.get_state_display()}，不能担任{role}")
        elif member.party_status != PartyStatus.FULL or member.confirmed_on is None or member.confirmed_on > on:
            errors.add(field, f"{member.name}是预备党员，不能担任{role}：{role}须是正式党员（{rule}）")
        people.append(member)
    return people


def _decimal(value: Any, field: str, errors: Errors) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.add(field, "请填写数字")
        return None
    if number < 0 or number > 1000 or number != number.quantize(Decimal("0.1")):
        errors.add(field, "请填写0至1000之间、最多一位小数的数字")
        return None
    return number


class _VotePlan:
    """How the vote of a 支部大会 step is to be kept: an existing Vote, one to record on a draft meeting, or
    counts without a meeting record."""

    def __init__(self) -> None:
        self.vote: Vote | None = None
        self.meeting: Meeting | None = None
        self.tally: dict[str, int] = {}


def _plan_vote(applicant: Applicant, data: dict[str, Any], day: dt.date | None,
               errors: Errors) -> _VotePlan:
    """Check the vote's source before anything is written; the counts' arithmetic is lib.votes'."""
    plan = _VotePlan()
    raw_vote, raw_meeting = data.get("vote"), data.get("meeting")
    if raw_vote not in (None, ""):
        vote = raw_vote if isinstance(raw_vote, Vote) else Vote.objects.filter(pk=_int_or_none(raw_vote) or 0).first()
        if vote is None or vote.meeting.org_id != applicant.org_id:
            errors.add("vote", "所选表决不存在，或不是本支部党员大会的表决")
            return plan
        if Step.objects.filter(vote=vote).exists():
            errors.add("vote", "该表决已用于另一名同志：支部大会讨论两个以上发展对象时，必须逐个讨论和表决")
        if vote.member_id not in (None, applicant.member_id):
            errors.add("vote", "该表决涉及的是另一名党员")
        if not vote.passed:
            errors.add("vote", "该表决未通过：" + "；".join(
                assembly_vote(entitled=vote.entitled, present=vote.present, yes=vote.yes,
                              written_yes=vote.written_yes).reasons))
        plan.vote, plan.meeting = vote, vote.meeting
    elif raw_meeting not in (None, ""):
        meeting = (raw_meeting if isinstance(raw_meeting, Meeting)
                   else Meeting.objects.filter(pk=_int_or_none(raw_meeting) or 0).first())
        if meeting is None or meeting.org_id != applicant.org_id:
            errors.add("meeting", "所选会议不存在，或不是本党支部的会议")
            return plan
        if MeetingKind.BRANCH_ASSEMBLY not in orglife_actions.meeting_kinds(meeting):
            errors.add("meeting", "所选会议不是支部党员大会（支部工作条例第十一条：接收预备党员、预备党员转正由党员大会表决）")
        elif meeting.status != MeetingStatus.DRAFT:
            errors.add("meeting", "该会议记录已提交，不能再登记表决：请选择会上已登记的表决")
        for name in ("yes", "no", "abstain"):
            if errors.count(data.get(name), name) is None and name not in errors:
                errors.add(name, "请填写票数")
        plan.meeting = meeting
    else:
        counts = {name: errors.count(data.get(name), name) for name in TALLY_FIELDS}
        for name in ("entitled", "present", "yes"):
            if counts[name] is None and name not in errors:
                errors.add(name, "请填写票数，或选择记录了该表决的支部党员大会")
        plan.tally = {k: v or 0 for k, v in counts.items()}
    if plan.meeting is not None and day is not None and day != plan.meeting.held_on:
        errors.add("date", f"日期应为支部党员大会召开的日期（{cn_date(plan.meeting.held_on)}）")
    return plan


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _carry_out_vote(plan: _VotePlan, step: Step, applicant: Applicant, data: dict[str, Any], actor: Any,
                    subject: str) -> None:
    """Record the vote (or check the counts) and refuse a vote that does not pass — one candidate per vote."""
    if plan.vote is not None:
        step.vote, step.meeting, step.passed = plan.vote, plan.meeting, True
        return
    if plan.meeting is not None:
        vote = orglife_actions.record_vote(
            plan.meeting, actor=actor, subject=subject, member=applicant.member,
            entitled=_int_or_none(data.get("entitled")), present=_int_or_none(data.get("present")),
            yes=_int_or_none(data.get("yes")) or 0, no=_int_or_none(data.get("no")) or 0,
            abstain=_int_or_none(data.get("abstain")) or 0, written_yes=_int_or_none(data.get("written_yes")) or 0,
        )
        if not vote.passed:
            decision = assembly_vote(entitled=vote.entitled, present=vote.present, yes=vote.yes,
                                     written_yes=vote.written_yes)
            raise ValidationError({"yes": ["表决未通过：" + "；".join(decision.reasons) + "（支部工作条例第十一条）"]})
        step.vote, step.meeting, step.passed = vote, plan.meeting, True
        return
    t = plan.tally
    errors = Errors()
    if t["present"] > t["entitled"]:
        errors.add("present", "实到人数不能多于应到人数")
    if t["yes"] + t["no"] + t["abstain"] > t["present"]:
        errors.add("yes", "赞成、反对、弃权票合计不能多于实到会有表决权人数")
    if t["written_yes"] > t["entitled"] - t["present"]:
        errors.add("written_yes", "书面意见赞成票不能多于未到会的有表决权党员人数")
    if t["entitled"] <= 0:
        errors.add("entitled", "应到会有表决权人数须大于0")
    errors.raise_if_any()
    decision = assembly_vote(entitled=t["entitled"], present=t["present"], yes=t["yes"], written_yes=t["written_yes"])
    if not decision.passed:
        raise ValidationError({"yes": ["表决未通过：" + "；".join(decision.reasons) + "（支部工作条例第十一条）"]})
    step.tally, step.passed = t, True


@audit.records_denials
@transaction.atomic
def record_step(applicant: Applicant, *, actor: Any, number: int, data: dict[str, Any],
                uploads: list[Any] | None = None, today: dt.date | None = None) -> Step:
    """Record step `number` for the applicant. `data` holds Python values: date, handled_by, doc_no, note and,
    by step, people (5: 培养联系人, 9: 入党介绍人 — Members or ids), training_days/training_hours (11),
    vote or meeting or the counts entitled/present/yes/no/abstain/written_yes (15, 23), approved and
    delay_reason (17, 24), group (19), outcome and extension_months (23). Refused, with nothing written, when
    the step is out of order, the date is in the future or before the previous step, or a rule is not met."""
    today = today or timezone.localdate()
    applicant = _lock(applicant, actor)
    limits = rules.load(today)
    errors = Errors()
    if applicant.status not in OPEN_STATUSES and not (
        applicant.status in (ApplicantStatus.CONFIRMED, ApplicantStatus.CANCELLED) and applicant.next_step == number
    ):
        raise ValidationError({NON_FIELD_ERRORS: [f"该申请人{applicant.get_status_display()}，不能再记录发展步骤"]})
    steps = list(applicant.steps.order_by("id"))
    facts = [Fact(s.number, s.date, s.outcome, s.extension_months) for s in steps]
    allowed = allowed_next([(f.number, f.outcome) for f in facts])
    if number not in STEPS:
        raise ValidationError({"number": ["没有这个步骤"]})
    if number not in allowed:
        names = "或".join(f"“{n}. {STEPS[n].label}”" for n in allowed) or "无"
        raise ValidationError({"number": [
            f"步骤顺序不对：“{number}. {STEPS[number].label}”不能在“{facts[-1].number}. {STEPS[facts[-1].number].label}”"
            f"之后记录，下一步应为{names}（发展党员工作细则规定的程序）"
        ]})
    day: dt.date | None = data.get("date")
    plan: _VotePlan | None = None
    if number in VOTING_STEPS:
        plan = _plan_vote(applicant, data, day, errors)
        if day is None and plan.meeting is not None:
            day = plan.meeting.held_on
    last = steps[-1]
    if day is None:
        errors.add("date", "请填写日期")
    elif day > today:
        errors.add("date", "日期不能晚于今天")
    elif day < last.date:
        errors.add("date", f"日期不能早于上一步骤“{last.label}”的日期（{cn_date(last.date)}）")
    _check_texts(data, errors)
    _check_uploads(uploads or [], errors)
    step = Step(
        applicant=applicant, number=number, date=day or today, recorded_by=_who(actor),
        handled_by=str(data.get("handled_by") or "").strip(), doc_no=str(data.get("doc_no") or "").strip(),
        note=str(data.get("note") or "").strip(), delay_reason=str(data.get("delay_reason") or "").strip(),
    )
    flags: list[str] = []
    people: list[Member] = []
    group: Organization | None = None
    if day is not None and "date" not in errors:
        people, group = _check_rules(applicant, steps, facts, step, data, actor, limits, flags, errors)
    errors.raise_if_any()
    if plan is not None:
        _carry_out_vote(plan, step, applicant, data, actor, _subject(applicant, number, data))
    step.flags = flags
    step.save()
    if people:
        step.people.set(people)
    for upload in uploads or []:
        _store(step, upload, actor)
    status_before = applicant.status
    _effects(applicant, steps, step, actor, group, limits, today)
    refresh(applicant, [*facts, Fact(step.number, step.date, step.outcome, step.extension_months)], limits)
    applicant._history_user = _who(actor)  # type: ignore[attr-defined]
    applicant._change_reason = f"{number}. {step.label}"  # type: ignore[attr-defined]
    applicant.save()
    changes: dict[str, Any] = {"step": number, "label": step.label, "date": step.date.isoformat()}
    if flags:
        changes["flags"] = flags
    if applicant.status != status_before:
        changes["status"] = [status_before, applicant.status]
    audit.record("recruitment.step", actor=actor, obj=applicant, org=applicant.org, changes=changes)
    return step


def _subject(applicant: Applicant, number: int, data: dict[str, Any]) -> str:
    if number == ADMISSION_MEETING:
        return f"接收{applicant.name}为预备党员"
    outcome = data.get("outcome")
    label = Outcome(outcome).label if outcome in Outcome.values else "转正"
    return f"预备党员{applicant.name}{label}"


def _last(steps: list[Step], number: int) -> Step | None:
    return next((s for s in reversed(steps) if s.number == number), None)


def _check_rules(applicant: Applicant, steps: list[Step], facts: list[Fact], step: Step, data: dict[str, Any],
                 actor: Any, limits: Limits, flags: list[str], errors: Errors
                 ) -> tuple[list[Member], Organization | None]:
    """The time and count rules of step `step.number` (date already checked): errors refuse, flags are noted."""
    number, day = step.number, step.date
    people: list[Member] = []
    group: Organization | None = None
    if number == TALK:
        flag = rules.talk_flag(steps[0].date, day, limits)
        if flag:
            flags.append(flag)
    elif number == MENTORS:
        people = _people(data, actor, day, "people", "培养联系人", "发展党员工作细则：一至两名正式党员",
                         limits.mentors_min, limits.mentors_max, errors)
    elif number == ASSESSMENT:
        previous = _last(steps, ASSESSMENT) or _last(steps, ACTIVIST)
        assert previous is not None
        flag = rules.assessment_flag(previous.date, day, limits)
        if flag:
            flags.append(flag)
    elif number == CANDIDATE:
        activist = _last(steps, ACTIVIST)
        assert activist is not None
        message = rules.candidate_error(activist.date, day, limits)
        if message:
            errors.add("date", message)
        previous = _last(steps, ASSESSMENT)
        if previous is not None:
            flag = rules.assessment_flag(previous.date, day, limits)
            if flag:
                flags.append(flag)
    elif number == INTRODUCERS:
        people = _people(data, actor, day, "people", "入党介绍人", "党章第五条：要有两名正式党员作介绍人",
                         limits.introducers, limits.introducers, errors)
    elif number == TRAINING:
        step.training_days = _decimal(data.get("training_days"), "training_days", errors)
        step.training_hours = _decimal(data.get("training_hours"), "training_hours", errors)
        if not step.training_days and not step.training_hours and "training_days" not in errors:
            errors.add("training_days", "请填写培训天数或学时")
        elif not errors:
            message = rules.training_error(float(step.training_days or 0), float(step.training_hours or 0), limits)
            if message:
                flags.append(message + "，接收预备党员前须补足")
    elif number == ADMISSION_MEETING:
        trained = training_hours(applicant)
        message = rules.training_error(float(trained.days), float(trained.hours), limits)
        if message:
            errors.add(NON_FIELD_ERRORS, "未经培训的，除个别特殊情况外，不能发展入党：" + message)
        age = rules.age_error(applicant.birth_date, day, limits)
        if age:
            errors.add("date", age.replace("申请入党", "接收为预备党员"))
    elif number == ADMISSION_APPROVAL:
        step.approved = _approved(data, errors)
        meeting = _last(steps, ADMISSION_MEETING)
        assert meeting is not None
        error, flag = rules.approval_check(meeting.date, day, step.delay_reason, limits)
        if error:
            errors.add("delay_reason" if "须填写" in error else "date", error)
        if flag:
            flags.append(flag)
    elif number == PLACEMENT:
        group = _group(applicant, data, errors)
    elif number == CONFIRMATION_MEETING:
        end = rules.current_probation_end(facts, limits)
        assert end is not None
        if day < end:
            errors.add("date", f"预备期至{cn_date(end)}届满（预备期一年，从支部大会通过之日算起；党章第七条、发展党员工作细则"
                                 "第三十二条），届满后方可讨论转正")
        outcome = data.get("outcome")
        if outcome not in Outcome.values:
            errors.add("outcome", "请选择讨论结论：按期转正、延长预备期或取消预备党员资格")
        else:
            step.outcome = outcome
        if outcome == Outcome.EXTEND:
            months = errors.count(data.get("extension_months"), "extension_months")
            extended_before = rules.extension_months(facts) > 0
            message = rules.extension_error(months, extended_before, limits)
            if message:
                errors.add("extension_months", message)
            step.extension_months = months
    elif number == CONFIRMATION_APPROVAL:
        meeting = _last(steps, CONFIRMATION_MEETING)
        assert meeting is not None
        step.outcome, step.extension_months, step.approved = meeting.outcome, meeting.extension_months, True
        due = rules.approval_due(meeting.date, limits)
        if day > due:
            flags.append(f"审批晚于支部大会讨论后{limits.approval_months}个月（{cn_date(due)}）：党委对预备党员转正的决议应当在"
                         f"{limits.approval_months}个月内审批（发展党员工作细则第三十四条）")
    return people, group


def _approved(data: dict[str, Any], errors: Errors) -> bool:
    value = data.get("approved", True)
    if value not in (True, False):
        errors.add("approved", "请选择审批意见")
        return True
    return bool(value)


def _group(applicant: Applicant, data: dict[str, Any], errors: Errors) -> Organization | None:
    raw = data.get("group")
    if raw in (None, ""):
        return None
    group = raw if isinstance(raw, Organization) else Organization.objects.filter(pk=_int_or_none(raw) or 0).first()
    if group is None or group.kind != OrgKind.GROUP or group.parent_id != applicant.org_id:
        errors.add("group", "党小组须属于申请人所在党支部")
        return None
    return group


def _effects(applicant: Applicant, steps: list[Step], step: Step, actor: Any, group: Organization | None,
             limits: Limits, today: dt.date) -> None:
    """What a step changes beyond itself: the member record, and the applicant's status."""
    number = step.number
    if number == ADMISSION_APPROVAL:
        if not step.approved:
            applicant.status = ApplicantStatus.STOPPED
            applicant.stopped_reason = f"上级党委审批未同意接收（{cn_date(step.date)}）"
            return
        meeting = _last(steps, ADMISSION_MEETING)
        assert meeting is not None
        applicant.member = _create_member(applicant, meeting.date, actor, today)
        applicant.status = ApplicantStatus.PROBATION
    elif number == PLACEMENT and group is not None:
        assert applicant.member is not None
        member_actions.update_member(applicant.member, actor=actor, data={"group": group}, today=today)
    elif number == CONFIRMATION_APPROVAL:
        member = applicant.member
        assert member is not None
        facts = [Fact(s.number, s.date, s.outcome, s.extension_months) for s in steps]
        if step.outcome == Outcome.CONFIRM:
            end = rules.current_probation_end(facts, limits)
            assert end is not None
            member_actions.record_status_event(
                member, actor=actor, kind=MemberEventKind.CONFIRMED, date=end, doc_no=step.doc_no,
                reason=f"预备期满，经支部大会讨论、上级党委{cn_date(step.date)}审批，按期转为正式党员",
            )
            applicant.status = ApplicantStatus.CONFIRMED
        elif step.outcome == Outcome.CANCEL:
            member_actions.record_status_event(
                member, actor=actor, kind=MemberEventKind.LEFT, date=step.date, doc_no=step.doc_no,
                leave_reason=LeaveReason.PROBATION_CANCELLED, reason="不履行党员义务、不具备党员条件，取消预备党员资格",
            )
            applicant.status = ApplicantStatus.CANCELLED
        else:
            months = step.extension_months or 0
            admitted = rules.admitted_on(facts)
            assert admitted is not None
            new_end = rules.probation_end(admitted, months, limits)
            MemberEvent.objects.create(
                member=member, kind=MemberEventKind.PROBATION_EXTENDED, date=step.date, from_org=member.org,
                doc_no=step.doc_no, reason=f"延长预备期{months}个月，至{cn_date(new_end)}", actor=_who(actor),
            )
            audit.record("members.status", actor=actor, obj=member, org=member.org,
                         changes={"kind": MemberEventKind.PROBATION_EXTENDED.label, "date": step.date.isoformat(),
                                  "months": months})


def _create_member(applicant: Applicant, joined_on: dt.date, actor: Any, today: dt.date) -> Member:
    """The member record from the applicant's data: a 预备党员 since the 支部大会 (党章 第七条)."""
    data: dict[str, Any] = {f: getattr(applicant, f) for f in PERSON_FIELDS}
    data.update(
        org=applicant.org, id_card=pii.read_id_card(applicant), phone=pii.read_phone(applicant),
        party_status=PartyStatus.PROBATIONARY, joined_on=joined_on,
    )
    try:
        return member_actions.create_member(actor=actor, data=data, today=today)
    except ValidationError as exc:
        messages = [m for msgs in exc.message_dict.values() for m in msgs]
        raise ValidationError({NON_FIELD_ERRORS: ["不能建立党员档案：" + "；".join(messages)]}) from exc
