"""State changes of the 党员 registry. Each validates, checks scope, writes history and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.scoping import require, scope_for
from dangjian.lib import idcard, pinyin
from dangjian.lib.dates import add_years
from dangjian.lib.masking import mask_id_card
from dangjian.members import pii
from dangjian.members.choices import (
    ON_ROLL_STATES,
    LeaveReason,
    MemberEventKind,
    MemberState,
    PartyStatus,
)
from dangjian.members.models import Member, MemberEvent
from dangjian.members.validation import PROBATION_YEARS, check_member_data
from dangjian.orgs import counters
from dangjian.orgs.models import Organization, OrgKind

# Plain fields an edit may set directly (org moves through transfer_member, status through the event actions).
PLAIN_FIELDS = (
    "name", "sex", "ethnicity", "birth_date", "education", "occupation", "work_unit", "post",
    "person_category", "party_status", "joined_on", "confirmed_on", "party_post",
)


def _actor_or_none(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _require(path: str, actor: Any, action: str = "change", obj: Any = None) -> None:
    require(actor, path, action, obj)


def check_placement(org: Organization | None, group: Organization | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if org is None:
        errors["org"] = ["请选择所在党支部"]
    elif org.kind != OrgKind.BRANCH:
        errors["org"] = [f"党员只能编入党支部，不能直接编入{org.get_kind_display()}"]
    elif not org.is_active:
        errors["org"] = ["该党支部已撤销"]
    if group is not None and org is not None and (group.kind != OrgKind.GROUP or group.parent_id != org.pk):
        errors["group"] = ["党小组须属于所选党支部"]
    return errors


def _duplicate_errors(number: str, exclude_pk: int | None) -> dict[str, list[str]]:
    dupes = Member.objects.filter(id_card_index=pii.id_card_index(number), state__in=ON_ROLL_STATES)
    if exclude_pk is not None:
        dupes = dupes.exclude(pk=exclude_pk)
    return {"id_card": ["已有相同身份证号的在册党员"]} if dupes.exists() else {}


def _safe_snapshot(member: Member) -> dict[str, Any]:
    """Field values for audit diffs: masked personal data only (SEC-11)."""
    out: dict[str, Any] = {}
    for f in (*PLAIN_FIELDS, "id_card_masked", "phone_masked", "org_id", "group_id", "state"):
        value = getattr(member, f)
        out[f] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def _apply(member: Member, data: dict[str, Any]) -> None:
    for f in PLAIN_FIELDS:
        if f in data:
            value = data[f]
            setattr(member, f, value.strip() if isinstance(value, str) else value)
    if data.get("ethnicity") in (None, ""):
        member.ethnicity = member.ethnicity or "汉族"
    member.name_pinyin = pinyin.full(member.name)
    member.name_initials = pinyin.initials(member.name)
    if data.get("id_card"):
        pii.set_id_card(member, data["id_card"])
    if "phone" in data:
        pii.set_phone(member, data.get("phone") or "")


@audit.records_denials
@transaction.atomic
def create_member(*, actor: Any, data: dict[str, Any], today: dt.date | None = None) -> Member:
    """Register a member already admitted (入党) — or transferred in from outside the system.

    `data` holds Python values: org and group as Organization, dates as date, id_card and phone in clear.
    Transfer-in is marked by data["outside_org"] (and optionally "letter_no").
    """
    today = today or timezone.localdate()
    org: Organization | None = data.get("org")
    group: Organization | None = data.get("group")
    if org is not None:
        _require(org.path, actor)
    errors = check_placement(org, group)
    checked = check_member_data(data, today=today)
    for k, v in checked.errors.items():
        errors.setdefault(k, []).extend(v)
    if "id_card" not in errors and data.get("id_card"):
        errors.update(_duplicate_errors(data["id_card"], None))
    if errors:
        raise ValidationError(errors)
    assert org is not None
    member = Member(org=org, group=group, state=MemberState.ACTIVE)
    _apply(member, data)
    member._history_user = _actor_or_none(actor)  # type: ignore[attr-defined]
    member.save()
    counters.shift(org.path, members=1)
    who = _actor_or_none(actor)
    if data.get("outside_org"):
        MemberEvent.objects.create(
            member=member, kind=MemberEventKind.TRANSFER_IN, date=data.get("transfer_date") or today, to_org=org,
            outside_org=data["outside_org"], letter_no=data.get("letter_no", ""), actor=who,
        )
    else:
        MemberEvent.objects.create(member=member, kind=MemberEventKind.JOINED, date=member.joined_on, to_org=org, actor=who)
        if member.confirmed_on:
            MemberEvent.objects.create(
                member=member, kind=MemberEventKind.CONFIRMED, date=member.confirmed_on, to_org=org, actor=who
            )
    audit.record("members.create", actor=actor, obj=member, org=org, changes=_safe_snapshot(member))
    return member


@audit.records_denials
@transaction.atomic
def update_member(member: Member, *, actor: Any, data: dict[str, Any], today: dt.date | None = None) -> Member:
    """Correct a member's recorded data. The org changes only by transfer; status only by its events."""
    today = today or timezone.localdate()
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    _require(member.org.path, actor, obj=member)
    if not member.on_roll:
        raise ValidationError({"name": ["已不在册的党员记录不能修改"]})
    unknown = set(data) - set(PLAIN_FIELDS) - {"id_card", "phone", "group"}
    if unknown:
        raise ValidationError({f: ["该字段不能在此修改"] for f in sorted(unknown)})
    merged = {f: getattr(member, f) for f in PLAIN_FIELDS}
    merged.update(data)
    group = data.get("group", member.group)
    errors = check_placement(member.org, group)
    checked = check_member_data(merged, today=today, require_id_card=False)
    for k, v in checked.errors.items():
        errors.setdefault(k, []).extend(v)
    if data.get("id_card") and "id_card" not in errors:
        errors.update(_duplicate_errors(data["id_card"], member.pk))
    if not data.get("id_card") and data.get("birth_date") and data["birth_date"] != member.birth_date:
        from dangjian.lib import idcard

        if idcard.parse(pii.read_id_card(member)).birth_date != data["birth_date"]:
            errors.setdefault("birth_date", []).append("出生日期与身份证号中的出生日期不一致")
    if errors:
        raise ValidationError(errors)
    before = _safe_snapshot(member)
    _apply(member, data)
    if "group" in data:
        member.group = group
    member._history_user = _actor_or_none(actor)  # type: ignore[attr-defined]
    member.save()
    changes = audit.diff(before, _safe_snapshot(member))
    if changes:
        audit.record("members.update", actor=actor, obj=member, org=member.org, changes=changes)
    return member


