"""Login, logout and lockout (SEC-03, SEC-04, SEC-10): audited, generic, and locked after five failures."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEvent
from tests.world import PASSWORD

LOGIN = "accounts:login"


def post_login(client: Client, username: str, password: str, ip: str = "127.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post(reverse(LOGIN), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_successful_login_is_audited_and_lands_on_home(world, client):
    response = post_login(client, "admin", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    event = AuditEvent.objects.get(action="auth.login", actor=world.admin)
    assert event.result == "success"
    assert event.ip == "127.0.0.1"
    assert client.get(reverse("core:home")).status_code == 200


def test_login_rotates_the_session_key(world, client):
    session = client.session
    session["probe"] = "x"
    session.save()
    before = session.session_key
    post_login(client, "admin", PASSWORD)
    assert client.session.session_key != before


def test_a_wrong_password_is_audited_with_a_generic_message(world, client):
    response = post_login(client, "admin", "Wrong#Password99")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor_name == "admin"
    assert event.result == "failure"
    assert event.actor is None


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(world, client):
    wrong = post_login(client, "admin", "Wrong#Password99").content.decode()
    unknown = post_login(client, "no-such-user", "Wrong#Password99").content.decode()
    for page in (wrong, unknown):
        assert "用户名或密码错误" in page
        assert "不存在" not in page
    assert AuditEvent.objects.filter(action="auth.login_failed", actor_name="no-such-user").exists()


def test_a_disabled_account_gets_the_same_message(world, client):
    world.secretary.is_active = False
    world.secretary.save(update_fields=["is_active"])
    page = post_login(client, "secretary", PASSWORD).content.decode()
    assert "用户名或密码错误" in page
    assert "_auth_user_id" not in client.session


def test_the_password_is_never_written_to_the_audit_log(world, client):
    post_login(client, "admin", "Wrong#Password99")
    post_login(client, "admin", PASSWORD)
    for event in AuditEvent.objects.all():
        blob = f"{event.changes} {event.reason} {event.object_repr} {event.actor_name}"
        assert "Wrong#Password99" not in blob
        assert PASSWORD not in blob


def test_five_failures_lock_the_username_for_thirty_minutes(world, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            post_login(client, "secretary", "Wrong#Password99")
        assert AuditEvent.objects.filter(action="auth.lockout", actor_name="secretary").exists()
        # The right password, even from another address, is refused while the username is locked.
        other = Client()
        response = post_login(other, "secretary", PASSWORD, ip="10.1.2.3")
        assert response.status_code == 429
        assert "账号已被锁定" in response.content.decode()
        assert "_auth_user_id" not in other.session
        traveller.shift(dt.timedelta(minutes=29))
        assert post_login(Client(), "secretary", PASSWORD, ip="10.1.2.4").status_code == 429
        traveller.shift(dt.timedelta(minutes=2))
        response = post_login(Client(), "secretary", PASSWORD, ip="10.1.2.5")
        assert response.status_code == 302


def test_four_failures_do_not_lock(world, client):
    for _ in range(4):
        post_login(client, "secretary", "Wrong#Password99")
    assert post_login(Client(), "secretary", PASSWORD, ip="10.1.2.3").status_code == 302
    assert not AuditEvent.objects.filter(action="auth.lockout").exists()


def test_the_sysadmin_unlocks_a_locked_account_and_it_is_audited(world, login):
    attacker = Client()
    for _ in range(5):
        post_login(attacker, "secretary", "Wrong#Password99")
    assert post_login(Client(), "secretary", PASSWORD, ip="10.1.2.3").status_code == 429

    admin_client = login(world.sysadmin, verified=True)
    detail = admin_client.get(reverse("accounts:user_detail", args=[world.secretary.pk])).content.decode()
    assert "已锁定" in detail
    listing = admin_client.get(reverse("accounts:users"), {"q": "secretary"}).content.decode()
    assert "已锁定" in listing
    response = admin_client.post(reverse("accounts:user_unlock", args=[world.secretary.pk]))
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.unlock", actor=world.sysadmin)
    assert event.object_id == str(world.secretary.pk)
    assert event.changes["locked"] is True

    assert post_login(Client(), "secretary", PASSWORD, ip="10.1.2.3").status_code == 302


def test_login_without_a_csrf_token_is_rejected(world):
    client = Client(enforce_csrf_checks=True)
    response = post_login(client, "admin", PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only_flushes_the_session_and_is_audited(world, login):
    client = login(world.admin)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=world.admin).exists()
    assert client.get(reverse("core:home")).status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_login_does_not_redirect_off_site(world, client, target):
    response = client.post(reverse(LOGIN), {"username": "admin", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.url == reverse("core:home")
