"""Checks shared by this package's tests."""

import pytest


@pytest.fixture(autouse=True)
def _totals_stay_exact(totals_stay_exact: None) -> None:
    """Every test here changes orgs and members through the actions: the kept totals must stay exact."""
