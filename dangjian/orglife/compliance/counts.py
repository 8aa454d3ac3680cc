"""Compliance counted over a set of orgs: set-based queries, one GROUP BY per question, never a query per org.

Every function takes an org QuerySet the caller has scoped (`visible_to(user)` under a root) and the rules in force
(`Config`): records per kind, org and month (`counts`), the roll-up of rates by kind, period and tree level
(`rollup_of`), and per org the meeting rate, the overdue obligations and silence (`meeting_rates`, `overdue_of`,
`silent_of`) that the registered measures in `dangjian.orglife.measures` expose.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from dangjian.core.scoping import subtree_q
from dangjian.leadership.checks import COMMITTEE_ONLY_POSTS
from dangjian.leadership.models import PostHolding
from dangjian.lib.periods import MONTH, QUARTER, YEAR, Period, periods_between, periods_of_year, reference_day
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.compliance.statuses import (
    BRANCH_KINDS,
    KINDS,
    OWNER_KIND,
    Config,
    Status,
    applies,
    is_silent,
    period_containing,
    rule_applies,
    status_for,
)
from dangjian.orglife.models import Meeting, MeetingKindTag, year_month
from dangjian.orgs.models import Organization, OrgKind


def _among(orgs: QuerySet[Organization]) -> Q:
    """SQL, on kind-tag rows: the tag's org is one of `orgs`. The lowest and highest path of `orgs` (two uncorrelated
    subqueries, computed once) bound the tags to the org index's range first, as a subtree's path range does; the
    correlated EXISTS on the org's key then keeps exactly `orgs`."""
    paths = orgs.order_by().values("path")
    return (
        Q(org__path__gte=Subquery(paths.order_by("path")[:1]))
        & Q(org__path__lte=Subquery(paths.order_by("-path")[:1]))
        & Q(Exists(orgs.filter(pk=OuterRef("org_id"))))
    )


def _tags(config: Config) -> QuerySet[MeetingKindTag]:
    """The kind tags that count as records under the rules: submitted ones only, unless a deployment says so."""
    qs = MeetingKindTag.objects.get_queryset()
    return qs.filter(submitted=True) if config.submitted_only else qs


@dataclass(frozen=True)
class MonthlyCounts:
    """Records per (kind, org) and month over a range of months: one tuple of counts per (kind, org) that had any,
    as the pivoted GROUP BY returns them."""

    months: list[Period]
    rows: dict[tuple[str, int], tuple[int, ...]]

    def month_count(self, kind: str, org_id: int, month_start: dt.date) -> int:
        row = self.rows.get((kind, org_id))
        if row is None:
            return 0
        i = self._index(month_start)
        return row[i] if 0 <= i < len(row) else 0

    def in_period(self, kind: str, org_id: int, period: Period) -> int:
        """Records of one org and kind in a period (a month, quarter or year), added up from the months it overlaps
        (by index: a page of the matrix asks this thousands of times)."""
        row = self.rows.get((kind, org_id))
        if row is None:
            return 0
        return sum(row[max(self._index(period.start), 0):max(self._index(period.end) + 1, 0)])

    def _index(self, day: dt.date) -> int:
        first = self.months[0].start
        return (day.year - first.year) * 12 + day.month - first.month

    def as_dict(self) -> dict[tuple[str, int, dt.date], int]:
        """{(kind, org id, first day of month): n} for the months with records."""
        return {(kind, org_id, m.start): n for (kind, org_id), row in self.rows.items()
                for m, n in zip(self.months, row, strict=True) if n}


