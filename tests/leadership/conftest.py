"""Checks and helpers shared by this package's tests."""

import datetime as dt
from typing import Any

import pytest

from dangjian.leadership import actions
from dangjian.orgs import actions as org_actions
from dangjian.orgs.models import OrgKind


def add_branches_with_terms(world: Any, names: str) -> None:
    """One more 党支部 under the root per character of `names`, each with its first term open since 2023-03-01:
    for the query-count tests, which must see the same count with more orgs."""
    for name in names:
        org = org_actions.create_org(actor=world.admin, parent=world.root, name=f"{name}支部", kind=OrgKind.BRANCH)
        actions.open_term(org, actor=world.admin, number=1, starts_on=dt.date(2023, 3, 1))


@pytest.fixture(autouse=True)
def _totals_stay_exact(totals_stay_exact: None) -> None:
    """Every test here changes orgs and members through the actions: the kept totals must stay exact."""
