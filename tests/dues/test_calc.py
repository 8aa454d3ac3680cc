"""The 党费 arithmetic (dues.calc) at every bracket boundary and for each category — pure, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dangjian.core.rules import REGISTRY
from dangjian.dues import calc, rules
from dangjian.dues.choices import ArrearsLevel, Basis

D = Decimal
CONFIG = calc.Config.defaults()


@pytest.mark.parametrize(("income", "rate", "amount"), [
    ("0.00", "0.005", "0.00"),
    ("2000.00", "0.005", "10.00"),
    ("3000.00", "0.005", "15.00"),
    ("3000.01", "0.01", "30.00"),
    ("5000.00", "0.01", "50.00"),
    ("5000.01", "0.015", "75.00"),
    ("10000.00", "0.015", "150.00"),
    ("10000.01", "0.02", "200.00"),
    ("25000.00", "0.02", "500.00"),
])
def test_employed_brackets_have_inclusive_upper_bounds(income, rate, amount):
    for basis in (Basis.WAGE, Basis.ANNUAL_SALARY, Basis.SELF_EMPLOYED):
        due = calc.monthly_due(basis, D(income), None, CONFIG)
        assert due.rate == D(rate)
        assert due.amount == D(amount)
        assert isinstance(due.amount, Decimal)


@pytest.mark.parametrize(("income", "rate", "amount"), [
    ("3000.00", "0.005", "15.00"),
    ("3000.01", "0.005", "15.00"),
    ("5000.00", "0.005", "25.00"),
    ("5000.01", "0.01", "50.00"),
    ("10000.00", "0.01", "100.00"),
    ("10000.01", "0.01", "100.00"),
])
def test_retirees_pay_half_a_percent_up_to_5000_then_one(income, rate, amount):
    due = calc.monthly_due(Basis.PENSION, D(income), None, CONFIG)
    assert (due.rate, due.amount) == (D(rate), D(amount))


def test_rounding_to_the_fen_half_up_by_default_and_configurable():
    assert calc.monthly_due(Basis.WAGE, D("2345.67"), None, CONFIG).amount == D("11.73")  # 11.72835
    values = {k: REGISTRY[k].default for k in rules.ALL_KEYS}
    down = calc.Config.from_values({**values, rules.ROUNDING_MODE: "ROUND_DOWN"})
    assert calc.monthly_due(Basis.WAGE, D("2345.67"), None, down).amount == D("11.72")
    yuan = calc.Config.from_values({**values, rules.ROUNDING_QUANTUM: "0.1"})
    assert calc.monthly_due(Basis.WAGE, D("2345.67"), None, yuan).amount == D("11.7")
    with pytest.raises(ValueError):
        calc.Config.from_values({**values, rules.ROUNDING_MODE: "ROUND_SOMEHOW"})


@pytest.mark.parametrize("basis", [Basis.STUDENT, Basis.UNEMPLOYED, Basis.SUBSISTENCE])
def test_students_unemployed_and_low_income_pay_twenty_fen(basis):
    due = calc.monthly_due(basis, D("8000.00"), None, CONFIG)
    assert (due.amount, due.rate) == (D("0.20"), None)


def test_farmers_pay_between_twenty_fen_and_one_yuan():
    assert calc.monthly_due(Basis.FARMER, None, D("0.20"), CONFIG).amount == D("0.20")
    assert calc.monthly_due(Basis.FARMER, None, D("1.00"), CONFIG).amount == D("1.00")
    for wrong in (D("0.19"), D("1.01"), None):
        with pytest.raises(ValueError, match="农民党员"):
            calc.monthly_due(Basis.FARMER, None, wrong, CONFIG)


def test_a_negative_or_missing_base_is_refused_and_floats_are_not_accepted():
    with pytest.raises(ValueError, match="负数"):
        calc.monthly_due(Basis.WAGE, D("-0.01"), None, CONFIG)
    with pytest.raises(ValueError, match="基数"):
        calc.monthly_due(Basis.PENSION, None, None, CONFIG)
    with pytest.raises(TypeError):
        calc.rate_for(3000.0, CONFIG.employed)  # type: ignore[arg-type]


def test_reliefs_lower_the_due():
    assert calc.relieved_amount(D("50.00"), "exempt", None) == D("0.00")
    assert calc.relieved_amount(D("50.00"), "reduce", D("10.00")) == D("10.00")
    assert calc.relieved_amount(D("5.00"), "reduce", D("10.00")) == D("5.00")
    assert calc.relieved_amount(D("50.00"), None, None) == D("50.00")


def test_months():
    assert calc.add_months(dt.date(2025, 11, 1), 3) == dt.date(2026, 2, 1)
    assert calc.add_months(dt.date(2025, 1, 1), -1) == dt.date(2024, 12, 1)
    assert calc.months_between(dt.date(2024, 12, 1), dt.date(2025, 2, 1)) == 2
    assert calc.parse_month("2025-06") == dt.date(2025, 6, 1)
    assert calc.parse_month("2025-13") is None and calc.parse_month("x") is None


def test_payment_window_is_six_months_back_and_forward():
    lo, hi = calc.payment_window(dt.date(2025, 7, 15), CONFIG)
    assert (lo, hi) == (dt.date(2025, 1, 1), dt.date(2026, 1, 1))


def test_owed_through_last_month_or_last_completed_quarter():
    assert calc.owed_through(dt.date(2025, 5, 31), False) == dt.date(2025, 4, 1)
    assert calc.owed_through(dt.date(2025, 3, 31), True) == dt.date(2024, 12, 1)
    assert calc.owed_through(dt.date(2025, 4, 1), True) == dt.date(2025, 3, 1)
    assert calc.owed_through(dt.date(2025, 6, 30), True) == dt.date(2025, 3, 1)


def test_arrears_months_and_levels_at_their_boundaries():
    start = dt.date(2025, 1, 1)
    assert calc.arrears_months(dt.date(2025, 3, 1), dt.date(2025, 1, 1), start) == 2
    assert calc.arrears_months(dt.date(2025, 4, 1), dt.date(2025, 1, 1), start) == 3
    assert calc.arrears_months(dt.date(2025, 4, 1), None, start) == 4
    assert calc.arrears_months(dt.date(2025, 4, 1), dt.date(2025, 5, 1), start) == 0  # paid ahead
    assert calc.arrears_level(2, CONFIG) == ArrearsLevel.NONE
    assert calc.arrears_level(3, CONFIG) == ArrearsLevel.WARNED
    assert calc.arrears_level(5, CONFIG) == ArrearsLevel.WARNED
    assert calc.arrears_level(6, CONFIG) == ArrearsLevel.FLAGGED