def counts(
    subtree_root_path: str, start: dt.date, end: dt.date, *, kinds: list[str] | None = None,
    org_ids: list[int] | None = None, submitted_only: bool = True,
) -> MonthlyCounts:
    """Records per kind, org and month for the subtree, from `start`'s month to `end`'s: one GROUP BY (kind, org)
    with a count per month, comparing the integer month key (the index order, so no sort on SQLite). `org_ids`
    narrows it to one page of orgs. Scope is the caller's business."""
    months = periods_between(MONTH, start, end)
    keys = [year_month(m.start) for m in months]
    qs = MeetingKindTag.objects.filter(
        Exists(Organization.objects.filter(subtree_q(subtree_root_path), pk=OuterRef("org_id"))),
        month__gte=keys[0], month__lte=keys[-1],
    )
    if submitted_only:
        qs = qs.filter(submitted=True)
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    if org_ids is not None:
        qs = qs.filter(org_id__in=org_ids)
    return _pivot(qs, months)


def _pivot(tags: QuerySet[MeetingKindTag], months: list[Period]) -> MonthlyCounts:
    """One GROUP BY (kind, org) of `tags` with a count per month of `months`."""
    keys = [year_month(m.start) for m in months]
    per_month = {f"m{i}": Count("pk", filter=Q(month=key)) for i, key in enumerate(keys)}
    rows = tags.values_list("kind", "org_id").annotate(**per_month).order_by()
    # The counts arrive as integers on both databases: read the ORM's query through the cursor, skipping
    # Django's per-value converters (4 million calls for a whole tree's year).
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return MonthlyCounts(months, {tuple(row[:2]): tuple(row[2:]) for row in cursor.fetchall()})


def _holdings_in_office(day: dt.date) -> QuerySet[PostHolding]:
    """Committee-only posts (not 书记/副书记) held on `day`: their presence means the branch has a committee."""
    return PostHolding.objects.filter(
        Q(post__in=COMMITTEE_ONLY_POSTS), Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gt=day)
    )


def has_committee_q(day: dt.date, outer: str = "pk") -> Exists:
    """SQL: the org (OuterRef `outer`) has a committee on `day`."""
    return Exists(_holdings_in_office(day).filter(org_id=OuterRef(outer)))


def _existed_on_q(day: dt.date, prefix: str = "") -> Q:
    """SQL twin of `existed_on`: founded by `day` and not yet dissolved on it."""
    return (Q(**{f"{prefix}founded_on__isnull": True}) | Q(**{f"{prefix}founded_on__lte": day})) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": day})
    )


def _existed_in_year_q(year: int) -> Q:
    """Orgs that existed on some day of `year`: the rows of that year's matrix."""
    return (Q(founded_on__isnull=True) | Q(founded_on__lte=dt.date(year, 12, 31))) & (
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=dt.date(year, 1, 1))
    )


# --- roll-up ----------------------------------------------------------------------------------------------------


class _Rated:
    """Done out of applicable, as a rate and as shown on the pages."""

    done: int
    applicable: int

    @property
    def rate(self) -> float | None:
        """Done ÷ applicable; None when nothing was owed."""
        return self.done / self.applicable if self.applicable else None

    @property
    def percent(self) -> str:
        """The rate as shown: one decimal, or a dash."""
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


@dataclass
class RateCell(_Rated):
    period: Period
    applicable: int
    done: int
    ended: bool


@dataclass
class LevelRate(_Rated):
    """落实率 at one depth of the tree. `org_kinds` are the (kind, kind of its parent) of the orgs counted there
    (OrgKind values; "" for a root), which name the level."""

    depth: int
    applicable: int
    done: int
    org_kinds: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        """The level as people name it, by the orgs it holds and what they sit under: 机关党委直属党支部,
        党总支、党委下属党支部, 党小组; the bare depth only when nothing was counted there."""
        names = []
        for kind in OrgKind.values:
            parents = [p for p in OrgKind.values if (kind, p) in self.org_kinds]
            if not parents and (kind, "") not in self.org_kinds:
                continue
            if kind == OrgKind.GROUP or not parents:
                names.append(OrgKind(kind).label)
            elif parents == [OrgKind.COMMITTEE] and self.depth == 2:
                names.append(f"机关党委直属{OrgKind(kind).label}")
            else:
                names.append(f"{'、'.join(OrgKind(p).label for p in parents)}下属{OrgKind(kind).label}")
        return "、".join(names) or f"第{self.depth}级"


