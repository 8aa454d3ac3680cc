"""组织生活 reminders for the to-do list, registered with the reminder job (dangjian.core.reminders.registry).

会议即将到期 / 会议逾期未开 for every obligation of every active branch and group, read from the registered measure
`orglife.meetings.pending` (its function on the job's day; the same statuses as the 落实情况 matrix), and 草稿未提交
for records left as drafts. Keys name the org, the meeting kind and the period (or the draft), so a dismissed
reminder stays dismissed for that period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils import timezone

from dangjian.core.reminders import rules
from dangjian.core.reminders.registry import register
from dangjian.core.reminders.types import Entry, Group, Item, ReminderKind, cn
from dangjian.lib.periods import MONTH, QUARTER, YEAR, Period
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.compliance.counts import pending_of
from dangjian.orglife.compliance.statuses import Config, Status
from dangjian.orglife.models import Meeting
from dangjian.orglife.rules import COMPLIANCE_KEYS
from dangjian.orgs.models import Organization, OrgKind, OrgStatus

K = ReminderKind
PERIOD_WORD = {MONTH: "本月", QUARTER: "本季度", YEAR: "今年"}


@register(order=10, rules=COMPLIANCE_KEYS)
def meeting_items(today: dt.date, values: Mapping[str, Any]) -> list[Entry]:
    """DUE_SOON in the current period and OVERDUE in the period just ended, for every obligation of every active
    branch and group: the function of the registered measure `orglife.meetings.pending` on the job's day (a
    one-day period) with the rules in force that day, plus one query for the orgs' names — a fixed number of
    queries whatever the orgs."""
    orgs = Organization.objects.filter(status=OrgStatus.ACTIVE, kind__in=[OrgKind.BRANCH, OrgKind.GROUP])
    pending = pending_of(orgs, Period.range(today, today), today, Config.from_values(dict(values)))
    create_url = reverse("orglife:create")
    matrix_url = reverse("orglife:compliance")
    groups: dict[tuple[str, str, str], Group] = {}
    items: list[Entry] = []
    for org in orgs.values("id", "path", "name", "kind"):
        for due in pending.get(org["id"], ()):
            period, label = due.period, MeetingKind(due.kind).label
            if due.status == Status.DUE_SOON:
                rkind, title = K.MEETING_DUE_SOON, f"{org['name']}{period.label}的{label}尚未召开，{cn(period.end)}到期"
                summary = f"{PERIOD_WORD[period.kind]}有{{n}}个{OrgKind(org['kind']).label}即将到期未召开{label}"
            else:
                rkind, title = K.MEETING_OVERDUE, f"{org['name']}{period.label}的{label}逾期未召开"
                summary = f"{period.label}有{{n}}个{OrgKind(org['kind']).label}逾期未召开{label}"
            group = groups.setdefault((rkind, due.kind, period.key), Group(
                rkind, f"{rkind}:summary:{due.kind}:{period.key}", summary, f"{matrix_url}?year={period.end.year}"))
            items.append((org["path"], Item(
                rkind, f"{rkind}:{org['id']}:{due.kind}:{period.key}", title, f"{create_url}?org={org['id']}", group,
                period.end, org["id"],
            )))
    return items


@register(order=40, rules=[rules.DRAFT_DAYS])
def draft_items(today: dt.date, values: Mapping[str, Any]) -> list[Entry]:
    """Meeting records still drafts more than `reminders.draft_days` whole days after they were entered: one
    query. A draft entered on 1 April with days=3 is reminded from 5 April."""
    days = int(values[rules.DRAFT_DAYS])
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time.min))
    rows = (
        Meeting.objects.filter(status=MeetingStatus.DRAFT, created_at__lt=cutoff, org__status=OrgStatus.ACTIVE)
        .values("id", "title", "held_on", "org_id", "org__path", "org__name")
    )
    group = Group(K.DRAFT_UNSUBMITTED, f"{K.DRAFT_UNSUBMITTED}:summary",
                  f"有{{n}}条组织生活记录草稿超过{days}天未提交", f"{reverse('orglife:list')}?status={MeetingStatus.DRAFT}")
    return [
        (r["org__path"], Item(
            K.DRAFT_UNSUBMITTED, f"{K.DRAFT_UNSUBMITTED}:{r['id']}",
            f"{r['org__name']}{cn(r['held_on'])}的“{r['title']}”仍是草稿，请核对后提交",
            reverse("orglife:detail", args=[r["id"]]), group, r["held_on"], r["org_id"],
        ))
        for r in rows
    ]
