"""The 党费 demo: a year of bases and payments that agree with the rules, with members 3 and 6 months behind and
one exemption."""

from __future__ import annotations

import datetime as dt

from dangjian.dues import calc, demo, ledgers
from dangjian.dues.models import DuesBase, DuesPayment, DuesRelief


def test_demo_holds_a_year_with_arrears_and_an_exemption(world):
    names = "甲乙丙丁戊己庚辛壬癸"
    for i in range(10):
        world.make_member(world.a2 if i % 2 else world.a1, name=f"演示{names[i]}")
    today = dt.date.today()
    line = demo.load(seed=7, today=today)
    assert "党费" in line
    config = calc.load_config(today)
    for base in DuesBase.objects.all():
        assert calc.monthly_due(base.basis, base.income, base.fixed_amount, config).amount == base.amount
    assert DuesPayment.objects.filter(month=calc.add_months(calc.month_start(today), -12)).exists()
    rows = list(ledgers.arrears_rows(world.root.path, today, config))
    assert any(r.flagged for r in rows) and any(not r.flagged for r in rows)
    assert DuesRelief.objects.filter(kind="exempt").count() == 1
    assert not DuesPayment.objects.filter(amount__lt=0).exists()
