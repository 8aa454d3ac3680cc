"""API test helpers: a DRF client acting as a persona, and member input as the API expects it (JSON values)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from dangjian.orgs.models import Organization
from tests.world import member_data


@pytest.fixture
def api() -> Callable[[Any], APIClient]:
    """`api(user)`: an APIClient authenticated as `user` (None: anonymous)."""

    def _client(user: Any) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return _client


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
