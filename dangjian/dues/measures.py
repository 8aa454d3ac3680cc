"""党费 measures: the month's collection rate and the members in arrears per org (over its subtree), and each
member's paid-to month.

Built from the set-based readers of `dangjian.dues.ledgers`: the org measures run the same GROUP BYs over the path
prefix that the 上缴汇总 page runs (`collection_by_prefix`, `arrears_by_prefix`), once at the deepest width among the
orgs asked (`dangjian.orgs.subtrees.by_subtree`), so one plan whatever their number and depth; the 上缴汇总 page
(`dangjian.dues.remittance`) reads its rows from them. Discovered by
`dangjian.core.measures` at start-up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from dangjian.core.measures import MEMBER, PeriodNotSupported, register
from dangjian.dues import calc, ledgers
from dangjian.dues import rules as dues_rules
from dangjian.dues.models import DuesBase, DuesPayment
from dangjian.lib.periods import CUSTOM, HALF, MONTH, QUARTER, YEAR, Period, reference_day
from dangjian.members.models import Member
from dangjian.orgs.models import Organization
from dangjian.orgs.subtrees import by_subtree

ZERO = ledgers.ZERO


@dataclass(frozen=True)
class Collection:
    """A month's 党费 over an org's subtree: members with a base, the due, payments and the amount collected."""

    based: int = 0
    due: Decimal = ZERO
    paid_count: int = 0
    collected: Decimal = ZERO

    @property
    def rate(self) -> float | None:
        return float(self.collected / self.due) if self.due else None

    @property
    def percent(self) -> str:
        return f"{self.collected / self.due * 100:.1f}%" if self.due else "—"

    def __add__(self, other: Collection) -> Collection:
        return Collection(self.based + other.based, self.due + other.due, self.paid_count + other.paid_count,
                          self.collected + other.collected)

    def __str__(self) -> str:
        return self.percent

    def as_json(self) -> dict[str, Any]:
        return {"based": self.based, "due": str(self.due), "paid_count": self.paid_count,
                "collected": str(self.collected), "rate": self.rate}


def collection_by_prefix(root_path: str, width: int, month: dt.date) -> dict[str, Collection]:
    """{path prefix of `width`: Collection} for the month over the subtree (`ledgers.due_by_prefix` and
    `ledgers.collected_by_prefix`: four queries)."""
    found: dict[str, Collection] = defaultdict(Collection)
    for prefix, (n, due) in ledgers.due_by_prefix(root_path, width, month).items():
        found[prefix] += Collection(based=n, due=due)
    for prefix, (n, amount) in ledgers.collected_by_prefix(root_path, width, month).items():
        found[prefix] += Collection(paid_count=n, collected=amount)
    return dict(found)


def _only_this_month(period: Period, today: dt.date, label: str) -> None:
    """Arrears are judged on today's records: a past month would be a different number from the one seen then."""
    if period != Period.containing(MONTH, today):
        raise PeriodNotSupported(f"“{label}”按今天的交纳记录计算，只能按本月（{Period.containing(MONTH, today).label}）查看")


@register(
    "dues.collection.rate", label="党费收缴率", unit="%", periods=(MONTH,),
    rules=(dues_rules.EMPLOYED_BRACKETS, dues_rules.RETIRED_BRACKETS, dues_rules.FIXED_AMOUNT,
           dues_rules.ROUNDING_QUANTUM, dues_rules.ROUNDING_MODE),
    description="当月党组织（含下级）实交金额占应交金额（已设基数、扣除批准的少交免交）的比例，附已设基数人数和已交人数。",
)
def collection_rate(orgs: QuerySet[Organization], period: Period) -> dict[int, Collection]:
    """{org id: Collection over its subtree} for the month (orgs with nothing due or paid are absent)."""
    return by_subtree(orgs, lambda common, width: collection_by_prefix(common, width, period.start))


@register(
    "dues.due.amount", label="应交党费", unit="元", higher_is_better=None, periods=(MONTH,),
    rules=(dues_rules.EMPLOYED_BRACKETS, dues_rules.RETIRED_BRACKETS, dues_rules.FIXED_AMOUNT,
           dues_rules.ROUNDING_QUANTUM, dues_rules.ROUNDING_MODE),
    description="当月党组织（含下级）在册党员按已设基数应交的党费合计，扣除批准的少交、免交。",
)
def due_amount(orgs: QuerySet[Organization], period: Period) -> dict[int, Decimal]:
    """{org id: the month's due over its subtree} (the `due` of `dues.collection.rate`)."""
    return {pk: c.due for pk, c in collection_rate.fn(orgs, period).items()}


@register(
    "dues.collected.amount", label="实交党费", unit="元", periods=(MONTH,),
    description="当月党组织（含下级）各党支部收缴的党费合计（按所属月份，含补交、预交）。",
)
def collected_amount(orgs: QuerySet[Organization], period: Period) -> dict[int, Decimal]:
    """{org id: the amount collected for the month over its subtree} (the `collected` of `dues.collection.rate`)."""
    return {pk: c.collected for pk, c in collection_rate.fn(orgs, period).items()}


