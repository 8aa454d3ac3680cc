"""Recording 党费: the only code that writes bases, reliefs and payments (architecture.md, pattern 2). Views,
the API, the demo and tests all call these functions.

Each validates, checks the actor's "change" scope on the member's branch, writes and records the audit entry in
one transaction; a ValidationError names the field and the rule in Chinese and leaves nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.scoping import require, scope_for
from dangjian.core.validation import Errors
from dangjian.dues import calc
from dangjian.dues.choices import BASES_BY_CATEGORY, FIXED_BASES, INCOME_BASES, Basis, PaymentMethod, ReliefKind
from dangjian.dues.models import DuesBase, DuesPayment, DuesRelief
from dangjian.lib.money import format_money
from dangjian.members.choices import ON_ROLL_STATES, PersonCategory
from dangjian.members.models import Member
from dangjian.orgs.models import Organization


def _who(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def to_decimal(value: Any, field: str, label: str) -> Decimal | None:
    """A money value from a form, the API or code as a Decimal with at most two places; floats are refused
    (党费 is computed in Decimal only)."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise ValidationError({field: [f"{label}须以字符串或定点数传入，不接受浮点数"]})
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationError({field: [f"{label}须是数字"]}) from exc
    if not number.is_finite():
        raise ValidationError({field: [f"{label}须是数字"]})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: [f"{label}最多保留两位小数（精确到分）"]})
    if abs(number) >= Decimal("10000000000"):
        raise ValidationError({field: [f"{label}超出范围"]})
    return number


