"""The time rules as pure functions, at their boundaries (no database)."""

from __future__ import annotations

import datetime as dt

from dangjian.transfers import rules

D = dt.date


def test_floating_member_must_transfer_from_the_day_six_months_after_leaving_at_a_fixed_place():
    left = D(2025, 1, 15)
    assert not rules.must_transfer(left, True, D(2025, 7, 14), 6)
    assert rules.must_transfer(left, True, D(2025, 7, 15), 6)
    assert not rules.must_transfer(left, False, D(2026, 7, 15), 6)  # not at a relatively fixed place


def test_six_months_from_the_end_of_august_is_the_end_of_february():
    assert rules.floating_transfer_due(D(2024, 8, 31), 6) == D(2025, 2, 28)
    assert rules.suspension_due(D(2023, 8, 31), 6) == D(2024, 2, 29)


def test_lost_contact_suspension_due_after_six_months_and_removal_two_years_after_suspension():
    assert rules.suspension_due(D(2024, 12, 15), 6) == D(2025, 6, 15)
    assert rules.removal_due(D(2023, 6, 15), 2) == D(2025, 6, 15)
    assert rules.removal_due(D(2024, 2, 29), 2) == D(2026, 2, 28)


def test_receipt_is_late_only_after_the_configured_days():
    issued = D(2025, 3, 17)
    assert rules.receipt_due(issued, 90) == D(2025, 6, 15)
    assert not rules.receipt_late(issued, D(2025, 6, 15), 90)
    assert rules.receipt_late(issued, D(2025, 6, 16), 90)


def test_latest_start_is_exact_for_short_months_and_leap_days():
    def six(day):
        return rules.months_after(day, 6)

    def two(day):
        return rules.years_after(day, 2)

    for today in [D(2025, 2, 28), D(2024, 2, 29), D(2025, 6, 15), D(2025, 3, 31), D(2026, 2, 28), D(2025, 1, 1)]:
        for shift in (six, two):
            cutoff = rules.latest_start(today, shift)
            assert shift(cutoff) <= today
            assert shift(cutoff + dt.timedelta(days=1)) > today
    assert rules.latest_start(D(2025, 2, 28), six) == D(2024, 8, 31)
