"""The pure compliance functions at the edges test_compliance_rules.py leaves open: every quarter's key and labels,
a status on a period's first day, the records needed, the 组织生活会 window (and only that meeting's), an org's
first and last day. No database."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.core.rules import REGISTRY
from dangjian.orglife import rules as orglife_rules
from dangjian.orglife.choices import MeetingKind
from dangjian.orglife.compliance import (
    MONTH,
    QUARTER,
    YEAR,
    Config,
    Status,
    applies,
    colour_for,
    health_window,
    is_silent,
    period_containing,
    periods_between,
    periods_of_year,
    rule_applies,
    status_for,
)
from dangjian.orgs.models import OrgKind

D = dt.date
JAN = period_containing(MONTH, D(2025, 1, 10))
Q2 = period_containing(QUARTER, D(2025, 5, 10))
Y2025 = period_containing(YEAR, D(2025, 6, 1))


def config(**overrides):
    values = {key: REGISTRY[key].default for key in orglife_rules.COMPLIANCE_KEYS}
    return Config.from_values({**values, **overrides})


@pytest.mark.parametrize(("day", "start", "end", "key", "label", "short"), [
    (D(2025, 1, 1), D(2025, 1, 1), D(2025, 3, 31), "2025-Q1", "2025年第1季度", "一季度"),
    (D(2025, 6, 30), D(2025, 4, 1), D(2025, 6, 30), "2025-Q2", "2025年第2季度", "二季度"),
    (D(2025, 7, 1), D(2025, 7, 1), D(2025, 9, 30), "2025-Q3", "2025年第3季度", "三季度"),
    (D(2025, 9, 30), D(2025, 7, 1), D(2025, 9, 30), "2025-Q3", "2025年第3季度", "三季度"),
    (D(2025, 11, 30), D(2025, 10, 1), D(2025, 12, 31), "2025-Q4", "2025年第4季度", "四季度"),
])
def test_each_quarter_has_its_days_key_and_labels(day, start, end, key, label, short):
    quarter = period_containing(QUARTER, day)
    assert (quarter.start, quarter.end, quarter.key, quarter.label, quarter.short_label) == (
        start, end, key, label, short)


def test_month_and_year_labels():
    december = period_containing(MONTH, D(2025, 12, 31))
    assert (december.start, december.end, december.key) == (D(2025, 12, 1), D(2025, 12, 31), "2025-12")
    assert (december.label, december.short_label) == ("2025年12月", "12月")
    assert (Y2025.label, Y2025.short_label) == ("2025年", "全年")


def test_a_year_has_twelve_months_four_quarters_and_one_year():
    assert [p.key for p in periods_of_year(QUARTER, 2025)] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert [p.key for p in periods_of_year(YEAR, 2025)] == ["2025"]
    months = periods_of_year(MONTH, 2025)
    assert (len(months), months[0].start, months[-1].end) == (12, D(2025, 1, 1), D(2025, 12, 31))
    assert config().periods_of(MeetingKind.BRANCH_ASSEMBLY, 2025) == periods_of_year(QUARTER, 2025)


def test_periods_between_one_day():
    assert [p.key for p in periods_between(MONTH, D(2025, 3, 1), D(2025, 3, 1))] == ["2025-03"]


@pytest.mark.parametrize(("today", "expected"), [
    (D(2025, 3, 31), Status.FUTURE),
    (D(2025, 4, 1), Status.OPEN),  # the period's first day: running, not yet to come
    (D(2025, 6, 22), Status.OPEN),
    (D(2025, 6, 23), Status.DUE_SOON),  # 30 June less the 7 days
    (D(2025, 6, 30), Status.DUE_SOON),
    (D(2025, 7, 1), Status.OVERDUE),
])
def test_a_quarter_from_the_day_before_to_the_day_after(today, expected):
    assert status_for(Q2, today, 0) == expected


def test_a_period_is_done_with_exactly_the_records_required():
    assert status_for(JAN, D(2025, 1, 10), 2, required=2) == Status.DONE
    assert status_for(JAN, D(2025, 1, 10), 1, required=2) == Status.OPEN
    assert status_for(JAN, D(2025, 1, 10), 0, required=0) == Status.DONE


def test_a_due_soon_date_later_than_the_window_does_not_shorten_it():
    # The window's own start (7 days before the end) still counts when the rule's date falls later.
    assert status_for(JAN, D(2025, 1, 24), 0, due_soon_from=D(2025, 1, 30)) == Status.DUE_SOON


def test_without_a_window_rule_a_year_is_due_soon_only_in_its_last_week():
    assert status_for(Y2025, D(2025, 12, 23), 0) == Status.OPEN
    assert status_for(Y2025, D(2025, 12, 24), 0) == Status.DUE_SOON


def test_only_the_yearly_life_meeting_has_the_fourth_quarter_window():
    c = config()
    assert c.due_soon_from(MeetingKind.LIFE_MEETING, Y2025) == D(2025, 10, 1)
    assert c.due_soon_from(MeetingKind.MEMBER_REVIEW, Y2025) is None  # 民主评议 is not due soon from October
    assert c.due_soon_from(MeetingKind.LIFE_MEETING, Q2) is None  # a deployment holding it quarterly
    assert config(**{"orglife.life_meeting_window_month": 11}).due_soon_from(
        MeetingKind.LIFE_MEETING, Y2025) == D(2025, 11, 1)


def test_an_org_founded_and_dissolved_on_the_days_around_the_period_end():
    assert applies(JAN, D(2025, 1, 31), D(2025, 2, 1))  # founded on the last day, gone the day after
    assert not applies(JAN, D(2025, 2, 1), None)
    assert not applies(JAN, None, D(2025, 1, 31))
    assert applies(JAN, None, None)
    assert status_for(JAN, D(2025, 2, 1), 0, applicable_from=D(2025, 1, 31), applicable_until=D(2025, 2, 1)) == (
        Status.OVERDUE)


def test_each_meeting_kind_binds_its_own_org_kind():
    for kind in (MeetingKind.THEME_DAY, MeetingKind.BRANCH_ASSEMBLY, MeetingKind.PARTY_LECTURE,
                 MeetingKind.LIFE_MEETING, MeetingKind.MEMBER_REVIEW):
        assert rule_applies(kind, OrgKind.BRANCH, False), kind
        assert not rule_applies(kind, OrgKind.GROUP, True), kind
    assert not rule_applies(MeetingKind.GROUP_MEETING, OrgKind.GROUP.value + "x", True)
    assert not rule_applies(MeetingKind.COMMITTEE_MEETING, OrgKind.GROUP, True)


def test_a_silent_branch_is_red_whatever_its_overdue_count():
    assert colour_for(1, True) == "red"
    assert colour_for(3, False) == "red"


def test_a_branch_founded_long_ago_with_a_recent_meeting_is_not_silent():
    today = D(2025, 3, 15)
    assert not is_silent(today, today - dt.timedelta(days=5), D(2020, 1, 1), 30)
    assert is_silent(today, today - dt.timedelta(days=30), D(2020, 1, 1), 30)


def test_the_health_window_across_the_year_end():
    assert health_window(D(2025, 3, 10)) == (D(2024, 12, 1), D(2025, 2, 28))
