"""dangjian.lib.periods at its boundaries: month ends, leap years, December to January, quarters and halves."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.lib.periods import (
    Period,
    PeriodError,
    add_months,
    month_end,
    month_start,
    periods_between,
    periods_of_year,
    reference_day,
)

D = dt.date


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2025, 1, 31), 1, D(2025, 2, 28)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2024, 2, 29), 48, D(2028, 2, 29)),
    (D(2025, 8, 31), -6, D(2025, 2, 28)),
    (D(2024, 8, 31), -6, D(2024, 2, 29)),
    (D(2025, 12, 31), 2, D(2026, 2, 28)),
    (D(2025, 12, 15), 1, D(2026, 1, 15)),
    (D(2026, 1, 15), -1, D(2025, 12, 15)),
    (D(2025, 3, 31), -1, D(2025, 2, 28)),
    (D(2025, 5, 31), 1, D(2025, 6, 30)),
    (D(2025, 1, 15), 0, D(2025, 1, 15)),
    (D(2025, 11, 1), 3, D(2026, 2, 1)),
    (D(2025, 1, 1), -1, D(2024, 12, 1)),
])
def test_add_months_clamps_to_the_last_day_and_crosses_years(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


def test_month_start_and_end() -> None:
    assert month_start(D(2025, 12, 31), 1) == D(2026, 1, 1)
    assert month_start(D(2026, 1, 1), -1) == D(2025, 12, 1)
    assert month_end(D(2024, 2, 10)) == D(2024, 2, 29)
    assert month_end(D(2025, 2, 10)) == D(2025, 2, 28)
    assert month_end(D(2025, 12, 1)) == D(2025, 12, 31)


def test_constructors_give_the_calendar_bounds() -> None:
    assert (Period.year(2026).start, Period.year(2026).end) == (D(2026, 1, 1), D(2026, 12, 31))
    assert (Period.half(2026, 1).start, Period.half(2026, 1).end) == (D(2026, 1, 1), D(2026, 6, 30))
    assert (Period.half(2026, 2).start, Period.half(2026, 2).end) == (D(2026, 7, 1), D(2026, 12, 31))
    assert [(q.start, q.end) for q in periods_of_year("quarter", 2026)] == [
        (D(2026, 1, 1), D(2026, 3, 31)), (D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 9, 30)), (D(2026, 10, 1), D(2026, 12, 31)),
    ]
    assert Period.month(2024, 2).end == D(2024, 2, 29)
    assert Period.month(2025, 2).end == D(2025, 2, 28)
    assert Period.month(2025, 12).end == D(2025, 12, 31)
    assert len(periods_of_year("month", 2025)) == 12
    assert len(periods_of_year("half", 2025)) == 2


@pytest.mark.parametrize(("call", "message"), [
    (lambda: Period.month(2026, 13), "月份"),
    (lambda: Period.month(2026, 0), "月份"),
    (lambda: Period.quarter(2026, 5), "季度"),
    (lambda: Period.quarter(2026, 0), "季度"),
    (lambda: Period.half(2026, 3), "半年"),
    (lambda: Period.range(D(2026, 3, 1), D(2026, 2, 28)), "早于"),
    (lambda: Period(D(2026, 1, 1), D(2026, 1, 31), "week"), "未知"),
    (lambda: Period.containing("week", D(2026, 1, 1)), "未知"),
])
def test_bad_periods_are_refused_in_chinese(call, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        call()
    assert issubclass(PeriodError, ValueError)


def test_contains_includes_both_ends() -> None:
    q1 = Period.quarter(2025, 1)
    assert q1.contains(D(2025, 1, 1)) and q1.contains(D(2025, 3, 31))
    assert not q1.contains(D(2024, 12, 31)) and not q1.contains(D(2025, 4, 1))


def test_months_of_periods() -> None:
    assert [m.key for m in Period.quarter(2025, 4).months()] == ["2025-10", "2025-11", "2025-12"]
    assert len(Period.year(2025).months()) == 12
    assert [m.key for m in Period.range(D(2025, 12, 20), D(2026, 1, 5)).months()] == ["2025-12", "2026-01"]
    assert [m.key for m in Period.month(2024, 2).months()] == ["2024-02"]


def test_previous_crosses_year_ends() -> None:
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    assert Period.half(2026, 1).previous() == Period.half(2025, 2)
    assert Period.half(2026, 2).previous() == Period.half(2026, 1)
    assert Period.year(2026).previous() == Period.year(2025)
    assert Period.month(2024, 3).previous().end == D(2024, 2, 29)
    custom = Period.range(D(2026, 3, 1), D(2026, 3, 10))
    assert custom.previous() == Period.range(D(2026, 2, 19), D(2026, 2, 28))
    assert Period.month(2025, 12).following() == Period.month(2026, 1)


def test_containing_and_split() -> None:
    assert Period.containing("quarter", D(2025, 3, 31)) == Period.quarter(2025, 1)
    assert Period.containing("quarter", D(2025, 4, 1)) == Period.quarter(2025, 2)
    assert Period.containing("half", D(2025, 6, 30)) == Period.half(2025, 1)
    assert Period.containing("half", D(2025, 7, 1)) == Period.half(2025, 2)
    assert Period.containing("month", D(2024, 2, 29)) == Period.month(2024, 2)
    assert [q.key for q in periods_between("quarter", D(2025, 3, 31), D(2025, 4, 1))] == ["2025-Q1", "2025-Q2"]
    assert [m.key for m in Period.half(2025, 2).split("quarter")] == ["2025-Q3", "2025-Q4"]


@pytest.mark.parametrize(("text", "expected"), [
    ("2026", Period.year(2026)),
    ("2026H1", Period.half(2026, 1)),
    ("2026h2", Period.half(2026, 2)),
    ("2026-H2", Period.half(2026, 2)),
    ("2026Q2", Period.quarter(2026, 2)),
    ("2026-Q4", Period.quarter(2026, 4)),
    ("2026-03", Period.month(2026, 3)),
    ("2026-3", Period.month(2026, 3)),
    (" 2026-12 ", Period.month(2026, 12)),
    ("2026-01-01..2026-03-31", Period.range(D(2026, 1, 1), D(2026, 3, 31))),
    ("2024-02-29..2024-02-29", Period.range(D(2024, 2, 29), D(2024, 2, 29))),
])
def test_parse_reads_every_kind(text: str, expected: Period) -> None:
    assert Period.parse(text) == expected


@pytest.mark.parametrize("text", [
    "", "26", "2026-13", "2026-00", "2026Q0", "2026Q5", "2026H3", "1899", "3000", "2026-02-30..2026-03-01",
    "2026-03-01..2026-02-01", "2026/03", "2026-03-01", "abc",
])
def test_parse_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_keys_read_back_and_labels_are_chinese() -> None:
    for period in [Period.year(2026), Period.half(2026, 2), Period.quarter(2026, 2), Period.month(2026, 3),
                   Period.range(D(2026, 1, 1), D(2026, 3, 31))]:
        assert Period.parse(period.key) == period
    assert Period.year(2026).label == "2026年"
    assert Period.half(2026, 1).label == "2026年上半年"
    assert Period.half(2026, 2).label == "2026年下半年"
    assert Period.quarter(2026, 2).label == "2026年第2季度"
    assert Period.month(2026, 3).label == "2026年3月"
    assert Period.range(D(2026, 1, 1), D(2026, 3, 31)).label == "2026年1月1日至2026年3月31日"
    assert [p.short_label for p in (Period.month(2026, 3), Period.quarter(2026, 1), Period.year(2026))] == [
        "3月", "一季度", "全年"]


def test_reference_day_is_today_inside_the_period_and_its_end_after() -> None:
    assert reference_day(2025, D(2025, 6, 1)) == D(2025, 6, 1)
    assert reference_day(2025, D(2026, 1, 1)) == D(2025, 12, 31)
    assert reference_day(Period.quarter(2025, 1), D(2025, 3, 31)) == D(2025, 3, 31)
    assert reference_day(Period.quarter(2025, 1), D(2025, 4, 1)) == D(2025, 3, 31)
    assert reference_day(Period.month(2024, 2), D(2024, 12, 1)) == D(2024, 2, 29)
