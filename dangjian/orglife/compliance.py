"""Compliance of organizational life with its rules: pure period arithmetic and statuses, then set-based queries.

The pure part (periods, `applies`, `status_for`, `rule_applies`, `colour_for`) takes the rule values as arguments
and is tested with frozen time at every boundary. The query part (`counts`, `matrix`, `rollup`, `branch_health`,
`silent_branches`) is one GROUP BY over the subtree's MeetingKindTag rows per question — never a query per org —
and is the single source for the compliance pages, the API, reminders and evaluation.

Decisions (docs/rules.md):
- A period applies to an org when the org existed on the period's last day: founded on or before it and not yet
  dissolved (`dissolved_on` is the first day it no longer exists). A branch founded on 15 February owes the Q1
  党员大会; one founded on 1 April does not. No founding record (`founded_on` empty) means it always existed.
- A branch "has a committee" (so owes the monthly 支委会) when a member holds, on the reference day, a committee
  post other than 书记/副书记 (组织委员, 宣传委员, 纪检委员, 委员): a branch without a committee has only a
  secretary and perhaps a deputy (第二十条). The reference day is today, or 31 December for a past year.
- A record counts when it is submitted (rule orglife.count_submitted_only); it counts for the org it belongs to.
- 红/黄/绿 looks at the obligations whose period ended in the last three complete months: green none overdue,
  yellow one, red two or more, or the branch is silent. 党小组会 belong to the groups and are not in a branch's
  colour.
- A branch is silent when its last submitted meeting is `silent_days` or more days old (or it has none), unless it
  was founded less than `silent_days` ago.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.paginator import Page, Paginator
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
from django.utils import timezone

from dangjian.core import rules
from dangjian.core.scoping import require, subtree_q
from dangjian.lib.periods import (
    EVERY_LABELS,
    MONTH,
    QUARTER,
    YEAR,
    Period,
    month_start,
    periods_between,
    periods_of_year,
    reference_day,
)
from dangjian.orglife import rules as orglife_rules
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.models import Meeting, MeetingKindTag, year_month
from dangjian.orgs.checks import COMMITTEE_ONLY_POSTS
from dangjian.orgs.models import Organization, OrgKind, OrgStatus, PostHolding

PERIOD_KINDS = (MONTH, QUARTER, YEAR)
PERIOD_LABELS = {kind: EVERY_LABELS[kind] for kind in PERIOD_KINDS}

# Kinds that are obligations, in the order the pages show them.
KINDS: list[str] = [
    MeetingKind.THEME_DAY, MeetingKind.COMMITTEE_MEETING, MeetingKind.BRANCH_ASSEMBLY, MeetingKind.PARTY_LECTURE,
    MeetingKind.GROUP_MEETING, MeetingKind.LIFE_MEETING, MeetingKind.MEMBER_REVIEW,
]
BRANCH_KINDS = [k for k in KINDS if k != MeetingKind.GROUP_MEETING]

# Org kind whose members owe each meeting kind.
OWNER_KIND: dict[str, str] = {k: (OrgKind.GROUP if k == MeetingKind.GROUP_MEETING else OrgKind.BRANCH) for k in KINDS}


class Status(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OPEN = "open"
    FUTURE = "future"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def css(self) -> str:
        return STATUS_CSS[self]


STATUS_LABELS = {
    Status.DONE: "已完成", Status.OVERDUE: "逾期未开", Status.DUE_SOON: "即将到期", Status.OPEN: "进行中",
    Status.FUTURE: "未开始", Status.NOT_APPLICABLE: "不适用",
}
STATUS_CSS = {
    Status.DONE: "bg-green-lt", Status.OVERDUE: "bg-red-lt", Status.DUE_SOON: "bg-yellow-lt",
    Status.OPEN: "bg-azure-lt", Status.FUTURE: "", Status.NOT_APPLICABLE: "text-secondary",
}


# --- periods (dangjian.lib.periods) ------------------------------------------------------------------------------


def period_containing(kind: str, day: dt.date) -> Period:
    """The month, quarter or year that contains `day`."""
    return Period.containing(kind, day)


# --- pure rules -------------------------------------------------------------------------------------------------


def existed_on(day: dt.date, founded_on: dt.date | None, dissolved_on: dt.date | None) -> bool:
    """Whether the org existed on `day`: founded by then, not yet dissolved (dissolved_on: first day gone)."""
    return (founded_on is None or founded_on <= day) and (dissolved_on is None or day < dissolved_on)


def applies(period: Period, founded_on: dt.date | None, dissolved_on: dt.date | None) -> bool:
    """A period's obligation applies when the org existed on the period's last day."""
    return existed_on(period.end, founded_on, dissolved_on)


def rule_applies(meeting_kind: str, org_kind: str, has_committee: bool) -> bool:
    """Which obligations an org has by its kind: branch meetings for 党支部 (支委会 only with a committee),
    党小组会 for each 党小组."""
    if meeting_kind not in OWNER_KIND or OWNER_KIND[meeting_kind] != org_kind:
        return False
    return meeting_kind != MeetingKind.COMMITTEE_MEETING or has_committee


def status_for(
    period: Period,
    today: dt.date,
    count: int,
    required: int = 1,
    applicable_from: dt.date | None = None,
    applicable_until: dt.date | None = None,
    due_soon_days: int = 7,
    due_soon_from: dt.date | None = None,
    applicable: bool = True,
) -> Status:
    """One cell: done when enough records; otherwise overdue once the period has ended, due soon within
    `due_soon_days` of its end (or from `due_soon_from`, e.g. 1 October for the 组织生活会), open while it runs,
    future before it starts. Not applicable when the rule does not bind the org or the org did not exist on the
    period's last day."""
    if not applicable or not applies(period, applicable_from, applicable_until):
        return Status.NOT_APPLICABLE
    if count >= required:
        return Status.DONE
    if today > period.end:
        return Status.OVERDUE
    if today < period.start:
        return Status.FUTURE
    soon = period.end - dt.timedelta(days=due_soon_days)
    if due_soon_from is not None:
        soon = min(soon, due_soon_from)
    return Status.DUE_SOON if today >= soon else Status.OPEN


