"""A rule's value as a person reads it: choices by their Chinese names, 是/否, numbers with their unit (天, 个月,
年, 元 ...), lists by their items' names, and income brackets as rows of a table — never a Python value."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from dangjian.lib.money import format_money

# The unit a label ends with, "（天）", as the value is read: 6（月） is "6个月", a duration, not June.
_LABEL_UNITS = {"天": "天", "月": "个月", "年": "年", "元": "元", "次": "次"}
_LABEL_UNIT = re.compile(r"（(天|月|年|元|次)）$")


_HEADCOUNT = re.compile(r"人数(上限|下限)?$")


def unit_of(label: str, unit: str) -> str:
    """The rule's declared unit, else the one its label ends with ("（天）", "……人数上限"), else none."""
    if unit:
        return unit
    found = _LABEL_UNIT.search(label)
    if found:
        return _LABEL_UNITS[found.group(1)]
    return "人" if _HEADCOUNT.search(label) else ""


def _number(text: Any) -> Decimal | None:
    if isinstance(text, bool) or text is None:
        return None
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None


def is_brackets(value: Any) -> bool:
    """Income brackets: [[upper bound or None, rate], ...] with decimal strings, the last bound open."""
    return (isinstance(value, list | tuple) and bool(value) and all(
        isinstance(b, list | tuple) and len(b) == 2 and (b[0] is None or _number(b[0]) is not None)
        and _number(b[1]) is not None for b in value))


def percent(rate: Any) -> str:
    """0.005 → 0.5%."""
    number = _number(rate)
    if number is None:
        return str(rate)
    text = f"{number * 100:f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _yuan(bound: Any) -> str:
    number = _number(bound)
    return f"{number:,.0f}元" if number is not None and number == number.to_integral() else f"{format_money(bound)}元"


def bracket_rows(value: Any) -> list[tuple[str, str]]:
    """(the range of the base, the rate) for each bracket: 3,000元以下（含）, 3,000元以上至5,000元（含）, 10,000元以上."""
    rows: list[tuple[str, str]] = []
    lower = None
    for bound, rate in value:
        if bound is None:
            span = f"{_yuan(lower)}以上" if lower is not None else "全部"
        elif lower is None:
            span = f"{_yuan(bound)}以下（含）"
        else:
            span = f"{_yuan(lower)}以上至{_yuan(bound)}（含）"
        rows.append((span, percent(rate)))
        lower = bound
    return rows


def text(value: Any, choices: tuple[tuple[Any, str], ...], unit: str) -> str:
    """The value in words, in one line."""
    for v, label in choices:
        if v == value:
            return label
    if isinstance(value, bool):
        return "是" if value else "否"
    if is_brackets(value):
        return "；".join(f"{span}{rate}" for span, rate in bracket_rows(value))
    if isinstance(value, list | tuple):
        return "、".join(text(item, choices, "") for item in value) or "（无）"
    if unit == "元" and _number(value) is not None:
        return f"{format_money(value)}元"
    return f"{value}{unit}"
