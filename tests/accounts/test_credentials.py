"""API tokens and sessions end (issue 11 finding 3, SEC-04): a token expires after DANGJIAN_TOKEN_MAX_AGE_DAYS and
stops working after a password change, after signing out everywhere and after the account is disabled; signing
out everywhere ends the other browser sessions too. 账号安全 page for the user's own token."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dangjian.accounts import actions, credentials
from dangjian.core.models import AuditEvent
from tests.world import PASSWORD


def program(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def status(key: str) -> int:
    return program(key).get("/api/v1/members/").status_code


@pytest.mark.parametrize(("days", "code"), [(29, 200), (30, 401)])
def test_a_token_expires_after_its_age(world, settings, days, code):
    settings.DANGJIAN_PASSWORD_MAX_AGE_DAYS = 0
    token = credentials.issue_token(world.secretary)
    with time_machine.travel(token.created + dt.timedelta(days=days), tick=False):
        response = program(token.key).get("/api/v1/members/")
    assert response.status_code == code
    if code == 401:
        assert "已过期" in response.json()["detail"]


def test_a_password_change_ends_the_token(world, login):
    key = credentials.issue_token(world.secretary).key
    assert status(key) == 200
    client = login(world.secretary)
    new = "Xin#Kouling-2026q"
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1), tick=False):
        response = client.post(reverse("accounts:password_change"),
                               {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
        assert response.status_code == 302, response.context["form"].errors
        assert status(key) == 401
        assert status(credentials.issue_token(world.secretary).key) == 200


def device(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_signing_out_everywhere_ends_tokens_and_other_sessions(world):
    key = credentials.issue_token(world.secretary).key
    other_device = device(world.secretary)
    assert other_device.get(reverse("core:home")).status_code == 200
    this_device = device(world.secretary)
    response = this_device.post(reverse("accounts:security"), {"do": "logout_all"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert status(key) == 401
    assert not Token.objects.filter(user=world.secretary).exists()
    assert other_device.get(reverse("core:home"))["Location"].startswith(reverse("accounts:login"))
    assert this_device.get(reverse("core:home"))["Location"].startswith(reverse("accounts:login"))
    assert AuditEvent.objects.filter(action="auth.logout_all", actor=world.secretary).exists()
    # Signing in again afterwards works.
    assert device(world.secretary).get(reverse("core:home")).status_code == 200


def test_disabling_an_account_withdraws_its_token(world):
    key = credentials.issue_token(world.secretary).key
    actions.set_active(world.secretary, actor=world.sysadmin, active=False)
    assert not Token.objects.filter(user=world.secretary).exists()
    actions.set_active(world.secretary, actor=world.sysadmin, active=True)
    assert status(key) == 401


def test_the_security_page_issues_a_token_once_and_revokes_it(world, login):
    client = login(world.secretary)
    page = client.get(reverse("accounts:security"))
    assert page.status_code == 200 and "当前没有接口令牌" in page.content.decode()
    issued = client.post(reverse("accounts:security"), {"do": "issue"})
    key = Token.objects.get(user=world.secretary).key
    assert key in issued.content.decode() and issued["Cache-Control"] == "no-store"
    again = client.get(reverse("accounts:security")).content.decode()
    assert key not in again and "失效时间" in again
    assert status(key) == 200
    client.post(reverse("accounts:security"), {"do": "revoke"})
    assert status(key) == 401
    assert AuditEvent.objects.filter(action="accounts.token_revoke", actor=world.secretary).exists()


def test_the_three_administrators_get_no_token_on_the_page(world, login):
    client = login(world.sysadmin, verified=True)
    html = client.get(reverse("accounts:security")).content.decode()
    assert "生成令牌" not in html and "在所有设备上退出" in html
    client.post(reverse("accounts:security"), {"do": "issue"})
    assert not Token.objects.filter(user=world.sysadmin).exists()


def test_an_unknown_request_on_the_page_changes_nothing(world, login):
    client = login(world.secretary)
    response = client.post(reverse("accounts:security"), {"do": "drop_tables"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=world.secretary).exists()
