"""The pure compliance rules at their boundaries: periods, statuses, due-soon windows, founding mid-quarter,
which obligations bind which org, colours and silence. No database: values are passed in."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.core.models import RuleStatus
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
    rule_applies,
    status_for,
)
from dangjian.orgs.models import OrgKind
from dangjian.orgs.rules import SETUP_KEYS

D = dt.date
JAN = period_containing(MONTH, D(2025, 1, 10))
Q1 = period_containing(QUARTER, D(2025, 2, 10))
Y2025 = period_containing(YEAR, D(2025, 6, 1))


def test_periods_contain_their_boundary_days():
    assert (JAN.start, JAN.end, JAN.key, JAN.label) == (D(2025, 1, 1), D(2025, 1, 31), "2025-01", "2025年1月")
    assert (Q1.start, Q1.end, Q1.key) == (D(2025, 1, 1), D(2025, 3, 31), "2025-Q1")
    assert period_containing(QUARTER, D(2025, 4, 1)).start == D(2025, 4, 1)
    assert period_containing(QUARTER, D(2025, 12, 31)) == period_containing(QUARTER, D(2025, 10, 1))
    assert (Y2025.start, Y2025.end, Y2025.key) == (D(2025, 1, 1), D(2025, 12, 31), "2025")
    assert period_containing(MONTH, D(2024, 2, 29)).end == D(2024, 2, 29)
    assert period_containing(MONTH, D(2025, 2, 1)).end == D(2025, 2, 28)
    with pytest.raises(ValueError):
        period_containing("week", D(2025, 1, 1))


def test_periods_between_lists_every_overlapping_period_across_a_year_end():
    months = periods_between(MONTH, D(2024, 11, 15), D(2025, 2, 1))
    assert [m.key for m in months] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert [q.key for q in periods_between(QUARTER, D(2025, 3, 31), D(2025, 4, 1))] == ["2025-Q1", "2025-Q2"]
    assert len(periods_between(MONTH, D(2025, 1, 1), D(2025, 12, 31))) == 12


@pytest.mark.parametrize(("today", "expected"), [
    (D(2025, 1, 23), Status.OPEN),       # 8 days before the end
    (D(2025, 1, 24), Status.DUE_SOON),   # 7 days before the end
    (D(2025, 1, 31), Status.DUE_SOON),   # the last day
    (D(2025, 2, 1), Status.OVERDUE),     # the day after
    (D(2024, 12, 31), Status.FUTURE),    # the day before it starts
])
def test_a_month_without_a_record_moves_from_open_to_due_soon_to_overdue(today, expected):
    assert status_for(JAN, today, 0, due_soon_days=7) == expected


def test_a_record_makes_the_period_done_even_after_its_end():
    assert status_for(JAN, D(2025, 1, 5), 1) == Status.DONE
    assert status_for(JAN, D(2025, 6, 1), 1) == Status.DONE
    assert status_for(JAN, D(2025, 6, 1), 1, required=2) == Status.OVERDUE


@pytest.mark.parametrize(("today", "expected"), [
    (D(2025, 3, 23), Status.OPEN), (D(2025, 3, 24), Status.DUE_SOON), (D(2025, 3, 31), Status.DUE_SOON),
    (D(2025, 4, 1), Status.OVERDUE),
])
def test_quarter_end_boundaries(today, expected):
    assert status_for(Q1, today, 0) == expected


@pytest.mark.parametrize(("today", "expected"), [
    (D(2025, 9, 30), Status.OPEN), (D(2025, 10, 1), Status.DUE_SOON), (D(2025, 12, 31), Status.DUE_SOON),
    (D(2026, 1, 1), Status.OVERDUE),
])
def test_the_life_meeting_is_due_soon_from_the_fourth_quarter(today, expected):
    assert status_for(Y2025, today, 0, due_soon_from=D(2025, 10, 1)) == expected


def test_the_due_soon_window_follows_its_rule_value():
    assert status_for(JAN, D(2025, 1, 17), 0, due_soon_days=14) == Status.DUE_SOON
    assert status_for(JAN, D(2025, 1, 16), 0, due_soon_days=14) == Status.OPEN


@pytest.mark.parametrize(("founded", "expected"), [
    (D(2025, 2, 15), Status.OVERDUE),          # founded mid-quarter: the quarter applies
    (D(2025, 3, 31), Status.OVERDUE),          # existed on the last day
    (D(2025, 4, 1), Status.NOT_APPLICABLE),    # founded after the quarter ended
])
def test_a_branch_founded_mid_quarter_owes_that_quarter(founded, expected):
    assert status_for(Q1, D(2025, 4, 2), 0, applicable_from=founded) == expected
    assert applies(period_containing(QUARTER, D(2025, 4, 1)), founded, None)


@pytest.mark.parametrize(("dissolved", "expected"), [
    (D(2025, 3, 31), Status.NOT_APPLICABLE),   # gone on the quarter's last day
    (D(2025, 4, 1), Status.OVERDUE),           # still there on the last day
    (D(2024, 12, 1), Status.NOT_APPLICABLE),   # dissolved before the quarter began
])
def test_a_dissolved_branch_owes_only_periods_it_lived_through(dissolved, expected):
    assert status_for(Q1, D(2025, 5, 1), 0, applicable_until=dissolved) == expected


def test_rules_bind_org_kinds():
    assert rule_applies(MeetingKind.THEME_DAY, OrgKind.BRANCH, False)
    assert not rule_applies(MeetingKind.COMMITTEE_MEETING, OrgKind.BRANCH, False)
    assert rule_applies(MeetingKind.COMMITTEE_MEETING, OrgKind.BRANCH, True)
    assert rule_applies(MeetingKind.GROUP_MEETING, OrgKind.GROUP, False)
    assert not rule_applies(MeetingKind.GROUP_MEETING, OrgKind.BRANCH, True)
    assert not rule_applies(MeetingKind.BRANCH_ASSEMBLY, OrgKind.GENERAL_BRANCH, True)
    assert not rule_applies(MeetingKind.HEART_TALK, OrgKind.BRANCH, True)
    assert status_for(JAN, D(2025, 3, 1), 0, applicable=False) == Status.NOT_APPLICABLE


def test_colours():
    assert colour_for(0, False) == "green"
    assert colour_for(1, False) == "yellow"
    assert colour_for(2, False) == "red"
    assert colour_for(0, True) == "red"


@pytest.mark.parametrize(("days_ago", "silent"), [(29, False), (30, True), (31, True)])
def test_silence_starts_on_the_thirtieth_day(days_ago, silent):
    today = D(2025, 3, 15)
    assert is_silent(today, today - dt.timedelta(days=days_ago), None, 30) is silent


def test_a_young_branch_without_meetings_is_not_silent_yet():
    today = D(2025, 3, 15)
    assert not is_silent(today, None, today - dt.timedelta(days=29), 30)
    assert is_silent(today, None, today - dt.timedelta(days=30), 30)
    assert is_silent(today, None, None, 30)


def test_the_health_window_is_the_last_three_complete_months():
    assert health_window(D(2025, 1, 1)) == (D(2024, 10, 1), D(2024, 12, 31))
    assert health_window(D(2025, 5, 31)) == (D(2025, 2, 1), D(2025, 4, 30))


def test_every_rule_is_declared_with_source_and_status():
    for key in orglife_rules.COMPLIANCE_KEYS + SETUP_KEYS:
        rule = REGISTRY[key]
        assert rule.source and rule.status in RuleStatus.values, key
        if rule.status == RuleStatus.CENTRAL:
            assert rule.article.startswith("第"), key
    assert REGISTRY["orglife.lecture_period"].status == RuleStatus.LOCAL
    assert REGISTRY["orglife.theme_day_period"].status == RuleStatus.PARTIAL


def test_config_reads_rule_values():
    values = {key: REGISTRY[key].default for key in orglife_rules.COMPLIANCE_KEYS}
    values["orglife.lecture_period"] = MONTH
    config = Config.from_values(values)
    assert config.periods[MeetingKind.PARTY_LECTURE] == MONTH
    assert config.periods[MeetingKind.BRANCH_ASSEMBLY] == QUARTER
    assert config.due_soon_from(MeetingKind.LIFE_MEETING, Y2025) == D(2025, 10, 1)
    assert config.due_soon_from(MeetingKind.THEME_DAY, JAN) is None
    assert (config.silent_days, config.due_soon_days, config.submitted_only) == (30, 7, True)