@dataclass
class Rollup:
    """落实率 over a set of orgs: per kind and period, and per tree level over the periods already ended (`by_level`,
    added up from `levels_by_kind`, each kind's own per-level figures)."""

    year: int
    today: dt.date
    by_kind: dict[str, list[RateCell]]
    by_level: list[LevelRate]
    levels_by_kind: dict[str, list[LevelRate]] = field(default_factory=dict)

    def only(self, kinds: list[str]) -> Rollup:
        """The same figures for some of the kinds: their periods, and the levels added up over them alone."""
        by_level = []
        for depth in sorted({lv.depth for k in kinds for lv in self.levels_by_kind.get(k, [])}):
            levels = [lv for k in kinds for lv in self.levels_by_kind.get(k, []) if lv.depth == depth]
            by_level.append(LevelRate(depth, sum(lv.applicable for lv in levels), sum(lv.done for lv in levels),
                                      tuple(sorted({pair for lv in levels for pair in lv.org_kinds}))))
        return Rollup(self.year, self.today, {k: v for k, v in self.by_kind.items() if k in kinds},
                      [lv for lv in by_level if lv.applicable], {k: self.levels_by_kind.get(k, []) for k in kinds})


def _all_periods(config: Config, year: int, kinds: list[str]) -> list[Period]:
    """Every distinct period the kinds' rules use in `year`, in order: the roll-up's aggregate columns."""
    return sorted({p for k in kinds for p in config.periods_of(k, year)})


