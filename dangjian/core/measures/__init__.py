"""Measures: every figure the system reports, registered once with a key and read alike by pages, the API,
reminders, evaluation and dashboards.

A measure is a set-based function with one signature, `fn(subjects, period) -> {id: value}`: the subjects are a
QuerySet of organizations (subject "org") or of members (subject "member"), already scoped by the caller
(`visible_to(user)`); there is no user argument. It answers for the subjects it applies to (a meeting rate for
branches and groups, not for a 党委) and runs the same number of queries whatever their number.

Each app declares its measures in its own `measures` module with `@register(...)`; `CoreConfig.ready` discovers
them with `autodiscover_modules("measures")`, so core imports no domain app. A period a measure cannot compute
(a month for a yearly rule, a period not yet begun) raises `PeriodNotSupported`, never a wrong number; an unknown
key raises `UnknownMeasure` (the API answers 404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from dangjian.lib.periods import KIND_LABELS, Period

ORG, MEMBER = "org", "member"
SUBJECT_LABELS = {ORG: "党组织", MEMBER: "党员"}

MeasureFn = Callable[[QuerySet[Any], Period], dict[int, Any]]


class UnknownMeasure(LookupError):
    """No measure is registered under this key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"没有指标“{key}”")
        self.key = key


class PeriodNotSupported(ValueError):
    """The measure cannot be computed for this period; the message says why, in Chinese."""


@dataclass(frozen=True, order=True)
class Ratio:
    """A share: `done` of `owed` (落实率, 完成率, 收缴率). Adds up over orgs; the rate is None when nothing was owed."""

    done: int | Decimal = 0
    owed: int | Decimal = 0

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.done + other.done, self.owed + other.owed)

    @property
    def rate(self) -> float | None:
        return float(self.done) / float(self.owed) if self.owed else None

    @property
    def percent(self) -> str:
        """As shown: one decimal, or a dash when nothing was owed."""
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"

    def __str__(self) -> str:
        return self.percent


@dataclass(frozen=True)
class Measure:
    """One registered figure: what it is called, how it reads, which rules it rests on, and the function."""

    key: str
    label: str
    unit: str
    higher_is_better: bool | None
    subject: str
    rules: tuple[str, ...]
    periods: tuple[str, ...]
    fn: MeasureFn = field(compare=False, repr=False)
    description: str = ""
    future: bool = False  # whether a period not yet begun may be asked (forecasts); otherwise refused
    # Optional: the same figure aggregated over the whole set in SQL, with the breakdown a summary page shows
    # (by kind, period or tree level); it must agree with adding up `fn`'s values.
    summary: Callable[[QuerySet[Any], Period], Any] | None = field(default=None, compare=False, repr=False)
    do_not_call_in_templates = True  # a template reads its fields; it must not call it

    @property
    def app_label(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def direction_label(self) -> str:
        if self.higher_is_better is None:
            return "—"
        return "越高越好" if self.higher_is_better else "越低越好"

    @property
    def subject_label(self) -> str:
        return SUBJECT_LABELS[self.subject]

    @property
    def period_labels(self) -> list[str]:
        return [KIND_LABELS[k] for k in self.periods]

    def check(self, period: Period, today: dt.date | None = None) -> None:
        """Refuse a period this measure cannot compute: a kind it does not take, or one not yet begun."""
        if period.kind not in self.periods:
            allowed = "、".join(self.period_labels)
            raise PeriodNotSupported(f"指标“{self.label}”只能按{allowed}计算，不能按{KIND_LABELS[period.kind]}（{period.label}）")
        today = today or timezone.localdate()
        if not self.future and period.start > today:
            raise PeriodNotSupported(f"{period.label}尚未开始，无法计算“{self.label}”")

    def __call__(self, subjects: QuerySet[Any], period: Period) -> dict[int, Any]:
        """{subject id: value} for the subjects this measure applies to, after checking the period."""
        self.check(period)
        return self.fn(subjects, period)

    def total(self, subjects: QuerySet[Any], period: Period) -> Any:
        """The summary over the set (`summary`), after checking the period."""
        if self.summary is None:
            raise PeriodNotSupported(f"指标“{self.label}”没有汇总")
        self.check(period)
        return self.summary(subjects, period)


_REGISTRY: dict[str, Measure] = {}


def register(
    key: str, *, label: str, unit: str, subject: str = ORG, higher_is_better: bool | None = True,
    rules: Iterable[str] = (), periods: Iterable[str], description: str = "", future: bool = False,
) -> Callable[[MeasureFn], Measure]:
    """Decorator: register `fn` under `key` and give back the `Measure` (called like the function, with the period
    checked first). A key registered twice is a programming error."""
    if subject not in SUBJECT_LABELS:
        raise ValueError(f"unknown subject {subject!r}")
    kinds = tuple(periods)
    if not kinds or any(k not in KIND_LABELS for k in kinds):
        raise ValueError(f"bad periods {kinds!r} for measure {key!r}")

    def decorate(fn: MeasureFn) -> Measure:
        if key in _REGISTRY and _REGISTRY[key].fn is not fn:
            raise ValueError(f"measure {key!r} registered twice")
        measure = Measure(key=key, label=label, unit=unit, higher_is_better=higher_is_better, subject=subject,
                          rules=tuple(rules), periods=kinds, fn=fn, description=description or (fn.__doc__ or ""),
                          future=future)
        _REGISTRY[key] = measure
        return measure

    return decorate


def with_summary(measure: Measure, summary: Callable[[QuerySet[Any], Period], Any]) -> Measure:
    """Attach the set-wide summary to a registered measure (kept in the registry)."""
    updated = Measure(**{**measure.__dict__, "summary": summary})
    _REGISTRY[measure.key] = updated
    return updated


def get(key: str) -> Measure:
    """The measure registered under `key`; `UnknownMeasure` otherwise."""
    try:
        return _REGISTRY[key]
    except KeyError:
        raise UnknownMeasure(key) from None


def all() -> list[Measure]:  # noqa: A001 - the registry's own vocabulary: measures.all()
    """Every registered measure, by key."""
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def discover() -> None:
    """Import each installed app's `measures` module (CoreConfig.ready)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("measures")


def plain(value: Any) -> Any:
    """A value as JSON: numbers stay numbers (decimals as strings, to keep their digits), a Ratio its parts."""
    if isinstance(value, Ratio):
        return {"done": plain(value.done), "owed": plain(value.owed), "rate": value.rate}
    if hasattr(value, "as_json"):
        return value.as_json()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def shown(value: Any) -> str:
    """A value as a page shows it."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月"
    return str(value)
