"""The filters of the 民主评议党员 lists, one FilterSet each, shared by the page, its Excel export and the API:
rounds (appraisal.views.round_list, `/api/v1/appraisal/rounds/`), results (`/api/v1/appraisal/results/`, and
the page's "尚未作出组织处置" block) and follow-ups (appraisal.views.followup_list,
`/api/v1/appraisal/followups/`). Each narrows rows already scoped by `visible_to(user)`.

The follow-ups take `state` (the page's, canonical: open, due, overdue, closed, pending) and `open` (the API's
older true/false, the same as state=open / state=closed; a hidden input on the page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import QuerySet

from dangjian.appraisal import rules
from dangjian.appraisal.choices import FollowUpKind, Rating, RoundStatus
from dangjian.appraisal.models import AppraisalResult, AppraisalRound, FollowUp
from dangjian.core import rules as rule_registry
from dangjian.core.filters import IntegerFilter, ScopedFilterSet, StrictBooleanFilter, SubtreeFilter, year_filter
from dangjian.orgs.models import Organization

PENDING = "pending"
FOLLOWUP_STATES = [
    ("open", "进行中"), ("due", "即将到期"), ("overdue", "逾期未登记结果"), ("closed", "已办结"),
    (PENDING, "尚未作出组织处置"),
]


class RoundFilter(ScopedFilterSet):
    """org (its whole subtree), year, status."""

    org = SubtreeFilter(orgs=Organization, field_name="org__path")
    year = year_filter()
    status = django_filters.ChoiceFilter(label="状态", choices=RoundStatus.choices, empty_label="全部")

    class Meta:
        model = AppraisalRound
        fields = ["org", "year", "status"]


class ResultFilter(ScopedFilterSet):
    """org (its whole subtree), year, round, member, rating."""

    org = SubtreeFilter(orgs=Organization, field_name="round__org__path")
    year = year_filter(field_name="round__year", label="评议年度")
    round = IntegerFilter(field_name="round_id", label="民主评议编号")
    member = IntegerFilter(field_name="member_id", label="党员编号")
    rating = django_filters.ChoiceFilter(label="评定等次", choices=Rating.choices, empty_label="全部")

    class Meta:
        model = AppraisalResult
        fields = ["org", "year", "round", "member", "rating"]


class FollowUpFilter(ScopedFilterSet):
    """org (its whole subtree), year of the round, kind, state (or the older open=true/false)."""

    org = SubtreeFilter(orgs=Organization, field_name="result__round__org__path")
    year = year_filter(field_name="result__round__year", label="评议年度")
    kind = django_filters.ChoiceFilter(label="处置方式", choices=FollowUpKind.choices, empty_label="全部")
    state = django_filters.ChoiceFilter(label="状态", choices=FOLLOWUP_STATES, method="filter_state", empty_label="全部")
    open = StrictBooleanFilter(method="filter_open", label="进行中（true）或已办结（false），同 state=open / closed")

    page_hidden = ("open",)

    class Meta:
        model = FollowUp
        fields = ["org", "year", "kind", "state", "open"]

    def filter_state(self, qs: QuerySet[FollowUp], name: str, value: str) -> QuerySet[FollowUp]:
        if value == "open":
            return qs.filter(outcome="")
        if value == "due":
            due_days = int(rule_registry.value(rules.CORRECTION_DUE_DAYS, self.today))
            return qs.filter(outcome="", deadline__gte=self.today, deadline__lte=self.today + dt.timedelta(days=due_days))
        if value == "overdue":
            return qs.filter(outcome="", deadline__lt=self.today)
        if value == "closed":
            return qs.exclude(outcome="")
        if value == PENDING:
            return qs.none()  # those members have no follow-up yet: see `pending`
        return qs

    def filter_open(self, qs: QuerySet[FollowUp], name: str, value: bool) -> QuerySet[FollowUp]:
        return self.filter_state(qs, name, "open" if value else "closed")

    def pending(self, results: QuerySet[AppraisalResult]) -> QuerySet[AppraisalResult]:
        """Of `results` (those rated 不合格 still without a follow-up), the ones in the same org and year; none
        when the filters are bad or ask for follow-ups in some state (they have none)."""
        if not self.form.is_valid():
            return results.none()
        data: dict[str, Any] = self.form.cleaned_data
        if (data.get("state") or PENDING) != PENDING or data.get("open") is not None:
            return results.none()
        org = data.get("org")
        narrowed = ResultFilter({"org": "" if org is None else org, "year": data.get("year") or ""},
                                queryset=results, user=self.user)
        return narrowed.rows()
