"""Compliance pages: the matrix (orgs × periods), the roll-up of rates, 红黄绿 and 静默支部, the rules in force, and
the 组织设置 checks. Mounted at /orglife/compliance/ under the "orglife" namespace.

The pages only parse input and render: every figure comes from the registered measures (dangjian.orglife.measures,
over the orgs the user may view) and dangjian.orgs.checks, which the API, reminders and evaluation read too. A page is about one subtree root the user
may view (404 otherwise, the same answer as a missing org); users without a view scope — a plain 党员, the 三员 —
get 404 on every page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.core import rules
from dangjian.core.dbrouter import reads_from_replica
from dangjian.core.lists import id_page
from dangjian.core.measures import PeriodNotSupported
from dangjian.core.models import RuleStatus
from dangjian.core.scoping import get_for_user, require, scope_for
from dangjian.leadership import checks
from dangjian.lib.periods import Period
from dangjian.orglife import compliance
from dangjian.orglife import rules as orglife_rules
from dangjian.orglife.choices import MeetingKind
from dangjian.orglife.measures import meetings_rate
from dangjian.orgs import rules as org_rules
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import root_field

MATRIX_PAGE_SIZE = 50
LIST_PAGE_SIZE = 50
YEARS_BACK = 4
# The 组织设置 findings are counted up to here ("1,000+"): each org counted costs its facts' subqueries.
SETUP_COUNT_CAP = 1_000


def _root(request: HttpRequest) -> Organization:
    """The subtree root of the page: `?org=` when the user may view its subtree, else their first scope root."""
    scope = scope_for(request.user)
    if not scope.view_roots:
        raise Http404("未找到该记录")
    orgs = Organization.objects.get_queryset()
    raw = request.GET.get("org", "")
    if raw:
        org = get_for_user(orgs, request.user, "view", pk=raw)
    else:
        org = orgs.filter(path=sorted(scope.view_roots)[0]).get()
    require(request.user, org.path, "view", org)  # a plain 党员's own branch is visible, but not its compliance
    return org


def _year(request: HttpRequest, today: dt.date) -> int:
    """`?year=` within the last few years; anything else falls back to this year."""
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if today.year - YEARS_BACK <= year <= today.year + 1 else today.year


def _common(request: HttpRequest, root: Organization, today: dt.date, year: int | None = None) -> dict[str, Any]:
    """What every compliance page's filter bar needs: the root (chosen with the org picker), the years offered."""
    return {
        "root": root, "root_field": root_field(request.user, root), "year": year,
        "years": list(range(today.year - YEARS_BACK, today.year + 2)), "today": today,
    }


@login_required
@require_GET
@reads_from_replica
def matrix(request: HttpRequest) -> HttpResponse:
    """组织生活落实情况: one kind, a page of orgs × the periods of the year, each cell colour-coded with its status
    in words and, when something was held, a link to those meetings."""
    root = _root(request)
    today = timezone.localdate()
    year = _year(request, today)
    kind = request.GET.get("kind", MeetingKind.THEME_DAY)
    if kind not in compliance.KINDS:
        kind = MeetingKind.THEME_DAY
    config = compliance.load_config(today)
    m = compliance.matrix(request.user, root, year, [kind], request.GET.get("page"), MATRIX_PAGE_SIZE, today,
                          config)
    context = _common(request, root, today, year)
    context.update(
        kind=kind, kind_label=MeetingKind(kind).label,
        kinds=[(k, MeetingKind(k).label) for k in compliance.KINDS],
        period_label=compliance.PERIOD_LABELS[config.periods[kind]],
        periods=m.periods[kind], page=m.page,
        rows=[(row.org, row.cells[kind]) for row in m.rows],
        statuses=list(compliance.Status),
    )
    return render(request, "orglife/compliance.html", context)


