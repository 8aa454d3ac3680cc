"""党费 read side: the branch's monthly collection sheet, a member's statement, the arrears list, and the
GROUP BYs over the path prefix that the measures (and through them the remittance summary) run. Every function is a fixed number of set-based queries whatever the size of the
subtree (architecture.md, pattern 5); the arithmetic is dues.calc's. Pages, the API, reminders, exports and the
benchmark all read through here.

Arrears are tested with date comparisons that SQL can index: a member is warned when they have had a base since
the start of the warning window and neither paid nor were exempted for any month of that window (the months
`owed_to - warn + 1 … owed_to`); flagged likewise for the flag window. That is `calc.arrears_level` of
`calc.arrears_months`, because bases have no gaps once set and begin no earlier than the 入党 month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Case, Count, DateField, Exists, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import Subquery
from django.db.models.functions import Least, Substr
from django.db.models.lookups import Exact

from dangjian.core.scoping import subtree_q
from dangjian.dues import calc
from dangjian.dues.choices import ArrearsLevel, ReliefKind
from dangjian.dues.models import DuesBase, DuesPayment, DuesRelief
from dangjian.members.choices import ON_ROLL_STATES
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

ZERO = Decimal("0.00")


def in_force_q(month: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}month_from__lte": month}) & (
        Q(**{f"{prefix}month_to__isnull": True}) | Q(**{f"{prefix}month_to__gte": month}))


# --- arrears -----------------------------------------------------------------------------------------------------


def _bound(today: dt.date, months_back: int) -> Case:
    """A month bound that depends on the outer row's payment frequency: `months_back` months before the last owed
    month of a monthly or of a quarterly payer (calc.owed_through)."""
    monthly = calc.add_months(calc.owed_through(today, quarterly=False), -months_back)
    quarterly = calc.add_months(calc.owed_through(today, quarterly=True), -months_back)
    return Case(When(Exact(OuterRef("quarterly"), True), then=Value(quarterly)), default=Value(monthly),
                output_field=DateField())


def arrears_q(today: dt.date, months: int) -> Q:
    """On current-base rows (DuesBase with month_to NULL): members `months` or more months behind on `today` —
    a base since the window's first month and no payment or exemption in the window (the `months` months up to
    the last owed month, monthly and quarterly payers each against their own). One EXISTS per test, with bounds
    taken from the outer row, so the planners can probe the (member, month) indexes."""
    start, end = _bound(today, months - 1), _bound(today, 0)
    based = DuesBase.objects.filter(member_id=OuterRef("member_id"), month_from__lte=start)
    paid = DuesPayment.objects.filter(member_id=OuterRef("member_id"), month__gte=start, month__lte=end)
    exempt = DuesRelief.objects.filter(member_id=OuterRef("member_id"), kind=ReliefKind.EXEMPT,
                                       month_from__lte=end, month_to__gte=start)
    return Q(Exists(based)) & ~Q(Exists(paid)) & ~Q(Exists(exempt))


def arrears_of_frequency_q(today: dt.date, months: int, *, quarterly: bool) -> Q:
    """`arrears_q` for the payers of one frequency only (`quarterly` or monthly), with the window's bounds as
    constants, so that PostgreSQL can read the window's payments once and anti-join them over a large subtree, where
    bounds taken from the row make it probe three indexes per member (31 s for 2·10⁶ members; `arrears_by_prefix`
    chooses). Pages of a branch or a province keep `arrears_q` (one statement for both frequencies)."""
    end = calc.owed_through(today, quarterly=quarterly)
    start = calc.add_months(end, -(months - 1))
    based = DuesBase.objects.filter(member_id=OuterRef("member_id"), month_from__lte=start)
    paid = DuesPayment.objects.filter(member_id=OuterRef("member_id"), month__gte=start, month__lte=end)
    exempt = DuesRelief.objects.filter(member_id=OuterRef("member_id"), kind=ReliefKind.EXEMPT,
                                       month_from__lte=end, month_to__gte=start)
    return Q(quarterly=quarterly) & Q(Exists(based)) & ~Q(Exists(paid)) & ~Q(Exists(exempt))


def current_bases(root_path: str) -> QuerySet[DuesBase]:
    """One row per on-roll member of the subtree who has a base: their current base."""
    return DuesBase.objects.filter(subtree_q(root_path, "member__org__path"), month_to__isnull=True,
                                   member__state__in=ON_ROLL_STATES)


def arrears_rows(root_path: str, today: dt.date, config: calc.Config) -> QuerySet[DuesBase]:
    """Current bases of members at least `warn_months` behind, flagged ones marked (`flagged`), worst first."""
    return (
        current_bases(root_path).filter(arrears_q(today, config.warn_months))
        .annotate(flagged=Case(When(arrears_q(today, config.flag_months), then=Value(True)), default=Value(False),
                               output_field=BooleanField()))
        .select_related("member", "member__org")
        .order_by("-flagged", "member__org__path", "member__name_pinyin", "member_id")
    )


@dataclass
class ArrearsRow:
    member: Member
    months: int
    level: str
    last_paid: dt.date | None
    quarterly: bool

    @property
    def level_label(self) -> str:
        return ArrearsLevel(self.level).label

    def __str__(self) -> str:
        return f"{self.months}个月"

    def as_json(self) -> dict[str, Any]:
        return {"months": self.months, "level": self.level, "quarterly": self.quarterly,
                "last_paid": f"{self.last_paid:%Y-%m}" if self.last_paid else None}


def describe_arrears(bases: QuerySet[DuesBase], today: dt.date, config: calc.Config) -> list[ArrearsRow]:
    """The exact months behind for current-base rows: one query — each base with its member and branch, the last
    month paid before this month, the member's first base and the end of their latest 免交 (capped at this month),
    each read by the outer row's member on the (member, month) indexes."""
    this_month = calc.month_start(today)
    member = OuterRef("member_id")
    rows = bases.select_related("member", "member__org").annotate(
        last_paid=Subquery(DuesPayment.objects.filter(member_id=member, month__lt=this_month)
                           .order_by("-month").values("month")[:1]),
        first_base=Subquery(DuesBase.objects.filter(member_id=member).order_by("month_from").values("month_from")[:1]),
        exempt_to=Subquery(DuesRelief.objects.filter(member_id=member, kind=ReliefKind.EXEMPT,
                                                     month_from__lt=this_month)
                           .annotate(to=Least("month_to", Value(this_month, output_field=DateField())))
                           .order_by("-to").values("to")[:1]),
    )
    result = []
    for base in rows:
        owed_to = calc.owed_through(today, base.quarterly)
        paid, exempt_to = base.last_paid, base.exempt_to
        covered = max([d for d in (paid, exempt_to) if d is not None and d <= owed_to], default=None)
        start = max(calc.month_start(base.member.joined_on), base.first_base or base.month_from)
        months = calc.arrears_months(owed_to, covered, start)
        result.append(ArrearsRow(base.member, months, calc.arrears_level(months, config), paid, base.quarterly))
    return result


