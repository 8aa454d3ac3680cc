"""Periods of the calendar: the one `Period` every rule, measure, page and API reads, plus month arithmetic.

A `Period` is a year, a half, a quarter, a month or a custom range of days, inclusive of both ends. Measures take
one (`fn(orgs, period)`), the API parses one from a string (`2026`, `2026H1`, `2026Q2`, `2026-03`,
`2026-01-01..2026-03-31`), and pages show its Chinese label. Pure: no database, no Django.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from dangjian.lib.dates import cn_date

YEAR, HALF, QUARTER, MONTH, CUSTOM = "year", "half", "quarter", "month", "custom"
KINDS = (YEAR, HALF, QUARTER, MONTH, CUSTOM)
KIND_LABELS = {YEAR: "年度", HALF: "半年", QUARTER: "季度", MONTH: "月度", CUSTOM: "自定义区间"}
# How a rule's period is named in words ("每月开展一次").
EVERY_LABELS = {MONTH: "每月", QUARTER: "每季度", HALF: "每半年", YEAR: "每年"}
_LENGTH = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}
MIN_YEAR, MAX_YEAR = 1900, 2999


class PeriodError(ValueError):
    """A period string that cannot be read, or a range that ends before it starts; the message is Chinese."""


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier when negative); a day the month lacks falls back to its last day
    (31 January + 1 month = 28/29 February)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def month_start(day: dt.date, months_after: int = 0) -> dt.date:
    """The first day of `day`'s month, moved by `months_after` months."""
    return add_months(day.replace(day=1), months_after)


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True, order=True)
class Period:
    """Days from `start` to `end`, both included, of one kind (year, half, quarter, month or custom)."""

    start: dt.date
    end: dt.date
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise PeriodError(f"未知的周期类型：{self.kind}")
        if self.end < self.start:
            raise PeriodError(f"周期的结束日期{self.end:%Y-%m-%d}早于开始日期{self.start:%Y-%m-%d}")

    # --- constructors ---------------------------------------------------------------------------------------------

    @classmethod
    def _calendar(cls, kind: str, start: dt.date) -> Period:
        return cls(start, month_start(start, _LENGTH[kind]) - dt.timedelta(days=1), kind)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls._calendar(YEAR, dt.date(year, 1, 1))

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        if half not in (1, 2):
            raise PeriodError(f"半年只能是上半年或下半年（1或2），不是{half}")
        return cls._calendar(HALF, dt.date(year, 6 * half - 5, 1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise PeriodError(f"季度只能是1至4，不是{quarter}")
        return cls._calendar(QUARTER, dt.date(year, 3 * quarter - 2, 1))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise PeriodError(f"月份只能是1至12，不是{month}")
        return cls._calendar(MONTH, dt.date(year, month, 1))

    @classmethod
    def range(cls, start: dt.date, end: dt.date) -> Period:
        """A custom range of days (both included)."""
        return cls(start, end, CUSTOM)

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> Period:
        """The year, half, quarter or month that contains `day`."""
        if kind not in _LENGTH:
            raise PeriodError(f"未知的周期类型：{kind}")
        first_month = (day.month - 1) // _LENGTH[kind] * _LENGTH[kind] + 1
        return cls._calendar(kind, dt.date(day.year, first_month, 1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """`2026`, `2026H1`, `2026Q2`, `2026-03` or `2026-01-01..2026-03-31` (or with a dash: `2026-H1`, `2026-Q2`)."""
        value = str(text).strip().upper()
        try:
            if m := re.fullmatch(r"(\d{4})", value):
                return cls.year(_year(m[1]))
            if m := re.fullmatch(r"(\d{4})-?H(\d)", value):
                return cls.half(_year(m[1]), int(m[2]))
            if m := re.fullmatch(r"(\d{4})-?Q(\d)", value):
                return cls.quarter(_year(m[1]), int(m[2]))
            if m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
                return cls.month(_year(m[1]), int(m[2]))
            if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", value):
                start, end = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
                _year(str(start.year)), _year(str(end.year))
                return cls.range(start, end)
        except ValueError as error:
            if isinstance(error, PeriodError):
                raise
            raise PeriodError(f"无法识别的日期：{text}") from error
        raise PeriodError(
            f"无法识别的周期：{text}（可写2026、2026H1、2026Q2、2026-03或2026-01-01..2026-03-31）"
        )

    # --- reading --------------------------------------------------------------------------------------------------

    @property
    def key(self) -> str:
        """The string the API shows and `parse` reads back: 2026, 2026-H1, 2026-Q2, 2026-03, 2026-01-01..2026-03-31
        (the dash before H and Q is optional when parsing)."""
        if self.kind == YEAR:
            return str(self.start.year)
        if self.kind == HALF:
            return f"{self.start.year}-H{self.index}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{self.index}"
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def index(self) -> int:
        """Which half, quarter or month of its year (1-based); 1 for a year or a range."""
        if self.kind in _LENGTH:
            return (self.start.month - 1) // _LENGTH[self.kind] + 1
        return 1

    @property
    def label(self) -> str:
        """In words: 2026年, 2026年上半年, 2026年第2季度, 2026年3月, 2026年1月1日至2026年3月31日."""
        year = f"{self.start.year}年"
        if self.kind == YEAR:
            return year
        if self.kind == HALF:
            return year + ("上半年" if self.index == 1 else "下半年")
        if self.kind == QUARTER:
            return f"{year}第{self.index}季度"
        if self.kind == MONTH:
            return f"{year}{self.start.month}月"
        return f"{_day_label(self.start)}至{_day_label(self.end)}"

    @property
    def short_label(self) -> str:
        """A column heading inside one year: 1月, 一季度, 上半年, 全年."""
        if self.kind == MONTH:
            return f"{self.start.month}月"
        if self.kind == QUARTER:
            return f"{'一二三四'[self.index - 1]}季度"
        if self.kind == HALF:
            return "上半年" if self.index == 1 else "下半年"
        if self.kind == YEAR:
            return "全年"
        return self.label

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        """Whether `day` falls inside the period (both ends included)."""
        return self.start <= day <= self.end

    def months(self) -> list[Period]:
        """The calendar months the period touches, in order (a range's first and last may be partial)."""
        found = []
        month = self.start.replace(day=1)
        while month <= self.end:
            found.append(Period.month(month.year, month.month))
            month = month_start(month, 1)
        return found

    def previous(self) -> Period:
        """The period of the same kind just before (a range: the same number of days just before)."""
        if self.kind in _LENGTH:
            return Period.containing(self.kind, self.start - dt.timedelta(days=1))
        return Period.range(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def following(self) -> Period:
        """The period of the same kind just after."""
        if self.kind in _LENGTH:
            return Period.containing(self.kind, self.end + dt.timedelta(days=1))
        return Period.range(self.end + dt.timedelta(days=1), self.end + dt.timedelta(days=self.days))

    def split(self, kind: str) -> list[Period]:
        """The periods of `kind` (month, quarter, half, year) that overlap this one, in order."""
        found: list[Period] = []
        period = Period.containing(kind, self.start)
        while period.start <= self.end:
            found.append(period)
            period = period.following()
        return found


def _year(text: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"年份须在{MIN_YEAR}至{MAX_YEAR}之间，不是{year}")
    return year


def _day_label(day: dt.date) -> str:
    return cn_date(day)


def periods_between(kind: str, start: dt.date, end: dt.date) -> list[Period]:
    """The periods of `kind` that overlap the days from `start` to `end` (inclusive), in order."""
    return Period.range(start, end).split(kind)


def periods_of_year(kind: str, year: int) -> list[Period]:
    """The 12 months, 4 quarters, 2 halves or 1 year of `year`."""
    return Period.year(year).split(kind)


def reference_day(period: Period | int, today: dt.date) -> dt.date:
    """The last day of the period (a year given as a number) that has happened: facts held "on the day" — who is
    a leader, whether a branch has a committee — are judged on it. Today inside the period, its end once past."""
    end = Period.year(period).end if isinstance(period, int) else period.end
    return min(today, end)
