"""学时不足 reminders for the to-do list (dangjian.reminders.generate.compute calls `study_items`).

From `learning.reminder_from_month` (October by default) to the end of the year, each branch with active
members still short of the year's target (32 学时, or 56 with a 集中培训 for secretaries and committee members)
gets one reminder saying how many are short (the linked shortfall list names them). The counts come from the
registered measure `learning.hours.completion` over all orgs — two GROUP BYs over the whole tree, never a query
per branch. The key names the branch and the year, so a dismissed reminder stays dismissed for that year and the
wording follows the count.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.core import rules as rule_registry
from dangjian.core.reminders.registry import register
from dangjian.core.reminders.types import Group, Item, ReminderKind, cn
from dangjian.learning import measures, rules
from dangjian.lib.periods import Period
from dangjian.orgs.models import Organization

K = ReminderKind


@register(order=90)
def study_items(today: dt.date) -> list[tuple[str, Item]]:
    """(branch path, Item) for every active branch with members short of the year's 学时 target."""
    year = today.year
    if today.month < int(rule_registry.value(rules.REMINDER_FROM_MONTH, today)):
        return []
    completion = measures.hours_completion(Organization.objects.all(), Period.year(year))
    short = {org_id: row.short for org_id, row in completion.items() if row.short}
    rows = list(Organization.objects.filter(pk__in=list(short)).values_list("pk", "name", "path").order_by("path"))
    if not rows:
        return []
    url = reverse("learning:shortfall")
    group = Group(K.STUDY_SHORTFALL, f"{K.STUDY_SHORTFALL}:summary:{year}",
                  f"有{{n}}个党支部存在{year}年学时未达标的党员", f"{url}?year={year}")
    end = dt.date(year, 12, 31)
    items = []
    for org_id, name, path in rows:
        items.append((path, Item(
            K.STUDY_SHORTFALL, f"{K.STUDY_SHORTFALL}:{org_id}:{year}",
            f"{name}有{short[org_id]}名党员{year}年学时尚未达标，请在{cn(end)}前安排补学",
            f"{url}?org={org_id}&year={year}", group, end, org_id,
        )))
    return items
