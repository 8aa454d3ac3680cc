"""学时 measures: the set-based totals every page, export, reminder and the API read, and the registered measures.

The pure part (targets, a member's standing, the check of a participant's hours) is in `dangjian.learning.rules`.
Here: `hours_for(member_ids, year)` (one GROUP BY), `leaders_in(...)` (who holds a committee post in the year),
`member_totals(...)` (any member queryset annotated with the year's hours, 集中培训 count, leader flag, target and
shortfall — one SQL statement whatever the number of members, computed per row: for a sorted page),
`member_totals_grouped(...)` (the same figures set-based, one GROUP BY: for a whole set), `branch_summary(...)` / `completion_of(...)` and
`rollup(...)` (per branch, per org and per level of a whole subtree), then the registered measures
`learning.hours.completion` (org), `learning.hours.total`, `learning.hours.standing` and `learning.hours.short_by`
(member), which the pages, the API and the reminders read.

Hours are kept to one decimal (half-hours and the like). SQLite adds decimals as floating point, so comparisons in
SQL allow half a tenth (`_EPSILON`) and totals are rounded to one decimal in Python: 32.0 is met, 31.9 is not.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from dangjian.core import measures as registry
from dangjian.core.measures import MEMBER, register
from dangjian.core.scoping import subtree_q
from dangjian.leadership.models import COMMITTEE_POSTS, PostHolding
from dangjian.learning.models import Participation
from dangjian.learning.rules import (
    TARGET_KEYS,
    ZERO,
    Standing,
    Targets,
    load_targets,
    round_hours,
    standing,
    year_bounds,
)
from dangjian.lib.periods import CUSTOM, HALF, MONTH, QUARTER, YEAR, Period, reference_day
from dangjian.members.choices import MemberState
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

_EPSILON = Decimal("0.05")
CHUNK = 10_000
_HOURS: DecimalField[Any, Any] = DecimalField(max_digits=8, decimal_places=1)


# --- 1. pure functions ------------------------------------------------------------------------------------------


def _year_participations(year: int) -> QuerySet[Participation]:
    start, end = year_bounds(year)
    return Participation.objects.filter(held_on__gte=start, held_on__lte=end)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    """Id lists short enough for any database's parameter limit (SQLite: 32,766)."""
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def hours_for(member_ids: Iterable[int], year: int) -> dict[int, Decimal]:
    """{member id: 学时 in `year`} for the given members (absent ones have none): one GROUP BY per 10,000
    members. For a whole subtree, `member_totals` does it in one statement without an id list."""
    found: dict[int, Decimal] = {}
    for chunk in _chunks(list(member_ids)):
        rows = (
            _year_participations(year).filter(member_id__in=chunk).values("member_id")
            .annotate(total=Sum("hours")).values_list("member_id", "total")
        )
        found.update((member_id, round_hours(total)) for member_id, total in rows)
    return found


def leader_q(year: int, until: dt.date) -> Q:
    """Committee posts (书记, 副书记, 委员 — not 党小组组长) in office on some day of `year` up to `until`."""
    start, _end = year_bounds(year)
    return Q(post__in=COMMITTEE_POSTS, starts_on__lte=until) & (Q(ends_on__isnull=True) | Q(ends_on__gt=start))


def leaders_in(member_ids: Iterable[int], year: int, until: dt.date) -> set[int]:
    """The members among `member_ids` who were secretaries or committee members in `year` (up to `until`)."""
    found: set[int] = set()
    for chunk in _chunks(list(member_ids)):
        found.update(
            PostHolding.objects.filter(leader_q(year, until), member_id__in=chunk).values_list("member_id", flat=True)
        )
    return found


def member_totals(members: QuerySet[Member], year: int, targets: Targets, today: dt.date) -> QuerySet[Member]:
    """`members` annotated for `year`: `study_hours`, `centralized` (集中培训 attended), `is_leader`, `target` and
    `short_by` (学时 missing, ≤ 0 when met). One statement with correlated subqueries on the (member, held_on)
    index, so it pages and sorts like any member list."""
    until = reference_day(year, today)
    year_rows = _year_participations(year).filter(member_id=OuterRef("pk")).order_by().values("member_id")
    hours = year_rows.annotate(total=Sum("hours")).values("total")
    centralized = (
        year_rows.filter(session__kind__in=targets.centralized_kinds).annotate(n=Count("id")).values("n")
    )
    leader = PostHolding.objects.filter(leader_q(year, until), member_id=OuterRef("pk"))
    annotated = members.annotate(
        study_hours=Coalesce(Subquery(hours, output_field=_HOURS), Value(ZERO), output_field=_HOURS),
        centralized=Coalesce(Subquery(centralized, output_field=IntegerField()), Value(0)),
        is_leader=Exists(leader),
    )
    return _with_target(annotated, targets)


