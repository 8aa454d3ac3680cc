"""API test helpers: member input as the API expects it (JSON values); the `api` client fixture is in tests/conftest.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from dangjian.orgs.models import Organization
from tests.world import member_data


def member_payload(org: Organization, **overrides: Any) -> dict[str, Any]:
    """member_data() turned into JSON input: the org as its id, dates as ISO strings."""
    data = member_data(org, **overrides)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Organization):
            out[key] = value.pk
        elif isinstance(value, dt.date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def fresh(api: Callable[[Any], APIClient], user: Any) -> APIClient:
    """A client for a newly loaded copy of `user`, as each real request has: nothing cached on it (the scope)."""
    return api(type(user).objects.get(pk=user.pk))


@pytest.fixture(autouse=True)
def _totals_stay_exact(totals_stay_exact: None) -> None:
    """Every test here changes orgs and members through the actions: the kept totals must stay exact."""
