"""The 组织关系转接 time rules at the edges test_rules.py leaves open (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.transfers import rules

D = dt.date


@pytest.fixture(autouse=True)
def _totals_stay_exact() -> None:
    """Pure functions only: no database, so no kept subtree totals to check."""


def test_the_receipt_is_due_the_configured_days_after_the_letter():
    assert rules.receipt_due(D(2025, 12, 20), 30) == D(2026, 1, 19)
    assert not rules.receipt_late(D(2025, 12, 20), D(2026, 1, 19), 30)
    assert rules.receipt_late(D(2025, 12, 20), D(2026, 1, 20), 30)


@pytest.mark.parametrize(("today", "start"), [
    (D(2025, 3, 31), D(2025, 2, 28)),  # no 29–31 February: the month's last day carries them
    (D(2025, 3, 28), D(2025, 2, 28)),
    (D(2025, 3, 27), D(2025, 2, 27)),
    (D(2024, 3, 29), D(2024, 2, 29)),
])
def test_the_latest_start_a_month_before_is_exact(today, start):
    def one(day):
        return rules.months_after(day, 1)

    assert rules.latest_start(today, one) == start


def test_the_latest_start_when_today_is_already_the_shifted_day():
    assert rules.latest_start(D(2025, 6, 15), lambda day: day) == D(2025, 6, 15)