def _period_end_case(config: Config, year: int, kinds: list[str]) -> Case:
    """SQL: the last day of the period of its kind's rule that a record falls in (≤12 integer comparisons)."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for kind in kinds:
        by_type[config.periods[kind]].append(kind)
    whens = []
    for period_kind, members in by_type.items():
        inner = Case(
            *[When(month__lte=year_month(p.end), then=Value(p.end)) for p in periods_of_year(period_kind, year)],
            default=Value(None), output_field=DateField(),
        )
        whens.append(When(kind__in=members, then=inner))
    return Case(*whens, default=Value(None), output_field=DateField())


def _period_code(config: Config, year: int, kinds: list[str]) -> Case:
    """SQL: which period of its kind's rule a record falls in, by arithmetic on the month key: the month (1–12)
    for a monthly rule, 100 + the quarter for a quarterly one, 200 for a yearly one (`_period_of_code`)."""
    month = F("month") - Value(year * 100)
    by_type: dict[str, list[str]] = defaultdict(list)
    for kind in kinds:
        by_type[config.periods[kind]].append(kind)
    code = {MONTH: month, QUARTER: Value(100) + (month + Value(2)) / Value(3), YEAR: Value(200)}
    return Case(*[When(kind__in=members, then=code[pk]) for pk, members in by_type.items()],
                default=Value(None), output_field=IntegerField())


def _period_of_code(year: int, code: int) -> Period:
    if code >= 200:
        return period_containing(YEAR, dt.date(year, 1, 1))
    if code > 100:
        return period_containing(QUARTER, dt.date(year, (code - 101) * 3 + 1, 1))
    return period_containing(MONTH, dt.date(year, code, 1))


def rollup_of(orgs: QuerySet[Organization], year: int, today: dt.date, config: Config,
              kinds: list[str] | None = None) -> Rollup:
    """Rates over a set of orgs (the caller scopes it): per kind and period, done orgs / applicable orgs; per tree
    depth over the periods already ended (上热中温下冷). Two aggregate queries, whatever the number of orgs."""
    kinds = kinds or KINDS
    ref = reference_day(year, today)
    periods = _all_periods(config, year, kinds)
    # Applicable orgs per (org kind, depth, has a committee) and period end, counted in SQL; the committee test
    # is a grouping key so that it runs once per org, not once per period.
    aggregates: dict[str, Any] = {f"n{i}": Count("id", filter=_existed_on_q(p.end)) for i, p in enumerate(periods)}
    owners = sorted({OWNER_KIND[k] for k in kinds})
    applicable_rows = list(
        orgs.filter(kind__in=owners)
        .annotate(has_committee=has_committee_q(ref)).values("kind", "depth", "has_committee", "parent__kind")
        .annotate(**aggregates).order_by()
    )
    # What the orgs counted at each depth are and sit under, to name the level (机关党委直属党支部 …).
    placed: dict[tuple[str, int], set[tuple[str, str]]] = defaultdict(set)
    for row in applicable_rows:
        placed[(row["kind"], row["depth"])].add((row["kind"], row["parent__kind"] or ""))
    applicable: dict[tuple[str, int, Period], int] = defaultdict(int)  # (meeting kind, depth, period)
    for row in applicable_rows:
        for kind in kinds:
            if OWNER_KIND[kind] != row["kind"]:
                continue
            if kind == MeetingKind.COMMITTEE_MEETING and not row["has_committee"]:
                continue
            for p in config.periods_of(kind, year):
                applicable[(kind, row["depth"], p)] += row[f"n{periods.index(p)}"]
    # Done orgs per (meeting kind, depth, period): COUNT DISTINCT over the records.
    owner_q = Q()
    for owner in owners:
        owner_q |= Q(kind__in=[k for k in kinds if OWNER_KIND[k] == owner], org__kind=owner)
    done_rows = (
        _tags(config).filter(owner_q, _among(orgs), month__gte=year * 100 + 1,
                             month__lte=year * 100 + 12)
        .annotate(cell=_period_code(config, year, kinds), cell_end=_period_end_case(config, year, kinds),
                  has_committee=has_committee_q(ref, "org_id"))
        .filter(~Q(kind=MeetingKind.COMMITTEE_MEETING) | Q(has_committee=True))
        .filter(Q(org__dissolved_on__isnull=True) | Q(org__dissolved_on__gt=F("cell_end")))
        .values("kind", "cell", "org__depth").annotate(n=Count("org_id", distinct=True)).order_by()
    )
    done: dict[tuple[str, int, Period], int] = defaultdict(int)
    for row in done_rows:
        if row["cell"] is None:
            continue
        done[(row["kind"], row["org__depth"], _period_of_code(year, row["cell"]))] += row["n"]
    depths = sorted({d for (_, d, _) in applicable} | {d for (_, d, _) in done})
    by_kind = {
        kind: [
            RateCell(p, sum(applicable[(kind, d, p)] for d in depths), sum(done[(kind, d, p)] for d in depths),
                     p.end < today)
            for p in config.periods_of(kind, year)
        ]
        for kind in kinds
    }
    levels_by_kind = {
        kind: [LevelRate(d, owed, sum(done[(kind, d, p)] for p in ended),
                         tuple(sorted(placed[(OWNER_KIND[kind], d)])) if owed else ())
               for d in depths for owed in [sum(applicable[(kind, d, p)] for p in ended)]]
        for kind in kinds for ended in [[p for p in config.periods_of(kind, year) if p.end < today]]
    }
    return Rollup(year=year, today=today, by_kind=by_kind, by_level=[], levels_by_kind=levels_by_kind).only(kinds)


# --- per org: meeting rate, overdue obligations, silence -----------------------------------------------------------


def _cells_within(config: Config, period: Period, today: dt.date, kinds: list[str]) -> list[tuple[str, Period]]:
    """The obligations (kind, rule period) whose rule period lies inside `period` and has ended before today."""
    return [(kind, p) for kind in kinds for p in config.periods_of(kind, period.start.year)
            if period.start <= p.start and p.end <= period.end and p.end < today]


def _owed(org_kind: str, has_committee: bool, founded_on: dt.date | None, dissolved_on: dt.date | None,
          ends_by_kind: dict[str, list[dt.date]]) -> int:
    """How many of the cells (their last days, sorted, per kind) the org owed: the kinds its rules bind it to, the
    periods it existed at the end of (`applies`), counted by bisection rather than cell by cell."""
    owed = 0
    for kind, ends in ends_by_kind.items():
        if not rule_applies(kind, org_kind, has_committee):
            continue
        lo = 0 if founded_on is None else bisect_left(ends, founded_on)
        hi = len(ends) if dissolved_on is None else bisect_left(ends, dissolved_on)
        owed += max(0, hi - lo)
    return owed


def meeting_rates(orgs: QuerySet[Organization], period: Period, today: dt.date, config: Config,
                  kinds: list[str] | None = None) -> dict[int, tuple[int, int]]:
    """{org id: (done, owed)} for the branches and groups among `orgs`: the obligations whose rule period lies in
    `period` and has ended, and how many of them were held. The same counting as `rollup_of` (committee judged on
    the period's reference day, an org owes a period it existed at the end of), so adding these up gives its
    per-level figures. Two queries whatever the number of orgs."""
    kinds = kinds or KINDS
    ref = reference_day(period, today)
    cells = _cells_within(config, period, today, kinds)
    ends_by_kind: dict[str, list[dt.date]] = defaultdict(list)
    for kind, p in cells:
        ends_by_kind[kind].append(p.end)
    owners = orgs.filter(kind__in=sorted({OWNER_KIND[k] for k in kinds}))
    rows = owners.annotate(has_committee=has_committee_q(ref)).values_list(
        "pk", "kind", "founded_on", "dissolved_on", "has_committee").order_by()
    owed = {pk: _owed(kind, has_committee, founded, dissolved, ends_by_kind)
            for pk, kind, founded, dissolved, has_committee in rows}
    done: dict[int, int] = defaultdict(int)
    cell_kinds = sorted(ends_by_kind)
    if cells and owed:
        year = period.start.year
        owner_q = Q()
        for owner in sorted({OWNER_KIND[k] for k in cell_kinds}):
            owner_q |= Q(kind__in=[k for k in cell_kinds if OWNER_KIND[k] == owner], org__kind=owner)
        last_end = max(p.end for _, p in cells)
        done_rows = (
            _tags(config).filter(owner_q, _among(owners), month__gte=year_month(period.start),
                                 month__lte=year_month(last_end))
            .annotate(cell=_period_code(config, year, cell_kinds), cell_end=_period_end_case(config, year, cell_kinds),
                      has_committee=has_committee_q(ref, "org_id"))
            .filter(~Q(kind=MeetingKind.COMMITTEE_MEETING) | Q(has_committee=True))
            .filter(Q(org__dissolved_on__isnull=True) | Q(org__dissolved_on__gt=F("cell_end")))
            .filter(cell_end__lte=last_end)
            .values("org_id", "kind").annotate(n=Count("cell", distinct=True)).values_list("org_id", "n").order_by()
        )
        for org_id, n in done_rows:
            done[org_id] += n
    return {pk: (done.get(pk, 0), n) for pk, n in owed.items()}


def overdue_of(branches: QuerySet[Organization], period: Period, today: dt.date, config: Config) -> dict[int, int]:
    """{branch id: obligations overdue} for the branches among `branches`: the branch meetings (党小组会 aside)
    whose rule period ended inside `period` before today, owed (`rule_applies`, `applies`) and not held. The
    committee is judged today, as the 红黄绿 page does. Two queries whatever the number of branches."""
    end = min(period.end, today - dt.timedelta(days=1))
    cells: list[tuple[str, Period]] = []
    for kind in BRANCH_KINDS:
        for p in periods_between(config.periods[kind], period.start, period.end):
            if period.start <= p.end <= end:
                cells.append((kind, p))
    rows = list(
        branches.filter(kind=OrgKind.BRANCH).annotate(has_committee=has_committee_q(today))
        .values_list("pk", "founded_on", "dissolved_on", "has_committee").order_by()
    )
    done: dict[int, int] = {}
    if cells and rows:
        first = min(p.start for _, p in cells)
        whens = [When(Q(kind=k, held_on__gte=p.start, held_on__lte=p.end), then=Value(i))
                 for i, (k, p) in enumerate(cells)]
        counted = (
            _tags(config).filter(_among(branches.filter(kind=OrgKind.BRANCH)), kind__in=BRANCH_KINDS,
                                 held_on__gte=first, held_on__lte=end)
            .annotate(cell=Case(*whens, default=Value(None), output_field=IntegerField()))
            .filter(cell__isnull=False).values("org_id").annotate(n=Count("cell", distinct=True)).order_by()
        )
        done = {r["org_id"]: r["n"] for r in counted}
    result = {}
    for pk, founded_on, dissolved_on, has_committee in rows:
        required = sum(1 for kind, p in cells
                       if rule_applies(kind, OrgKind.BRANCH, has_committee) and applies(p, founded_on, dissolved_on))
        result[pk] = max(0, required - done.get(pk, 0))
    return result


def last_held_subquery(config: Config, until: dt.date | None = None) -> Subquery:
    """SQL: the day of the org's (OuterRef pk) last meeting that counts, up to `until` when given."""
    meetings = Meeting.objects.filter(org_id=OuterRef("pk"))
    if config.submitted_only:
        meetings = meetings.filter(status=MeetingStatus.SUBMITTED)
    if until is not None:
        meetings = meetings.filter(held_on__lte=until)
    return Subquery(meetings.order_by("-held_on").values("held_on")[:1])


def silent_of(branches: QuerySet[Organization], period: Period, today: dt.date, config: Config) -> dict[int, bool]:
    """{branch id: silent} for the branches among `branches` that existed on the period's reference day (today, or
    its last day once past): no meeting that counts for `silent_days` days or more (`is_silent`). One query."""
    day = reference_day(period, today)
    rows = (
        branches.filter(_existed_on_q(day), kind=OrgKind.BRANCH)
        .annotate(last_held_on=last_held_subquery(config, day if day < today else None))
        .values_list("pk", "founded_on", "last_held_on").order_by()
    )
    return {pk: is_silent(day, last, founded, config.silent_days) for pk, founded, last in rows}



# --- per org: the obligations to remind of -----------------------------------------------------------------------


@dataclass(frozen=True)
class Obligation:
    """One meeting obligation of an org on a day: its kind, its rule period, and its status then — due soon in the
    rule period that contains the day, overdue in the one just before."""

    kind: str
    period: Period
    status: Status


@dataclass(frozen=True)
class Pending:
    """An org's obligations due soon or overdue on a day, in the order of `KINDS` (current period first)."""

    items: tuple[Obligation, ...] = ()

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Obligation]:
        return iter(self.items)

    def __str__(self) -> str:
        return str(len(self.items))

    def as_json(self) -> list[dict[str, str]]:
        return [{"kind": o.kind, "period": o.period.key, "status": o.status.value} for o in self.items]


