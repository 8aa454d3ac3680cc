"""The 党费 arithmetic's edges that test_calc.py leaves open: the month format and its year bounds, brackets
declared out of order, reliefs without an approved reduction, arrears that start after the last payment — pure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dangjian.core.rules import REGISTRY
from dangjian.dues import calc, rules
from dangjian.dues.choices import ArrearsLevel, Basis

D = Decimal
CONFIG = calc.Config.defaults()

@pytest.fixture(autouse=True)
def _totals_stay_exact() -> None:
    """Pure functions only: no database, so no kept subtree totals to check."""



@pytest.mark.parametrize(("text", "month"), [
    ("1900-01", dt.date(1900, 1, 1)),
    ("2999-12", dt.date(2999, 12, 1)),
    (" 2025-06 ", dt.date(2025, 6, 1)),
    ("2025-01", dt.date(2025, 1, 1)),
])
def test_a_month_is_four_digits_a_dash_and_two_digits(text, month):
    assert calc.parse_month(text) == month


@pytest.mark.parametrize("text", [
    "1899-12", "3000-01", "2025-00", "2025-13", "2025-6", "2025-06-01", "202506", "2025/06",
    "1999-1-",  # was read as January 1999
    "2025-+6",  # was read as June 2025
    "２０２５-06", "", None,
])
def test_anything_else_is_not_a_month(text):
    assert calc.parse_month(text) is None


def test_a_month_is_its_first_day():
    assert calc.month_start(dt.date(2025, 3, 15)) == dt.date(2025, 3, 1)
    assert calc.month_start(dt.date(2025, 3, 1)) == dt.date(2025, 3, 1)


def test_months_between_counts_across_years_and_backwards():
    assert calc.months_between(dt.date(2024, 11, 1), dt.date(2026, 1, 1)) == 14
    assert calc.months_between(dt.date(2025, 3, 1), dt.date(2025, 1, 1)) == -2
    assert calc.months_between(dt.date(2025, 3, 1), dt.date(2025, 3, 1)) == 0


def test_add_months_across_several_years():
    assert calc.add_months(dt.date(2025, 12, 1), 1) == dt.date(2026, 1, 1)
    assert calc.add_months(dt.date(2025, 12, 1), 25) == dt.date(2028, 1, 1)
    assert calc.add_months(dt.date(2025, 1, 1), -13) == dt.date(2023, 12, 1)


def test_brackets_given_out_of_order_are_sorted_with_the_open_one_last():
    brackets = calc.parse_brackets([[None, "0.02"], ["10000", "0.015"], ["3000", "0.005"], ["5000", "0.01"]])
    assert brackets == [(D("3000"), D("0.005")), (D("5000"), D("0.01")), (D("10000"), D("0.015")), (None, D("0.02"))]
    assert calc.rate_for(D("4000"), brackets) == D("0.01")


def test_brackets_are_sorted_by_their_bounds_not_their_rates():
    brackets = calc.parse_brackets([["5000", "0.01"], [None, "0.005"], ["3000", "0.02"]])
    assert brackets == [(D("3000"), D("0.02")), (D("5000"), D("0.01")), (None, D("0.005"))]


def test_a_zero_upper_bound_sorts_first():
    brackets = calc.parse_brackets([["0.5", "0.001"], [None, "0.02"], ["0", "0"]])
    assert [upper for upper, _ in brackets] == [D("0"), D("0.5"), None]


@pytest.mark.parametrize("raw", [[], [["3000", "0.005"]], [["3000", "0.005"], ["5000", "0.01"]]])
def test_brackets_need_a_last_open_bracket(raw):
    with pytest.raises(ValueError, match="open bracket"):
        calc.parse_brackets(raw)


def test_a_relief_counts_only_when_approved_as_reduce_or_exempt():
    assert calc.relieved_amount(D("50.00"), None, D("10.00")) == D("50.00")
    assert calc.relieved_amount(D("50.00"), "reduce", None) == D("50.00")
    assert calc.relieved_amount(D("50.00"), "other", D("10.00")) == D("50.00")
    assert calc.relieved_amount(D("50.00"), "exempt", D("10.00")) == D("0.00")


def test_a_zero_base_pays_nothing_and_an_unknown_basis_is_refused():
    assert calc.monthly_due(Basis.WAGE, D("0"), None, CONFIG).amount == D("0.00")
    with pytest.raises(ValueError, match="未知的计算方式"):
        calc.monthly_due("barter", D("100"), None, CONFIG)


def test_a_pension_uses_the_retired_brackets_and_a_wage_the_employed_ones():
    assert calc.monthly_due(Basis.PENSION, D("6000"), None, CONFIG).rate == D("0.01")
    assert calc.monthly_due(Basis.WAGE, D("6000"), None, CONFIG).rate == D("0.015")


def test_a_farmer_pays_the_chosen_amount_rounded():
    assert calc.monthly_due(Basis.FARMER, None, D("0.555"), CONFIG) == calc.Due(D("0.56"), None)


def test_the_payment_window_follows_its_rules():
    values = {k: REGISTRY[k].default for k in rules.ALL_KEYS}
    config = calc.Config.from_values({**values, rules.MAX_BACK_MONTHS: 2, rules.MAX_PREPAY_MONTHS: 3})
    assert calc.payment_window(dt.date(2025, 1, 31), config) == (dt.date(2024, 11, 1), dt.date(2025, 4, 1))


@pytest.mark.parametrize(("today", "owed"), [
    (dt.date(2025, 1, 1), dt.date(2024, 12, 1)),
    (dt.date(2025, 2, 15), dt.date(2024, 12, 1)),
    (dt.date(2025, 10, 1), dt.date(2025, 9, 1)),
    (dt.date(2025, 12, 31), dt.date(2025, 9, 1)),
])
def test_a_quarterly_payer_owes_through_the_last_completed_quarter(today, owed):
    assert calc.owed_through(today, True) == owed


def test_a_monthly_payer_owes_through_last_month_across_the_year_end():
    assert calc.owed_through(dt.date(2025, 1, 20), False) == dt.date(2024, 12, 1)


def test_arrears_start_with_the_later_of_the_dues_start_and_the_month_after_the_last_payment():
    start = dt.date(2025, 3, 1)
    # Last paid before dues began (a payment carried over): counted from the start month.
    assert calc.arrears_months(dt.date(2025, 5, 1), dt.date(2024, 12, 1), start) == 3
    assert calc.arrears_months(dt.date(2025, 5, 1), dt.date(2025, 3, 1), start) == 2
    assert calc.arrears_months(dt.date(2025, 5, 1), dt.date(2025, 5, 1), start) == 0
    assert calc.arrears_months(dt.date(2025, 2, 1), None, start) == 0  # nothing owed before the start


def test_arrears_levels_follow_their_rules():
    values = {k: REGISTRY[k].default for k in rules.ALL_KEYS}
    config = calc.Config.from_values({**values, rules.ARREARS_WARN_MONTHS: 1, rules.ARREARS_FLAG_MONTHS: 2})
    assert [calc.arrears_level(n, config) for n in (0, 1, 2, 3)] == [
        ArrearsLevel.NONE, ArrearsLevel.WARNED, ArrearsLevel.FLAGGED, ArrearsLevel.FLAGGED]
