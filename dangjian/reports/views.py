"""The home page per role; the dashboards and statistics pages come here too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangjian.core import rules as rule_registry
from dangjian.core.dbrouter import reads_from_replica
from dangjian.core.reminders import rules as reminder_rules
from dangjian.core.scoping import scope_for
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
        roots = list(Organization.objects.visible_to(request.user).filter(path__in=scope.view_roots))
        org_counts = (
            Organization.objects.visible_to(request.user)
            .filter(status=OrgStatus.ACTIVE)
            .values("kind")
            .annotate(n=Count("id"))
            .order_by()
        )
        members = Member.objects.visible_to(request.user)
        member_counts = members.aggregate(
            on_roll=Count("id", filter=Q(state=MemberState.ACTIVE)),
            probationary=Count("id", filter=Q(state=MemberState.ACTIVE, party_status=PartyStatus.PROBATIONARY)),
            suspended=Count("id", filter=Q(state=MemberState.SUSPENDED)),
        )
        lead_days = int(rule_registry.value(reminder_rules.CONFIRMATION_LEAD_DAYS, today))
        limits = recruitment_rules.load(today)
        due = list(probation.due_for_confirmation(members, today + dt.timedelta(days=lead_days), limits)
                   .select_related("org")[:CONFIRMATION_LIMIT])
        context.update(
            roots=roots,
            org_counts={OrgKind(r["kind"]).label: r["n"] for r in org_counts},
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
