"""Rules as data: each rule's default, source and status is declared once in its app's rules.py; a deployment
may record a different value in RuleParameter (effective from a date). `value(key, on)` is the one reader.

Pure functions receive rule values as arguments, so they stay testable without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from dangjian.core.models import RuleStatus
from dangjian.core.rules import display


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    default: Any
    source: str
    article: str
    status: str  # RuleStatus
    note: str = ""
    # What a deployment may record instead of the default (checked by `parse_override`):
    choices: tuple[tuple[Any, str], ...] = ()  # the allowed values in order, with their labels
    minimum: float | None = None
    maximum: float | None = None
    # A central rule may only be tightened: "lower" (a smaller number / an earlier choice is stricter) or
    # "higher". Empty: the central value cannot be changed in the system at all.
    tighter: str = ""
    # How a number is read: "天", "个月", "年", "元", "人", "月" (a month of the year) ...; when empty, the unit the
    # label ends with, e.g. "（天）" (core.rules.display).
    unit: str = ""

    @property
    def is_local(self) -> bool:
        return self.status == RuleStatus.LOCAL

    @property
    def editable(self) -> bool:
        """Local practice may be set freely; a central rule only in its stricter direction, if it has one."""
        scalar = isinstance(self.default, bool | int | float | str)
        return scalar and (self.is_local or bool(self.tighter))

    def label_of(self, value: Any) -> str:
        """The value as a person reads it: a choice's (or a listed item's) name, 是/否, a number with its unit,
        income brackets as "3,000元以下（含）0.5%；…"."""
        return display.text(value, self.choices, display.unit_of(self.label, self.unit))

    def table_of(self, value: Any) -> list[tuple[str, str]]:
        """Income brackets as (range, rate) rows for a table; [] for any other value."""
        return display.bracket_rows(value) if display.is_brackets(value) else []


PERIOD_CHOICES: tuple[tuple[Any, str], ...] = (("month", "每月"), ("quarter", "每季度"), ("year", "每年"))


def _rank(rule: Rule, value: Any) -> float:
    if rule.choices:
        return float([v for v, _ in rule.choices].index(value))
    return float(value)


def parse_override(rule: Rule, raw: str) -> Any:
    """The value a deployment asks for, as the rule's type, or ValueError with a Chinese message: the type of
    the default, one of the choices, within the bounds, and for a central rule no looser than the default."""
    text = (raw or "").strip()
    default = rule.default
    value: Any
    if rule.choices:
        allowed = {str(v): v for v, _ in rule.choices}
        if text not in allowed:
            raise ValueError("请选择：" + "、".join(label for _, label in rule.choices))
        value = allowed[text]
    elif isinstance(default, bool):
        if text not in ("true", "false"):
            raise ValueError("请选择“是”或“否”")
        value = text == "true"
    elif isinstance(default, int):
        try:
            value = int(text)
        except ValueError:
            raise ValueError("请输入整数") from None
    elif isinstance(default, float):
        try:
            value = float(text)
        except ValueError:
            raise ValueError("请输入数字") from None
    else:
        if not text:
            raise ValueError("不能为空")
        value = text
    if isinstance(value, int | float) and not isinstance(value, bool):
        low = 0 if rule.minimum is None else rule.minimum
        if value < low:
            raise ValueError(f"不能小于{low:g}")
        if rule.maximum is not None and value > rule.maximum:
            raise ValueError(f"不能大于{rule.maximum:g}")
    if not rule.is_local:
        if not rule.tighter:
            raise ValueError("中央规定，不能在系统中修改")
        looser = _rank(rule, value) > _rank(rule, default) if rule.tighter == "lower" else (
            _rank(rule, value) < _rank(rule, default))
        if looser:
            raise ValueError(f"中央规定只能从严执行，不能宽于“{rule.label_of(default)}”")
    return value


REGISTRY: dict[str, Rule] = {}


def register(*rules: Rule) -> None:
    for rule in rules:
        if rule.key in REGISTRY and REGISTRY[rule.key] != rule:
            raise ValueError(f"rule {rule.key} declared twice")
        REGISTRY[rule.key] = rule


def value(key: str, on: dt.date | None = None) -> Any:
    """The rule's value in force on `on` (today when omitted): the latest override effective by then, else
    the declared default."""
    from django.utils import timezone

    from dangjian.core.models import RuleParameter

    rule = REGISTRY[key]
    day = on or timezone.localdate()
    override = (
        RuleParameter.objects.filter(key=key, effective_from__lte=day).order_by("-effective_from").first()
    )
    return override.value if override is not None else rule.default


class _Memo:
    """What a `snapshot` has read: answers per (keys, day), and after `preload` every override row of every rule."""

    def __init__(self) -> None:
        self.answers: dict[tuple[tuple[str, ...], dt.date], dict[str, Any]] = {}
        self.rows: list[tuple[str, dt.date, Any]] | None = None  # (key, effective_from, value), latest first per key


_SNAPSHOT: ContextVar[_Memo | None] = ContextVar("rules_snapshot", default=None)


def preload(on: dt.date | None = None) -> None:
    """Inside a `snapshot`: read every recorded override of every rule in one query (the table holds a deployment's
    few decisions, not data), so the page and the measures it reads after it — for today, or for another day such as
    the year's end of a 学时 target — ask nothing more of the database. Outside a snapshot it does nothing. `on` is
    kept for callers that name the page's day; the rows answer any day."""
    from dangjian.core.models import RuleParameter

    memo = _SNAPSHOT.get()
    if memo is not None and memo.rows is None:
        memo.rows = list(RuleParameter.objects.order_by("key", "-effective_from").values_list(
            "key", "effective_from", "value"))


@contextmanager
def snapshot() -> Iterator[None]:
    """Within the block (a page that only reads), `values` asked twice for the same keys and day answers from the
    first answer, and after `preload` answers every key and day from the rows it read: the page and the measures it
    reads each load the rules they rest on, with one query between them. Usable as a decorator."""
    token = _SNAPSHOT.set(_Memo())
    try:
        yield
    finally:
        _SNAPSHOT.reset(token)


def values(keys: list[str], on: dt.date | None = None) -> dict[str, Any]:
    """Several rules in one query (none inside a `snapshot` that already read them)."""
    from django.utils import timezone

    from dangjian.core.models import RuleParameter

    day = on or timezone.localdate()
    memo = _SNAPSHOT.get()
    found: dict[str, Any] = {}
    if memo is not None and memo.rows is not None:
        for key, effective_from, row_value in memo.rows:
            if effective_from <= day:
                found.setdefault(key, row_value)
        return {k: found.get(k, REGISTRY[k].default) for k in keys}
    if memo is not None:
        for (known, known_day), answer in memo.answers.items():
            if known_day == day and set(keys) <= set(known):
                return {k: answer[k] for k in keys}
    for row in RuleParameter.objects.filter(key__in=keys, effective_from__lte=day).order_by("key", "-effective_from"):
        found.setdefault(row.key, row.value)
    result = {k: found.get(k, REGISTRY[k].default) for k in keys}
    if memo is not None:
        memo.answers[(tuple(keys), day)] = dict(result)
    return result
