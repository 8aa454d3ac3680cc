"""Checks and helpers shared by this package's tests."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine


@pytest.fixture(autouse=True)
def _totals_stay_exact(totals_stay_exact: None) -> None:
    """Every test here changes orgs and members through the actions: the kept totals must stay exact."""


def at(day: dt.date, hour: int = 10):  # type: ignore[no-untyped-def]
    """Freeze the clock at `hour` o'clock Beijing time on `day`."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour - 8, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    """The tests' "today": 2025-06-15, 10:00 Beijing time."""
    with at(dt.date(2025, 6, 15)):
        yield dt.date(2025, 6, 15)
