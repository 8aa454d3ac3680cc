"""Compliance of organizational life with its rules: the pure part — statuses, colours, silence, the rules in force.

No queries except `load_config` (the rule values): these functions take plain values and are tested with frozen time
at every boundary. The set-based counting is in `counts`, the registered measures in `dangjian.orglife.measures`.

Decisions (docs/rules.md):
- A period applies to an org when the org existed on the period's last day: founded on or before it and not yet
  dissolved (`dissolved_on` is the first day it no longer exists). A branch founded on 15 February owes the Q1
  党员大会; one founded on 1 April does not. No founding record (`founded_on` empty) means it always existed.
- A branch "has a committee" (so owes the monthly 支委会) when a member holds, on the reference day, a committee
  post other than 书记/副书记 (组织委员, 宣传委员, 纪检委员, 委员): a branch without a committee has only a
  secretary and perhaps a deputy (第二十条). The reference day is today, or 31 December for a past year.
- A record counts when it is submitted (rule orglife.count_submitted_only); it counts for the org it belongs to.
- 红/黄/绿 looks at the obligations whose period ended in the last three complete months: green none overdue,
  yellow one, red two or more, or the branch is silent. 党小组会 belong to the groups and are not in a branch's
  colour.
- A branch is silent when its last submitted meeting is `silent_days` or more days old (or it has none), unless it
  was founded less than `silent_days` ago.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dangjian.core import rules
from dangjian.lib.periods import EVERY_LABELS, MONTH, QUARTER, YEAR, Period, month_start, periods_of_year
from dangjian.orglife import rules as orglife_rules
from dangjian.orglife.choices import MeetingKind
from dangjian.orgs.models import OrgKind

PERIOD_KINDS = (MONTH, QUARTER, YEAR)
PERIOD_LABELS = {kind: EVERY_LABELS[kind] for kind in PERIOD_KINDS}

# Kinds that are obligations, in the order the pages show them.
KINDS: list[str] = [
    MeetingKind.THEME_DAY, MeetingKind.COMMITTEE_MEETING, MeetingKind.BRANCH_ASSEMBLY, MeetingKind.PARTY_LECTURE,
    MeetingKind.GROUP_MEETING, MeetingKind.LIFE_MEETING, MeetingKind.MEMBER_REVIEW,
]
BRANCH_KINDS = [k for k in KINDS if k != MeetingKind.GROUP_MEETING]

# Org kind whose members owe each meeting kind.
OWNER_KIND: dict[str, str] = {k: (OrgKind.GROUP if k == MeetingKind.GROUP_MEETING else OrgKind.BRANCH) for k in KINDS}


class Status(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OPEN = "open"
    FUTURE = "future"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def css(self) -> str:
        return STATUS_CSS[self]


STATUS_LABELS = {
    Status.DONE: "已完成", Status.OVERDUE: "逾期未开", Status.DUE_SOON: "即将到期", Status.OPEN: "进行中",
    Status.FUTURE: "未开始", Status.NOT_APPLICABLE: "不适用",
}
STATUS_CSS = {
    Status.DONE: "bg-green-lt", Status.OVERDUE: "bg-red-lt", Status.DUE_SOON: "bg-yellow-lt",
    Status.OPEN: "bg-azure-lt", Status.FUTURE: "", Status.NOT_APPLICABLE: "text-secondary",
}


# --- periods (dangjian.lib.periods) ------------------------------------------------------------------------------


def period_containing(kind: str, day: dt.date) -> Period:
    """The month, quarter or year that contains `day`."""
    return Period.containing(kind, day)


# --- pure rules -------------------------------------------------------------------------------------------------


def existed_on(day: dt.date, founded_on: dt.date | None, dissolved_on: dt.date | None) -> bool:
    """Whether the org existed on `day`: founded by then, not yet dissolved (dissolved_on: first day gone)."""
    return (founded_on is None or founded_on <= day) and (dissolved_on is None or day < dissolved_on)


def applies(period: Period, founded_on: dt.date | None, dissolved_on: dt.date | None) -> bool:
    """A period's obligation applies when the org existed on the period's last day."""
    return existed_on(period.end, founded_on, dissolved_on)


def rule_applies(meeting_kind: str, org_kind: str, has_committee: bool) -> bool:
    """Which obligations an org has by its kind: branch meetings for 党支部 (支委会 only with a committee),
    党小组会 for each 党小组."""
    if meeting_kind not in OWNER_KIND or OWNER_KIND[meeting_kind] != org_kind:
        return False
    return meeting_kind != MeetingKind.COMMITTEE_MEETING or has_committee


def status_for(
    period: Period,
    today: dt.date,
    count: int,
    required: int = 1,
    applicable_from: dt.date | None = None,
    applicable_until: dt.date | None = None,
    due_soon_days: int = 7,
    due_soon_from: dt.date | None = None,
    applicable: bool = True,
) -> Status:
    """One cell: done when enough records; otherwise overdue once the period has ended, due soon within
    `due_soon_days` of its end (or from `due_soon_from`, e.g. 1 October for the 组织生活会), open while it runs,
    future before it starts. Not applicable when the rule does not bind the org or the org did not exist on the
    period's last day."""
    if not applicable or not applies(period, applicable_from, applicable_until):
        return Status.NOT_APPLICABLE
    if count >= required:
        return Status.DONE
    if today > period.end:
        return Status.OVERDUE
    if today < period.start:
        return Status.FUTURE
    soon = period.end - dt.timedelta(days=due_soon_days)
    if due_soon_from is not None:
        soon = min(soon, due_soon_from)
    return Status.DUE_SOON if today >= soon else Status.OPEN


