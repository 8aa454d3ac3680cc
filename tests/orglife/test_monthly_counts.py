"""Counts per period added up from the pivoted monthly counts: a quarter, a year, and periods reaching outside the
months that were counted."""

from __future__ import annotations

import datetime as dt

from dangjian.lib.periods import Period
from dangjian.orglife.compliance.counts import MonthlyCounts

COUNTS = MonthlyCounts(months=Period.year(2025).split("month"),
                       rows={("theme_day", 7): (1, 0, 2, 0, 0, 3, 0, 0, 0, 0, 0, 4)})


def test_a_month_a_quarter_and_the_year_add_up_their_months() -> None:
    assert COUNTS.in_period("theme_day", 7, Period.month(2025, 3)) == 2
    assert COUNTS.in_period("theme_day", 7, Period.quarter(2025, 1)) == 3
    assert COUNTS.in_period("theme_day", 7, Period.quarter(2025, 2)) == 3
    assert COUNTS.in_period("theme_day", 7, Period.year(2025)) == 10


def test_periods_partly_or_wholly_outside_the_counted_months_count_only_what_was_counted() -> None:
    assert COUNTS.in_period("theme_day", 7, Period.range(dt.date(2024, 11, 15), dt.date(2025, 1, 1))) == 1
    assert COUNTS.in_period("theme_day", 7, Period.range(dt.date(2025, 12, 31), dt.date(2026, 2, 1))) == 4
    assert COUNTS.in_period("theme_day", 7, Period.year(2024)) == 0
    assert COUNTS.in_period("theme_day", 7, Period.year(2026)) == 0


def test_an_org_or_kind_without_records_counts_none() -> None:
    assert COUNTS.in_period("theme_day", 8, Period.year(2025)) == 0
    assert COUNTS.in_period("party_lecture", 7, Period.year(2025)) == 0
    assert COUNTS.month_count("theme_day", 7, dt.date(2025, 12, 1)) == 4
    assert COUNTS.month_count("theme_day", 7, dt.date(2026, 1, 1)) == 0