@audit.records_denials
@transaction.atomic
def transfer_member(
    member: Member, *, actor: Any, to_org: Organization, date: dt.date, reason: str = "", doc_no: str = "",
    released_by_sender: bool = False,
) -> Member:
    """组织关系转接 within the system: both the sending and the receiving branch must be in the actor's scope —
    unless the sending side has already released the member (`released_by_sender`: an open request it made,
    accepted by the receiving side through dangjian.transfers.actions.accept_transfer)."""
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    if not released_by_sender:
        _require(member.org.path, actor, obj=member)
    try:
        to_org = Organization.objects.get(pk=to_org.pk)
    except Organization.DoesNotExist as exc:
        raise ValidationError({"to_org": ["所选党组织不存在"]}) from exc
    if not scope_for(actor).covers(to_org.path, "change"):
        raise ValidationError({"to_org": ["只能转接到您管理范围内的党支部"]})
    errors = check_placement(to_org, None)
    if errors:
        raise ValidationError({"to_org": errors["org"]})
    if not member.on_roll:
        raise ValidationError({"to_org": ["该党员已不在册，不能转接"]})
    if to_org.pk == member.org_id:
        raise ValidationError({"to_org": ["转入党支部与现所在党支部相同"]})
    if date > timezone.localdate():
        raise ValidationError({"date": ["转接日期不能晚于今天"]})
    if date < member.joined_on:
        raise ValidationError({"date": ["转接日期不能早于入党日期"]})
    from_org = member.org
    member.org = to_org
    member.group = None
    member._history_user = _actor_or_none(actor)  # type: ignore[attr-defined]
    member._change_reason = "组织关系转接"  # type: ignore[attr-defined]
    member.save(update_fields=["org", "group", "updated_at"])
    counters.shift(from_org.path, members=-1)
    counters.shift(to_org.path, members=1)
    MemberEvent.objects.create(
        member=member, kind=MemberEventKind.TRANSFER, date=date, from_org=from_org, to_org=to_org,
        reason=reason, doc_no=doc_no, actor=_actor_or_none(actor),
    )
    audit.record(
        "members.transfer", actor=actor, obj=member, org=to_org,
        changes={"org": [from_org.name, to_org.name]}, reason=reason,
    )
    return member


