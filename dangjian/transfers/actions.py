"""State changes of 组织关系转接, 流动党员 and 失联党员 (architecture.md, pattern 2). Views, the API, the demo
and tests all call these functions.

Each validates (Chinese messages naming the field or the rule; nothing written on error), checks the actor's
scope, writes the rows and the audit entry in one transaction. What changes a member's branch or party status
is delegated to dangjian.members.actions, which keeps the member events and the subtree totals:
accepting a transfer calls `transfer_member`, the 回执 of a transfer out of the system, 停止党籍 and 除名 call
`record_status_event`, a transfer in from outside calls `create_member`.

Who may do what with a transfer (第二十五条: the sending branch stays responsible until the receiving one accepts,
and no branch may refuse without a reason): the sending side requests, cancels, and records the 回执; the
receiving side accepts or returns (with a reason).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.core import audit
from dangjian.core import rules as rule_registry
from dangjian.core.scoping import require
from dangjian.core.validation import Errors
from dangjian.lib.dates import cn_date
from dangjian.members import pii
from dangjian.members.actions import create_member, record_status_event, reveal_needs_otp, transfer_member
from dangjian.members.choices import LeaveReason, MemberEventKind, MemberState
from dangjian.members.models import Member, MemberEvent
from dangjian.orgs.models import Organization, OrgKind
from dangjian.transfers import rules
from dangjian.transfers.choices import LostOutcome, TransferKind, TransferStatus
from dangjian.transfers.models import FloatingMember, LostContact, Transfer

RETURN_RULE = "党组织不得无故拒转拒接党员组织关系（党员教育管理工作条例第二十五条）"
FLOATING_FIELDS = ("left_on", "place", "fixed_place", "reason", "expected_return", "host_org", "certificate_no")
_TEXT_LIMITS = {"place": 200, "reason": 200, "host_org": 200, "certificate_no": 50}

# The longest 查找情况 of a 失联 case, in characters (SEC-14: every text field has a limit).
SEARCH_NOTES_LIMIT = 2000


def _who(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _check_day(errors: Errors, field: str, day: dt.date | None, today: dt.date, label: str,
               not_before: dt.date | None = None, before_label: str = "") -> None:
    """Required, not in the future, and (optionally) not before another date."""
    if day is None:
        errors.add(field, f"请填写{label}")
    elif day > today:
        errors.add(field, f"{label}不能晚于今天")
    elif not_before is not None and day < not_before:
        errors.add(field, f"{label}不能早于{before_label}（{cn_date(not_before)}）")


def _member_for_update(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("org").get(pk=member.pk)


def _open_transfer_error(member: Member) -> str | None:
    t = Transfer.objects.filter(member=member, status=TransferStatus.PENDING).select_related("to_org").first()
    if t is None:
        return None
    where = f"转往{t.destination}" if t.destination else ""
    return f"该党员已有未办结的组织关系转接（{cn_date(t.issued_on)}{where}），请先办结或撤回"


def receiving_branch_errors(
    to_org: Organization | int | str | None, member: Member | None = None
) -> tuple[Organization | None, list[str]]:
    """The receiving 党支部 by id (any branch of the system, not only the caller's), or why it cannot receive."""
    if to_org in (None, ""):
        return None, ["请选择接收党支部"]
    pk = getattr(to_org, "pk", to_org)
    org = Organization.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if org is None:
        return None, ["所选党组织不存在"]
    if org.kind != OrgKind.BRANCH:
        return org, [f"组织关系只能转入党支部，“{org.name}”是{org.get_kind_display()}"]
    if not org.is_active:
        return org, [f"“{org.name}”已撤销，不能接收组织关系"]
    if member is not None and org.pk == member.org_id:
        return org, ["接收党支部与现所在党支部相同"]
    return org, []


def _check_movable(errors: Errors, member: Member) -> None:
    if not member.on_roll:
        errors.add("member", f"该党员{member.get_state_display()}，不在册，不能转接")
    elif (message := _open_transfer_error(member)) is not None:
        errors.add("member", message)


def _close_floating(member: Member, day: dt.date, note: str, actor: Any) -> None:
    """A member whose 组织关系 moved is no longer away from their branch: the open 外出 record ends."""
    record = FloatingMember.objects.filter(member=member, returned_on__isnull=True).first()
    if record is not None:
        record.returned_on = max(day, record.left_on)
        record.end_note = note[:200]
        record._history_user = _who(actor)  # type: ignore[attr-defined]
        record.save()


# --- 组织关系转接 within the system ------------------------------------------------------------------------------


@audit.records_denials
@transaction.atomic
def request_transfer(
    member: Member, *, actor: Any, to_org: Organization | int | str | None, issued_on: dt.date | None, reason: str = "",
    letter_no: str = "", today: dt.date | None = None,
) -> Transfer:
    """The sending branch asks another 党支部 of the system to take a member; the member stays on the sending
    branch's roll until the receiving branch accepts."""
    today = today or timezone.localdate()
    member = _member_for_update(member)
    require(actor, member.org.path, "change", member)
    errors = Errors()
    org, org_errors = receiving_branch_errors(to_org, member)
    for message in org_errors:
        errors.add("to_org", message)
    _check_movable(errors, member)
    _check_day(errors, "issued_on", issued_on, today, "转出日期", member.joined_on, "入党日期")
    errors.raise_if_any()
    assert org is not None and issued_on is not None
    transfer = Transfer(
        member=member, kind=TransferKind.INTERNAL, from_org=member.org, to_org=org, issued_on=issued_on,
        reason=reason.strip()[:500], letter_no=letter_no.strip()[:50], created_by=_who(actor),
    )
    transfer._history_user = _who(actor)  # type: ignore[attr-defined]
    transfer.save()
    audit.record("transfers.request", actor=actor, obj=transfer, org=member.org,
                 changes={"member": member.name, "from_org": member.org.name, "to_org": org.name,
                          "issued_on": issued_on.isoformat()})
    return transfer


def _transfer_for_update(transfer: Transfer) -> Transfer:
    # Lock the transfer row only: PostgreSQL cannot lock the nullable side of the outer joins.
    return Transfer.objects.select_for_update(of=("self",)).select_related("member", "from_org", "to_org").get(pk=transfer.pk)


def _require_open(transfer: Transfer, verb: str) -> None:
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError({"status": [f"该转接{transfer.status_label}，不能再{verb}"]})


@audit.records_denials
@transaction.atomic
def accept_transfer(transfer: Transfer, *, actor: Any, date: dt.date | None, today: dt.date | None = None) -> Transfer:
    """The receiving branch accepts: the member moves through members.actions.transfer_member (event, totals)."""
    today = today or timezone.localdate()
    transfer = _transfer_for_update(transfer)
    if transfer.kind != TransferKind.INTERNAL or transfer.to_org is None or transfer.from_org is None:
        raise ValidationError({"status": ["只有系统内转接由接收党支部接收"]})
    require(actor, transfer.to_org.path, "change", transfer)
    _require_open(transfer, "接收")
    errors = Errors()
    _check_day(errors, "date", date, today, "接收日期", transfer.issued_on, "转出日期")
    member = Member.objects.get(pk=transfer.member_id)
    if member.org_id != transfer.from_org_id or not member.on_roll:
        errors.add("member", "该党员的所在党支部或党籍状态已变动，请由转出党支部撤回本次转接")
    _org, org_errors = receiving_branch_errors(transfer.to_org)
    for message in org_errors:
        errors.add("to_org", message)
    errors.raise_if_any()
    assert date is not None
    # The sending side's consent is the open request it made (checked against its scope then).
    transfer_member(member, actor=actor, to_org=transfer.to_org, date=date, reason=transfer.reason or "组织关系转接",
                    doc_no=transfer.letter_no, released_by_sender=True)
    transfer.status = TransferStatus.ACCEPTED
    transfer.decided_on = date
    transfer.decided_by = _who(actor)
    transfer._history_user = _who(actor)  # type: ignore[attr-defined]
    transfer.save()
    _close_floating(member, date, f"组织关系已转入{transfer.to_org.name}", actor)
    audit.record("transfers.accept", actor=actor, obj=transfer, org=transfer.to_org,
                 changes={"member": member.name, "from_org": transfer.from_org.name, "date": date.isoformat()})
    return transfer


@audit.records_denials
@transaction.atomic
def return_transfer(transfer: Transfer, *, actor: Any, reason: str, today: dt.date | None = None) -> Transfer:
    """The receiving branch returns the request — never without a reason (第二十五条)."""
    today = today or timezone.localdate()
    transfer = _transfer_for_update(transfer)
    if transfer.kind != TransferKind.INTERNAL or transfer.to_org is None:
        raise ValidationError({"status": ["只有系统内转接由接收党支部退回"]})
    require(actor, transfer.to_org.path, "change", transfer)
    _require_open(transfer, "退回")
    if not (reason or "").strip():
        raise ValidationError({"reason": [f"退回须说明理由：{RETURN_RULE}"]})
    transfer.status = TransferStatus.RETURNED
    transfer.decided_on = today
    transfer.decision_reason = reason.strip()[:500]
    transfer.decided_by = _who(actor)
    transfer._history_user = _who(actor)  # type: ignore[attr-defined]
    transfer.save()
    audit.record("transfers.return", actor=actor, obj=transfer, org=transfer.to_org, reason=transfer.decision_reason,
                 changes={"member": transfer.member.name})
    return transfer


@audit.records_denials
@transaction.atomic
def cancel_transfer(transfer: Transfer, *, actor: Any, reason: str = "", today: dt.date | None = None) -> Transfer:
    """The sending branch withdraws its own open request (or a 介绍信 the member never used)."""
    today = today or timezone.localdate()
    transfer = _transfer_for_update(transfer)
    if transfer.from_org is None:
        raise ValidationError({"status": ["从系统外转入的组织关系不能撤回"]})
    require(actor, transfer.from_org.path, "change", transfer)
    _require_open(transfer, "撤回")
    transfer.status = TransferStatus.CANCELLED
    transfer.decided_on = today
    transfer.decision_reason = (reason or "").strip()[:500]
    transfer.decided_by = _who(actor)
    transfer._history_user = _who(actor)  # type: ignore[attr-defined]
    transfer.save()
    audit.record("transfers.cancel", actor=actor, obj=transfer, org=transfer.from_org, reason=transfer.decision_reason,
                 changes={"member": transfer.member.name})
    return transfer


# --- across systems -------------------------------------------------------------------------------------------


def _check_letter(errors: Errors, outside_org: str, letter_no: str, which: str) -> None:
    if not outside_org.strip():
        errors.add("outside_org", f"请填写{which}的系统外党组织")
    elif len(outside_org.strip()) > 200:
        errors.add("outside_org", "党组织名称不能超过200字")
    if not letter_no.strip():
        errors.add("letter_no", "请填写介绍信编号")
    elif len(letter_no.strip()) > 50:
        errors.add("letter_no", "介绍信编号不能超过50字")


@audit.records_denials
@transaction.atomic
def issue_external_transfer(
    member: Member, *, actor: Any, outside_org: str, letter_no: str, issued_on: dt.date | None, reason: str = "",
    today: dt.date | None = None,
) -> Transfer:
    """A 介绍信 to a party organization outside the system. The member stays on the roll, and the sending branch
    responsible, until the 回执 is recorded (第二十五条)."""
    today = today or timezone.localdate()
    member = _member_for_update(member)
    require(actor, member.org.path, "change", member)
    errors = Errors()
    _check_letter(errors, outside_org, letter_no, "转往")
    _check_movable(errors, member)
    _check_day(errors, "issued_on", issued_on, today, "介绍信开具日期", member.joined_on, "入党日期")
    errors.raise_if_any()
    assert issued_on is not None
    transfer = Transfer(
        member=member, kind=TransferKind.OUT, from_org=member.org, outside_org=outside_org.strip(),
        letter_no=letter_no.strip(), issued_on=issued_on, reason=reason.strip()[:500], created_by=_who(actor),
    )
    transfer._history_user = _who(actor)  # type: ignore[attr-defined]
    transfer.save()
    audit.record("transfers.issue_out", actor=actor, obj=transfer, org=member.org,
                 changes={"member": member.name, "outside_org": transfer.outside_org, "letter_no": transfer.letter_no,
                          "issued_on": issued_on.isoformat()})
    return transfer


@audit.records_denials
@transaction.atomic
def record_receipt(transfer: Transfer, *, actor: Any, receipt_on: dt.date | None, today: dt.date | None = None) -> Transfer:
    """The 回执 came back: the transfer out is complete and the member leaves the roll (转出, a member event)."""
    today = today or timezone.localdate()
    transfer = _transfer_for_update(transfer)
    if transfer.kind != TransferKind.OUT or transfer.from_org is None:
        raise ValidationError({"status": ["只有转出系统外的组织关系需要登记回执"]})
    require(actor, transfer.from_org.path, "change", transfer)
    _require_open(transfer, "登记回执")
    errors = Errors()
    _check_day(errors, "receipt_on", receipt_on, today, "回执日期", transfer.issued_on, "介绍信开具日期")
    member = Member.objects.get(pk=transfer.member_id)
    if member.org_id != transfer.from_org_id or not member.on_roll:
        errors.add("member", "该党员的所在党支部或党籍状态已变动，请撤回本次转出")
    errors.raise_if_any()
    assert receipt_on is not None
    record_status_event(
        member, actor=actor, kind=MemberEventKind.TRANSFER_OUT, date=receipt_on,
        reason=transfer.reason or "组织关系转出系统外", outside_org=transfer.outside_org, letter_no=transfer.letter_no,
    )
    transfer.status = TransferStatus.ACCEPTED
    transfer.receipt_on = receipt_on
    transfer.decided_on = receipt_on
    transfer.decided_by = _who(actor)
    transfer._history_user = _who(actor)  # type: ignore[attr-defined]
    transfer.save()
    _close_floating(member, receipt_on, f"组织关系已转往{transfer.outside_org}", actor)
    audit.record("transfers.receipt", actor=actor, obj=transfer, org=transfer.from_org,
                 changes={"member": member.name, "receipt_on": receipt_on.isoformat()})
    return transfer


@audit.records_denials
@transaction.atomic
def receive_external_transfer(
    *, actor: Any, data: dict[str, Any], outside_org: str, letter_no: str, issued_on: dt.date | None,
    arrived_on: dt.date | None = None, today: dt.date | None = None,
) -> Transfer:
    """A member arrives with a 介绍信 from outside the system: registered through members.actions.create_member
    (which records the 转入 event and the totals) into a 党支部 of the actor's scope, and the transfer recorded."""
    today = today or timezone.localdate()
    arrived_on = arrived_on or today
    errors = Errors()
    _check_letter(errors, outside_org, letter_no, "转出")
    _check_day(errors, "issued_on", issued_on, today, "介绍信开具日期")
    _check_day(errors, "arrived_on", arrived_on, today, "接收日期", issued_on, "介绍信开具日期")
    joined = data.get("joined_on")
    if issued_on is not None and isinstance(joined, dt.date) and issued_on < joined:
        errors.add("issued_on", "介绍信开具日期不能早于入党日期")
    try:
        member = create_member(actor=actor, today=today, data={
            **data, "outside_org": outside_org.strip(), "letter_no": letter_no.strip(), "transfer_date": arrived_on,
        })
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                errors.add(field, message)
        raise ValidationError(errors) from exc
    if errors:
        raise ValidationError(errors)  # the member just created is rolled back with the rest
    assert issued_on is not None
    transfer = Transfer(
        member=member, kind=TransferKind.IN, status=TransferStatus.ACCEPTED, to_org=member.org,
        outside_org=outside_org.strip(), letter_no=letter_no.strip(), issued_on=issued_on, decided_on=arrived_on,
        decided_by=_who(actor), created_by=_who(actor),
    )
    transfer._history_user = _who(actor)  # type: ignore[attr-defined]
    transfer.save()
    audit.record("transfers.receive_in", actor=actor, obj=transfer, org=member.org,
                 changes={"member": member.name, "outside_org": transfer.outside_org, "letter_no": transfer.letter_no,
                          "arrived_on": arrived_on.isoformat()})
    return transfer


# --- 流动党员 ---------------------------------------------------------------------------------------------------


def _floating_errors(data: dict[str, Any], member: Member, today: dt.date) -> Errors:
    errors = Errors()
    left_on = data.get("left_on")
    _check_day(errors, "left_on", left_on, today, "外出日期", member.joined_on, "入党日期")
    if not (data.get("place") or "").strip():
        errors.add("place", "请填写外出地点")
    for field, limit in _TEXT_LIMITS.items():
        if len((data.get(field) or "").strip()) > limit:
            errors.add(field, f"不能超过{limit}字")
    expected = data.get("expected_return")
    if expected is not None and isinstance(left_on, dt.date) and expected < left_on:
        errors.add("expected_return", "预计返回日期不能早于外出日期")
    if len((data.get("phone") or "").strip()) > 20:
        errors.add("phone", "联系电话不能超过20位")
    return errors


def _apply_floating(record: FloatingMember, data: dict[str, Any]) -> None:
    for field in FLOATING_FIELDS:
        if field in data:
            value = data[field]
            setattr(record, field, value.strip() if isinstance(value, str) else value)
    if "phone" in data:
        pii.set_phone(record, data.get("phone") or "")


def _floating_snapshot(record: FloatingMember) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in (*FLOATING_FIELDS, "phone_masked", "returned_on"):
        value = getattr(record, field)
        out[field] = value.isoformat() if isinstance(value, dt.date) else value
    return out


@audit.records_denials
@transaction.atomic
def record_floating(member: Member, *, actor: Any, data: dict[str, Any], today: dt.date | None = None) -> FloatingMember:
    """登记流动党员: a member leaves to study, work or live elsewhere (one open record per member)."""
    today = today or timezone.localdate()
    member = _member_for_update(member)
    require(actor, member.org.path, "change", member)
    errors = _floating_errors(data, member, today)
    if member.state != MemberState.ACTIVE:
        errors.add("member", f"该党员{member.get_state_display()}，不能登记外出")
    elif FloatingMember.objects.filter(member=member, returned_on__isnull=True).exists():
        errors.add("member", "该党员已有未结束的外出登记，请先登记返回或修改原登记")
    errors.raise_if_any()
    record = FloatingMember(member=member, created_by=_who(actor))
    _apply_floating(record, data)
    record._history_user = _who(actor)  # type: ignore[attr-defined]
    record.save()
    audit.record("transfers.floating_create", actor=actor, obj=record, org=member.org, changes=_floating_snapshot(record))
    return record


def _open_floating_for_update(record: FloatingMember, actor: Any, closed: str) -> FloatingMember:
    """The 外出 record locked for a change by `actor`, who must manage the member's org; an ended record refuses
    it with the message `closed`."""
    record = FloatingMember.objects.select_for_update().select_related("member__org").get(pk=record.pk)
    require(actor, record.member.org.path, "change", record)
    if not record.is_open:
        raise ValidationError({"returned_on": [closed]})
    return record


@audit.records_denials
@transaction.atomic
def update_floating(record: FloatingMember, *, actor: Any, data: dict[str, Any], today: dt.date | None = None) -> FloatingMember:
    """Correct or complete an open 外出 record (the place, the expected return, the 活动证 issued later…)."""
    today = today or timezone.localdate()
    record = _open_floating_for_update(record, actor, "外出登记已结束，不能修改")
    merged = {f: getattr(record, f) for f in FLOATING_FIELDS}
    merged.update(data)
    errors = _floating_errors(merged, record.member, today)
    errors.raise_if_any()
    before = _floating_snapshot(record)
    _apply_floating(record, data)
    record._history_user = _who(actor)  # type: ignore[attr-defined]
    record.save()
    changes = audit.diff(before, _floating_snapshot(record))
    if changes:
        audit.record("transfers.floating_update", actor=actor, obj=record, org=record.member.org, changes=changes)
    return record


@audit.records_denials
@transaction.atomic
def end_floating(
    record: FloatingMember, *, actor: Any, returned_on: dt.date | None, note: str = "", today: dt.date | None = None
) -> FloatingMember:
    """The member is back (or the spell ended otherwise): the record closes with its date."""
    today = today or timezone.localdate()
    record = _open_floating_for_update(record, actor, "外出登记已结束")
    errors = Errors()
    _check_day(errors, "returned_on", returned_on, today, "结束日期", record.left_on, "外出日期")
    errors.raise_if_any()
    record.returned_on = returned_on
    record.end_note = (note or "已返回").strip()[:200]
    record._history_user = _who(actor)  # type: ignore[attr-defined]
    record.save()
    audit.record("transfers.floating_end", actor=actor, obj=record, org=record.member.org,
                 changes={"returned_on": returned_on.isoformat() if returned_on else "", "note": record.end_note})
    return record


@audit.records_denials
@transaction.atomic
def reveal_floating_phone(record: FloatingMember, *, actor: Any, reason: str) -> str:
    """The full contact number of a 流动党员, for a user with the reveal right over the member's branch, who gives a
    reason, in a verified session (the rules of members.actions.reveal); always audited."""
    record = FloatingMember.objects.select_related("member__org").get(pk=record.pk)
    require(actor, record.member.org.path, "reveal", record)
    if len((reason or "").strip()) < 4:
        raise ValidationError({"reason": ["请填写查看事由（至少4个字）"]})
    if reveal_needs_otp(actor):
        raise ValidationError({"reason": ["查看完整个人信息前须完成动态口令验证"]})
    value = pii.read_phone(record)
    audit.record("transfers.reveal", actor=actor, obj=record, org=record.member.org, reason=reason.strip(),
                 changes={"field": "外出期间联系电话"})
    return value


# --- 失联党员 ---------------------------------------------------------------------------------------------------


def current_suspension(member: Member) -> MemberEvent | None:
    """The 停止党籍 event behind a suspended member's present state (their latest), else None."""
    if member.state != MemberState.SUSPENDED:
        return None
    return member.events.filter(kind=MemberEventKind.SUSPENDED).order_by("-date", "-id").first()


@audit.records_denials
@transaction.atomic
def record_lost_contact(
    member: Member, *, actor: Any, last_contact_on: dt.date | None, search_notes: str = "", today: dt.date | None = None
) -> LostContact:
    """登记失联党员. A member already suspended (before this system, or on the member page) may be recorded too:
    the case then starts from that 停止党籍 decision."""
    today = today or timezone.localdate()
    member = _member_for_update(member)
    require(actor, member.org.path, "change", member)
    errors = Errors()
    _check_day(errors, "last_contact_on", last_contact_on, today, "最后联系日期", member.joined_on, "入党日期")
    if not member.on_roll:
        errors.add("member", f"该党员{member.get_state_display()}，不在册")
    elif LostContact.objects.filter(member=member, outcome="").exists():
        errors.add("member", "该党员已有未结案的失联登记")
    suspension = current_suspension(member)
    if suspension is not None and last_contact_on is not None and last_contact_on > suspension.date:
        errors.add("last_contact_on", f"该党员已于{cn_date(suspension.date)}停止党籍，最后联系日期不能晚于此日")
    errors.length(search_notes.strip(), "search_notes", "查找情况", SEARCH_NOTES_LIMIT)
    errors.raise_if_any()
    assert last_contact_on is not None
    case = LostContact(member=member, last_contact_on=last_contact_on, search_notes=search_notes.strip(),
                       suspension=suspension, created_by=_who(actor))
    case._history_user = _who(actor)  # type: ignore[attr-defined]
    case.save()
    audit.record("transfers.lost_create", actor=actor, obj=case, org=member.org,
                 changes={"member": member.name, "last_contact_on": str(last_contact_on)})
    return case


def _open_case_for_update(case: LostContact, actor: Any) -> LostContact:
    """The 失联 case locked for a change by `actor`, who must manage the member's org; a closed case refuses it."""
    case = LostContact.objects.select_for_update(of=("self",)).select_related("member__org", "suspension").get(pk=case.pk)
    require(actor, case.member.org.path, "change", case)
    if not case.is_open:
        raise ValidationError({"outcome": [f"该失联登记{case.get_outcome_display()}，已结案"]})
    return case


@audit.records_denials
@transaction.atomic
def update_lost_contact(
    case: LostContact, *, actor: Any, last_contact_on: dt.date | None, search_notes: str, today: dt.date | None = None
) -> LostContact:
    """Keep the search on file while the member is not yet suspended: the notes of each attempt, or a later last
    contact found meanwhile (which restarts the six months)."""
    today = today or timezone.localdate()
    case = _open_case_for_update(case, actor)
    member = case.member
    errors = Errors()
    if case.suspension_id is not None or member.state != MemberState.ACTIVE:
        errors.add("last_contact_on", "已停止党籍的失联登记不能修改最后联系日期和查找情况")
    _check_day(errors, "last_contact_on", last_contact_on, today, "最后联系日期", member.joined_on, "入党日期")
    errors.length((search_notes or "").strip(), "search_notes", "查找情况", SEARCH_NOTES_LIMIT)
    errors.raise_if_any()
    assert last_contact_on is not None
    before = {"last_contact_on": case.last_contact_on.isoformat(), "search_notes": case.search_notes}
    case.last_contact_on = last_contact_on
    case.search_notes = (search_notes or "").strip()
    case._history_user = _who(actor)  # type: ignore[attr-defined]
    case.save()
    changes = audit.diff(before, {"last_contact_on": last_contact_on.isoformat(), "search_notes": case.search_notes})
    if changes:
        audit.record("transfers.lost_update", actor=actor, obj=case, org=member.org, changes=changes)
    return case


@audit.records_denials
@transaction.atomic
def record_contact_restored(
    case: LostContact, *, actor: Any, found_on: dt.date | None, note: str = "", today: dt.date | None = None
) -> LostContact:
    """Contact is back: the case closes. A suspended member's 党籍 is restored separately, by its own decision
    (恢复党籍 with its 文号, on the member's page)."""
    today = today or timezone.localdate()
    case = _open_case_for_update(case, actor)
    errors = Errors()
    _check_day(errors, "found_on", found_on, today, "恢复联系日期", case.last_contact_on, "最后联系日期")
    errors.raise_if_any()
    case.outcome = LostOutcome.FOUND
    case.closed_on = found_on
    case.close_note = (note or "").strip()[:500]
    case._history_user = _who(actor)  # type: ignore[attr-defined]
    case.save()
    audit.record("transfers.lost_found", actor=actor, obj=case, org=case.member.org,
                 changes={"member": case.member.name, "found_on": str(found_on)})
    return case


@audit.records_denials
@transaction.atomic
def suspend_lost_member(
    case: LostContact, *, actor: Any, date: dt.date | None, doc_no: str, reason: str = "", today: dt.date | None = None
) -> LostContact:
    """停止党籍: out of contact for six months or more and still not found (第二十四条). Recorded as the member's
    停止党籍 event with the decision's 文号 (members.actions.record_status_event)."""
    today = today or timezone.localdate()
    case = _open_case_for_update(case, actor)
    member = case.member
    months = int(rule_registry.value(rules.LOST_CONTACT_MONTHS, today))
    due = rules.suspension_due(case.last_contact_on, months)
    errors = Errors()
    if member.state != MemberState.ACTIVE:
        errors.add("member", f"该党员{member.get_state_display()}，不能停止党籍")
    _check_day(errors, "date", date, today, "决定日期")
    if date is not None and "date" not in errors and date < due:
        errors.add("date", f"与党组织失去联系{months}个月以上方可停止党籍（党员教育管理工作条例第二十四条），"
                             f"最后联系于{cn_date(case.last_contact_on)}，{cn_date(due)}起方可作出决定")
    if not doc_no.strip():
        errors.add("doc_no", "停止党籍须填写决定文号")
    errors.raise_if_any()
    assert date is not None
    event = record_status_event(
        member, actor=actor, kind=MemberEventKind.SUSPENDED, date=date, doc_no=doc_no,
        reason=reason.strip() or f"与党组织失去联系{months}个月以上，通过各种方式查找仍未取得联系",
    )
    case.suspension = event
    case._history_user = _who(actor)  # type: ignore[attr-defined]
    case.save()
    audit.record("transfers.lost_suspend", actor=actor, obj=case, org=member.org,
                 changes={"member": member.name, "date": date.isoformat(), "doc_no": event.doc_no})
    return case


@audit.records_denials
@transaction.atomic
def remove_lapsed_member(
    member: Member, *, actor: Any, date: dt.date | None, doc_no: str, reason: str = "", today: dt.date | None = None
) -> MemberEvent:
    """除名: suspended for two years or more and still out of contact, removed as 自行脱党 (第二十四条). Recorded
    as the member's 出党 event with its 文号; an open 失联 case closes with it."""
    today = today or timezone.localdate()
    member = _member_for_update(member)
    require(actor, member.org.path, "change", member)
    errors = Errors()
    suspension = current_suspension(member)
    years = int(rule_registry.value(rules.SUSPENSION_YEARS, today))
    _check_day(errors, "date", date, today, "决定日期")
    if suspension is None:
        errors.add("member", "只有停止党籍的党员可以按照自行脱党予以除名")
    elif date is not None and "date" not in errors and date < (due := rules.removal_due(suspension.date, years)):
        errors.add("date", f"停止党籍{years}年后确实无法取得联系的方可按照自行脱党予以除名（党员教育管理工作条例第二十四条），"
                             f"该党员于{cn_date(suspension.date)}停止党籍，{cn_date(due)}起方可作出决定")
    if not doc_no.strip():
        errors.add("doc_no", "除名须填写决定文号")
    errors.raise_if_any()
    assert date is not None
    event = record_status_event(
        member, actor=actor, kind=MemberEventKind.LEFT, date=date, doc_no=doc_no, leave_reason=LeaveReason.SELF_LAPSED,
        reason=reason.strip() or f"停止党籍{years}年后确实无法取得联系，按照自行脱党予以除名",
    )
    case = LostContact.objects.select_for_update().filter(member=member, outcome="").first()
    if case is not None:
        case.removal = event
        case.outcome = LostOutcome.REMOVED
        case.closed_on = date
        case._history_user = _who(actor)  # type: ignore[attr-defined]
        case.save()
    audit.record("transfers.lost_remove", actor=actor, obj=member, org=member.org,
                 changes={"date": date.isoformat(), "doc_no": event.doc_no})
    return event
