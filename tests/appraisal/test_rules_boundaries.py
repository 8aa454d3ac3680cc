"""The pure 民主评议 rules (appraisal.rules) at their boundaries, without the database: the 优秀 share, the 民主测评
vote counts, the 限期改正 deadline and its states, which year a round belongs to and when its reminder starts."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from dangjian.appraisal import rules

D = dt.date

@pytest.fixture(autouse=True)
def _totals() -> None:
    """Pure functions only: no database, so no kept subtree totals to check."""



@pytest.mark.parametrize(("value", "share"), [("1/3", Fraction(1, 3)), (0.3, Fraction(3, 10)), ("0", 0), ("1", 1)])
def test_the_share_is_an_exact_fraction_from_nothing_to_everyone(value, share):
    assert rules.parse_share(value) == share


@pytest.mark.parametrize("value", ["-1/3", "4/3", "1.01"])
def test_a_share_outside_nothing_to_everyone_is_refused(value):
    with pytest.raises(ValueError, match="between 0 and 1"):
        rules.parse_share(value)


@pytest.mark.parametrize(("total", "cap"), [(0, 0), (2, 0), (3, 1), (30, 10), (31, 10), (32, 10), (33, 11)])
def test_the_cap_is_the_share_of_the_total_rounded_down(total, cap):
    assert rules.excellent_cap(total, "1/3") == cap


def test_exactly_a_third_rated_excellent_is_within_and_one_more_is_over():
    within = rules.check_excellent(10, 30, "1/3")
    assert (within.over, within.cap, within.message) == (False, 10, "")
    over = rules.check_excellent(11, 30, "1/3")
    assert over.over
    assert over.message == ("评定为“优秀”的有11人，超过参加评议党员总数30人的1/3（至多10人）。"
                            "该比例为“一般不超过”，可以确认，但请核实评定意见。")


@pytest.mark.parametrize(("votes", "ok"), [
    ([2, 3, 1, 0], True), ([0, 0, 0, 0], True), ([3, 3, 0, 0], True), ([3, 3, 1, 0], False), ([-1, 3, 1, 0], False),
])
def test_votes_cannot_exceed_those_who_took_part_nor_be_negative(votes, ok):
    assert rules.votes_within(votes, 6) is ok


@pytest.mark.parametrize(("decided", "months", "deadline"), [
    (D(2025, 3, 31), 12, D(2026, 3, 31)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2025, 3, 31), 144, D(2037, 3, 31)),
    (D(2025, 3, 15), 0, D(2025, 3, 15)),
    (D(2025, 1, 31), 1, D(2025, 2, 28)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),
    (D(2025, 3, 31), 6, D(2025, 9, 30)),
    (D(2025, 3, 31), 11, D(2026, 2, 28)),
    (D(2025, 3, 31), 13, D(2026, 4, 30)),
    (D(2025, 11, 30), 2, D(2026, 1, 30)),
    (D(2025, 3, 31), -1, D(2025, 2, 28)),
])
def test_the_default_deadline_is_the_general_period_later_on_the_same_day_or_the_month_end(decided, months, deadline):
    assert rules.default_deadline(decided, months) == deadline


def test_a_deadline_beyond_the_general_period_starts_the_day_after_it():
    assert not rules.deadline_beyond_general(D(2025, 3, 31), D(2026, 3, 31), 12)
    assert rules.deadline_beyond_general(D(2025, 3, 31), D(2026, 4, 1), 12)


@pytest.mark.parametrize(("today", "state"), [
    (D(2026, 3, 31), "due"),  # the deadline itself
    (D(2026, 4, 1), "overdue"),  # the day after
    (D(2026, 3, 1), "due"),  # 30 days before
    (D(2026, 2, 28), "running"),  # 31 days before
])
def test_a_correction_is_due_within_its_days_and_overdue_the_day_after_the_deadline(today, state):
    assert rules.correction_state(D(2026, 3, 31), today, 30) == state


@pytest.mark.parametrize(("held_on", "ok"), [
    (D(2024, 12, 31), False), (D(2025, 1, 1), True), (D(2026, 12, 31), True), (D(2027, 1, 1), False),
])
def test_a_years_round_is_held_that_year_or_the_next(held_on, ok):
    assert rules.round_year_ok(2025, held_on) is ok


@pytest.mark.parametrize(("today", "due"), [(D(2025, 9, 30), False), (D(2025, 10, 1), True), (D(2025, 12, 31), True)])
def test_the_round_reminder_starts_in_its_month(today, due):
    assert rules.round_due(today, 10) is due