# --- the branch's monthly collection sheet -----------------------------------------------------------------------


@dataclass
class SheetRow:
    member: Member
    base: DuesBase | None
    due: Decimal | None
    relief: DuesRelief | None
    payment: DuesPayment | None
    arrears: int = 0

    @property
    def paid(self) -> bool:
        return self.payment is not None

    @property
    def exempt(self) -> bool:
        return self.relief is not None and self.relief.kind == ReliefKind.EXEMPT


@dataclass
class Sheet:
    org: Organization
    month: dt.date
    rows: list[SheetRow]
    due_total: Decimal = ZERO
    paid_total: Decimal = ZERO
    paid_count: int = 0
    unpaid_count: int = 0
    no_base: int = 0


def branch_sheet(org: Organization, month: dt.date, behind: Mapping[int, int]) -> Sheet:
    """收缴表: every on-roll member of the branch who had joined by the month, their due (base in force, with an
    approved 少交/免交), whether they paid, and `behind` — months behind today per member, as the measure
    `dues.arrears.months` gives them (`measures.months_behind`). Four queries."""
    next_month = calc.add_months(month, 1)
    members = list(Member.objects.filter(org=org, state__in=ON_ROLL_STATES, joined_on__lt=next_month)
                   .only("id", "name", "org_id", "person_category", "party_status", "joined_on")
                   .order_by("name_pinyin", "id"))
    ids = [m.pk for m in members]
    bases = {b.member_id: b for b in DuesBase.objects.filter(in_force_q(month), member_id__in=ids)}
    reliefs = {r.member_id: r for r in DuesRelief.objects.filter(member_id__in=ids, month_from__lte=month,
                                                                  month_to__gte=month)}
    payments = {p.member_id: p for p in DuesPayment.objects.filter(member_id__in=ids, month=month)}
    sheet = Sheet(org, month, [])
    for m in members:
        base, relief, payment = bases.get(m.pk), reliefs.get(m.pk), payments.get(m.pk)
        due = None
        if base is not None:
            due = calc.relieved_amount(base.amount, relief.kind if relief else None, relief.amount if relief else None)
        row = SheetRow(m, base, due, relief, payment, behind.get(m.pk, 0))
        sheet.rows.append(row)
        if due is None:
            sheet.no_base += 1
        else:
            sheet.due_total += due
        if payment is not None:
            sheet.paid_total += payment.amount
            sheet.paid_count += 1
        elif due is not None and due > 0:
            sheet.unpaid_count += 1
    return sheet


