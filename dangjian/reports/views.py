"""The home page per role; the dashboards and statistics pages come here too."""

from __future__ import annotations

import datetime as dt
import operator
from functools import reduce
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangjian.core import rules as rule_registry
from dangjian.core.dbrouter import reads_from_replica
from dangjian.core.lists import in_orgs
from dangjian.core.reminders import rules as reminder_rules
from dangjian.core.scoping import scope_for, subtree_q
from dangjian.members.choices import MemberState, PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind, OrgStatus
from dangjian.recruitment import probation
from dangjian.recruitment import rules as recruitment_rules
from dangjian.reminders.views import home_items
from dangjian.reports import mine

# The 预备期届满 card lists the first ones; the to-do list and the member list carry the rest.
CONFIRMATION_LIMIT = 10


@login_required
@reads_from_replica
def home(request: HttpRequest) -> HttpResponse:
    """首页: for a manager the counts of their scope, the 预备党员 due for 转正 (an approved extension included) and
    their to-dos grouped by kind; for a plain 党员 their own page (reports.mine); the 三员 get none of the business
    figures."""
    scope = scope_for(request.user)
    context: dict[str, Any] = {"scope": scope}
    today = timezone.localdate()
    if scope.view_roots:
        # The scope's roots carry the kept subtree totals (orgs.counters): no count over the members or branches.
        # The orgs under the scope's roots (not a plain 党员's own branch, which visible_to also lets them read).
        orgs = Organization.objects.visible_to(request.user).filter(
            reduce(operator.or_, (subtree_q(root) for root in scope.view_roots)))
        roots = list(orgs.filter(path__in=scope.view_roots))
        # The members of the scope, found from the (state, status, 入党) index and checked per row (core.lists.in_orgs).
        members = in_orgs(Member, orgs)
        member_counts = {
            # Kept totals count 停止党籍 as on the roll; the few suspended are counted on the index and left out.
            "on_roll": sum(r.subtree_members for r in roots) - members.filter(state=MemberState.SUSPENDED).count(),
            "probationary": members.filter(state=MemberState.ACTIVE, party_status=PartyStatus.PROBATIONARY).count(),
        }
        org_counts = {
            OrgKind.BRANCH.label: sum(r.subtree_branches for r in roots),
            OrgKind.GROUP.label: orgs.filter(status=OrgStatus.ACTIVE, kind=OrgKind.GROUP).count(),
        }
        lead_days = int(rule_registry.value(reminder_rules.CONFIRMATION_LEAD_DAYS, today))
        limits = recruitment_rules.load(today)
        due = list(probation.due_for_confirmation(members, today + dt.timedelta(days=lead_days), limits)
                   .select_related("org")[:CONFIRMATION_LIMIT])
        context.update(
            roots=roots,
            org_counts=org_counts,
            member_counts=member_counts,
            confirmation_lead_days=lead_days,
            confirmation_due=sorted(
                ((m, probation.probation_ends_on(m.joined_on, getattr(m, probation.EXTENSION), limits)) for m in due),
                key=lambda row: (row[1], row[0].pk)),
        )
    if scope.own_member_id:
        own = _own_member(request)
        context["own_member"] = own
        if own is not None and not scope.view_roots and not scope.system_roles:
            # A plain 党员: the home page is their own page.
            context.update(mine.member_home(request.user, own))
    if not scope.system_roles and "todos" not in context:
        context.update(home_items(request.user))
    return render(request, "reports/home.html", context)


def _own_member(request: HttpRequest) -> Member | None:
    """The user's own 党员 record (always within what they see: `Member.extra_visible_q`), as the scope read it."""
    if not scope_for(request.user).own_member_id:
        return None
    user: Any = request.user
    member: Member | None = user.member
    return member


@login_required
def my_page(request: HttpRequest) -> HttpResponse:
    """我的主页 for any user linked to a 党员 record (a secretary or an admin is a member too); 404 without one."""
    own = _own_member(request)
    if own is None or scope_for(request.user).system_roles:
        raise Http404("您的账号没有关联党员档案")
    return render(request, "reports/mine.html", mine.member_home(request.user, own))
