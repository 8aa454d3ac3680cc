"""Period's readings at the edges the broader tests leave open: the position of every month, quarter and half in
its year, the short headings of each, and the months of a range that starts or ends on a month's first day."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.lib.periods import Period, PeriodError

D = dt.date


@pytest.mark.parametrize("month", range(1, 13))
def test_a_month_is_its_own_position_and_heading(month: int) -> None:
    period = Period.month(2026, month)
    assert period.index == month
    assert period.short_label == f"{month}月"


@pytest.mark.parametrize(("quarter", "heading"), [(1, "一季度"), (2, "二季度"), (3, "三季度"), (4, "四季度")])
def test_each_quarter_knows_its_position_and_heading(quarter: int, heading: str) -> None:
    period = Period.quarter(2026, quarter)
    assert period.index == quarter
    assert period.short_label == heading


@pytest.mark.parametrize(("half", "heading"), [(1, "上半年"), (2, "下半年")])
def test_each_half_knows_its_position_and_heading(half: int, heading: str) -> None:
    period = Period.half(2026, half)
    assert period.index == half
    assert period.short_label == heading


def test_a_year_and_a_range_are_the_first_of_their_kind() -> None:
    assert Period.year(2026).index == 1
    assert Period.year(2026).short_label == "全年"
    span = Period.range(D(2026, 2, 10), D(2026, 5, 20))
    assert span.index == 1
    assert span.short_label == span.label


def test_a_range_touches_the_month_of_its_last_day_even_on_the_first() -> None:
    months = Period.range(D(2026, 1, 15), D(2026, 3, 1)).months()
    assert [p.key for p in months] == ["2026-01", "2026-02", "2026-03"]


def test_a_single_first_of_the_month_is_one_month() -> None:
    assert [p.key for p in Period.range(D(2026, 3, 1), D(2026, 3, 1)).months()] == ["2026-03"]


def test_a_four_digit_year_alone_parses_to_that_year() -> None:
    assert Period.parse("2031") == Period.year(2031)
    assert Period.parse(" 2026 ").key == "2026"


def test_a_range_is_followed_and_preceded_by_ranges_of_its_length_that_touch_it() -> None:
    span = Period.range(D(2026, 2, 10), D(2026, 2, 19))
    assert span.previous() == Period.range(D(2026, 1, 31), D(2026, 2, 9))
    assert span.following() == Period.range(D(2026, 2, 20), D(2026, 3, 1))
    assert span.following().previous() == span


@pytest.mark.parametrize("text", ["1900", "2999", "1900-01", "2999-Q4"])
def test_the_first_and_last_year_accepted_parse(text: str) -> None:
    assert Period.parse(text).start.year in (1900, 2999)


@pytest.mark.parametrize("text", ["1899", "3000", "1899-12", "3000-H1"])
def test_a_year_outside_the_bounds_is_refused(text: str) -> None:
    with pytest.raises(PeriodError, match="年份须在1900至2999之间"):
        Period.parse(text)
