"""学时不足 reminders for the to-do list (dangjian.reminders.generate.compute calls `study_items`).

From `learning.reminder_from_month` (October by default) to the end of the year, each branch with active
members still short of the year's target (32 学时, or 56 with a 集中培训 for secretaries and committee members)
gets one reminder, naming how many are short and the three furthest behind. One query over all members (annotated
by dangjian.learning.totals, streamed), never a query per branch. The key names the branch and the year,
so a dismissed reminder stays dismissed for that year and the wording follows the count.
"""

from __future__ import annotations

import datetime as dt
import heapq
from decimal import Decimal
from typing import Any

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
    # One pass: the short members of every active branch (streamed), counted and the three furthest behind kept
    # per branch for the wording.
    annotated: Any = totals.member_totals(
        Member.objects.filter(state=MemberState.ACTIVE, org__status=OrgStatus.ACTIVE), year, targets, today,
    )
    short_members = annotated.filter(totals.short_q(targets)).order_by().values_list(
        "org_id", "org__path", "org__name", "name", "short_by",
    )
    branches: dict[int, tuple[str, str]] = {}
    counts: dict[int, int] = {}
    furthest: dict[int, list[tuple[Decimal, str]]] = {}
    for org_id, path, org_name, name, short_by in short_members.iterator(chunk_size=5000):
        branches[org_id] = (path, org_name)
        counts[org_id] = counts.get(org_id, 0) + 1
        heap = furthest.setdefault(org_id, [])
        entry = (totals.round_hours(short_by), name)
        if len(heap) < NAMES_SHOWN:
            heapq.heappush(heap, entry)
        else:
            heapq.heappushpop(heap, entry)
    if not branches:
        return []
    url = reverse("learning:shortfall")
    group = Group(K.STUDY_SHORTFALL, f"{K.STUDY_SHORTFALL}:summary:{year}",
                  f"有{{n}}个党支部存在{year}年学时未达标的党员", f"{url}?year={year}")
    end = dt.date(year, 12, 31)
    items = []
    for org_id, (path, org_name) in sorted(branches.items(), key=lambda kv: kv[1][0]):
        n = counts[org_id]
        who = "、".join(name for _short, name in sorted(furthest[org_id], reverse=True))
        more = "等" if n > NAMES_SHOWN else ""
        items.append((path, Item(
            K.STUDY_SHORTFALL, f"{K.STUDY_SHORTFALL}:{org_id}:{year}",
            f"{org_name}有{n}名党员{year}年学时尚未达标（{who}{more}），请在{cn(end)}前安排补学",
            f"{url}?org={org_id}&year={year}", group, end, org_id,
        )))
    return items