def colour_for(overdue: int, silent: bool) -> str:
    """红/黄/绿: red for two or more overdue obligations or a silent branch, yellow for one, green for none."""
    if silent or overdue >= 2:
        return "red"
    return "yellow" if overdue == 1 else "green"


COLOUR_LABELS = {"red": "红", "yellow": "黄", "green": "绿"}
COLOUR_CSS = {"red": "bg-red-lt", "yellow": "bg-yellow-lt", "green": "bg-green-lt"}


def is_silent(today: dt.date, last_held_on: dt.date | None, founded_on: dt.date | None, silent_days: int) -> bool:
    """No submitted meeting for `silent_days` days or more; a branch younger than that is not silent yet."""
    if founded_on is not None and (today - founded_on).days < silent_days:
        return False
    return last_held_on is None or (today - last_held_on).days >= silent_days


@dataclass(frozen=True)
class Config:
    """The compliance rules in force on one day, as plain values for the pure functions."""

    periods: dict[str, str]
    life_window_month: int
    silent_days: int
    due_soon_days: int
    submitted_only: bool

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Config:
        return cls(
            periods={kind: values[key] for kind, key in orglife_rules.PERIOD_RULES.items()},
            life_window_month=int(values["orglife.life_meeting_window_month"]),
            silent_days=int(values["orglife.silent_days"]),
            due_soon_days=int(values["orglife.due_soon_days"]),
            submitted_only=bool(values["orglife.count_submitted_only"]),
        )

    def periods_of(self, kind: str, year: int) -> list[Period]:
        return periods_of_year(self.periods[kind], year)

    def due_soon_from(self, kind: str, period: Period) -> dt.date | None:
        """The 组织生活会 reminder window opens on the first day of its window month (第十七条: 第四季度)."""
        if kind == MeetingKind.LIFE_MEETING and period.kind == YEAR:
            return dt.date(period.start.year, self.life_window_month, 1)
        return None


