"""党员 reminders for the to-do list, registered with the reminder job (dangjian.core.reminders.registry).

预备期满待转正 for 预备党员 whose probation ends soon or has ended, and the 政治生日 of members in its month: the
managers get one reminder each, the member's own user a personal one under the same key. Keys name the member and
their 入党 date, or the month, so a dismissed reminder stays dismissed for that episode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from dangjian.core.reminders import rules
from dangjian.core.reminders.registry import register
from dangjian.core.reminders.types import Entry, Group, Item, Own, ReminderKind, cn
from dangjian.lib.dates import add_years
from dangjian.members.choices import MemberState, PartyStatus
from dangjian.members.models import Member
from dangjian.members.validation import PROBATION_YEARS

K = ReminderKind


@register(order=50, rules=[rules.CONFIRMATION_LEAD_DAYS])
def confirmation_items(today: dt.date, values: Mapping[str, Any]) -> list[Entry]:
    """预备党员 whose one-year probation (党章 第七条) ends within `reminders.confirmation_lead_days` days or has
    ended: one query (with a day's slack for 29 February), the exact end from add_years. Members admitted through
    发展党员 are left to its own reminders (dangjian.recruitment.reminders), which know an extended probation."""
    horizon = today + dt.timedelta(days=int(values[rules.CONFIRMATION_LEAD_DAYS]))
    rows = (
        Member.objects.filter(state=MemberState.ACTIVE, party_status=PartyStatus.PROBATIONARY,
                              joined_on__lte=add_years(horizon, -PROBATION_YEARS) + dt.timedelta(days=1),
                              applicant__isnull=True)
        .values("id", "name", "joined_on", "org_id", "org__path", "org__name")
    )
    group = Group(K.CONFIRMATION_DUE, f"{K.CONFIRMATION_DUE}:summary", "有{n}名预备党员预备期即将届满或已届满，请及时讨论转正",
                  f"{reverse('members:list')}?party_status={PartyStatus.PROBATIONARY}")
    items = []
    for r in rows:
        end = add_years(r["joined_on"], PROBATION_YEARS)
        if end > horizon:
            continue
        verb = "已于" if end <= today else "将于"
        items.append((r["org__path"], Item(
            K.CONFIRMATION_DUE, f"{K.CONFIRMATION_DUE}:{r['id']}:{r['joined_on'].isoformat()}",
            f"{r['org__name']}预备党员{r['name']}的预备期{verb}{cn(end)}届满，请及时讨论转正",
            reverse("members:detail", args=[r["id"]]), group, end, r["org_id"],
        )))
    return items


@register(order=110, rules=[rules.POLITICAL_BIRTHDAY_BASIS])
def birthday_items(today: dt.date, values: Mapping[str, Any]) -> list[Entry | Own]:
    """Members on the roll whose 政治生日 (入党 or 转正 date, by rule) falls in today's month of an earlier year:
    one query. Each gives the managers' reminder and the member's own, under the same key."""
    basis = str(values[rules.POLITICAL_BIRTHDAY_BASIS])
    if basis not in rules.BASES:
        raise ValueError(f"{rules.POLITICAL_BIRTHDAY_BASIS} must be one of {rules.BASES}, got {basis!r}")
    date_field = "joined_on" if basis == rules.BASIS_JOINED else "confirmed_on"
    word = "入党" if basis == rules.BASIS_JOINED else "转正"
    rows = (
        Member.objects.filter(state=MemberState.ACTIVE, **{f"{date_field}__month": today.month,
                                                          f"{date_field}__year__lt": today.year})
        .values("id", "name", date_field, "org_id", "org__path", "org__name")
    )
    month = f"{today:%Y-%m}"
    group = Group(K.POLITICAL_BIRTHDAY, f"{K.POLITICAL_BIRTHDAY}:summary:{month}", "本月有{n}名党员过政治生日",
                  reverse("members:list"))
    mine = reverse("members:mine")
    found: list[Entry | Own] = []
    for r in rows:
        basis_day: dt.date = r[date_field]
        years = today.year - basis_day.year
        day = add_years(basis_day, years)
        key = f"{K.POLITICAL_BIRTHDAY}:{r['id']}:{month}"
        found.append((r["org__path"], Item(
            K.POLITICAL_BIRTHDAY, key,
            f"{r['org__name']}{r['name']}{day.month}月{day.day}日过第{years}个政治生日（{cn(basis_day)}{word}）",
            reverse("members:detail", args=[r["id"]]), group, day, r["org_id"])))
        found.append(Own(r["id"], Item(
            K.POLITICAL_BIRTHDAY, key,
            f"{day.month}月{day.day}日是您的第{years}个政治生日（{cn(basis_day)}{word}），不忘初心",
            mine, group, day, r["org_id"])))
    return found
