"""The filters of the 学习培训 lists, one FilterSet each, shared by the page, its Excel export and the API:
the session list (learning.views.session_list, `/api/v1/study-sessions/`) and the participation list
(`/api/v1/study-participations/`). Each narrows rows already scoped by `visible_to(user)` / `*_for(user)`."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from dangjian.core.filters import IntegerFilter, ScopedFilterSet, SubtreeFilter, year_filter
from dangjian.learning import rules
from dangjian.learning.choices import SessionKind
from dangjian.learning.models import Participation, StudySession
from dangjian.orgs.models import Organization


def _in_year(qs: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
    """Rows held within the calendar year (`held_on`, kept on both sessions and participations)."""
    start, end = rules.year_bounds(value)
    return qs.filter(held_on__gte=start, held_on__lte=end)


class SessionFilter(ScopedFilterSet):
    """org (its whole subtree), kind, year of the session."""

    org = SubtreeFilter(orgs=Organization, field_name="org__path")
    kind = django_filters.ChoiceFilter(label="学习形式", choices=SessionKind.choices, empty_label="全部")
    year = year_filter(method="filter_year")

    class Meta:
        model = StudySession
        fields = ["org", "kind", "year"]

    filter_year = staticmethod(_in_year)


class ParticipationFilter(ScopedFilterSet):
    """member, session, year of the participation."""

    member = IntegerFilter(label="党员编号")
    session = IntegerFilter(label="学习培训编号")
    year = year_filter(method="filter_year")

    class Meta:
        model = Participation
        fields = ["member", "session", "year"]

    filter_year = staticmethod(_in_year)