def load_config(on: dt.date | None = None) -> Config:
    """The rules in force on `on` (one query)."""
    return Config.from_values(rules.values(orglife_rules.COMPLIANCE_KEYS, on))


# --- set-based queries ------------------------------------------------------------------------------------------


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
        i = (month_start.year - self.months[0].start.year) * 12 + month_start.month - self.months[0].start.month
        return row[i] if 0 <= i < len(row) else 0

    def in_period(self, kind: str, org_id: int, period: Period) -> int:
        """Records of one org and kind in a period (a month, quarter or year), added up from the months."""
        return sum(self.month_count(kind, org_id, m.start) for m in periods_between(MONTH, period.start, period.end))

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
    per_month = {f"m{i}": Count("pk", filter=Q(month=key)) for i, key in enumerate(keys)}
    rows = qs.values_list("kind", "org_id").annotate(**per_month).order_by()
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


def list_url() -> str:
    """The meetings list page (built by the meetings work); its URL name may not exist yet."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("orglife:list")
    except NoReverseMatch:
        return "/orglife/"


def drill_down_url(base: str, org_id: int, kind: str, period: Period) -> str:
    """The meetings list filtered to one cell: the org, the kind and the period's months (`month_from` and
    `month_to` as YYYY-MM, the list's own filter fields)."""
    return (f"{base}?org={org_id}&kind={kind}&month_from={period.start:%Y-%m}"
            f"&month_to={period.end:%Y-%m}")


@dataclass
class Cell:
    period: Period
    status: Status
    count: int
    url: str = ""


@dataclass
class MatrixRow:
    org: Organization
    has_committee: bool
    cells: dict[str, list[Cell]] = field(default_factory=dict)


@dataclass
class Matrix:
    year: int
    kinds: list[str]
    periods: dict[str, list[Period]]
    page: Page
    rows: list[MatrixRow]
    today: dt.date


def matrix_orgs(user: Any, root: Organization, year: int, kinds: list[str]) -> QuerySet[Organization]:
    """The orgs that owe any of `kinds` in the root's subtree and existed during `year`, in tree order."""
    require(user, root.path, "view", root)
    owner_kinds = sorted({OWNER_KIND[k] for k in kinds})
    return (Organization.objects.visible_to(user).filter(subtree_q(root.path), _existed_in_year_q(year),
                                                         kind__in=owner_kinds).order_by("path"))


def matrix(
    user: Any, root: Organization, year: int, kinds: list[str], page_number: Any = 1, per_page: int = 50,
    today: dt.date | None = None, config: Config | None = None,
) -> Matrix:
    """A page of orgs × the periods of `year`, a status and a count per cell per kind. Queries: the rules, the
    page count, the page, its committee holders and its records — the same number for 50 orgs or 100,000."""
    today = today or timezone.localdate()
    config = config or load_config(today)
    page = Paginator(matrix_orgs(user, root, year, kinds), per_page).get_page(page_number)
    orgs = list(page.object_list)
    ids = [o.pk for o in orgs]
    ref = reference_day(year, today)
    committee_ids = set(_holdings_in_office(ref).filter(org_id__in=ids).values_list("org_id", flat=True))
    monthly = (
        counts(root.path, dt.date(year, 1, 1), dt.date(year, 12, 31), kinds=kinds, org_ids=ids,
               submitted_only=config.submitted_only)
        if ids else MonthlyCounts(periods_between(MONTH, dt.date(year, 1, 1), dt.date(year, 12, 31)), {})
    )
    periods = {k: config.periods_of(k, year) for k in kinds}
    base = list_url()
    rows = []
    for org in orgs:
        row = MatrixRow(org=org, has_committee=org.pk in committee_ids)
        for kind in kinds:
            applicable = rule_applies(kind, org.kind, row.has_committee)
            cells = []
            for p in periods[kind]:
                n = monthly.in_period(kind, org.pk, p)
                status = status_for(p, today, n, 1, org.founded_on, org.dissolved_on, config.due_soon_days,
                                    config.due_soon_from(kind, p), applicable)
                cells.append(Cell(p, status, n, drill_down_url(base, org.pk, kind, p) if n else ""))
            row.cells[kind] = cells
        rows.append(row)
    return Matrix(year=year, kinds=kinds, periods=periods, page=page, rows=rows, today=today)


