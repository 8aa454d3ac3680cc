"""Where the apps plug their reminder sources into the job: `@register(order=..., rules=...)` in `<app>/reminders.py`.

The reminders app finds those modules at start-up (RemindersConfig.ready, `autodiscover_modules("reminders")`)
and the job (`generate.compute`) calls every registered source once per run, so it imports no app that it reminds
of. A source is set-based: one query (or a fixed few) over all orgs, never one per org.

A source is called `fn(today)` and returns (org path, Item) entries, or `Own` items for the user linked to a
member. One that declares `rules` is called `fn(today, values)` with the values of those rule keys on `today`;
the job loads the rules of all sources in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured

from dangjian.core.reminders.types import Entry, Own

Found = Iterable[Entry | Own]
F = TypeVar("F", bound=Callable[..., Found])


@dataclass(frozen=True)
class Source:
    """One registered source: its dotted name, its place in the run (lower first) and the rule keys it reads."""

    name: str
    order: int
    fn: Callable[..., Found]
    rules: tuple[str, ...] = ()

    def __call__(self, today: dt.date, values: Mapping[str, Any]) -> Found:
        if self.rules:
            return self.fn(today, {k: values[k] for k in self.rules})
        return self.fn(today)


_SOURCES: dict[str, Source] = {}


def register(*, order: int, rules: Iterable[str] = ()) -> Callable[[F], F]:
    """Declare a reminder source. `order` fixes where its entries go in the run (it decides which of two items for
    one user comes first, so runs stay identical); `rules` are the rule keys it is given. Registering another
    function under the same dotted name is a configuration error."""

    def decorate(fn: F) -> F:
        name = f"{fn.__module__}.{fn.__qualname__}"
        known = _SOURCES.get(name)
        if known is not None and known.fn is not fn:
            raise ImproperlyConfigured(f"reminder source {name} is registered twice")
        _SOURCES[name] = Source(name, order, fn, tuple(rules))
        return fn

    return decorate


def sources() -> list[Source]:
    """The registered sources in run order."""
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.name))


def unregister(name: str) -> None:
    """Drop a source (tests that register a throw-away source clean up with this)."""
    _SOURCES.pop(name, None)
