"""Lockout per account, with a separate and higher limit per address (issue 11 finding 1, SEC-03): failures
from one address never lock another account; an address that fails across many accounts is refused for the
cool-off time; behind the trusted proxy the client's address comes from X-Forwarded-For, and without a
configured proxy that header is ignored."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dangjian.core.models import AuditEvent
from tests.world import PASSWORD


def post_login(username: str, password: str, ip: str = "127.0.0.1", **headers: str):  # type: ignore[no-untyped-def]
    return Client().post(reverse("accounts:login"), {"username": username, "password": password},
                         REMOTE_ADDR=ip, **headers)


def test_failures_on_other_names_from_one_address_do_not_lock_an_account(world):
    """The finding: 1 failure on an unknown name + 4 on another account locked `admin` with the right password."""
    post_login("no-such-user", "Wrong#Password99")
    for _ in range(4):
        post_login("secretary", "Wrong#Password99")
    assert post_login("admin", PASSWORD).status_code == 302
    # The account that failed four times is not locked either; its fifth failure locks only it.
    post_login("secretary", "Wrong#Password99")
    assert post_login("secretary", PASSWORD, ip="10.9.9.9").status_code == 429
    assert post_login("admin", PASSWORD).status_code == 302


@pytest.mark.parametrize(("failures", "locked"), [(7, False), (8, True)])
def test_an_address_failing_across_accounts_is_refused_at_its_own_limit(world, settings, failures, locked):
    settings.DANGJIAN_LOGIN_IP_LIMIT = 8
    names = ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"]
    for name in names[:failures]:
        post_login(name, "Wrong#Password99", ip="10.0.0.66")
    response = post_login("admin", PASSWORD, ip="10.0.0.66")
    assert response.status_code == (429 if locked else 302)
    assert post_login("admin", PASSWORD, ip="10.0.0.77").status_code == 302
    if locked:
        event = AuditEvent.objects.filter(action="auth.lockout").latest("seq")
        assert "10.0.0.66" in event.reason and event.actor_name == "admin"


def test_behind_the_trusted_proxy_the_forwarded_address_counts(world, settings):
    settings.DANGJIAN_PROXY_COUNT = 1
    settings.DANGJIAN_LOGIN_IP_LIMIT = 5
    for i in range(5):
        # The client may put anything first; nginx appends the address it saw, which is the one read.
        post_login(f"u{i}", "Wrong#Password99", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.5")
    # Same proxy, another client: not refused. The spraying client: refused.
    assert post_login("admin", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 302
    assert post_login("admin", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert AuditEvent.objects.filter(action="auth.login", ip="203.0.113.9").exists()


def test_without_a_trusted_proxy_a_forged_header_is_ignored(world, settings):
    settings.DANGJIAN_LOGIN_IP_LIMIT = 5
    for i in range(5):
        post_login(f"u{i}", "Wrong#Password99", ip="10.0.0.66", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    assert post_login("admin", PASSWORD, ip="10.0.0.66", HTTP_X_FORWARDED_FOR="198.51.100.200").status_code == 429


@pytest.mark.parametrize(("count", "forwarded", "expected"), [
    (0, "198.51.100.1", "127.0.0.1"),
    (1, "198.51.100.1", "198.51.100.1"),
    (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),
    (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
    (2, "198.51.100.1", "127.0.0.1"),
    (1, "not-an-address", "127.0.0.1"),
    (1, "", "127.0.0.1"),
])
def test_the_client_address_is_read_behind_the_trusted_proxies_only(rf, settings, count, forwarded, expected):
    from dangjian.core.middleware import client_ip

    settings.DANGJIAN_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