# --- roll-up ----------------------------------------------------------------------------------------------------


@dataclass
class RateCell:
    period: Period
    applicable: int
    done: int
    ended: bool

    @property
    def rate(self) -> float | None:
        """Done ÷ applicable; None when nothing was owed."""
        return self.done / self.applicable if self.applicable else None

    @property
    def percent(self) -> str:
        """The rate as shown: one decimal, or a dash."""
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


@dataclass
class LevelRate:
    depth: int
    applicable: int
    done: int

    @property
    def rate(self) -> float | None:
        """Done ÷ applicable; None when nothing was owed."""
        return self.done / self.applicable if self.applicable else None

    @property
    def percent(self) -> str:
        """The rate as shown: one decimal, or a dash."""
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


@dataclass
class Rollup:
    year: int
    today: dt.date
    by_kind: dict[str, list[RateCell]]
    by_level: list[LevelRate]


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


def rollup(user: Any, root: Organization, year: int, today: dt.date | None = None,
           config: Config | None = None, kinds: list[str] | None = None) -> Rollup:
    """Rates over the whole subtree: per kind and period, done orgs / applicable orgs; per tree depth over the
    periods already ended (上热中温下冷). Two aggregate queries besides the rules, whatever the subtree's size."""
    require(user, root.path, "view", root)
    today = today or timezone.localdate()
    config = config or load_config(today)
    kinds = kinds or KINDS
    ref = reference_day(year, today)
    periods = _all_periods(config, year, kinds)
    # Applicable orgs per (org kind, depth, has a committee) and period end, counted in SQL; the committee test
    # is a grouping key so that it runs once per org, not once per period.
    aggregates: dict[str, Any] = {f"n{i}": Count("id", filter=_existed_on_q(p.end)) for i, p in enumerate(periods)}
    owners = sorted({OWNER_KIND[k] for k in kinds})
    applicable_rows = list(
        Organization.objects.visible_to(user).filter(subtree_q(root.path), kind__in=owners)
        .annotate(has_committee=has_committee_q(ref)).values("kind", "depth", "has_committee")
        .annotate(**aggregates).order_by()
    )
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
        _tags(config).filter(subtree_q(root.path, "org__path"), owner_q, month__gte=year * 100 + 1,
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
    by_level = []
    for d in depths:
        keys = [(k, d, p) for k in kinds for p in config.periods_of(k, year) if p.end < today]
        by_level.append(LevelRate(d, sum(applicable[key] for key in keys), sum(done[key] for key in keys)))
    return Rollup(year=year, today=today, by_kind=by_kind, by_level=[lv for lv in by_level if lv.applicable])


# --- 红黄绿 and 静默支部 -------------------------------------------------------------------------------------------


def health_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last three complete months before today's month."""
    return month_start(today, -3), month_start(today) - dt.timedelta(days=1)


@dataclass
class BranchHealth:
    org: Organization
    overdue: int
    silent: bool
    last_held_on: dt.date | None
    colour: str

    @property
    def colour_label(self) -> str:
        return COLOUR_LABELS[self.colour]

    @property
    def colour_css(self) -> str:
        return COLOUR_CSS[self.colour]


def _last_held_subquery(config: Config) -> Subquery:
    meetings = Meeting.objects.filter(org_id=OuterRef("pk"))
    if config.submitted_only:
        meetings = meetings.filter(status=MeetingStatus.SUBMITTED)
    return Subquery(meetings.order_by("-held_on").values("held_on")[:1])


def branch_health(user: Any, root: Organization, today: dt.date | None = None,
                  config: Config | None = None) -> list[BranchHealth]:
    """红/黄/绿 for every active branch of the subtree, worst first: three queries (rules, branches with their
    last meeting and committee, done cells per branch) whatever the subtree's size."""
    require(user, root.path, "view", root)
    today = today or timezone.localdate()
    config = config or load_config(today)
    start, end = health_window(today)
    cells: list[tuple[str, Period]] = []
    for kind in BRANCH_KINDS:
        for p in periods_between(config.periods[kind], start, end):
            if start <= p.end <= end:
                cells.append((kind, p))
    branches = list(
        Organization.objects.visible_to(user).filter(subtree_q(root.path), kind=OrgKind.BRANCH,
                                                   status=OrgStatus.ACTIVE)
        .filter(_existed_on_q(today))
        .annotate(has_committee=has_committee_q(today), last_held_on=_last_held_subquery(config))
        .only("id", "name", "path", "depth", "kind", "founded_on", "dissolved_on").order_by("path")
    )
    done: dict[int, int] = {}
    if cells:
        first = min(p.start for _, p in cells)
        whens = [When(Q(kind=k, held_on__gte=p.start, held_on__lte=p.end), then=Value(i))
                 for i, (k, p) in enumerate(cells)]
        rows = (
            _tags(config).filter(subtree_q(root.path, "org__path"), org__kind=OrgKind.BRANCH,
                                 kind__in=BRANCH_KINDS, held_on__gte=first, held_on__lte=end)
            .annotate(cell=Case(*whens, default=Value(None), output_field=IntegerField()))
            .filter(cell__isnull=False).values("org_id").annotate(n=Count("cell", distinct=True)).order_by()
        )
        done = {r["org_id"]: r["n"] for r in rows}
    result = []
    for org in branches:
        required = sum(
            1 for kind, p in cells
            if rule_applies(kind, org.kind, org.has_committee) and applies(p, org.founded_on, org.dissolved_on)
        )
        overdue = max(0, required - done.get(org.pk, 0))
        silent = is_silent(today, org.last_held_on, org.founded_on, config.silent_days)
        result.append(BranchHealth(org, overdue, silent, org.last_held_on, colour_for(overdue, silent)))
    order = {"red": 0, "yellow": 1, "green": 2}
    result.sort(key=lambda h: (order[h.colour], -h.overdue, h.org.path))
    return result


def silent_branches(user: Any, root: Organization, today: dt.date | None = None,
                    config: Config | None = None) -> QuerySet[Organization]:
    """Active branches of the subtree with no submitted meeting in the last `silent_days` days (NOT EXISTS),
    founded at least that long ago, each with its last meeting day; paginate it."""
    require(user, root.path, "view", root)
    today = today or timezone.localdate()
    config = config or load_config(today)
    since = today - dt.timedelta(days=config.silent_days - 1)
    recent = Meeting.objects.filter(org_id=OuterRef("pk"), held_on__gte=since, held_on__lte=today)
    if config.submitted_only:
        recent = recent.filter(status=MeetingStatus.SUBMITTED)
    young = today - dt.timedelta(days=config.silent_days - 1)
    return (
        Organization.objects.visible_to(user).filter(subtree_q(root.path), kind=OrgKind.BRANCH,
                                                   status=OrgStatus.ACTIVE)
        .filter(_existed_on_q(today)).exclude(founded_on__gte=young)
        .filter(~Exists(recent)).annotate(last_held_on=_last_held_subquery(config)).order_by("path")
    )