def colour_for(overdue: int, silent: bool) -> str:
    """红/黄/绿: red for two or more overdue obligations or a silent branch, yellow for one, green for none."""
    if silent or overdue >= 2:
        return "red"
    return "yellow" if overdue == 1 else "green"


COLOUR_LABELS = {"red": "红", "yellow": "黄", "green": "绿"}
COLOUR_CSS = {"red": "bg-red-lt", "yellow": "bg-yellow-lt", "green": "bg-green-lt"}


def is_silent(today: dt.date, last_held_on: dt.date | None, founded_on: dt.date | None, silent_days: int) -> bool:
    """No submitted meeting for `silent_days` days or more; a branch younger than that is not silent yet."""
    if founded_on is not None and (today - founded_on).days < silent_days:
        return False
    return last_held_on is None or (today - last_held_on).days >= silent_days


@dataclass(frozen=True)
class Config:
    """The compliance rules in force on one day, as plain values for the pure functions."""

    periods: dict[str, str]
    life_window_month: int
    silent_days: int
    due_soon_days: int
    submitted_only: bool

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Config:
        return cls(
            periods={kind: values[key] for kind, key in orglife_rules.PERIOD_RULES.items()},
            life_window_month=int(values["orglife.life_meeting_window_month"]),
            silent_days=int(values["orglife.silent_days"]),
            due_soon_days=int(values["orglife.due_soon_days"]),
            submitted_only=bool(values["orglife.count_submitted_only"]),
        )

    def periods_of(self, kind: str, year: int) -> list[Period]:
        return periods_of_year(self.periods[kind], year)

    def due_soon_from(self, kind: str, period: Period) -> dt.date | None:
        """The 组织生活会 reminder window opens on the first day of its window month (第十七条: 第四季度)."""
        if kind == MeetingKind.LIFE_MEETING and period.kind == YEAR:
            return dt.date(period.start.year, self.life_window_month, 1)
        return None


def load_config(on: dt.date | None = None) -> Config:
    """The rules in force on `on` (one query)."""
    return Config.from_values(rules.values(orglife_rules.COMPLIANCE_KEYS, on))


def health_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last three complete months before today's month."""
    return month_start(today, -3), month_start(today) - dt.timedelta(days=1)