def member_totals_grouped(
    members: QuerySet[Member], year: int, targets: Targets, today: dt.date,
) -> QuerySet[Member, dict[str, Any]]:
    """`member_totals` for a whole set of members at once (a subtree, the members a measure is given): the same
    annotations, computed set-based — the members joined to their year's participations (the year's bounds in
    the join, `FilteredRelation`) and grouped per member, so PostgreSQL plans one hash aggregate instead of
    running three correlated subqueries per member (173 s against a 30 s floor for 2·10⁶ members). Only the
    leader flag stays an EXISTS, evaluated once per member on the small post table.

    Rows are values grouped by the member's key alone (`pk` and the annotations; add columns with `values_list`),
    not model instances. `members` must not join anything multi-valued (it would multiply the sums): members of a
    subtree, a state, an id list. Not for a sorted page of a big set: the page's rows are known only after every
    member is aggregated, where `member_totals` computes the 20 rows shown."""
    start, end = year_bounds(year)
    until = reference_day(year, today)
    leader = Exists(PostHolding.objects.filter(leader_q(year, until), member_id=OuterRef("pk")))
    hours = Coalesce(Sum("_year__hours"), Value(ZERO), output_field=_HOURS)
    target = Case(When(leader, then=Value(targets.leader_hours)), default=Value(targets.member_hours),
                  output_field=_HOURS)
    return members.order_by().annotate(
        _year=FilteredRelation(
            "study_participations",
            condition=Q(study_participations__held_on__gte=start, study_participations__held_on__lte=end),
        ),
    ).values("pk").annotate(
        study_hours=hours,
        centralized=Count("_year", filter=Q(_year__session__kind__in=targets.centralized_kinds)),
        is_leader=PerGroup(leader, output_field=BooleanField()),
        target=PerGroup(target, output_field=_HOURS),
        short_by=ExpressionWrapper(PerGroup(target, output_field=_HOURS) - hours, output_field=_HOURS),
    )


class PerGroup(Func):
    """An expression of the grouping key alone (here: correlated on the member's pk), computed once per group of a
    grouped query. Django would otherwise add it to the GROUP BY, where the databases evaluate it once per joined
    row (an EXISTS for each of 15 million participations instead of each of 2 million members)."""

    template = "%(expressions)s"
    arity = 1

    def get_group_by_cols(self) -> list[Any]:
        return []


def _with_target(members: QuerySet[Member], targets: Targets) -> QuerySet[Member]:
    """`target` (56 学时 for a leader, else 32) and `short_by` (≤ 0 when met) on rows with `study_hours` and
    `is_leader`."""
    return members.annotate(
        target=Case(
            When(is_leader=True, then=Value(targets.leader_hours)), default=Value(targets.member_hours),
            output_field=_HOURS,
        ),
    ).annotate(
        short_by=ExpressionWrapper(F("target") - F("study_hours"), output_field=_HOURS),
    )


def short_q(targets: Targets) -> Q:
    """On `member_totals` rows: still short of the hours, or a leader still short of 集中培训."""
    return Q(short_by__gt=_EPSILON) | Q(is_leader=True, centralized__lt=targets.leader_centralized)


def members_in(org: Organization) -> QuerySet[Member]:
    """The members a subtree's 学时 are counted for: active members (停止党籍 and those off the roll are not)."""
    return Member.objects.filter(subtree_q(org.path, "org__path"), state=MemberState.ACTIVE)


def standing_of(row: Member, targets: Targets) -> Standing:
    """The Standing of a `member_totals` row (the figures come from the SQL, the arithmetic from `standing`)."""
    return standing(
        getattr(row, "study_hours", 0), is_leader=bool(getattr(row, "is_leader", False)),
        centralized=int(getattr(row, "centralized", 0)), targets=targets,
    )


def standings(member_ids: Iterable[int], year: int, today: dt.date, targets: Targets | None = None) -> dict[int, Standing]:
    """{member id: Standing} for a set of members (three queries per 10,000 members)."""
    ids = list(member_ids)
    targets = targets or load_targets(year)
    totals = hours_for(ids, year)
    leaders = leaders_in(ids, year, reference_day(year, today))
    centralized: dict[int, int] = {}
    for chunk in _chunks(ids):
        centralized.update(
            _year_participations(year).filter(member_id__in=chunk, session__kind__in=targets.centralized_kinds)
            .values("member_id").annotate(n=Count("id")).values_list("member_id", "n")
        )
    return {
        i: standing(totals.get(i, ZERO), is_leader=i in leaders, centralized=centralized.get(i, 0), targets=targets)
        for i in ids
    }


