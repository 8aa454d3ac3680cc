"""Excel export helpers: a header row plus rows, formula-injection safe, streamed from openpyxl write-only."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula (ASVS 1.2.10)."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


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
            ws.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response
