"""发展党员 reminders for the to-do list (dangjian.reminders.generate.compute calls `recruitment_items`).

One query over all applicants: the open ones whose next step has a due date (谈话 1 month after the application,
考察 every 6 months, 审批 3 months after the 支部大会, 转正 when the probation ends) that falls within
`recruitment.due_soon_days` (发展党员待办) or has passed (发展党员逾期). The key names the applicant, the step and
its due date, so a new due date is a new reminder and a dismissed one is not raised again.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.core.reminders.registry import register
from dangjian.core.reminders.types import Group, Item, ReminderKind, cn
from dangjian.recruitment import rules
from dangjian.recruitment.filters import DUE_OVERDUE, DUE_SOON, due_window
from dangjian.recruitment.models import OPEN_STATUSES, Applicant
from dangjian.recruitment.steps import STEPS


@register(order=60)
def recruitment_items(today: dt.date) -> list[tuple[str, Item]]:
    start, end = due_window(today, rules.load(today))
    rows = (
        Applicant.objects.filter(status__in=OPEN_STATUSES, due_on__lte=end, next_step__isnull=False)
        .values("id", "name", "next_step", "due_on", "due_rule", "org_id", "org__path", "org__name")
    )
    base = reverse("recruitment:list")
    late_group = Group(ReminderKind.RECRUITMENT_OVERDUE, f"{ReminderKind.RECRUITMENT_OVERDUE}:summary",
                       "有{n}名入党申请人的发展步骤已逾期", f"{base}?due={DUE_OVERDUE}")
    due_group = Group(ReminderKind.RECRUITMENT_DUE, f"{ReminderKind.RECRUITMENT_DUE}:summary",
                      "有{n}名入党申请人的发展步骤即将到期", f"{base}?due={DUE_SOON}")
    items: list[tuple[str, Item]] = []
    for r in rows:
        due: dt.date = r["due_on"]  # type: ignore[assignment]  # filtered on due_on__lte: never null
        number: int = r["next_step"]  # type: ignore[assignment]  # filtered on next_step__isnull=False
        label = f"{number}. {STEPS[number].label}"
        if due < start:
            kind, group, title = (ReminderKind.RECRUITMENT_OVERDUE, late_group,
                                  f"{r['org__name']}{r['name']}的“{label}”已于{cn(due)}到期（{r['due_rule']}）")
        else:
            kind, group, title = (ReminderKind.RECRUITMENT_DUE, due_group,
                                  f"{r['org__name']}{r['name']}的“{label}”将于{cn(due)}到期（{r['due_rule']}）")
        items.append((r["org__path"], Item(
            kind, f"{kind}:{r['id']}:{r['next_step']}:{due.isoformat()}", title,
            reverse("recruitment:detail", args=[r["id"]]), group, due, r["org_id"],
        )))
    return items
