"""The meeting list's filters, shared by the page (orglife.views.meeting_list) and the API (`/api/v1/meetings/`):
one FilterSet, so the two can never disagree about which meetings a query means.

Parameters: org (its whole subtree), kind, status, month_from / month_to (whole months, "2025-06"; the page's
fields) and held_on_from / held_on_to (single days, ISO dates; the API's, kept on the page as hidden inputs).
Both ranges are canonical: months for browsing, days where a client needs a day's precision.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field

from dangjian.core.filters import ScopedFilterSet, SubtreeFilter
from dangjian.lib.periods import add_months
from dangjian.orglife.choices import MeetingStatus
from dangjian.orglife.forms import MonthField, kind_choices, parse_month
from dangjian.orglife.models import Meeting
from dangjian.orgs.models import Organization


@extend_schema_field({"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "description": "月份，如 2025-06"})
class MonthFilter(django_filters.CharFilter):
    """A month as "YYYY-MM" (the browser's month input)."""

    field_class = MonthField


def _first_day(value: str) -> dt.date | None:
    found = parse_month(value)
    return dt.date(found[0], found[1], 1) if found else None


class MeetingFilter(ScopedFilterSet):
    """org (its whole subtree), kind, status, and the meeting day by months or by days."""

    org = SubtreeFilter(orgs=Organization, field_name="org__path")
    kind = django_filters.ChoiceFilter(label="类型", choices=kind_choices(), method="filter_kind", empty_label="全部")
    month_from = MonthFilter(label="起始月份", method="filter_month_from")
    month_to = MonthFilter(label="截止月份", method="filter_month_to")
    status = django_filters.ChoiceFilter(label="状态", choices=MeetingStatus.choices, empty_label="全部")
    held_on_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label="起始日期")
    held_on_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label="截止日期")

    page_hidden = ("held_on_from", "held_on_to")

    class Meta:
        model = Meeting
        fields = ["org", "kind", "month_from", "month_to", "status", "held_on_from", "held_on_to"]

    def filter_kind(self, qs: QuerySet[Meeting], name: str, value: str) -> QuerySet[Meeting]:
        return qs.filter(kind_tags__kind=value)  # one tag per meeting and kind: no duplicate rows

    def filter_month_from(self, qs: QuerySet[Meeting], name: str, value: str) -> QuerySet[Meeting]:
        start = _first_day(value)
        return qs.filter(held_on__gte=start) if start else qs

    def filter_month_to(self, qs: QuerySet[Meeting], name: str, value: str) -> QuerySet[Meeting]:
        start = _first_day(value)
        return qs.filter(held_on__lt=add_months(start, 1)) if start else qs
