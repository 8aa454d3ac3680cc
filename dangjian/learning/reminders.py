"""学时不足 reminders for the to-do list (dangjian.reminders.generate.compute calls `study_items`).

From `learning.reminder_from_month` (October by default) to the end of the year, each branch with active
members still short of the year's target (32 学时, or 56 with a 集中培训 for secretaries and committee members)
gets one reminder saying how many are short (the linked shortfall list names them). The counts come from
`totals.branch_summary` per root org — two GROUP BYs over the whole tree, never a query per branch. The key names the branch and the year,
so a dismissed reminder stays dismissed for that year and the wording follows the count.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.core import rules as rule_registry
from dangjian.learning import rules, totals
from dangjian.orgs.models import Organization
from dangjian.reminders.registry import register
from dangjian.reminders.types import Group, Item, ReminderKind, cn

K = ReminderKind


@register(order=90)
def study_items(today: dt.date) -> list[tuple[str, Item]]:
    """(branch path, Item) for every active branch with members short of the year's 学时 target."""
    year = today.year
    if today.month < int(rule_registry.value(rules.REMINDER_FROM_MONTH, today)):
        return []
    targets = totals.load_targets(year)
    rows = [
        row
        for root in Organization.objects.filter(depth=1).order_by("path")
        for row in totals.branch_summary(root, year, targets, today)
        if row.short
    ]
    if not rows:
        return []
    url = reverse("learning:shortfall")
    group = Group(K.STUDY_SHORTFALL, f"{K.STUDY_SHORTFALL}:summary:{year}",
                  f"有{{n}}个党支部存在{year}年学时未达标的党员", f"{url}?year={year}")
    end = dt.date(year, 12, 31)
    items = []
    for row in rows:
        items.append((row.path, Item(
            K.STUDY_SHORTFALL, f"{K.STUDY_SHORTFALL}:{row.org_id}:{year}",
            f"{row.name}有{row.short}名党员{year}年学时尚未达标，请在{cn(end)}前安排补学",
            f"{url}?org={row.org_id}&year={year}", group, end, row.org_id,
        )))
    return items
