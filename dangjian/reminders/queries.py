"""Reads of a user's open reminders grouped by kind: how many of each kind, and the first few of each, for the home
card and the to-do page's kind tabs. Each is one query, whatever the number of reminders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.http import urlencode

from dangjian.reminders.models import KIND_ORDER, Reminder, ReminderKind


@dataclass
class KindGroup:
    """The open reminders of one kind: how many, and the first of them (each names its org)."""

    kind: str
    count: int
    first: list[Reminder] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(ReminderKind(self.kind).label)

    @property
    def url(self) -> str:
        """The to-do page narrowed to this kind."""
        return f"{reverse('reminders:list')}?{urlencode({'kind': self.kind})}"

    @property
    def more(self) -> int:
        return self.count - len(self.first)


def _rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def kind_counts(reminders: QuerySet[Reminder]) -> list[KindGroup]:
    """One group per kind present among `reminders`, late kinds first (KIND_ORDER), with its count. One query."""
    rows = reminders.order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n")
    return sorted((KindGroup(kind, n) for kind, n in rows), key=lambda g: _rank(g.kind))


def first_of_each_kind(reminders: QuerySet[Reminder], per_kind: int) -> dict[str, list[Reminder]]:
    """{kind: its first `per_kind` reminders by due date}: one query with a row number per kind."""
    numbered: Any = reminders.annotate(
        kind_row=Window(RowNumber(), partition_by=[F("kind")],
                        order_by=[F("due_on").asc(nulls_last=True), F("id").asc()]))
    found: dict[str, list[Reminder]] = defaultdict(list)
    for reminder in numbered.filter(kind_row__lte=per_kind).order_by("kind", "kind_row"):
        found[reminder.kind].append(reminder)
    return dict(found)


def grouped(reminders: QuerySet[Reminder], per_kind: int) -> list[KindGroup]:
    """The groups of `kind_counts`, each with its first `per_kind` reminders. Two queries."""
    groups = kind_counts(reminders)
    first = first_of_each_kind(reminders, per_kind) if groups else {}
    for group in groups:
        group.first = first.get(group.kind, [])
    return groups


def org_path_label(user: Any, value: Any) -> str | None:
    """"机关党委 › 第一党总支 › 第一党支部" for the org `value` (an id or an org) when the user can see it, else None: the
    to-do filter's chosen org, named with its path (ancestors above the user's scope too, so namesakes differ)."""
    from dangjian.reminders.filters import Organization

    pk = getattr(value, "pk", value)
    org = Organization.objects.visible_to(user).filter(pk=int(pk)).only("path", "name").first() \
        if str(pk).isdigit() else None
    if org is None:
        return None
    step = Organization.steplen
    above = [org.path[:end] for end in range(step, len(org.path), step)]
    names = Organization.objects.filter(path__in=above).order_by("path").values_list("name", flat=True)
    return " › ".join([*names, org.name])
