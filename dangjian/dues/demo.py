"""Demo data of 党费: a year of bases and payments over the demo organ, so the sheets, statements, arrears and
the summary show something realistic.

Runs after the members exist. Deterministic for a seed; set-based (bulk_create), a handful of queries:
- every active member gets a base from twelve months before this month (or their 入党 month): 在职 a wage of
  2,600–16,000 元 (some on each side of the 3000 / 5000 / 10000 bracket bounds), 离退休 a pension, 学生 and
  下岗失业 0.20 元, 农民 0.50 元, 其他 a self-employed income; amounts from dues.calc with the rules in force;
- about a fifth of the employed get a raise from the seventh month (a mid-year change from the new wage's month);
- one member in fifty pays quarterly (经党支部同意);
- payments every month up to last month, about 60% of this month already collected, one in ten by self-service;
- a few members stopped paying 3–5 months ago (warned) and a few 6–8 months ago (flagged for the branch);
- one member has an approved 免交 for six months, one an approved 少交.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from dangjian.dues import calc
from dangjian.dues.choices import Basis, PaymentMethod, ReliefKind
from dangjian.dues.models import DuesBase, DuesPayment, DuesRelief
from dangjian.lib.demo.registry import register
from dangjian.members.choices import MemberState, PersonCategory
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

BATCH = 2000


def _income(rng: random.Random, category: str) -> tuple[str, Decimal | None, Decimal | None]:
    """(basis, income, farmer's amount) for a member of `category`."""
    if category == PersonCategory.EMPLOYED:
        if rng.random() < 0.08:  # exactly on a bracket bound, or a fen above it
            bound = rng.choice(["3000.00", "3000.01", "5000.00", "5000.01", "10000.00", "10000.01"])
            return Basis.WAGE, Decimal(bound), None
        return Basis.WAGE, Decimal(rng.randrange(2600, 16000, 10)).quantize(Decimal("0.01")), None
    if category == PersonCategory.RETIRED:
        return Basis.PENSION, Decimal(rng.randrange(3000, 8200, 10)).quantize(Decimal("0.01")), None
    if category == PersonCategory.STUDENT:
        return Basis.STUDENT, None, None
    if category == PersonCategory.UNEMPLOYED:
        return Basis.UNEMPLOYED, None, None
    if category == PersonCategory.FARMER:
        return Basis.FARMER, None, Decimal("0.50")
    return Basis.SELF_EMPLOYED, Decimal(rng.randrange(2000, 9000, 100)).quantize(Decimal("0.01")), None


@register(order=40)
def load(*, seed: int, today: dt.date) -> str:
    rng = random.Random(seed * 11 + 3)  # nosec B311 # seeded generator for reproducible demo data, not a secret
    config = calc.load_config(today)
    this_month = calc.month_start(today)
    first = calc.add_months(this_month, -12)
    raise_month = calc.add_months(first, 6)
    members = list(Member.objects.filter(state=MemberState.ACTIVE).order_by("pk")
                   .values("pk", "org_id", "person_category", "joined_on"))
    bases: list[DuesBase] = []
    plans: list[tuple[Any, list[DuesBase], bool, int | None]] = []  # member, bases, quarterly, stopped months ago
    stoppers = rng.sample(range(len(members)), k=min(len(members), max(2, len(members) // 60)))
    warned = set(stoppers[: len(stoppers) * 2 // 3])
    for i, m in enumerate(members):
        start = max(first, calc.month_start(m["joined_on"]))
        if start > this_month:
            continue
        basis, income, fixed = _income(rng, m["person_category"])
        quarterly = rng.random() < 0.02
        due = calc.monthly_due(basis, income, fixed, config)
        own = [DuesBase(member_id=m["pk"], month_from=start, basis=basis, income=income, fixed_amount=fixed,
                        rate=due.rate, amount=due.amount, quarterly=quarterly, note="演示数据")]
        if basis == Basis.WAGE and start < raise_month and rng.random() < 0.2:
            raised = (income or Decimal(0)) + Decimal(rng.randrange(300, 1500, 100))
            new = calc.monthly_due(basis, raised, None, config)
            own[0].month_to = calc.add_months(raise_month, -1)
            own.append(DuesBase(member_id=m["pk"], month_from=raise_month, basis=basis, income=raised, rate=new.rate,
                                amount=new.amount, quarterly=quarterly, note="演示数据：工资调整"))
        bases.extend(own)
        stopped = None
        if i in warned:
            stopped = rng.randint(3, 5)
        elif i in stoppers:
            stopped = rng.randint(6, 8)
        plans.append((m, own, quarterly and stopped is None, stopped))
    DuesBase.objects.bulk_create(bases, batch_size=BATCH)

    # One 免交 and one 少交, approved by the committee above the member's branch.
    reliefs: list[DuesRelief] = []
    regular = [p for p in plans if p[3] is None and not p[2] and p[1][0].month_from == first]
    if len(regular) >= 2:
        exempt_member, reduced_member = rng.sample(regular, 2)
        parents = dict(Organization.objects.filter(pk__in=[exempt_member[0]["org_id"], reduced_member[0]["org_id"]])
                       .values_list("pk", "parent__name"))
        for (m, _own, _q, _s), kind, amount, reason, offset in (
            (exempt_member, ReliefKind.EXEMPT, None, "身患重病，生活困难", -5),
            (reduced_member, ReliefKind.REDUCE, Decimal("5.00"), "家庭遭遇变故，收入锐减", -8),
        ):
            month_from = calc.add_months(this_month, offset)
            reliefs.append(DuesRelief(
                member_id=m["pk"], kind=kind, month_from=month_from, month_to=calc.add_months(month_from, 5),
                amount=amount, reason=reason, approved_by=parents.get(m["org_id"]) or "上级党委",
                approval_no=f"党费〔{month_from.year}〕{rng.randint(1, 30)}号",
                approved_on=min(today, month_from + dt.timedelta(days=3)),
            ))
    DuesRelief.objects.bulk_create(reliefs)
    relief_by_member = {r.member_id: r for r in reliefs}

    payments: list[DuesPayment] = []
    for m, own, quarterly, stopped in plans:
        relief = relief_by_member.get(m["pk"])
        month = own[0].month_from
        last = this_month if rng.random() < 0.6 else calc.add_months(this_month, -1)
        if quarterly:
            last = calc.owed_through(today, True)
        if stopped is not None:
            last = calc.add_months(this_month, -(stopped + 1))
        while month <= last:
            base = own[-1] if len(own) > 1 and month >= own[-1].month_from else own[0]
            owed = base.amount
            if relief is not None and relief.month_from <= month <= relief.month_to:
                owed = calc.relieved_amount(owed, relief.kind, relief.amount)
            if owed > 0:
                if quarterly:
                    paid_on = min(today, calc.add_months(month, 2 - (month.month - 1) % 3) + dt.timedelta(days=19))
                else:
                    paid_on = min(today, month + dt.timedelta(days=rng.randint(4, 24)))
                self_service = rng.random() < 0.1
                payments.append(DuesPayment(
                    member_id=m["pk"], org_id=m["org_id"], month=month, due=owed, amount=owed, paid_on=paid_on,
                    method=PaymentMethod.SELF if self_service else PaymentMethod.BRANCH,
                ))
            month = calc.add_months(month, 1)
    DuesPayment.objects.bulk_create(payments, batch_size=BATCH)
    n_warned = sum(1 for p in plans if p[3] is not None and p[3] < config.flag_months)
    n_flagged = sum(1 for p in plans if p[3] is not None and p[3] >= config.flag_months)
    return (f"党费：基数 {len(bases)} 条（年中调整 {len(bases) - len(plans)} 人），交纳记录 {len(payments)} 条；"
            f"欠缴3—5个月 {n_warned} 人、连续6个月以上 {n_flagged} 人；免交 1 人、少交 1 人。")