def move_members_for_merge(
    source: Organization, target: Organization, *, actor: Any, date: dt.date, doc_no: str
) -> int:
    """Members of a merged org go to the target org, each with a transfer event (set-based)."""
    ids = list(Member.objects.filter(org=source, state__in=ON_ROLL_STATES).values_list("pk", flat=True))
    if not ids:
        return 0
    Member.objects.filter(pk__in=ids).update(org=target, updated_at=timezone.now())
    counters.shift(source.path, members=-len(ids))
    counters.shift(target.path, members=len(ids))
    MemberEvent.objects.bulk_create(
        MemberEvent(
            member_id=pk, kind=MemberEventKind.TRANSFER, date=date, from_org=source, to_org=target,
            reason=f"{source.name}并入{target.name}", doc_no=doc_no, actor=_actor_or_none(actor),
        )
        for pk in ids
    )
    return len(ids)


def dissolve_blocker(org: Organization) -> str | None:
    """An org with members on its roll (as their branch or their 党小组) cannot be dissolved."""
    if Member.objects.on_roll().filter(org=org).exists() or Member.objects.on_roll().filter(group=org).exists():
        return "该党组织还有在册党员，请先转接党员组织关系"
    return None


# --- Status events --------------------------------------------------------------------------------------------

STATUS_EVENTS = {
    MemberEventKind.CONFIRMED, MemberEventKind.TRANSFER_OUT, MemberEventKind.SUSPENDED,
    MemberEventKind.RESTORED, MemberEventKind.LEFT, MemberEventKind.DECEASED,
}


@audit.records_denials
@transaction.atomic
def record_status_event(
    member: Member, *, actor: Any, kind: str, date: dt.date, reason: str = "", doc_no: str = "",
    leave_reason: str = "", outside_org: str = "", letter_no: str = "",
) -> MemberEvent:
    """转正, 转出 (outside the system), 停止党籍, 恢复党籍, 出党 or 去世 — the member stays on file."""
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    _require(member.org.path, actor, obj=member)
    if kind not in STATUS_EVENTS:
        raise ValidationError({"kind": ["不支持的党籍变动事项"]})
    errors: dict[str, list[str]] = {}
    if date > timezone.localdate():
        errors["date"] = ["日期不能晚于今天"]
    if date < member.joined_on:
        errors["date"] = ["日期不能早于入党日期"]
    state_before = member.state
    if kind == MemberEventKind.CONFIRMED:
        if member.party_status != PartyStatus.PROBATIONARY or member.state != MemberState.ACTIVE:
            errors["kind"] = ["只有在册的预备党员可以转正"]
        elif date < add_years(member.joined_on, PROBATION_YEARS):
            errors["date"] = ["预备期满一年后方可转正"]
        member.party_status = PartyStatus.FULL
        member.confirmed_on = date
    elif kind == MemberEventKind.RESTORED:
        if member.state != MemberState.SUSPENDED:
            errors["kind"] = ["只有停止党籍的党员可以恢复党籍"]
        if not doc_no.strip():
            errors["doc_no"] = ["恢复党籍须填写批准文号"]
        member.state = MemberState.ACTIVE
    else:
        if member.state not in ON_ROLL_STATES:
            errors["kind"] = ["该党员已不在册"]
        elif kind == MemberEventKind.SUSPENDED and member.state == MemberState.SUSPENDED:
            errors["kind"] = ["该党员已停止党籍"]
        if kind in (MemberEventKind.SUSPENDED, MemberEventKind.LEFT) and not reason.strip():
            errors["reason"] = ["请填写原因"]
        if kind == MemberEventKind.LEFT and leave_reason not in LeaveReason.values:
            errors["leave_reason"] = ["请选择出党方式"]
        if kind == MemberEventKind.TRANSFER_OUT and not outside_org.strip():
            errors["outside_org"] = ["请填写转往的党组织"]
        new_state: dict[str, str] = {
            MemberEventKind.TRANSFER_OUT: MemberState.TRANSFERRED_OUT,
            MemberEventKind.SUSPENDED: MemberState.SUSPENDED,
            MemberEventKind.LEFT: MemberState.LEFT,
            MemberEventKind.DECEASED: MemberState.DECEASED,
        }
        member.state = new_state[kind]
    if errors:
        raise ValidationError(errors)
    if kind == MemberEventKind.RESTORED:
        clash = Member.objects.filter(id_card_index=member.id_card_index, state__in=ON_ROLL_STATES).exclude(pk=member.pk)
        if clash.exists():
            raise ValidationError({"kind": ["已有相同身份证号的在册党员，不能恢复"]})
    member._history_user = _actor_or_none(actor)  # type: ignore[attr-defined]
    member.save()
    if state_before in ON_ROLL_STATES and member.state not in ON_ROLL_STATES:
        counters.shift(member.org.path, members=-1)
    event = MemberEvent.objects.create(
        member=member, kind=kind, date=date, from_org=member.org, reason=reason.strip(), doc_no=doc_no.strip(),
        leave_reason=leave_reason, outside_org=outside_org.strip(), letter_no=letter_no.strip(),
        actor=_actor_or_none(actor),
    )
    audit.record(
        "members.status", actor=actor, obj=member, org=member.org, reason=reason,
        changes={"kind": event.get_kind_display(), "state": [state_before, member.state], "date": date.isoformat()},
    )
    if member.state not in ON_ROLL_STATES:
        _disable_login(member, actor)
    return event


