"""Session policy (SEC-04): 15 minutes idle, 8 hours absolute, background polling does not keep it alive."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEvent

HOME = "core:home"


def test_an_idle_session_ends_after_fifteen_minutes_with_a_notice(world, login):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(world.admin)
        assert client.get(reverse(HOME)).status_code == 200
        traveller.shift(dt.timedelta(minutes=15, seconds=1))
        response = client.get(reverse(HOME))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
        event = AuditEvent.objects.get(action="auth.timeout", actor=world.admin)
        assert event.reason == "空闲超时"
        assert "登录已超时" in client.get(response.url).content.decode()
        # Logged out for good, not just redirected once.
        assert client.get(reverse(HOME)).status_code == 302


def test_activity_within_fifteen_minutes_keeps_the_session(world, login):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(world.admin)
        for _ in range(8):
            assert client.get(reverse(HOME)).status_code == 200
            traveller.shift(dt.timedelta(minutes=14))
        assert client.get(reverse(HOME)).status_code == 200
    assert not AuditEvent.objects.filter(action="auth.timeout").exists()


def test_a_session_ends_after_eight_hours_however_active(world, login):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(world.admin)
        assert client.get(reverse(HOME)).status_code == 200
        for _ in range(34):  # 34 × 14 min = 7 h 56 min
            traveller.shift(dt.timedelta(minutes=14))
            assert client.get(reverse(HOME)).status_code == 200
        traveller.shift(dt.timedelta(minutes=5))  # 8 h 01 min after the first request
        response = client.get(reverse(HOME))
        assert response.status_code == 302
        assert AuditEvent.objects.get(action="auth.timeout", actor=world.admin).reason == "会话超过最长时间"


def test_background_requests_do_not_refresh_activity(world, login):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(world.admin)
        assert client.get(reverse(HOME)).status_code == 200
        traveller.shift(dt.timedelta(minutes=10))
        assert client.get(reverse(HOME), headers={"X-Background": "1"}).status_code == 200
        traveller.shift(dt.timedelta(minutes=6))  # 16 minutes after the last real activity
        assert client.get(reverse(HOME)).status_code == 302
    assert AuditEvent.objects.filter(action="auth.timeout", actor=world.admin).exists()


def test_foreground_requests_do_refresh_activity(world, login):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(world.admin)
        assert client.get(reverse(HOME)).status_code == 200
        traveller.shift(dt.timedelta(minutes=10))
        assert client.get(reverse(HOME)).status_code == 200
        traveller.shift(dt.timedelta(minutes=6))
        assert client.get(reverse(HOME)).status_code == 200


def test_an_authorization_header_does_not_exempt_a_browser_session_from_the_timeout(world, login):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(world.admin)
        assert client.get(reverse(HOME)).status_code == 200
        traveller.shift(dt.timedelta(minutes=16))
        response = client.get(reverse(HOME), headers={"Authorization": "Token nonsense"})
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_the_clock_starts_at_login(world, client):
    from tests.world import PASSWORD

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
        traveller.shift(dt.timedelta(minutes=16))
        # No request since the login: the idle time counts from the login itself.
        assert client.get(reverse(HOME)).status_code == 302


def test_pages_read_within_a_minute_do_not_write_the_session(world, login):
    """Issue 10: the idle stamp was written on every request (a database write per page view)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(world.admin)
        client.get(reverse(HOME))
        traveller.shift(dt.timedelta(seconds=59))
        with CaptureQueriesContext(connection) as read:
            client.get(reverse(HOME))
        traveller.shift(dt.timedelta(seconds=2))
        with CaptureQueriesContext(connection) as stamped:
            client.get(reverse(HOME))
    writes = [q["sql"] for q in read.captured_queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]
    assert writes == []
    assert any("django_session" in q["sql"] and "UPDATE" in q["sql"] for q in stamped.captured_queries)
