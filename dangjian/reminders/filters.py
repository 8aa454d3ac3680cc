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
ORG_CHOICE_LIMIT = 500
# The org model through the reminder's own field: this app imports none of the apps it reminds of.
Organization: Any = Reminder._meta.get_field("org").related_model


def org_choices(user: Any, selected: str | None) -> list[tuple[Any, str]]:
    """The org select's options: the orgs the user's open reminders are about (at most ORG_CHOICE_LIMIT, in tree
    order, indented), plus the selected one if it is another org the user can see. The filter itself takes any
    org the user can see, with its subtree."""
    rows = list(
        Reminder.objects.open_for(user).filter(org__isnull=False).order_by("org__path")
        .values_list("org_id", "org__name", "org__depth").distinct()[:ORG_CHOICE_LIMIT]
    )
    if selected and str(selected).isdigit() and not any(str(pk) == selected for pk, _n, _d in rows):
        extra = Organization.objects.visible_to(user).filter(pk=int(selected)).values_list("pk", "name", "depth")
        rows.extend(extra[:1])
    base = min((depth for _pk, _name, depth in rows), default=1)
    return [("", "全部")] + [(pk, "\u3000" * (depth - base) + name) for pk, name, depth in rows]


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