@login_required
@require_GET
@reads_from_replica
def rollup(request: HttpRequest) -> HttpResponse:
    """落实率: per kind and period the share of applicable orgs that held it, and per tree level over the periods
    already ended (上热中温下冷)."""
    root = _root(request)
    today = timezone.localdate()
    year = _year(request, today)
    context = _common(request, root, today, year)
    try:
        r = meetings_rate.total(compliance.subtree_orgs(request.user, root), Period.year(year))
    except PeriodNotSupported as error:
        context.update(error=str(error), sections=[], levels=[])
    else:
        context.update(sections=[(MeetingKind(k).label, cells) for k, cells in r.by_kind.items()], levels=r.by_level)
    return render(request, "orglife/compliance_rollup.html", context)


COLOUR_FILTERS = {"red": "红", "yellow": "黄", "green": "绿", "silent": "静默支部"}


@login_required
@require_GET
@reads_from_replica
def health(request: HttpRequest) -> HttpResponse:
    """红黄绿 of every branch from the last three complete months, and the 静默支部 list."""
    root = _root(request)
    today = timezone.localdate()
    config = compliance.load_config(today)
    colour = request.GET.get("colour", "")
    if colour not in COLOUR_FILTERS:
        colour = ""
    all_health = compliance.branch_health(request.user, root)
    totals = {c: sum(1 for h in all_health if h.colour == c) for c in ("red", "yellow", "green")}
    totals["silent"] = sum(1 for h in all_health if h.silent)
    context = _common(request, root, today)
    start, end = compliance.health_window(today)
    context.update(colour=colour, colours=COLOUR_FILTERS, totals=totals, window=(start, end),
                   silent_days=config.silent_days)
    if colour == "silent":
        silent = compliance.silent_branches(request.user, root, today, config)
        context["silent_page"] = Paginator(silent, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = context["silent_page"]
    else:
        shown = [h for h in all_health if not colour or h.colour == colour]
        context["page"] = Paginator(shown, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orglife/compliance_health.html", context)


def _shown_value(value: Any) -> str:
    """A rule value in words: 是/否, 每月/每季度/每年, or the number."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return compliance.PERIOD_LABELS.get(value, str(value)) if isinstance(value, str) else str(value)


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    """The rules in force today with their source, article and status (read-only; overrides are set elsewhere)."""
    if not scope_for(request.user).view_roots:
        raise Http404("未找到该记录")
    today = timezone.localdate()
    keys = orglife_rules.COMPLIANCE_KEYS + org_rules.SETUP_KEYS
    in_force = rules.values(keys, today)
    rows = []
    for key in keys:
        rule = rules.REGISTRY[key]
        rows.append({
            "rule": rule, "value": _shown_value(in_force[key]), "default": _shown_value(rule.default),
            "changed": in_force[key] != rule.default,
            "status": "本单位做法" if rule.status == RuleStatus.LOCAL else RuleStatus(rule.status).label,
            "local": rule.status == RuleStatus.LOCAL, "partial": rule.status == RuleStatus.PARTIAL,
        })
    return render(request, "orglife/compliance_rules.html", {"rows": rows, "today": today})


@login_required
@require_GET
def setup(request: HttpRequest) -> HttpResponse:
    """组织设置检查: the orgs of the subtree whose setup the regulations question, filterable by warning type; found
    in SQL and paged ids first (core.lists), the warnings worded for the page's orgs only."""
    root = _root(request)
    today = timezone.localdate()
    code = request.GET.get("type", "")
    if code not in checks.WARNING_TYPES:
        code = ""
    found = checks.subtree_warnings(request.user, root, today, code)
    page = id_page(request, found.orgs, found.for_rows, per_page=LIST_PAGE_SIZE, cap=SETUP_COUNT_CAP)
    page.object_list = [(org, found.warnings(org)) for org in page.object_list]
    context = _common(request, root, today)
    context.update(type=code, types=checks.WARNING_TYPES, page=page)
    return render(request, "orglife/compliance_setup.html", context)


urlpatterns = [
    path("", matrix, name="compliance"),
    path("rollup/", rollup, name="compliance_rollup"),
    path("health/", health, name="compliance_health"),
    path("rules/", rule_list, name="compliance_rules"),
    path("setup/", setup, name="compliance_setup"),
]
