"""Date helpers shared by rules and filters: whole years between dates, anniversaries, the written date."""

from __future__ import annotations

import datetime as dt

from django.utils import formats


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def whole_years(start: dt.date, end: dt.date) -> int:
    """Completed years from start to end (age, 党龄)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def cn_date(day: dt.date | None) -> str:
    """2025年1月1日: a date as written in sentences, documents and exports, by the DATE_FORMAT of the settings
    (whatever language is active), as the pages show it; "" for no date."""
    return formats.date_format(day, "DATE_FORMAT", use_l10n=False) if day else ""