def arrears_by_org(orgs: QuerySet[Organization], today: dt.date, config: calc.Config) -> dict[int, tuple[int, int]]:
    """{org id: (members at least `warn_months` behind on `today`, of whom at least `flag_months`)} over each org's
    subtree: one GROUP BY (`ledgers.arrears_by_prefix`). The arrears measures and the 上缴汇总 page (which is given
    its `today`) both read it."""
    return by_subtree(orgs, lambda common, width: ledgers.arrears_by_prefix(common, width, today, config),
                      add=lambda a, b: (a[0] + b[0], a[1] + b[1]))


def _arrears(orgs: QuerySet[Organization], period: Period, label: str) -> dict[int, tuple[int, int]]:
    today = timezone.localdate()
    _only_this_month(period, today, label)
    return arrears_by_org(orgs, today, calc.load_config(today))


@register(
    "dues.arrears.warned", label="欠缴党费人数", unit="人", higher_is_better=False, periods=(MONTH,),
    rules=(dues_rules.ARREARS_WARN_MONTHS,),
    description="党组织（含下级）连续欠缴党费达到提醒月数（默认3个月）的在册党员人数；按今天的记录，只能看本月。",
)
def arrears_warned(orgs: QuerySet[Organization], period: Period) -> dict[int, int]:
    return {pk: warned for pk, (warned, _flagged) in _arrears(orgs, period, "欠缴党费人数").items()}


@register(
    "dues.arrears.flagged", label="连续6个月欠缴人数", unit="人", higher_is_better=False, periods=(MONTH,),
    rules=(dues_rules.ARREARS_FLAG_MONTHS,),
    description="党组织（含下级）连续欠缴党费达到自行脱党提示月数（默认6个月）的在册党员人数；按今天的记录，只能看本月。",
)
def arrears_flagged(orgs: QuerySet[Organization], period: Period) -> dict[int, int]:
    return {pk: flagged for pk, (_warned, flagged) in _arrears(orgs, period, "连续6个月欠缴人数").items()}


@register(
    "dues.arrears.months", label="连续欠缴党费月数", unit="月", subject=MEMBER, higher_is_better=False, periods=(MONTH,),
    rules=(dues_rules.ARREARS_WARN_MONTHS, dues_rules.ARREARS_FLAG_MONTHS),
    description="已设党费基数的党员连续未交纳党费的月数（按月交纳的计至上月，按季度交纳的计至上一个已结束的季度；免交的月份"
                "不计），附最后交纳月份和提醒级别（默认满3个月提醒、满6个月提示自行脱党）；按今天的记录，只能看本月。",
)
def arrears_months(members: QuerySet[Member], period: Period) -> dict[int, ledgers.ArrearsRow]:
    """{member id: ArrearsRow(months behind, level, last month paid)} for the members among `members` who have a
    base in force: the 欠缴名单, its API, the reminders and the member page read it."""
    today = timezone.localdate()
    _only_this_month(period, today, "连续欠缴党费月数")
    return arrears_on(members, today)


def arrears_on(members: QuerySet[Member], today: dt.date) -> dict[int, ledgers.ArrearsRow]:
    """The function of `dues.arrears.months` on a given day (the reminder job is handed its day): the members'
    current bases with their exact months behind, in one query whatever the number of members (and the rules')."""
    config = calc.load_config(today)
    bases = DuesBase.objects.filter(month_to__isnull=True, member__in=members.values("pk"))
    return {row.member.pk: row for row in ledgers.describe_arrears(bases, today, config)}


def months_behind(branch: Organization, today: dt.date) -> dict[int, int]:
    """`dues.arrears.months` as a branch's 收缴表 shows it: {member id: months behind on `today`}, for the branch's
    members with a base."""
    return {pk: row.months for pk, row in arrears_on(Member.objects.filter(org=branch), today).items()}


def arrears_of(bases: list[Any], today: dt.date) -> list[ledgers.ArrearsRow]:
    """`dues.arrears.months` for the members of these rows (a page of `ledgers.arrears_rows`, an export, the
    reminders' rows), in their order."""
    figures = arrears_on(Member.objects.filter(pk__in=[b.member_id for b in bases]), today)
    return [figures[b.member_id] for b in bases]


@register(
    "dues.paid_to", label="党费交至", unit="月", subject=MEMBER, higher_is_better=True,
    periods=(YEAR, HALF, QUARTER, MONTH, CUSTOM),
    description="截至期间最后一天（当前期间为今天）已交纳的党费最晚所属月份（含预交）；未交过为空。",
)
def paid_to(members: QuerySet[Member], period: Period) -> dict[int, dt.date | None]:
    """{member id: the latest month paid for by payments made up to the reference day, or None}."""
    day = reference_day(period, timezone.localdate())
    paid = DuesPayment.objects.filter(member_id=OuterRef("pk"), paid_on__lte=day).order_by("-month")
    return dict(members.order_by().annotate(paid_to=Subquery(paid.values("month")[:1])).values_list("pk", "paid_to"))