def pending_of(orgs: QuerySet[Organization], period: Period, today: dt.date, config: Config) -> dict[int, Pending]:
    """{branch or group id: Pending} on the period's reference day (today, or its last day once past): for every
    obligation its rules bind the org to, DUE_SOON in the rule period containing that day and OVERDUE in the rule
    period just before it (`status_for`). Two queries whatever the number of orgs: the orgs (with whether they
    have a committee that day), and one GROUP BY over the kind tags bucketed by (kind, current/previous period)."""
    day = reference_day(period, today)
    cells: list[tuple[str, bool, Period]] = []  # (meeting kind, current?, rule period)
    for kind in KINDS:
        current = period_containing(config.periods[kind], day)
        previous = period_containing(config.periods[kind], current.start - dt.timedelta(days=1))
        cells += [(kind, True, current), (kind, False, previous)]
    owners = orgs.filter(kind__in=[OrgKind.BRANCH, OrgKind.GROUP])
    rows = list(owners.annotate(has_committee=has_committee_q(day))
                .values_list("pk", "kind", "founded_on", "dissolved_on", "has_committee").order_by())
    done: dict[tuple[int, int], int] = {}
    if rows:
        tags = _tags(config).filter(
            Q(*[Q(kind=k, held_on__gte=p.start, held_on__lte=p.end) for k, _, p in cells], _connector=Q.OR),
            _among(owners),
        )
        if day < today:
            tags = tags.filter(held_on__lte=day)
        bucket = Case(*[When(kind=k, held_on__gte=p.start, held_on__lte=p.end, then=Value(i))
                        for i, (k, _, p) in enumerate(cells)], default=Value(None), output_field=IntegerField())
        done = {(org_id, cell): n for org_id, cell, n in
                tags.annotate(cell=bucket).values("org_id", "cell").annotate(n=Count("id"))
                .values_list("org_id", "cell", "n").order_by()}
    result = {}
    for pk, org_kind, founded_on, dissolved_on, has_committee in rows:
        found = []
        for i, (kind, is_current, p) in enumerate(cells):
            if not rule_applies(kind, org_kind, has_committee):
                continue
            status = status_for(p, day, done.get((pk, i), 0), 1, founded_on, dissolved_on, config.due_soon_days,
                                config.due_soon_from(kind, p))
            if status == (Status.DUE_SOON if is_current else Status.OVERDUE):
                found.append(Obligation(kind, p, status))
        result[pk] = Pending(tuple(found))
    return result