# --- a member's statement -------------------------------------------------------------------------------------------


@dataclass
class StatementRow:
    month: dt.date
    base: DuesBase | None
    due: Decimal | None
    relief: DuesRelief | None
    payment: DuesPayment | None
    owed: bool

    @property
    def status(self) -> str:
        if self.payment is not None:
            return "已交"
        if self.due is None:
            return "未设基数"
        if self.due == 0:
            return "免交"
        return "欠缴" if self.owed else "未到期"


def statement(member: Member, year: int, today: dt.date) -> list[StatementRow]:
    """个人党费明细: each month of `year` from the 入党 month: base, due, payment. Three queries."""
    first = dt.date(year, 1, 1)
    last = dt.date(year, 12, 1)
    bases = list(DuesBase.objects.filter(member=member, month_from__lte=last)
                 .filter(Q(month_to__isnull=True) | Q(month_to__gte=first)))
    reliefs = list(DuesRelief.objects.filter(member=member, month_from__lte=last, month_to__gte=first))
    payments = {p.month: p for p in DuesPayment.objects.filter(member=member, month__gte=first, month__lte=last)}
    rows = []
    start = calc.month_start(member.joined_on)
    for i in range(12):
        month = dt.date(year, i + 1, 1)
        if month < start:
            continue
        base = next((b for b in bases if b.month_from <= month and (b.month_to is None or b.month_to >= month)), None)
        relief = next((r for r in reliefs if r.month_from <= month <= r.month_to), None)
        due = None
        if base is not None:
            due = calc.relieved_amount(base.amount, relief.kind if relief else None, relief.amount if relief else None)
        owed = base is not None and month <= calc.owed_through(today, base.quarterly)
        rows.append(StatementRow(month, base, due, relief, payments.get(month), owed))
    return rows


# --- the remittance summary up the tree ---------------------------------------------------------------------------


def due_by_prefix(root_path: str, width: int, month: dt.date) -> dict[str, tuple[int, Decimal]]:
    """{path prefix of `width`: (members with a base in force, due total)} for the month over the subtree:
    bases in force, members on roll who had joined by then, less approved reliefs. Three queries."""
    next_month = calc.add_months(month, 1)
    out: dict[str, tuple[int, Decimal]] = {}
    for r in (DuesBase.objects.filter(in_force_q(month), subtree_q(root_path, "member__org__path"),
                                      member__state__in=ON_ROLL_STATES, member__joined_on__lt=next_month)
              .annotate(p=Substr("member__org__path", 1, width)).values("p")
              .annotate(n=Count("id"), due=Sum("amount")).order_by()):
        out[r["p"]] = (r["n"], r["due"] or ZERO)
    # Reliefs in force that month lower the due. They are few: read them from their own table first (a join
    # from the subtree would make SQLite walk every member of it), then place their members in the tree.
    reliefs = list(DuesRelief.objects.filter(month_from__lte=month, month_to__gte=month)
                   .values_list("member_id", "kind", "amount"))
    ids = [r[0] for r in reliefs]
    placed: dict[int, str] = {}
    amounts: dict[int, Decimal] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        placed.update(Member.objects.filter(subtree_q(root_path, "org__path"), pk__in=chunk, state__in=ON_ROLL_STATES,
                                            joined_on__lt=next_month)
                      .annotate(p=Substr("org__path", 1, width)).values_list("pk", "p"))
        amounts.update(DuesBase.objects.filter(in_force_q(month), member_id__in=chunk).values_list("member_id", "amount"))
    for member_id, kind, relief_amount in reliefs:
        prefix, base = placed.get(member_id), amounts.get(member_id)
        if prefix is not None and base is not None and prefix in out:
            n, due = out[prefix]
            out[prefix] = (n, due - (base - calc.relieved_amount(base, kind, relief_amount)))
    return out


