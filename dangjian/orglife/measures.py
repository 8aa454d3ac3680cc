"""Organizational life's measures: the meeting rate, overdue obligations, the obligations to remind of and silent
branches, per org; the status of each obligation; 谈心谈话 coverage; per member, their attendance.

Each is the counting in `dangjian.orglife.compliance.counts` (谈心谈话: `dangjian.orglife.talks`) over the orgs the
caller scoped, with the rules in force today (`load_config`). Discovered by `dangjian.core.measures` at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangjian.core.measures import MEMBER, PeriodNotSupported, Ratio, register, with_summary
from dangjian.lib.periods import CUSTOM, HALF, MONTH, QUARTER, YEAR, Period
from dangjian.members.models import Member
from dangjian.orglife import compliance, talks
from dangjian.orglife import rules as orglife_rules
from dangjian.orglife.choices import AttendanceStatus, MeetingStatus
from dangjian.orglife.models import Attendance
from dangjian.orgs.models import Organization, OrgKind

_PERIOD_RULES = tuple(orglife_rules.PERIOD_RULES.values())


@register(
    "orglife.meetings.rate", label="组织生活落实率", unit="%", rules=(*_PERIOD_RULES, "orglife.count_submitted_only"),
    periods=(YEAR, HALF, QUARTER, MONTH),
    description="应开展的组织生活（周期已结束、规则约束该组织、周期末该组织已成立）中已开展的比例；党支部和党小组。",
)
def meetings_rate(orgs: QuerySet[Organization], period: Period) -> dict[int, Ratio]:
    """{branch or group id: Ratio(held, owed)} over the obligations whose rule period lies in `period` and ended."""
    today = timezone.localdate()
    return {pk: Ratio(done, owed) for pk, (done, owed) in
            compliance.meeting_rates(orgs, period, today, compliance.load_config(today)).items()}


def meetings_rollup(orgs: QuerySet[Organization], period: Period) -> compliance.Rollup:
    """The 落实率 page's figures over the set: per kind and period, done orgs / applicable orgs, and per tree level
    over the periods already ended — the per-org rates of `orglife.meetings.rate` added up in SQL."""
    if period.kind != YEAR:
        raise PeriodNotSupported(f"组织生活落实率的汇总按年度计算，不能按{period.label}")
    today = timezone.localdate()
    return compliance.rollup_of(orgs, period.start.year, today, compliance.load_config(today), compliance.KINDS)


meetings_rate = with_summary(meetings_rate, meetings_rollup)


@register(
    "orglife.meetings.overdue", label="逾期未开组织生活", unit="项", higher_is_better=False,
    rules=(*_PERIOD_RULES, "orglife.count_submitted_only"), periods=(YEAR, HALF, QUARTER, MONTH, CUSTOM),
    description="周期在所选期间内结束（今天以前）、应开而未开的党支部组织生活项数（党小组会除外）；"
                "红黄绿看最近三个完整月。",
)
def meetings_overdue(orgs: QuerySet[Organization], period: Period) -> dict[int, int]:
    """{branch id: obligations overdue} whose rule period ended inside `period`."""
    today = timezone.localdate()
    return compliance.overdue_of(orgs, period, today, compliance.load_config(today))


@register(
    "orglife.silent", label="静默支部", unit="是/否", higher_is_better=False,
    rules=("orglife.silent_days", "orglife.count_submitted_only"), periods=(YEAR, HALF, QUARTER, MONTH, CUSTOM),
    description="截至期间最后一天（当前期间为今天），党支部连续达到规定天数没有开展组织生活；成立不满规定天数的除外。",
)
def silent(orgs: QuerySet[Organization], period: Period) -> dict[int, bool]:
    """{branch id: silent on the period's reference day}."""
    today = timezone.localdate()
    return compliance.silent_of(orgs, period, today, compliance.load_config(today))


@register(
    "orglife.meetings.pending", label="组织生活到期提醒", unit="项", higher_is_better=False,
    rules=(*_PERIOD_RULES, "orglife.count_submitted_only", "orglife.due_soon_days", "orglife.life_meeting_window_month"),
    periods=(YEAR, HALF, QUARTER, MONTH, CUSTOM),
    description="截至期间最后一天（当前期间为今天），党支部、党小组每项组织生活在当期即将到期而未开的，和上一期逾期未开的；"
                "附各项的类型和周期（待办提醒据此生成）。",
)
def meetings_pending(orgs: QuerySet[Organization], period: Period) -> dict[int, compliance.Pending]:
    """{branch or group id: Pending(obligations due soon in the current rule period, overdue in the previous one)}
    on the period's reference day."""
    today = timezone.localdate()
    return compliance.pending_of(orgs, period, today, compliance.load_config(today))


@register(
    "orglife.meetings.status", label="组织生活落实状态", unit="项", higher_is_better=None,
    rules=(*_PERIOD_RULES, "orglife.count_submitted_only", "orglife.due_soon_days", "orglife.life_meeting_window_month"),
    periods=(YEAR,), future=True,
    description="党支部、党小组年度内每项组织生活各周期的状态（已完成、逾期未开、即将到期、进行中、未开始、不适用）和记录数；"
                "落实情况表据此显示。",
)
def meetings_status(orgs: QuerySet[Organization], period: Period) -> dict[int, compliance.Statuses]:
    """{branch or group id: Statuses(has a committee, per kind the cells of the year)} judged today."""
    today = timezone.localdate()
    return compliance.statuses_of(orgs, period.start.year, today, compliance.load_config(today))


@register(
    "orglife.talks.coverage", label="谈心谈话落实率", unit="%",
    rules=(orglife_rules.HEART_TALK_MIN, orglife_rules.HEART_TALK_REMIND_MONTH), periods=(YEAR,), future=True,
    description="党支部年度谈心谈话已谈对数占应谈对数（支委之间、支委和党员之间）的比例，附支委人数、党员人数、谈话次数和状态。",
)
def talks_coverage(orgs: QuerySet[Organization], period: Period) -> dict[int, talks.BranchTalks]:
    """{branch id: BranchTalks(pairs owed and covered, talks, status)} for the branches among `orgs`, judged today:
    four queries whatever their number."""
    today = timezone.localdate()
    branches = list(orgs.filter(kind=OrgKind.BRANCH).order_by("path"))
    rows = talks.coverage(branches, period.start.year, today, talks.load_config(today))
    return {row.org.pk: row for row in rows}


@dataclass(frozen=True)
class Turnout:
    """A member's attendance over a period: the submitted meetings they were expected at (应到), and how each went."""

    present: int = 0
    leave: int = 0
    absent: int = 0

    @property
    def expected(self) -> int:
        return self.present + self.leave + self.absent

    @property
    def rate(self) -> Ratio:
        return Ratio(self.present, self.expected)

    def __str__(self) -> str:
        return f"{self.present}/{self.expected}"


@register(
    "orglife.attendance.member", label="党员参加组织生活", unit="次", subject=MEMBER, higher_is_better=True,
    periods=(YEAR, HALF, QUARTER, MONTH, CUSTOM),
    description="党员在期间内应参加（已提交的组织生活记录中列为应到）的次数，及其中出席、请假、缺席的次数。",
)
def member_attendance(members: QuerySet[Member], period: Period) -> dict[int, Turnout]:
    """{member id: Turnout} for the members among `members` expected at a submitted meeting held in `period`:
    one GROUP BY on the attendance rows."""
    rows = (
        Attendance.objects.filter(member__in=members.values("pk"), meeting__status=MeetingStatus.SUBMITTED,
                                  meeting__held_on__gte=period.start, meeting__held_on__lte=period.end)
        .values("member_id").order_by()
        .annotate(**{s: Count("id", filter=Q(status=s)) for s in AttendanceStatus.values})
    )
    return {r["member_id"]: Turnout(r[AttendanceStatus.PRESENT], r[AttendanceStatus.LEAVE], r[AttendanceStatus.ABSENT])
            for r in rows}
