"""The steps of the demo data, registered by the apps that own the records: `@register(order=..., timing=...)` on a
`load(*, seed, today) -> str` in `<app>/demo.py`.

The top-floor demo app (dangjian.demo) discovers those modules (`autodiscover_modules("demo")`) after it has written
the orgs, members and demo logins, and calls each step in order; each returns its line of the command's report. A
step marked `reminders_after` is followed by a run of the reminder job (so the demo's first to-do lists are those a
real deployment would have had), and the job runs once more after the last step. This module is plain Python so
that any app, at any floor, may register without importing the demo app above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar


class Load(Protocol):
    """Writes one app's demo records for `seed` and `today` and says what it wrote, in Chinese."""

    def __call__(self, *, seed: int, today: dt.date) -> str: ...


L = TypeVar("L", bound=Load)


@dataclass(frozen=True)
class Step:
    """One registered step: its dotted name, its place (lower first), the timing line it counts under, and whether
    the reminder job runs right after it."""

    name: str
    order: int
    load: Load
    timing: str
    reminders_after: bool = False


_STEPS: dict[str, Step] = {}


def register(*, order: int, timing: str = "党员全周期", reminders_after: bool = False) -> Callable[[L], L]:
    """Declare a demo step. Two steps may not share an order (the data must come out the same on every run), and
    another function may not take a registered dotted name."""

    def decorate(load: L) -> L:
        name = f"{load.__module__}.{getattr(load, '__qualname__', repr(load))}"
        known = _STEPS.get(name)
        if known is not None and known.load is not load:
            raise ValueError(f"demo step {name} is registered twice")
        clash = [s.name for s in _STEPS.values() if s.order == order and s.name != name]
        if clash:
            raise ValueError(f"demo steps {name} and {clash[0]} share the order {order}")
        _STEPS[name] = Step(name, order, load, timing, reminders_after)
        return load

    return decorate


def steps() -> list[Step]:
    """The registered steps in the order they run."""
    return sorted(_STEPS.values(), key=lambda s: s.order)