def _disable_login(member: Member, actor: Any) -> None:
    """A member who leaves the roll loses their login (SEC-08)."""
    user_model = get_user_model()  # accounts sits above members: a user may be linked to a member
    user = user_model.objects.filter(member=member, is_active=True).first()
    if user is not None:
        user_model.objects.filter(pk=user.pk).update(is_active=False)
        audit.record("accounts.user_disable", actor=actor, obj=user, reason="党员不再在册")


# --- Personal data --------------------------------------------------------------------------------------------

REVEALABLE = {"id_card": "身份证号", "phone": "手机号"}


@transaction.atomic
def lookup_by_id_card(number: str, *, actor: Any) -> Member | None:
    """The member with this 身份证号 among those the actor may see (any state), or None. The number comes by POST
    only, never in a URL (SEC-22); every lookup is audited, found or not, with the number masked (SEC-10/11)."""
    try:
        card = idcard.parse(number)
    except idcard.IdCardError as exc:
        raise ValidationError({"id_card": [str(exc)]}) from exc
    member = (
        Member.objects.visible_to(actor).filter(id_card_index=pii.id_card_index(card.number))
        .select_related("org").first()
    )
    audit.record(
        "members.lookup", actor=actor, obj=member, org=member.org if member is not None else None,
        changes={"id_card": mask_id_card(card.number), "found": member is not None},
    )
    return member


def can_reveal(member: Member, user: Any) -> bool:
    return scope_for(user).covers(member.org.path, "reveal")


def reveal_needs_otp(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(settings.DANGJIAN_REVEAL_REQUIRES_OTP) and not (is_verified is not None and is_verified())


@audit.records_denials
@transaction.atomic
def reveal(member: Member, *, actor: Any, field: str, reason: str) -> str:
    """The full 身份证号 or phone, for a user with the reveal right who gives a reason; always audited."""
    if field not in REVEALABLE:
        raise ValidationError({"field": ["不支持查看该字段"]})
    require(actor, member.org.path, "reveal", member)
    if len(reason.strip()) < 4:
        raise ValidationError({"reason": ["请填写查看事由（至少4个字）"]})
    if reveal_needs_otp(actor):
        raise ValidationError({"reason": ["查看完整个人信息前须完成动态口令验证"]})
    value = pii.read_id_card(member) if field == "id_card" else pii.read_phone(member)
    audit.record(
        "members.reveal", actor=actor, obj=member, org=member.org, reason=reason.strip(),
        changes={"field": REVEALABLE[field]},
    )
    return value
