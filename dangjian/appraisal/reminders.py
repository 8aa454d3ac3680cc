"""Reminders of 民主评议党员 for the to-do system, one query per source over all orgs, handed to users by
dangjian.reminders.generate like every other source (不合格党员整改, ReminderKind.APPRAISAL_FOLLOWUP, for the first two;
民主评议待开展, ReminderKind.APPRAISAL_ROUND_DUE, for the last):

- an open 限期改正 whose deadline is within `appraisal.correction_due_days` days (到期) or has passed without a
  result (逾期): the key names the follow-up and the state, so the 到期 reminder closes when the 逾期 one opens;
- a member rated 不合格 in a confirmed round with no 组织处置 recorded yet;
- from `appraisal.round_reminder_month` (October) to the year's end, an active branch with members that has no
  round for the year yet.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.appraisal import rules
from dangjian.appraisal.actions import awaiting_followup
from dangjian.appraisal.choices import FollowUpKind
from dangjian.appraisal.measures import round_begun
from dangjian.appraisal.models import AppraisalResult, FollowUp
from dangjian.core import rules as rule_registry
from dangjian.core.reminders.registry import register
from dangjian.core.reminders.types import Group, Item, ReminderKind, cn
from dangjian.lib.periods import Period
from dangjian.members.choices import ON_ROLL_STATES
from dangjian.orgs.models import Organization, OrgKind, OrgStatus

K = ReminderKind.APPRAISAL_FOLLOWUP


def correction_items(today: dt.date, due_days: int) -> list[tuple[str, Item]]:
    """Open 限期改正 due within `due_days` days or past their deadline: one query."""
    rows = (
        FollowUp.objects.filter(kind=FollowUpKind.CORRECTION, outcome="", deadline__isnull=False,
                                deadline__lte=today + dt.timedelta(days=due_days),
                                result__member__state__in=ON_ROLL_STATES)
        .values("id", "deadline", "result__member__name", "result__round__org_id", "result__round__org__path",
                "result__round__org__name")
    )
    url = reverse("appraisal:followups")
    due_group = Group(K, f"{K}:summary:correction_due", "有{n}名不合格党员的限期改正即将到期", f"{url}?state=due")
    late_group = Group(K, f"{K}:summary:correction_overdue", "有{n}名不合格党员的限期改正已到期、尚未登记改正结果",
                       f"{url}?state=overdue")
    items = []
    for r in rows:
        deadline: dt.date = r["deadline"]  # type: ignore[assignment]  # filtered on deadline__isnull=False
        state = rules.correction_state(deadline, today, due_days)
        who = f"{r['result__round__org__name']}{r['result__member__name']}"
        if state == "overdue":
            title, group = f"{who}的限期改正已于{cn(deadline)}到期，请登记改正结果或作出进一步处置", late_group
        else:
            title, group = f"{who}的限期改正将于{cn(deadline)}到期，请跟进改正情况", due_group
        items.append((r["result__round__org__path"], Item(
            K, f"{K}:correction:{r['id']}:{state}", title, reverse("appraisal:followup", args=[r["id"]]), group,
            r["deadline"], r["result__round__org_id"],
        )))
    return items


def pending_items() -> list[tuple[str, Item]]:
    """Members rated 不合格 in a confirmed round, still on the roll, with no 组织处置 yet: one query."""
    rows = (
        awaiting_followup(AppraisalResult.objects.all())
        .values("id", "member__name", "round_id", "round__year", "round__held_on", "round__org_id",
                "round__org__path", "round__org__name")
    )
    group = Group(K, f"{K}:summary:pending", "有{n}名评定为不合格的党员尚未作出组织处置",
                  f"{reverse('appraisal:followups')}?state=pending")
    return [
        (r["round__org__path"], Item(
            K, f"{K}:pending:{r['id']}",
            f"{r['round__org__name']}{r['member__name']}在{r['round__year']}年度民主评议中被评定为不合格，尚未作出组织处置",
            reverse("appraisal:detail", args=[r["round_id"]]), group, r["round__held_on"], r["round__org_id"],
        ))
        for r in rows
    ]


def round_items(today: dt.date, from_month: int) -> list[tuple[str, Item]]:
    """From `from_month` to the year's end: active branches with members on the roll and no round for the year
    (drafts count as begun), from the measure `appraisal.round.begun`. Two queries."""
    if not rules.round_due(today, from_month):
        return []
    year = today.year
    kind = ReminderKind.APPRAISAL_ROUND_DUE
    branches = Organization.objects.filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE).exclude(founded_on__gt=today)
    begun = round_begun(branches, Period.year(year))  # the measure appraisal.round.begun
    rows = [r for r in branches.values("id", "path", "name").order_by() if begun.get(r["id"]) is False]
    end = dt.date(year, 12, 31)
    # The keys keep their first prefix, so a reminder dismissed before the kind had its own name stays dismissed.
    group = Group(kind, f"{K}:summary:round:{year}", f"有{{n}}个党支部尚未开展{year}年度民主评议党员",
                  f"{reverse('appraisal:summary')}?year={year}")
    create = reverse("appraisal:create")
    return [
        (r["path"], Item(
            kind, f"{K}:round:{r['id']}:{year}", f"{r['name']}尚未开展{year}年度民主评议党员（一般每年1次，可结合组织生活会进行）",
            f"{create}?org={r['id']}", group, end, r["id"],
        ))
        for r in rows
    ]


@register(order=100)
def appraisal_items(today: dt.date) -> list[tuple[str, Item]]:
    """Every 民主评议党员 reminder open on `today` (three queries and one for the rule values)."""
    values = rule_registry.values([rules.CORRECTION_DUE_DAYS, rules.ROUND_REMINDER_MONTH], today)
    return [
        *correction_items(today, int(values[rules.CORRECTION_DUE_DAYS])),
        *pending_items(),
        *round_items(today, int(values[rules.ROUND_REMINDER_MONTH])),
    ]
