"""Shared fixtures: the fixed world of tests.world, fresh for each test (inside its transaction)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def totals_stay_exact(request: pytest.FixtureRequest, db: None) -> Iterator[None]:
    """After a test that uses the world, the subtree totals kept by the actions must equal a fresh count.

    Used autouse by the test packages whose tests change orgs and members only through the actions.
    """
    yield
    if "world" in request.fixturenames:
        from dangjian.members.counters import mismatches

        assert mismatches() == [], "subtree totals drifted from the rows"


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    """Log a persona in on the test client, with a verified second factor where the policy needs one."""

    def _login(user, verified: bool = False):  # type: ignore[no-untyped-def]
        client.force_login(user)
        # As after a real sign-in (start_session_clock): the first page then costs what every later one does.
        from dangjian.accounts.middleware import start_session_clock

        session = client.session
        start_session_clock(type("Signed", (), {"session": session})())
        session.save()
        if verified:
            from dangjian.accounts.otp_device import SealedTOTPDevice

            device = SealedTOTPDevice.objects.create(user=user, name="测试", confirmed=True)
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return _login


@pytest.fixture
def api() -> Callable[[Any], APIClient]:
    """`api(user)`: an APIClient authenticated as `user` (None: anonymous)."""

    def _client(user: Any) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return _client
