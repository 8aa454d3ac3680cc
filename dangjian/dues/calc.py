"""The arithmetic of 党费: pure functions on Decimal values and month dates, no database (architecture.md,
pattern 3). Views, actions, the API, reminders, the demo and the benchmark all call these.

Months are the first day of the month (`dt.date(2025, 3, 1)`). Amounts are `Decimal`, never float: a rate is
applied to the whole base, chosen by the bracket the base falls in (upper bounds inclusive), then rounded by the
configured quantum and mode.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dangjian.dues import rules
from dangjian.dues.choices import FIXED_BASES, INCOME_BASES, ArrearsLevel, Basis
from dangjian.lib.periods import add_months, month_start

Brackets = list[tuple[Decimal | None, Decimal]]


# --- months ------------------------------------------------------------------------------------------------------


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from `earlier`'s month to `later`'s (negative when `later` is earlier)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)


def parse_month(value: str) -> dt.date | None:
    """dt.date(2025, 6, 1) from "2025-06" (four ASCII digits, a dash, two digits; years 1900–2999), else None."""
    match = _MONTH.fullmatch(str(value).strip())
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or not 1900 <= year <= 2999:
        return None
    return dt.date(year, month, 1)


# --- configuration -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """The rule values in force on a day, converted to Decimal and int once."""

    employed: Brackets
    retired: Brackets
    fixed_amount: Decimal
    farmer_min: Decimal
    farmer_max: Decimal
    quantum: Decimal
    rounding: str
    max_back: int
    max_prepay: int
    warn_months: int
    flag_months: int
    large_voluntary: Decimal

    @classmethod
    def from_values(cls, v: dict[str, Any]) -> Config:
        mode = str(v[rules.ROUNDING_MODE])
        if mode not in rules.ROUNDING_MODES:
            raise ValueError(f"{rules.ROUNDING_MODE} must be one of {rules.ROUNDING_MODES}, got {mode!r}")
        return cls(
            employed=parse_brackets(v[rules.EMPLOYED_BRACKETS]), retired=parse_brackets(v[rules.RETIRED_BRACKETS]),
            fixed_amount=Decimal(str(v[rules.FIXED_AMOUNT])), farmer_min=Decimal(str(v[rules.FARMER_MIN])),
            farmer_max=Decimal(str(v[rules.FARMER_MAX])), quantum=Decimal(str(v[rules.ROUNDING_QUANTUM])),
            rounding=getattr(decimal, mode), max_back=int(v[rules.MAX_BACK_MONTHS]),
            max_prepay=int(v[rules.MAX_PREPAY_MONTHS]), warn_months=int(v[rules.ARREARS_WARN_MONTHS]),
            flag_months=int(v[rules.ARREARS_FLAG_MONTHS]), large_voluntary=Decimal(str(v[rules.LARGE_VOLUNTARY])),
        )

    @classmethod
    def defaults(cls) -> Config:
        from dangjian.core.rules import REGISTRY

        return cls.from_values({k: REGISTRY[k].default for k in rules.ALL_KEYS})


def load_config(on: dt.date | None = None) -> Config:
    """The rules in force on `on` (one query)."""
    from dangjian.core import rules as registry

    return Config.from_values(registry.values(rules.ALL_KEYS, on))


def parse_brackets(raw: Any) -> Brackets:
    """[[upper or None, rate], …] → sorted (Decimal | None, Decimal); the open bracket last."""
    out: Brackets = []
    for upper, rate in raw:
        out.append((None if upper is None else Decimal(str(upper)), Decimal(str(rate))))
    out.sort(key=lambda b: (b[0] is None, b[0] or Decimal(0)))
    if not out or out[-1][0] is not None:
        raise ValueError("brackets need a last, open bracket (upper bound null)")
    return out


# --- the due amount ------------------------------------------------------------------------------------------------


def rate_for(income: Decimal, brackets: Brackets) -> Decimal:
    """The rate of the bracket `income` falls in; upper bounds are inclusive (3000.00 → the first bracket)."""
    if not isinstance(income, Decimal):
        raise TypeError("income must be a Decimal")
    for upper, rate in brackets:
        if upper is None or income <= upper:
            return rate
    raise AssertionError("unreachable: the last bracket is open")


def round_amount(value: Decimal, config: Config) -> Decimal:
    return value.quantize(config.quantum, rounding=config.rounding)


@dataclass(frozen=True)
class Due:
    """A month's due amount and how it was found (rate None for a fixed amount)."""

    amount: Decimal
    rate: Decimal | None


def monthly_due(basis: str, income: Decimal | None, fixed_amount: Decimal | None, config: Config) -> Due:
    """党费 for one month from the basis: a bracket rate of the income (在职 第二、三、四条; 离退休 第五条), or the
    fixed amount (学生、下岗失业、低保 0.2元; 农民 the chosen amount within 0.2–1元, 第六条). Raises ValueError
    with a Chinese message for a missing or out-of-range value."""
    if basis in INCOME_BASES:
        if income is None:
            raise ValueError("请填写计算基数")
        if income < 0:
            raise ValueError("计算基数不能为负数")
        brackets = config.retired if basis == Basis.PENSION else config.employed
        rate = rate_for(income, brackets)
        return Due(round_amount(income * rate, config), rate)
    if basis in FIXED_BASES:
        return Due(round_amount(config.fixed_amount, config), None)
    if basis == Basis.FARMER:
        if fixed_amount is None:
            raise ValueError(f"农民党员请填写每月交纳金额（{config.farmer_min}—{config.farmer_max}元）")
        if not config.farmer_min <= fixed_amount <= config.farmer_max:
            raise ValueError(f"农民党员每月交纳{config.farmer_min}—{config.farmer_max}元（第六条）")
        return Due(round_amount(fixed_amount, config), None)
    raise ValueError(f"未知的计算方式：{basis}")


def relieved_amount(due: Decimal, relief_kind: str | None, relief_amount: Decimal | None) -> Decimal:
    """The due after an approved 少交 (the approved amount, never more than the due) or 免交 (zero)."""
    if relief_kind == "exempt":
        return Decimal("0.00")
    if relief_kind == "reduce" and relief_amount is not None:
        return min(due, relief_amount)
    return due


# --- payments and arrears -----------------------------------------------------------------------------------------


def payment_window(today: dt.date, config: Config) -> tuple[dt.date, dt.date]:
    """The months a payment recorded on `today` may be for: back to `max_back` months before this month
    (补交), forward to `max_prepay` months after it (预交)."""
    this = month_start(today)
    return add_months(this, -config.max_back), add_months(this, config.max_prepay)


def owed_through(today: dt.date, quarterly: bool) -> dt.date:
    """The last month already owed on `today`: last month for a monthly payer (this month's 党费 is paid during
    the month); for a quarterly payer (经党支部同意) the last month of the last completed quarter."""
    last = add_months(month_start(today), -1)
    if quarterly:
        return add_months(last, -((last.month) % 3))
    return last


def arrears_months(owed_to: dt.date, covered_to: dt.date | None, start: dt.date) -> int:
    """Consecutive unpaid months up to `owed_to`: the months after the last paid (or exempted) month
    `covered_to`, never before `start` (the month dues begin: 入党 month or the first base)."""
    first_open = max(start, add_months(covered_to, 1)) if covered_to is not None else start
    return max(0, months_between(first_open, owed_to) + 1)


def arrears_level(months: int, config: Config) -> str:
    if months >= config.flag_months:
        return ArrearsLevel.FLAGGED
    if months >= config.warn_months:
        return ArrearsLevel.WARNED
    return ArrearsLevel.NONE

