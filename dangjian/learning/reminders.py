"""学时不足 reminders for the to-do list (dangjian.reminders.generate.compute calls `study_items`).

From `learning.reminder_from_month` (October by default) to the end of the year, each branch with active
members still short of the year's target (32 学时, or 56 with a 集中培训 for secretaries and committee members)
gets one reminder, naming how many are short and the first few of them. One GROUP BY over all branches (the
members annotated by dangjian.learning.totals), never a query per branch. The key names the branch and the year,
so a dismissed reminder stays dismissed for that year and the wording follows the count.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Sum
from django.urls import reverse

from dangjian.core import rules as rule_registry
from dangjian.learning import rules, totals
from dangjian.members.choices import MemberState
from dangjian.members.models import Member
from dangjian.orgs.models import OrgStatus
from dangjian.reminders.generate import Group, Item, cn
from dangjian.reminders.models import ReminderKind

K = ReminderKind
NAMES_SHOWN = 3


def study_items(today: dt.date) -> list[tuple[str, Item]]:
    """(branch path, Item) for every active branch with members short of the year's 学时 target."""
    year = today.year
    if today.month < int(rule_registry.value(rules.REMINDER_FROM_MONTH, today)):
        return []
    targets = totals.load_targets(year)
    short_rows = (
        totals.member_totals(Member.objects.filter(state=MemberState.ACTIVE, org__status=OrgStatus.ACTIVE),
                             year, targets, today)
        .filter(totals.short_q(targets)).order_by()
        .values("org_id", "org__path", "org__name")
        .annotate(n=Count("id"), missing=Sum("short_by"))
        .order_by("org__path")
    )
    rows = list(short_rows)
    if not rows:
        return []
    # The first few names per branch, for the wording: one more query over the short members of those branches.
    names: dict[int, list[str]] = {}
    for org_id, name in (
        totals.member_totals(Member.objects.filter(state=MemberState.ACTIVE, org_id__in=[r["org_id"] for r in rows]),
                             year, targets, today)
        .filter(totals.short_q(targets)).order_by("org_id", "-short_by", "name_pinyin").values_list("org_id", "name")
    ):
        shown = names.setdefault(org_id, [])
        if len(shown) < NAMES_SHOWN:
            shown.append(name)
    url = reverse("learning:shortfall")
    group = Group(K.STUDY_SHORTFALL, f"{K.STUDY_SHORTFALL}:summary:{year}",
                  f"有{{n}}个党支部存在{year}年学时未达标的党员", f"{url}?year={year}")
    end = dt.date(year, 12, 31)
    items = []
    for r in rows:
        who = "、".join(names.get(r["org_id"], []))
        more = "等" if r["n"] > NAMES_SHOWN else ""
        items.append((r["org__path"], Item(
            K.STUDY_SHORTFALL, f"{K.STUDY_SHORTFALL}:{r['org_id']}:{year}",
            f"{r['org__name']}有{r['n']}名党员{year}年学时尚未达标（{who}{more}），请在{cn(end)}前安排补学",
            f"{url}?org={r['org_id']}&year={year}", group, end, r["org_id"],
        )))
    return items
