"""组织生活 reminders for the to-do list, registered with the reminder job (dangjian.core.reminders.registry).

会议即将到期 / 会议逾期未开 for every obligation of every active branch and group, from the same statuses as the
落实情况 matrix (compliance.status_for), and 草稿未提交 for records left as drafts. Keys name the org, the meeting
kind and the period (or the draft), so a dismissed reminder stays dismissed for that period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from dangjian.core.reminders import rules
from dangjian.core.reminders.registry import register
from dangjian.core.reminders.types import Entry, Group, Item, ReminderKind, cn
from dangjian.orglife import compliance
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.models import Meeting, MeetingKindTag
from dangjian.orglife.rules import COMPLIANCE_KEYS
from dangjian.orgs.models import Organization, OrgKind, OrgStatus

K = ReminderKind
PERIOD_WORD = {compliance.MONTH: "本月", compliance.QUARTER: "本季度", compliance.YEAR: "今年"}


@register(order=10, rules=COMPLIANCE_KEYS)
def meeting_items(today: dt.date, values: Mapping[str, Any]) -> list[Entry]:
    """DUE_SOON in the current period and OVERDUE in the period just ended, for every obligation of every active
    branch and group. Two queries: the orgs (with whether they have a committee), and one GROUP BY over the
    kind tags bucketed by (kind, current/previous period). Statuses come from compliance.status_for."""
    config = compliance.Config.from_values(dict(values))
    cells: list[tuple[str, str, compliance.Period]] = []  # (meeting kind, "cur"/"prev", period)
    for kind in compliance.KINDS:
        current = compliance.period_containing(config.periods[kind], today)
        previous = compliance.period_containing(config.periods[kind], current.start - dt.timedelta(days=1))
        cells += [(kind, "cur", current), (kind, "prev", previous)]
    orgs = list(
        Organization.objects.filter(status=OrgStatus.ACTIVE, kind__in=[OrgKind.BRANCH, OrgKind.GROUP])
        .annotate(has_committee=compliance.has_committee_q(today))
        .values("id", "path", "name", "kind", "founded_on", "dissolved_on", "has_committee")
    )
    tags = MeetingKindTag.objects.filter(
        Q(*[Q(kind=k, held_on__gte=p.start, held_on__lte=p.end) for k, _, p in cells], _connector=Q.OR)
    )
    if config.submitted_only:
        tags = tags.filter(submitted=True)
    bucket = Case(*[When(kind=k, held_on__gte=p.start, held_on__lte=p.end, then=Value(i))
                    for i, (k, _, p) in enumerate(cells)], default=Value(None), output_field=IntegerField())
    done: dict[tuple[int, int], int] = {
        (r["org_id"], r["cell"]): r["n"]
        for r in tags.annotate(cell=bucket).values("org_id", "cell").annotate(n=Count("id")).order_by()
    }
    create_url = reverse("orglife:create")
    matrix_url = reverse("orglife:compliance")
    groups: dict[tuple[str, int], Group] = {}
    items: list[Entry] = []
    for org in orgs:
        for i, (kind, which, period) in enumerate(cells):
            if not compliance.rule_applies(kind, org["kind"], org["has_committee"]):
                continue
            status = compliance.status_for(
                period, today, done.get((org["id"], i), 0), 1, org["founded_on"], org["dissolved_on"],
                config.due_soon_days, config.due_soon_from(kind, period),
            )
            label = MeetingKind(kind).label
            if which == "cur" and status == compliance.Status.DUE_SOON:
                rkind, title = K.MEETING_DUE_SOON, f"{org['name']}{period.label}的{label}尚未召开，{cn(period.end)}到期"
                summary = f"{PERIOD_WORD[period.kind]}有{{n}}个{OrgKind(org['kind']).label}即将到期未召开{label}"
            elif which == "prev" and status == compliance.Status.OVERDUE:
                rkind, title = K.MEETING_OVERDUE, f"{org['name']}{period.label}的{label}逾期未召开"
                summary = f"{period.label}有{{n}}个{OrgKind(org['kind']).label}逾期未召开{label}"
            else:
                continue
            group = groups.setdefault((rkind, i), Group(
                rkind, f"{rkind}:summary:{kind}:{period.key}", summary, f"{matrix_url}?year={period.end.year}"))
            items.append((org["path"], Item(
                rkind, f"{rkind}:{org['id']}:{kind}:{period.key}", title, f"{create_url}?org={org['id']}", group,
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
