"""Excel export helpers: a header row plus rows, formula-injection safe, streamed from openpyxl write-only. Amounts
wrapped in `Money` are written as numbers shown with two decimals and thousands separators, not as text."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from dangjian.lib.money import to_cents

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class Money:
    """An amount in 元 for a cell: written as a number with MONEY_FORMAT; an empty cell for None."""

    value: Any


def safe_cell(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula (ASVS 1.2.10)."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _money_cell(ws: Any, money: Money) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cents = to_cents(money.value)
    cell = WriteOnlyCell(ws, value=cents)
    if cents is not None:
        cell.number_format = MONEY_FORMAT
    return cell


def xlsx_response(filename: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    return xlsx_workbook_response(filename, [(sheet, header, rows)])


def xlsx_workbook_response(
    filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]
) -> HttpResponse:
    """An .xlsx download with one sheet per (title, header, rows)."""
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title)
        head = []
        for heading in header:
            cell = WriteOnlyCell(ws, value=heading)
            cell.font = Font(bold=True)
            head.append(cell)
        ws.append(head)
        for row in rows:
            ws.append([_money_cell(ws, v) if isinstance(v, Money) else safe_cell(v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response
