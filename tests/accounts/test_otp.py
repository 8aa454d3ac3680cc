"""Second factor (SEC-05): mandatory TOTP for the 三员, optional for business users, never bypassed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from dangjian.accounts.otp_device import SealedTOTPDevice
from dangjian.core.models import AuditEvent


def token(device: SealedTOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def wrong(device: SealedTOTPDevice) -> str:
    return "000000" if token(device) != "000000" else "111111"


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor"])
def test_three_admins_without_a_device_are_sent_to_enrol(world, login, persona):
    client = login(getattr(world, persona))
    for name in ("core:home", "accounts:users", "accounts:roles", "core:audit"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url == reverse("accounts:otp_setup"), name


def test_enrolling_a_device_verifies_the_session_and_is_audited(world, login):
    client = login(world.sysadmin)
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = SealedTOTPDevice.objects.get(user=world.sysadmin, confirmed=False)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        response = client.post(reverse("accounts:otp_setup"), {"token": wrong(device)})
        assert response.status_code == 200
        assert AuditEvent.objects.filter(action="auth.otp_enrol", result="failure").exists()
        traveller.shift(dt.timedelta(seconds=5))  # django-otp throttles a retry after a failure
        response = client.post(reverse("accounts:otp_setup"), {"token": token(device)})
    assert response.status_code == 200 and "只显示这一次" in response.content.decode()  # the backup codes, once
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="auth.otp_enrol", result="success", actor=world.sysadmin).exists()
    assert client.get(reverse("accounts:users")).status_code == 200


def confirmed_device(user) -> SealedTOTPDevice:  # type: ignore[no-untyped-def]
    return SealedTOTPDevice.objects.create(user=user, name="手机", confirmed=True)


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor"])
def test_three_admins_with_a_device_must_verify_it(world, login, persona):
    user = getattr(world, persona)
    device = confirmed_device(user)
    client = login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:otp_verify")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        bad = client.post(reverse("accounts:otp_verify"), {"token": wrong(device)})
        assert bad.status_code == 200
        assert "动态口令不正确" in bad.content.decode()
        traveller.shift(dt.timedelta(seconds=5))
        response = client.post(reverse("accounts:otp_verify"), {"token": token(device)})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.otp_verify", result="success", actor=user).exists()
    page = {"sysadmin": "accounts:users", "secadmin": "accounts:roles", "auditor": "core:audit"}[persona]
    assert client.get(reverse(page)).status_code == 200


def test_a_password_alone_cannot_replace_an_enrolled_device(world, login):
    confirmed_device(world.sysadmin)
    client = login(world.sysadmin)
    response = client.get(reverse("accounts:otp_setup"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:otp_verify")
    assert not SealedTOTPDevice.objects.filter(user=world.sysadmin, confirmed=False).exists()


def test_an_authorization_header_does_not_skip_the_second_factor(world, login):
    client = login(world.sysadmin)
    response = client.get(reverse("accounts:users"), headers={"Authorization": "Token whatever"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:otp_setup")


@pytest.mark.parametrize("persona", ["admin", "secretary", "member_user", "nobody"])
def test_business_users_are_not_forced_to_enrol(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(reverse("core:home")).status_code == 200


def test_verify_does_not_redirect_off_site(world, login):
    device = confirmed_device(world.auditor)
    client = login(world.auditor)
    response = client.post(reverse("accounts:otp_verify") + "?next=https://evil.example/", {"token": token(device)})
    assert response.status_code == 302
    assert response.url == reverse("core:home")


def test_a_failed_token_throttles_the_next_attempt(world, login):
    device = confirmed_device(world.auditor)
    client = login(world.auditor)
    with time_machine.travel(timezone.now(), tick=False):
        client.post(reverse("accounts:otp_verify"), {"token": wrong(device)})
        # Even the right token is refused straight after a failure: guessing is slowed down.
        response = client.post(reverse("accounts:otp_verify"), {"token": token(device)})
        assert response.status_code == 200
    assert client.get(reverse("core:audit")).status_code == 302
