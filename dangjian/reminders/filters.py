"""The to-do page's filter (/reminders/): kind, org (its whole subtree, by id) and due date, over the user's own
open reminders (`Reminder.objects.open_for(user)`); one FilterSet (docs/decisions.md, decision 13)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import QuerySet

from dangjian.core.filters import ScopedFilterSet, SubtreeFilter
from dangjian.reminders.models import Reminder, ReminderKind

OVERDUE, WEEK, MONTH, UNDATED = "overdue", "week", "month", "none"
DUE_CHOICES = [(OVERDUE, "已过截止日期"), (WEEK, "7天内到期"), (MONTH, "30天内到期"), (UNDATED, "无截止日期")]
DUE_WITHIN = {WEEK: 7, MONTH: 30}
Organization: Any = Reminder._meta.get_field("org").related_model


class ReminderFilter(ScopedFilterSet):
    """kind, org (its whole subtree; any other id gives no rows), due (late, within 7 or 30 days, undated)."""

    kind = django_filters.ChoiceFilter(label="类型", choices=ReminderKind.choices, empty_label="全部")
    org = SubtreeFilter(orgs=Organization, field_name="org__path")
    due = django_filters.ChoiceFilter(label="截止日期", choices=DUE_CHOICES, method="filter_due", empty_label="全部")

    class Meta:
        model = Reminder
        fields = ["kind", "org", "due"]

    def filter_due(self, qs: QuerySet[Reminder], name: str, value: str) -> QuerySet[Reminder]:
        if value == OVERDUE:
            return qs.filter(due_on__lt=self.today)
        if value in DUE_WITHIN:
            return qs.filter(due_on__gte=self.today, due_on__lte=self.today + dt.timedelta(days=DUE_WITHIN[value]))
        if value == UNDATED:
            return qs.filter(due_on__isnull=True)
        return qs
