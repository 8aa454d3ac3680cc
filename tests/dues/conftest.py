"""Helpers of the 党费 tests: frozen Beijing days and a member with a base."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine


def beijing(day: dt.date, hour: int = 12) -> Any:
    """Freeze time at `hour` o'clock Beijing time on `day`."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour - 8, tzinfo=dt.UTC), tick=False)


@pytest.fixture(autouse=True)
def _totals_stay_exact(totals_stay_exact: None) -> None:
    """Members are created through the actions here: the kept totals must stay exact."""
