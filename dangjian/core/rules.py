"""Rules as data: each rule's default, source and status is declared once in its app's rules.py; a deployment
may record a different value in RuleParameter (effective from a date). `value(key, on)` is the one reader.

Pure functions receive rule values as arguments, so they stay testable without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dangjian.core.models import RuleStatus


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    default: Any
    source: str
    article: str
    status: str  # RuleStatus
    note: str = ""

    @property
    def is_local(self) -> bool:
        return self.status == RuleStatus.LOCAL


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


def values(keys: list[str], on: dt.date | None = None) -> dict[str, Any]:
    """Several rules in one query."""
    from django.utils import timezone

    from dangjian.core.models import RuleParameter

    day = on or timezone.localdate()
    found: dict[str, Any] = {}
    for row in RuleParameter.objects.filter(key__in=keys, effective_from__lte=day).order_by("key", "-effective_from"):
        found.setdefault(row.key, row.value)
    return {k: found.get(k, REGISTRY[k].default) for k in keys}