@dataclass
class RollupRow:
    """One org (its whole subtree) or one level of the tree: members counted, short, total 学时."""

    members: int = 0
    short: int = 0
    hours: Decimal = ZERO

    @property
    def met(self) -> int:
        return self.members - self.short

    @property
    def percent(self) -> str:
        return f"{self.met * 100 / self.members:.1f}%" if self.members else "—"

    @property
    def rate(self) -> float | None:
        return self.met / self.members if self.members else None

    def __add__(self, other: RollupRow) -> RollupRow:
        return RollupRow(self.members + other.members, self.short + other.short, self.hours + other.hours)

    def __str__(self) -> str:
        return self.percent

    def as_json(self) -> dict[str, Any]:
        return {"members": self.members, "met": self.met, "short": self.short, "hours": str(self.hours),
                "rate": self.rate}


@dataclass(kw_only=True)
class BranchRow(RollupRow):
    """One branch's figures for the year (its own members only)."""

    org_id: int
    name: str
    path: str

    @property
    def average(self) -> Decimal:
        return round_hours(self.hours / self.members) if self.members else ZERO


def branch_summary(org: Organization, year: int, targets: Targets, today: dt.date) -> list[BranchRow]:
    """Per branch of `org`'s subtree that has members counted: members, short, total 学时, branches in tree order
    (the measure `learning.hours.completion` over a subtree, read through its path range)."""
    return _branch_rows(subtree_q(org.path, "org__path"), subtree_q(org.path, "member__org__path"), year, targets,
                        today)


def completion_of(orgs: QuerySet[Organization], year: int, targets: Targets, today: dt.date) -> list[BranchRow]:
    """The same per-org figures for the orgs of a QuerySet the caller scoped (each org's own members)."""
    ids = orgs.values("pk")
    return _branch_rows(Q(org__in=ids), Q(member__org__in=ids), year, targets, today)


def _branch_rows(members_q: Q, participations_q: Q, year: int, targets: Targets, today: dt.date) -> list[BranchRow]:
    """Per org holding active members (those `members_q` selects): members, short, total 学时, in tree order.

    Two GROUP BYs, decorrelated so that they scale to a whole tree on PostgreSQL (which runs `member_totals`'
    correlated subqueries once per member): the members per branch, and the year's participations per member
    (total, 集中培训 count, leader flag) streamed and folded here with the same rule as `standing`. A member
    without any participation is short."""
    until = reference_day(year, today)
    branches: dict[int, BranchRow] = {}
    for org_id, name, path, n in (
        Member.objects.filter(members_q, state=MemberState.ACTIVE).order_by()
        .values("org_id", "org__name", "org__path").annotate(n=Count("id"))
        .values_list("org_id", "org__name", "org__path", "n")
    ):
        branches[org_id] = BranchRow(org_id=org_id, name=name, path=path, members=n, short=n)
    leader = PostHolding.objects.filter(leader_q(year, until), member_id=OuterRef("member_id"))
    per_member: Any = (
        _year_participations(year)
        .filter(participations_q, member__state=MemberState.ACTIVE)
        .order_by().values("member_id", "member__org_id")
        .annotate(
            total=Sum("hours"),
            central=Count("id", filter=Q(session__kind__in=targets.centralized_kinds)),
            leader=Exists(leader),
        )
        .values_list("member__org_id", "total", "central", "leader")
    )
    member_floor = float(targets.member_hours - _EPSILON)
    leader_floor = float(targets.leader_hours - _EPSILON)
    for org_id, total, central, is_leader in per_member.iterator(chunk_size=10_000):
        row = branches.get(org_id)
        if row is None:
            continue
        row.hours += Decimal(str(total))
        hours = float(total)
        met = hours >= leader_floor and central >= targets.leader_centralized if is_leader else hours >= member_floor
        if met:
            row.short -= 1
    result = sorted(branches.values(), key=lambda r: r.path)
    for row in result:
        row.hours = round_hours(row.hours)
    return result


def short_members_window(
    branches: list[BranchRow], start: int, stop: int, year: int, targets: Targets, today: dt.date, *, order: list[str],
) -> list[Member]:
    """Rows [start, stop) of the subtree's short members in `order` (which must begin with "org__path"), read only
    from the branches that hold them: `branches` (from `branch_summary`, in path order) say how many short members
    each has, so a page never annotates the whole subtree."""
    covering: list[int] = []
    first = None
    seen = 0
    for row in branches:
        if row.short == 0:
            continue
        if seen + row.short > start and seen < stop:
            covering.append(row.org_id)
            first = seen if first is None else first
        seen += row.short
        if seen >= stop:
            break
    if first is None:
        return []
    members = Member.objects.filter(org_id__in=covering, state=MemberState.ACTIVE)
    queryset = member_totals(members, year, targets, today).filter(short_q(targets)).select_related("org")
    return list(queryset.order_by(*order)[start - first : stop - first])


