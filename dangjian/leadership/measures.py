"""班子 and 换届 measures, read from the leadership records (this app): whether an org's 届 is
past its due date, and how many vacancies its 班子 has. One plan each, whatever the number of orgs. Both are judged
on the period's reference day (today, or the period's last day once it is over)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from dangjian.core import rules as rule_registry
from dangjian.core.measures import register
from dangjian.leadership import rules
from dangjian.leadership.models import PostHolding, Term
from dangjian.leadership.rules import in_office_q, vacancies
from dangjian.lib.periods import CUSTOM, HALF, MONTH, QUARTER, YEAR, Period, reference_day
from dangjian.orgs.models import Organization, OrgKind, OrgStatus

_ALL = (YEAR, HALF, QUARTER, MONTH, CUSTOM)


@register(
    "orgs.terms.overdue", label="届期已满未换届", unit="是/否", higher_is_better=False, periods=_ALL,
    rules=tuple(rules.TERM_YEARS_BY_KIND.values()),
    description="党委、党总支、党支部截至期间最后一天（当前期间为今天）在任的届次已过届满（或调整后）日期而尚未换届；未录入届次的没有取值。",
)
def terms_overdue(orgs: QuerySet[Organization], period: Period) -> dict[int, bool]:
    """{org id: its 届 running on the reference day is past due} for the orgs with a 届 recorded by then."""
    day = reference_day(period, timezone.localdate())
    running = (Term.objects.filter(org=OuterRef("pk"), starts_on__lte=day)
               .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day)).order_by("-number"))
    due = Subquery(running.annotate(due=Coalesce("adjusted_end", "planned_end")).values("due")[:1])
    rows = (orgs.filter(status=OrgStatus.ACTIVE, kind__in=list(rules.TERM_YEARS_BY_KIND))
            .annotate(due_on=due).filter(due_on__isnull=False).values_list("pk", F("due_on")).order_by())
    return {pk: due_on < day for pk, due_on in rows}


@register(
    "orgs.committee.vacancies", label="班子空缺", unit="项", higher_is_better=False, periods=_ALL,
    rules=(rules.MAX_DEPUTY_SECRETARIES,),
    description="截至期间最后一天（当前期间为今天）班子的空缺和超配项数：书记空缺或多于1名、副书记超过规定人数、党小组组长空缺。",
)
def committee_vacancies(orgs: QuerySet[Organization], period: Period) -> dict[int, int]:
    """{org id: vacancies in its 班子 on the reference day} for active 党委, 党总支, 党支部 and 党小组."""
    day = reference_day(period, timezone.localdate())
    max_deputies = int(rule_registry.value(rules.MAX_DEPUTY_SECRETARIES, day))
    kinds = [*rules.TERM_YEARS_BY_KIND, OrgKind.GROUP]
    active = orgs.filter(status=OrgStatus.ACTIVE, kind__in=kinds)
    posts: dict[int, list[str]] = defaultdict(list)
    for org_id, post in (PostHolding.objects.filter(in_office_q(day), org__in=active.values("pk"))
                         .values_list("org_id", "post").order_by()):
        posts[org_id].append(post)
    return {pk: len(vacancies(kind, posts.get(pk, []), max_deputies))
            for pk, kind in active.values_list("pk", "kind").order_by()}
