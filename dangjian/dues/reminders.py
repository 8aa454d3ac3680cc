"""党费 reminders for the to-do list: members 3 or more months behind (党费欠缴), and those 6 months behind flagged
for the branch to decide on 自行脱党, read from the registered measure `dues.arrears.months` (its function on the job's day): a fixed number of
queries whatever the number of members (dangjian.reminders.generate adds these entries to its run)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.core.reminders.registry import register
from dangjian.core.reminders.types import Group, Item, ReminderKind
from dangjian.dues import calc, ledgers
from dangjian.dues.choices import ArrearsLevel
from dangjian.dues.measures import arrears_of

K = ReminderKind.DUES_ARREARS


@register(order=80)
def arrears_items(today: dt.date) -> list[tuple[str, Item]]:
    """(branch path, item) for every on-roll member at least `dues.arrears_warn_months` behind on `today`.

    The key names the member and the last owed month, so a member still behind next month is reminded again
    (with the new count) even if this month's reminder was dismissed; paying closes it on the next run."""
    config = calc.load_config(today)
    behind = arrears_of(list(ledgers.arrears_rows("", today, config)), today)
    month = calc.owed_through(today, False)
    group = Group(K, f"{K}:summary:{month:%Y-%m}", f"有{{n}}名党员连续{config.warn_months}个月以上未交纳党费",
                  reverse("dues:arrears"))
    items = []
    for row in behind:
        member = row.member
        if row.level == ArrearsLevel.FLAGGED:
            title = (f"{member.org.name}{member.name}已连续{row.months}个月未交纳党费，请党支部研究是否属于"
                     "无正当理由、按自行脱党处理")
        else:
            title = f"{member.org.name}{member.name}已连续{row.months}个月未交纳党费，请督促交纳"
        items.append((member.org.path, Item(
            K, f"{K}:{member.pk}:{calc.owed_through(today, row.quarterly):%Y-%m}", title,
            reverse("dues:statement", args=[member.pk]), group, None, member.org_id,
        )))
    return items