def collected_by_prefix(root_path: str, width: int, month: dt.date) -> dict[str, tuple[int, Decimal]]:
    """{path prefix: (payments, amount)} for the month, by the collecting branch's path. One query."""
    return {
        r["p"]: (r["n"], r["s"] or ZERO)
        for r in (DuesPayment.objects.filter(subtree_q(root_path, "org__path"), month=month)
                  .annotate(p=Substr("org__path", 1, width)).values("p")
                  .annotate(n=Count("id"), s=Sum("amount")).order_by())
    }


def arrears_by_prefix(root_path: str, width: int, today: dt.date, config: calc.Config,
                      *, set_based: bool | None = None) -> dict[str, tuple[int, int]]:
    """{path prefix: (members at least `warn_months` behind, of whom at least `flag_months` behind)} on `today`.
    In each statement the flag test runs only on the rows the warning test kept (a flagged member is always warned).

    Two shapes, the same counts: one statement whose window bounds are a CASE on the row's frequency
    (`arrears_q`: the planners probe the (member, month) indexes per member — best for a branch or a province, and
    on SQLite for any size), or one statement per payment frequency with constant bounds
    (`arrears_of_frequency_q`), which PostgreSQL answers for a large subtree by reading the window's payments once
    and anti-joining them (whole tree at 200,000 members: 1.7 s instead of 6.0 s). `set_based=None` chooses:
    the second on PostgreSQL from `SET_BASED_FROM` members in the subtree (its kept total; one more query)."""
    if set_based is None:
        set_based = connection.vendor == "postgresql" and _members_below(root_path) >= SET_BASED_FROM
    if not set_based:
        return {
            r["p"]: (r["n"], r["f"])
            for r in (current_bases(root_path).filter(arrears_q(today, config.warn_months))
                      .annotate(p=Substr("member__org__path", 1, width)).values("p")
                      .annotate(n=Count("id"), f=Count("id", filter=arrears_q(today, config.flag_months))).order_by())
        }
    found: dict[str, tuple[int, int]] = {}
    for quarterly in (False, True):
        warned = arrears_of_frequency_q(today, config.warn_months, quarterly=quarterly)
        flagged = arrears_of_frequency_q(today, config.flag_months, quarterly=quarterly)
        for r in (current_bases(root_path).filter(warned)
                  .annotate(p=Substr("member__org__path", 1, width)).values("p")
                  .annotate(n=Count("id"), f=Count("id", filter=flagged)).order_by()):
            n, f = found.get(r["p"], (0, 0))
            found[r["p"]] = (n + r["n"], f + r["f"])
    return found


# Members in a subtree from which PostgreSQL counts arrears set-based (measured at 10,000 orgs: a province of 6,425
# members 111–133 ms by probes, 144–260 ms set-based, which walks the subtree once per frequency; the whole tree of
# 197,250 members 6.0 s by probes, 1.7–1.9 s set-based). A province at 100,000 orgs holds 64,000.
SET_BASED_FROM = 100_000


def _members_below(root_path: str) -> int:
    """The subtree's kept on-roll total (orgs.counters): one indexed row (the top orgs' for the whole tree)."""
    if root_path:
        total = Organization.objects.filter(path=root_path).values_list("subtree_members", flat=True).first()
        if total is not None:
            return total
    return sum(Organization.objects.filter(depth=1).values_list("subtree_members", flat=True))


# --- small readers for the pages (the caller has already reached the member or branch through its scope) --------


def paid_months(member_id: int, lo: dt.date, hi: dt.date) -> set[dt.date]:
    return set(DuesPayment.objects.filter(member_id=member_id, month__gte=lo, month__lte=hi)
               .values_list("month", flat=True))


def history(member_id: int, limit: int = 12) -> tuple[list[DuesBase], list[DuesRelief]]:
    """The member's latest bases and reliefs, newest first."""
    return (list(DuesBase.objects.filter(member_id=member_id).order_by("-month_from")[:limit]),
            list(DuesRelief.objects.filter(member_id=member_id).order_by("-month_from")[:limit]))


def branch_roll(org: Organization) -> list[Member]:
    """The branch's on-roll members in pinyin order."""
    return list(Member.objects.filter(org=org, state__in=ON_ROLL_STATES).order_by("name_pinyin", "pk"))