def rollup(org: Organization, year: int, targets: Targets, today: dt.date) -> tuple[dict[str, RollupRow], dict[int, RollupRow]]:
    """The year's figures rolled up over `org`'s subtree: ({org path: its subtree's totals}, {depth: the totals of
    the branches at that depth}). One GROUP BY per branch in SQL; the sums up the tree are done on the ≤ 10⁵
    branch rows by path prefix, never a query per org."""
    by_org: dict[str, RollupRow] = defaultdict(RollupRow)
    by_level: dict[int, RollupRow] = defaultdict(RollupRow)
    steplen = Organization.steplen
    base = len(org.path)
    for row in branch_summary(org, year, targets, today):
        depth = len(row.path) // steplen
        for cut in range(base, len(row.path) + 1, steplen):
            agg = by_org[row.path[:cut]]
            agg.members += row.members
            agg.short += row.short
            agg.hours += row.hours
        level = by_level[depth]
        level.members += row.members
        level.short += row.short
        level.hours += row.hours
    return dict(by_org), dict(sorted(by_level.items()))


def is_centralized(kind: str, targets: Targets) -> bool:
    return kind in targets.centralized_kinds


# --- registered measures ------------------------------------------------------------------------------------------


@register(
    "learning.hours.completion", label="学时达标率", unit="%", rules=tuple(TARGET_KEYS), periods=(YEAR,),
    description="党组织本级在册正式党员中年度学时达标（书记、委员另需集中培训）的比例，附人数、未达标人数和学时合计；"
                "上级的数字由下级相加。",
)
def hours_completion(orgs: QuerySet[Organization], period: Period) -> dict[int, BranchRow]:
    """{org id: BranchRow(members, short, 学时; its name and path)} for the orgs among `orgs` that hold active
    members."""
    year = period.start.year
    return {r.org_id: r for r in completion_of(orgs, year, load_targets(year), timezone.localdate())}




@register(
    "learning.hours.total", label="党员学时", unit="学时", subject=MEMBER, periods=(YEAR, HALF, QUARTER, MONTH, CUSTOM),
    description="党员在期间内完成的学时合计（一位小数）。",
)
def hours_total(members: QuerySet[Member], period: Period) -> dict[int, Decimal]:
    """{member id: 学时 held in `period`} (0 for none): one GROUP BY over the members joined to the period's
    participations (the (member, held_on) index), set-based like `member_totals_grouped`."""
    in_period = Q(study_participations__held_on__gte=period.start, study_participations__held_on__lte=period.end)
    rows = (
        Member.objects.filter(pk__in=members.values("pk")).order_by()
        .annotate(_period=FilteredRelation("study_participations", condition=in_period))
        .values("pk").annotate(period_hours=Sum("_period__hours")).values_list("pk", "period_hours")
    )
    return {pk: round_hours(total) for pk, total in rows}


@register(
    "learning.hours.standing", label="党员学时达标情况", unit="学时", subject=MEMBER, higher_is_better=None,
    rules=tuple(TARGET_KEYS), periods=(YEAR,), future=True,
    description="党员年度学时、目标（书记、委员56学时）、差额、集中培训次数和是否达标；尚未开始的年度即待完成的目标。"
                "党员学时统计、未达标名单和个人学时档案据此显示。",
)
def hours_standing(members: QuerySet[Member], period: Period) -> dict[int, Standing]:
    """{member id: Standing for the year} from `member_totals_grouped` (one statement, set-based whatever the
    number of members) and `standing`."""
    year = period.start.year
    targets = load_targets(year)
    annotated: Any = member_totals_grouped(Member.objects.filter(pk__in=members.values("pk")), year, targets,
                                           timezone.localdate())
    rows = annotated.values_list("pk", "study_hours", "is_leader", "centralized")
    return {pk: standing(hours, is_leader=leader, centralized=central, targets=targets)
            for pk, hours, leader, central in rows}


def standings_of(members: QuerySet[Member] | Iterable[Member], year: int) -> dict[int, Standing]:
    """The registered `learning.hours.standing` for `year` over a page's rows (members already read and scoped by
    the caller) or a queryset."""
    subjects = members if isinstance(members, QuerySet) else Member.objects.filter(pk__in=[m.pk for m in members])
    return registry.get("learning.hours.standing")(subjects, Period.year(year))


@register(
    "learning.hours.short_by", label="学时缺口", unit="学时", subject=MEMBER, higher_is_better=False,
    rules=tuple(TARGET_KEYS), periods=(YEAR,),
    description="党员距年度学时目标还差的学时（达标为0；书记、委员目标为56学时）。",
)
def hours_short_by(members: QuerySet[Member], period: Period) -> dict[int, Decimal]:
    """{member id: 学时 still missing for the year}: the `short_by` of `learning.hours.standing`."""
    return {pk: s.short_by for pk, s in hours_standing.fn(members, period).items()}
