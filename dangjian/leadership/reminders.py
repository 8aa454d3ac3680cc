"""班子 and 换届 reminders for the to-do list, registered with the reminder job (dangjian.core.reminders.registry).

换届即将到期 / 换届逾期 for open 届 of active orgs, and 班子空缺 for orgs without a 书记 in office. All the 班子 code
of the reminders is here, in the leadership app that owns 届 and posts. Keys name the 届 and its due date, or the
day the last secretary left, so a new episode is a new reminder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from dangjian.core.reminders.registry import register
from dangjian.core.reminders.types import Entry, Group, Item, ReminderKind, cn
from dangjian.leadership import rules
from dangjian.leadership.models import Post, PostHolding, Term
from dangjian.orgs.models import Organization, OrgStatus

K = ReminderKind


@register(order=20, rules=[rules.TERM_REMINDER_MONTHS])
def term_items(today: dt.date, values: Mapping[str, Any]) -> list[Entry]:
    """Open 届 of active orgs due within the reminder window (换届即将到期) or past due (换届逾期): one query.
    The window is rules.due_soon_limit, the SQL form of the board's term_state."""
    reminder_months = int(values[rules.TERM_REMINDER_MONTHS])
    limit = rules.due_soon_limit(today, reminder_months)
    rows = (
        Term.objects.filter(closed_on__isnull=True, org__status=OrgStatus.ACTIVE,
                            org__kind__in=list(rules.TERM_YEARS_BY_KIND))
        .annotate(due=Coalesce("adjusted_end", "planned_end")).filter(due__lte=limit)
        .values("id", "number", "due", "org_id", "org__path", "org__name")
    )
    board = reverse("orgs:leadership_board")
    due_group = Group(K.TERM_DUE, f"{K.TERM_DUE}:summary", f"有{{n}}个党组织任期将在{reminder_months}个月内届满，请督促做好换届准备",
                      f"{board}?tab={rules.TermState.DUE_SOON.value}")
    late_group = Group(K.TERM_OVERDUE, f"{K.TERM_OVERDUE}:summary", "有{n}个党组织任期已届满、尚未换届",
                       f"{board}?tab={rules.TermState.OVERDUE.value}")
    items = []
    for r in rows:
        state = rules.term_state(r["due"], None, today, reminder_months)
        name, number, due = r["org__name"], r["number"], r["due"]
        url = reverse("orgs:leadership_org", args=[r["org_id"]])
        if state == rules.TermState.OVERDUE:
            item = Item(K.TERM_OVERDUE, f"{K.TERM_OVERDUE}:{r['org_id']}:{r['id']}:{due.isoformat()}",
                        f"{name}第{number}届任期已于{cn(due)}届满，尚未换届", url, late_group, due, r["org_id"])
        elif state == rules.TermState.DUE_SOON:
            item = Item(K.TERM_DUE, f"{K.TERM_DUE}:{r['org_id']}:{r['id']}:{due.isoformat()}",
                        f"{name}第{number}届任期将于{cn(due)}届满，请做好换届准备", url, due_group, due, r["org_id"])
        else:
            continue
        items.append((r["org__path"], item))
    return items


@register(order=30)
def vacancy_items(today: dt.date) -> list[Entry]:
    """Active 党委, 党总支 and 党支部 with no 书记 in office today (rules.vacancies' 书记空缺): one query with
    NOT EXISTS. The key carries the day the last secretary left, so a later vacancy is a new reminder."""
    secretaries = PostHolding.objects.filter(org_id=OuterRef("pk"), post=Post.SECRETARY)
    rows = (
        Organization.objects.filter(status=OrgStatus.ACTIVE, kind__in=list(rules.TERM_YEARS_BY_KIND))
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=today))
        .annotate(
            has_secretary=Exists(secretaries.filter(rules.in_office_q(today))),
            last_left=Subquery(secretaries.filter(ends_on__lte=today).order_by("-ends_on").values("ends_on")[:1]),
        )
        .filter(has_secretary=False).values("id", "path", "name", "last_left")
    )
    group = Group(K.VACANCY, f"{K.VACANCY}:summary", "有{n}个党组织书记空缺，请及时补选",
                  reverse("orgs:leadership_board"))
    items = []
    for r in rows:
        since = r["last_left"]
        title = f"{r['name']}书记空缺" + (f"（{cn(since)}起）" if since else "") + "，请及时补选"
        items.append((r["path"], Item(
            K.VACANCY, f"{K.VACANCY}:{r['id']}:{since.isoformat() if since else 'none'}", title,
            reverse("orgs:leadership_org", args=[r["id"]]), group, None, r["id"],
        )))
    return items
