"""Compliance read for a user: the pages' and the API's entry points. Each checks that the user may view the root,
scopes the orgs (`visible_to(user)` under the root) and asks the counting in `counts` or the registered measures —
the figures themselves are computed there, once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from dangjian.core import measures
from dangjian.core.scoping import require, subtree_q
from dangjian.lib.periods import MONTH, Period
from dangjian.orglife.choices import MeetingStatus
from dangjian.orglife.compliance.counts import (
    Cell,
    Rollup,
    _existed_in_year_q,
    _existed_on_q,
    last_held_subquery,
)
from dangjian.orglife.compliance.statuses import (
    COLOUR_CSS,
    COLOUR_LABELS,
    OWNER_KIND,
    Config,
    colour_for,
    health_window,
    load_config,
)
from dangjian.orglife.models import Meeting
from dangjian.orgs.models import Organization, OrgKind, OrgStatus


def subtree_orgs(user: Any, root: Organization) -> QuerySet[Organization]:
    """The orgs of `root`'s subtree the user may view (404 unless they may view the root itself)."""
    require(user, root.path, "view", root)
    return Organization.objects.visible_to(user).filter(subtree_q(root.path))


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
    owner_kinds = sorted({OWNER_KIND[k] for k in kinds})
    return subtree_orgs(user, root).filter(_existed_in_year_q(year), kind__in=owner_kinds).order_by("path")


def matrix(
    user: Any, root: Organization, year: int, kinds: list[str], page_number: Any = 1, per_page: int = 50,
    today: dt.date | None = None, config: Config | None = None,
) -> Matrix:
    """A page of orgs × the periods of `year`, a status and a count per cell per kind, read from the registered
    measure `orglife.meetings.status` for the page's orgs (it judges on today's date with the rules in force; `today`
    and `config` date the page and give its columns). Queries: the rules, the page count, the page, and the
    measure's rules, orgs and records — the same number for 50 orgs or 100,000."""
    today = today or timezone.localdate()
    config = config or load_config(today)
    page = Paginator(matrix_orgs(user, root, year, kinds), per_page).get_page(page_number)
    orgs = list(page.object_list)
    # The page's orgs, bounded by its first and last path too: the measure narrows its records to the set's path
    # range, and PostgreSQL finds the ends of a bare id list by walking the path index across most of the tree.
    subjects = Organization.objects.filter(pk__in=[o.pk for o in orgs], path__gte=orgs[0].path,
                                           path__lte=orgs[-1].path) if orgs else Organization.objects.none()
    found = measures.get("orglife.meetings.status")(subjects, Period.year(year)) if orgs else {}
    periods = {k: config.periods_of(k, year) for k in kinds}
    base = list_url()
    rows = []
    for org in orgs:
        statuses = found[org.pk]
        row = MatrixRow(org=org, has_committee=statuses.has_committee)
        for kind in kinds:
            row.cells[kind] = [replace(c, url=drill_down_url(base, org.pk, kind, c.period) if c.count else "")
                               for c in statuses.cells[kind]]
        rows.append(row)
    return Matrix(year=year, kinds=kinds, periods=periods, page=page, rows=rows, today=today)


def rollup(user: Any, root: Organization, year: int, kinds: list[str] | None = None) -> Rollup:
    """落实率 over the user's view of the root's subtree: the summary of the measure `orglife.meetings.rate`
    (judged today with the rules in force), narrowed to `kinds` when given."""
    summary = measures.get("orglife.meetings.rate").total(subtree_orgs(user, root), Period.year(year))
    return summary.only(kinds) if kinds else summary


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


def active_branches(user: Any, root: Organization, today: dt.date) -> QuerySet[Organization]:
    """The active branches of the root's subtree that exist today and the user may view, in tree order."""
    return (subtree_orgs(user, root).filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)
            .filter(_existed_on_q(today)).order_by("path"))


def branch_health(user: Any, root: Organization) -> list[BranchHealth]:
    """红/黄/绿 for every active branch of the subtree, worst first, read from the registered measures
    `orglife.meetings.overdue` (over the last three complete months) and `orglife.silent` (today), which judge on
    today's date with the rules in force: a fixed number of queries whatever the subtree's size."""
    today = timezone.localdate()
    branches = active_branches(user, root, today)
    overdue = measures.get("orglife.meetings.overdue")(branches, Period.range(*health_window(today)))
    silent = measures.get("orglife.silent")(branches, Period.containing(MONTH, today))
    rows = branches.annotate(last_held_on=last_held_subquery(load_config(today))).only(
        "id", "name", "path", "depth", "kind", "founded_on", "dissolved_on")
    result = []
    for org in rows:
        late, quiet = overdue.get(org.pk, 0), silent.get(org.pk, False)
        result.append(BranchHealth(org, late, quiet, org.last_held_on, colour_for(late, quiet)))
    order = {"red": 0, "yellow": 1, "green": 2}
    result.sort(key=lambda h: (order[h.colour], -h.overdue, h.org.path))
    return result


def silent_branches(user: Any, root: Organization, today: dt.date | None = None,
                    config: Config | None = None) -> QuerySet[Organization]:
    """The 静默支部 list to paginate: active branches of the subtree silent today (the rows the measure
    `orglife.silent` marks silent, as one NOT EXISTS so that the list pages in SQL), each with its last meeting day."""
    today = today or timezone.localdate()
    config = config or load_config(today)
    since = today - dt.timedelta(days=config.silent_days - 1)
    recent = Meeting.objects.filter(org_id=OuterRef("pk"), held_on__gte=since, held_on__lte=today)
    if config.submitted_only:
        recent = recent.filter(status=MeetingStatus.SUBMITTED)
    return (
        active_branches(user, root, today).exclude(founded_on__gte=since)
        .filter(~Exists(recent)).annotate(last_held_on=last_held_subquery(config))
    )