# --- per org: the status of every obligation of a year -----------------------------------------------------------


@dataclass
class Cell:
    """One obligation of an org in one rule period: its status and the records counted (`url`: the page's link)."""

    period: Period
    status: Status
    count: int
    url: str = ""


@dataclass(frozen=True)
class Statuses:
    """An org's obligations over a year: per meeting kind (all of `KINDS`, 不适用 where its rules do not bind the
    org) the cells of the kind's rule periods, and whether the org has a committee on the year's reference day."""

    has_committee: bool
    cells: dict[str, list[Cell]]

    def count(self, status: Status) -> int:
        return sum(1 for cells in self.cells.values() for c in cells if c.status == status)

    def __str__(self) -> str:
        return f"已完成{self.count(Status.DONE)}项，逾期{self.count(Status.OVERDUE)}项"

    def as_json(self) -> dict[str, Any]:
        return {"has_committee": self.has_committee, "kinds": {
            kind: [{"period": c.period.key, "status": c.status.value, "count": c.count} for c in cells]
            for kind, cells in self.cells.items()}}


def statuses_of(orgs: QuerySet[Organization], year: int, today: dt.date, config: Config) -> dict[int, Statuses]:
    """{branch or group id: Statuses} for `year` on `today`: for every kind and rule period of the year, the records
    counted and the status (`status_for`; the committee judged on the year's reference day). Two queries whatever
    the number of orgs: the orgs with whether they have a committee, and the records per kind, org and month."""
    ref = reference_day(year, today)
    owners = orgs.filter(kind__in=[OrgKind.BRANCH, OrgKind.GROUP])
    rows = list(owners.annotate(has_committee=has_committee_q(ref))
                .values_list("pk", "kind", "founded_on", "dissolved_on", "has_committee").order_by())
    months = periods_between(MONTH, dt.date(year, 1, 1), dt.date(year, 12, 31))
    monthly = MonthlyCounts(months, {})
    if rows:
        monthly = _pivot(_tags(config).filter(_among(owners), month__gte=year * 100 + 1, month__lte=year * 100 + 12),
                         months)
    periods = {kind: config.periods_of(kind, year) for kind in KINDS}
    result = {}
    for pk, org_kind, founded_on, dissolved_on, has_committee in rows:
        cells = {}
        for kind in KINDS:
            applicable = rule_applies(kind, org_kind, has_committee)
            cells[kind] = [
                Cell(p, status_for(p, today, n, 1, founded_on, dissolved_on, config.due_soon_days,
                                   config.due_soon_from(kind, p), applicable), n)
                for p in periods[kind] for n in [monthly.in_period(kind, pk, p)]
            ]
        result[pk] = Statuses(bool(has_committee), cells)
    return result
