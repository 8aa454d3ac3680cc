"""Money as people read it (issue 9, defect 4): two decimals and thousands separators on every 党费 page, numbers
with a number format in the Excel exports, two-place strings in the API."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.dues import actions
from dangjian.lib.money import format_money
from tests.dues.conftest import beijing


def _rich_base(world, member):
    """A base of 150,000 元 a month: 2% is 3,000.00 元 due each month."""
    actions.set_base(actor=world.admin, member=member, data={"month_from": "2025-01", "basis": "wage",
                                                             "income": "150000.00"})


def test_a_sum_with_eleven_decimals_reads_as_two_with_thousands_separators():
    assert format_money(Decimal("253807.85000000000")) == "253,807.85"
    assert format_money(Decimal("0.2")) == "0.20"
    assert format_money(Decimal("1234.565")) == "1,234.57"
    assert format_money(None) == ""
    html = Template("{{ a|money }} 元|{{ b|money }}").render(Context({"a": Decimal("253807.85000000000"), "b": None}))
    assert html == "253,807.85 元|"


def test_pages_show_amounts_with_thousands_separators(world, login):
    with beijing(dt.date(2025, 3, 10)):
        _rich_base(world, world.member)
        client = login(world.admin)
        sheet = client.get(reverse("dues:sheet", args=[world.a1.pk]) + "?month=2025-03").content.decode()
        statement = client.get(reverse("dues:statement", args=[world.member.pk])).content.decode()
        summary = client.get(reverse("dues:summary") + "?month=2025-03").content.decode()
        bases = client.get(reverse("dues:bases", args=[world.a1.pk])).content.decode()
    assert "3,000.00 元" in sheet and "150,000.00元" in sheet
    assert "已到期应交 6,000.00 元" in statement and "每月应交 3,000.00 元" in statement
    assert '<td class="text-end">2%</td>' in statement and "0.0200" not in statement  # the rate, as read
    assert "3,000.00 元" in summary and "3000.00" not in summary
    assert "150,000.00元" in bases


def test_excel_exports_write_amounts_as_numbers_with_a_money_format(world, login):
    with beijing(dt.date(2025, 3, 10)):
        _rich_base(world, world.member)
        client = login(world.admin, verified=True)
        response = client.get(reverse("dues:sheet", args=[world.a1.pk]) + "?month=2025-03&format=xlsx")
        summary = client.get(reverse("dues:summary") + "?month=2025-03&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == world.member.name)
    due = row[header.index("应交（元）")]
    income = row[header.index("计算基数")]
    assert due.value == 3000 and isinstance(due.value, int | float | Decimal) and due.number_format == "#,##0.00"
    assert income.value == 150000 and income.number_format == "#,##0.00"
    totals = load_workbook(io.BytesIO(summary.content)).active
    last = list(totals.iter_rows())[-1]
    assert last[3].value == 3000 and last[3].number_format == "#,##0.00"


def test_the_api_keeps_amounts_as_two_place_decimal_strings(world, api):
    with beijing(dt.date(2025, 3, 10)):
        _rich_base(world, world.member)
        summary = api(world.admin).get("/api/v1/dues/summary/?month=2025-03").json()
        bases = api(world.admin).get(f"/api/v1/dues/bases/?member={world.member.pk}").json()
    assert summary["total"]["due"] == "3000.00"
    base = bases["results"][0] if isinstance(bases, dict) else bases[0]
    assert base["income"] == "150000.00" and base["amount"] == "3000.00"