def _month(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return calc.month_start(value)
    parsed = calc.parse_month(str(value or ""))
    if parsed is None:
        raise ValidationError({field: ["请按“年-月”填写，例如 2025-06"]})
    return parsed


def is_self_service(actor: Any, member: Member) -> bool:
    """Whether `actor` is the 党员 `member` themselves (their account is linked to the record)."""
    return scope_for(actor).own_member_id == member.pk


def _lock_member(member: Member, actor: Any) -> Member:
    locked = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    require(actor, locked.org.path, "change", locked)
    return locked


# --- reading ---------------------------------------------------------------------------------------------------


def base_in_force(member_id: int, month: dt.date) -> DuesBase | None:
    return (DuesBase.objects.filter(member_id=member_id, month_from__lte=month)
            .filter(Q(month_to__isnull=True) | Q(month_to__gte=month)).first())


def relief_in_force(member_id: int, month: dt.date) -> DuesRelief | None:
    return DuesRelief.objects.filter(member_id=member_id, month_from__lte=month, month_to__gte=month).first()


def due_for(member_id: int, month: dt.date) -> tuple[Decimal, DuesBase, DuesRelief | None] | None:
    """The month's due (after an approved 少交/免交), its base and relief; None when no base is in force."""
    base = base_in_force(member_id, month)
    if base is None:
        return None
    relief = relief_in_force(member_id, month)
    due = calc.relieved_amount(base.amount, relief.kind if relief else None, relief.amount if relief else None)
    return due, base, relief


# --- bases -----------------------------------------------------------------------------------------------------


def _clean_base(member: Member, data: dict[str, Any], config: calc.Config) -> dict[str, Any]:
    """Validated base values for `member`: month_from, basis, income, fixed_amount, rate, amount, quarterly, note."""
    errors = Errors()
    values: dict[str, Any] = {"quarterly": bool(data.get("quarterly")), "note": str(data.get("note") or "").strip()}
    if len(values["note"]) > 200:
        errors.add("note", "说明不能超过200个字")
    try:
        month_from = _month(data.get("month_from"), "month_from")
        values["month_from"] = month_from
        if month_from < calc.month_start(member.joined_on):
            errors.add("month_from", f"起始月份不能早于入党（接收为预备党员）当月{calc.month_label(member.joined_on)}：党费从入党之日起交纳")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    basis = str(data.get("basis") or "")
    allowed = BASES_BY_CATEGORY.get(member.person_category, ())
    if basis not in Basis.values:
        errors.add("basis", "请选择计算方式")
    elif basis not in allowed:
        category = PersonCategory(member.person_category).label
        errors.add("basis", f"人员类别为“{category}”的党员不能按“{Basis(basis).label}”计算（可选：{'、'.join(Basis(b).label for b in allowed)}）")
    income = fixed = None
    try:
        income = to_decimal(data.get("income"), "income", "计算基数")
        if income is not None and income < 0:
            errors.add("income", "计算基数不能为负数")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        fixed = to_decimal(data.get("fixed_amount"), "fixed_amount", "每月交纳金额")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not errors:
        if basis in INCOME_BASES and income is None:
            errors.add("income", f"按“{Basis(basis).label}”计算须填写计算基数（元/月）")
        elif basis in FIXED_BASES:
            income = fixed = None
        elif basis == Basis.FARMER:
            income = None
        if basis in INCOME_BASES:
            fixed = None
    if not errors:
        try:
            due = calc.monthly_due(basis, income, fixed, config)
        except ValueError as exc:
            errors.add("fixed_amount" if basis == Basis.FARMER else "income", str(exc))
        else:
            values.update(basis=basis, income=income, fixed_amount=fixed, rate=due.rate, amount=due.amount)
    errors.raise_if_any()
    return values


def _write_base(member: Member, values: dict[str, Any], actor: Any) -> tuple[DuesBase, dict[str, Any]]:
    month_from: dt.date = values["month_from"]
    latest = DuesBase.objects.filter(member=member).order_by("-month_from").first()
    if latest is not None and month_from < latest.month_from:
        raise ValidationError({"month_from": [
            f"已有{calc.month_label(latest.month_from)}起的基数：新基数的起始月份须不早于该月（工资变化从按新工资标准领取的当月起计算，第十条）"
        ]})
    before: dict[str, Any] = {}
    if latest is not None and latest.month_from == month_from:
        base = latest
        before = {"basis": base.basis, "income": str(base.income), "amount": str(base.amount)}
    else:
        if latest is not None:
            DuesBase.objects.filter(pk=latest.pk).update(month_to=calc.add_months(month_from, -1))
        base = DuesBase(member=member, month_from=month_from)
    for name, value in values.items():
        setattr(base, name, value)
    base.month_to = None
    base.recorded_by = _who(actor)
    base.save()
    changes = {"month_from": month_from.isoformat(), "basis": base.basis, "income": str(base.income),
               "fixed_amount": str(base.fixed_amount), "amount": str(base.amount), "quarterly": base.quarterly}
    if before:
        changes["before"] = before
    return base, changes


@audit.records_denials
@transaction.atomic
def set_base(*, actor: Any, member: Member, data: dict[str, Any], config: calc.Config | None = None) -> DuesBase:
    """设置党费基数 from `data["month_from"]` on (a new wage counts from the month it is first paid, 第十条);
    the previous base ends the month before. A base for the same month replaces it (a correction)."""
    member = _lock_member(member, actor)
    values = _clean_base(member, data, config or calc.load_config())
    base, changes = _write_base(member, values, actor)
    audit.record("dues.base_set", actor=actor, obj=member, org=member.org, changes=changes)
    return base


@audit.records_denials
@transaction.atomic
def rebase_branch(*, actor: Any, org: Organization, month_from: Any, entries: Iterable[dict[str, Any]],
                  config: calc.Config | None = None) -> list[DuesBase]:
    """每年核定: new bases for many members of a branch from one month, all or nothing. Errors come back keyed
    "<member id>.<field>" so the page can show them on the member's row."""
    org = Organization.objects.get(pk=org.pk)
    require(actor, org.path, "change", org)
    month = _month(month_from, "month_from")
    config = config or calc.load_config()
    entries = list(entries)
    ids = [int(e["member"]) for e in entries]
    members = {m.pk: m for m in Member.objects.select_for_update().select_related("org").filter(
        pk__in=ids, org=org, state__in=ON_ROLL_STATES)}
    errors = Errors()
    written: list[DuesBase] = []
    for entry in entries:
        member = members.get(int(entry["member"]))
        if member is None:
            errors.add(f"{entry['member']}.member", "该党员不在本支部在册名单中")
            continue
        try:
            values = _clean_base(member, {**entry, "month_from": month}, config)
            base, _changes = _write_base(member, values, actor)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for msg in msgs:
                    errors.add(f"{member.pk}.{field}", f"{member.name}：{msg}")
            continue
        written.append(base)
    errors.raise_if_any()
    audit.record("dues.rebase", actor=actor, obj=org, org=org,
                 changes={"month_from": month.isoformat(), "members": len(written)})
    return written


# --- reductions and exemptions ---------------------------------------------------------------------------------


@audit.records_denials
@transaction.atomic
def grant_relief(*, actor: Any, member: Member, data: dict[str, Any]) -> DuesRelief:
    """登记少交或免交: 交纳党费确有困难的党员，经党支部研究，报上一级党委批准. The approval (批准的党委, 文号,
    日期) is required; months may not overlap another relief of the member."""
    member = _lock_member(member, actor)
    errors = Errors()
    kind = str(data.get("kind") or "")
    if kind not in ReliefKind.values:
        errors.add("kind", "请选择少交或免交")
    months: dict[str, dt.date] = {}
    for name in ("month_from", "month_to"):
        try:
            months[name] = _month(data.get(name), name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if len(months) == 2 and months["month_to"] < months["month_from"]:
        errors.add("month_to", "截止月份不能早于起始月份")
    amount = None
    try:
        amount = to_decimal(data.get("amount"), "amount", "少交后每月交纳金额")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if kind == ReliefKind.REDUCE and amount is None and "amount" not in errors:
        errors.add("amount", "少交须填写批准后每月交纳的金额")
    if amount is not None and amount < 0:
        errors.add("amount", "金额不能为负数")
    if kind == ReliefKind.EXEMPT:
        amount = None
    texts: dict[str, str] = {}
    for name, label, limit in (("reason", "原因", 200), ("approved_by", "批准的上一级党委", 100),
                               ("approval_no", "批准文号", 100)):
        texts[name] = str(data.get(name) or "").strip()
        if not texts[name]:
            errors.add(name, f"请填写{label}（少交、免交须经党支部研究，报上一级党委批准）")
        elif len(texts[name]) > limit:
            errors.add(name, f"不能超过{limit}个字")
    approved_on: Any = data.get("approved_on")
    if not isinstance(approved_on, dt.date):
        errors.add("approved_on", "请填写批准日期")
    elif approved_on > timezone.localdate():
        errors.add("approved_on", "批准日期不能晚于今天")
    if len(months) == 2 and not errors:
        overlap = DuesRelief.objects.filter(member=member, month_from__lte=months["month_to"],
                                            month_to__gte=months["month_from"]).first()
        if overlap is not None:
            errors.add("month_from", f"与已登记的{overlap.get_kind_display()}（{calc.month_label(overlap.month_from)}至"
                                       f"{calc.month_label(overlap.month_to)}）重叠")
    errors.raise_if_any()
    relief = DuesRelief.objects.create(
        member=member, kind=kind, month_from=months["month_from"], month_to=months["month_to"], amount=amount,
        approved_on=approved_on, recorded_by=_who(actor), **texts,
    )
    audit.record("dues.relief", actor=actor, obj=member, org=member.org, changes={
        "kind": kind, "month_from": relief.month_from.isoformat(), "month_to": relief.month_to.isoformat(),
        "amount": str(amount), "approval_no": relief.approval_no,
    })
    return relief


# --- payments --------------------------------------------------------------------------------------------------


def _clean_payment(member: Member, month: dt.date, amount: Decimal | None, reason: str, paid_on: dt.date,
                   config: calc.Config, taken: set[dt.date]) -> dict[str, Any]:
    """One month's payment for `member`, checked against every rule; the field named in each message."""
    errors = Errors()
    label = calc.month_label(month)
    if member.state not in ON_ROLL_STATES:
        errors.add("member", f"{member.name}不在册，不能登记党费")
    if month < calc.month_start(member.joined_on):
        errors.add("month", f"{label}早于{member.name}入党（接收为预备党员）的月份{calc.month_label(member.joined_on)}："
                              "党费从支部大会通过其为预备党员之日起交纳")
    if month in taken:
        errors.add("month", f"{member.name}{label}的党费已交纳，不能重复登记")
    earliest, latest = calc.payment_window(paid_on, config)
    if month < earliest:
        errors.add("month", f"{label}距交纳月份超过{config.max_back}个月：补交党费的时间一般不得超过{config.max_back}个月")
    if month > latest:
        errors.add("month", f"{label}超出预交期限：预交党费的时间一般不得超过{config.max_prepay}个月")
    found = due_for(member.pk, month) if not errors else None
    if not errors and found is None:
        errors.add("month", f"{member.name}{label}尚无党费基数，请先设置基数")
    errors.raise_if_any()
    assert found is not None
    due = found[0]
    if amount is None:
        amount = due
    if amount < 0:
        raise ValidationError({"amount": ["实交金额不能为负数"]})
    if amount != due and not reason:
        raise ValidationError({"reason": [
            f"{member.name}{label}实交{format_money(amount)}元与应交{format_money(due)}元不符，请填写原因（如自愿多交、经批准少交）"
        ]})
    return {"month": month, "due": due, "amount": amount}


@audit.records_denials
@transaction.atomic
def record_payments(*, actor: Any, member: Member, months: Iterable[Any], amount: Any = None, reason: str = "",
                    paid_on: dt.date | None = None, method: str = PaymentMethod.BRANCH,
                    config: calc.Config | None = None) -> list[DuesPayment]:
    """登记党费: one row per month (monthly; quarterly, back or advance payments cover several months), each at
    the month's due unless `amount` (per month) is given — a different amount needs a reason. All or nothing.

    The branch's managers record any method. A 党员 may record their own payment as 自助交纳 (method SELF) —
    the self-service record — but nothing else and for no one else."""
    if is_self_service(actor, member) and method == PaymentMethod.SELF:
        member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    else:
        member = _lock_member(member, actor)
    today = timezone.localdate()
    paid_on = paid_on or today
    errors = Errors()
    if paid_on > today:
        errors.add("paid_on", "交纳日期不能晚于今天")
    if method not in PaymentMethod.values:
        errors.add("method", "请选择交纳方式")
    reason = (reason or "").strip()
    if len(reason) > 200:
        errors.add("reason", "原因不能超过200个字")
    month_list = sorted({_month(m, "month") for m in months})
    if not month_list:
        errors.add("month", "请选择交纳的月份")
    per_month = to_decimal(amount, "amount", "实交金额")
    errors.raise_if_any()
    config = config or calc.load_config(paid_on)
    taken = set(DuesPayment.objects.filter(member=member, month__in=month_list).values_list("month", flat=True))
    rows = [_clean_payment(member, m, per_month, reason, paid_on, config, taken) for m in month_list]
    payments = DuesPayment.objects.bulk_create([
        DuesPayment(member=member, org_id=member.org_id, month=r["month"], due=r["due"], amount=r["amount"],
                    paid_on=paid_on, method=method, reason=reason,
                    recorded_by=_who(actor))
        for r in rows
    ])
    audit.record("dues.pay", actor=actor, obj=member, org=member.org, changes={
        "months": [r["month"].strftime("%Y-%m") for r in rows], "amount": [str(r["amount"]) for r in rows],
        "due": [str(r["due"]) for r in rows], "paid_on": paid_on.isoformat(), "method": method,
    })
    return payments


@audit.records_denials
@transaction.atomic
def collect(*, actor: Any, org: Organization, month: Any, member_ids: Iterable[int], paid_on: dt.date | None = None,
            config: calc.Config | None = None) -> list[DuesPayment]:
    """支部收缴: the secretary ticks who paid a month on the collection sheet; each ticked member's due is
    recorded (支部收缴). Members already paid that month are skipped, so ticking twice is harmless. All or
    nothing: errors come back keyed "<member id>"."""
    org = Organization.objects.get(pk=org.pk)
    require(actor, org.path, "change", org)
    month = _month(month, "month")
    today = timezone.localdate()
    paid_on = paid_on or today
    if paid_on > today:
        raise ValidationError({"paid_on": ["交纳日期不能晚于今天"]})
    config = config or calc.load_config(paid_on)
    ids = sorted({int(i) for i in member_ids})
    members = {m.pk: m for m in Member.objects.select_for_update().filter(pk__in=ids, org=org)}
    already = set(DuesPayment.objects.filter(member_id__in=ids, month=month).values_list("member_id", flat=True))
    errors = Errors()
    new: list[DuesPayment] = []
    for member_id in ids:
        member = members.get(member_id)
        if member is None:
            errors.add(str(member_id), "该党员不在本支部")
            continue
        if member_id in already:
            continue
        try:
            row = _clean_payment(member, month, None, "", paid_on, config, set())
        except ValidationError as exc:
            for msgs in exc.message_dict.values():
                for msg in msgs:
                    errors.add(str(member_id), msg)
            continue
        new.append(DuesPayment(member=member, org=org, month=month, due=row["due"], amount=row["amount"],
                               paid_on=paid_on, method=PaymentMethod.BRANCH, recorded_by=_who(actor)))
    errors.raise_if_any()
    DuesPayment.objects.bulk_create(new)
    if new:
        audit.record("dues.collect", actor=actor, obj=org, org=org, changes={
            "month": month.strftime("%Y-%m"), "members": [p.member_id for p in new],
            "total": str(sum((p.amount for p in new), Decimal("0.00"))),
        })
    return new


@audit.records_denials
@transaction.atomic
def revoke_payment(payment: DuesPayment, *, actor: Any, reason: str) -> None:
    """撤销 a payment recorded by mistake (a wrong tick): the reason is required and the audit entry keeps the
    removed row's month, amounts and date."""
    payment = DuesPayment.objects.select_for_update().select_related("org", "member").get(pk=payment.pk)
    require(actor, payment.org.path, "change", payment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["撤销交纳记录须填写原因"]})
    if len(reason) > 200:
        raise ValidationError({"reason": ["原因不能超过200个字"]})
    changes = {"member_id": payment.member_id, "month": payment.month.strftime("%Y-%m"), "due": str(payment.due),
               "amount": str(payment.amount), "paid_on": payment.paid_on.isoformat()}
    payment.delete()
    audit.record("dues.revoke", actor=actor, obj=payment.member, org=payment.org, reason=reason, changes=changes)

