"""The second factor a phone app can take (issue 9, defect 11): the key shown in Base32, as the QR's otpauth:// URL
carries it, and ten one-time backup codes — shown once, stored only as digests, each usable once, re-issued on
request, every step audited."""

from __future__ import annotations

import datetime as dt
import re
from base64 import b32encode
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from dangjian.accounts import actions
from dangjian.accounts.otp_device import SealedTOTPDevice
from dangjian.core.models import AuditEvent
from tests.accounts.test_otp import confirmed_device, token

CODE = re.compile(r"\b([a-z2-9]{5}-[a-z2-9]{5})\b")


def _shown_codes(html: str) -> list[str]:
    """The codes in the page's list of backup codes (none when the page has no such list)."""
    found = re.search(r'<ol[^>]*aria-label="备用码">(.*?)</ol>', html, re.S)
    return CODE.findall(found.group(1)) if found else []


def _enrol(client, user) -> list[str]:  # type: ignore[no-untyped-def]
    client.get(reverse("accounts:otp_setup"))
    device = SealedTOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"token": token(device)})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    return _shown_codes(response.content.decode())


def test_the_key_to_type_in_is_base32_the_same_as_in_the_qr(world, login):
    page = login(world.sysadmin).get(reverse("accounts:otp_setup")).content.decode()
    device = SealedTOTPDevice.objects.get(user=world.sysadmin, confirmed=False)
    base32 = b32encode(device.bin_key).decode().rstrip("=")
    shown = re.search(r'id="otp-secret">([^<]+)<', page).group(1)
    assert shown.replace(" ", "") == base32
    assert device.key not in page  # not the hex form
    assert "十六进制" not in page
    assert parse_qs(urlparse(device.config_url).query)["secret"] == [base32]


def test_enrolling_shows_ten_codes_once_stored_only_as_digests(world, login):
    client = login(world.sysadmin)
    codes = _enrol(client, world.sysadmin)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(StaticToken.objects.filter(device__user=world.sysadmin).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c for code in codes for c in (code, code.replace("-", ""))}
    assert AuditEvent.objects.filter(action="auth.backup_codes", actor=world.sysadmin).count() == 1
    again = client.get(reverse("accounts:backup_codes")).content.decode()
    assert not _shown_codes(again) and "10" in again  # later visits show how many are left, not the codes


def test_a_backup_code_verifies_the_session_once(world, login, client):
    codes = _enrol(login(world.auditor), world.auditor)
    client.logout()
    client = login(world.auditor)
    assert client.get(reverse("core:audit")).status_code == 302
    response = client.post(reverse("accounts:otp_verify"), {"token": codes[0].upper().replace("-", " ")})
    assert response.status_code == 302
    assert client.get(reverse("core:audit")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp_verify", result="success", changes__method="备用码").exists()
    assert StaticToken.objects.filter(device__user=world.auditor).count() == 9
    client.logout()
    client = login(world.auditor)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        reused = client.post(reverse("accounts:otp_verify"), {"token": codes[0]})
        assert reused.status_code == 200 and "备用码不正确或已使用" in reused.content.decode()
        traveller.shift(dt.timedelta(seconds=5))
        assert client.post(reverse("accounts:otp_verify"), {"token": codes[1]}).status_code == 302
    assert AuditEvent.objects.filter(action="auth.otp_verify", result="failure", actor=world.auditor).exists()


def test_reissuing_needs_a_verified_session_and_voids_the_old_codes(world, login, client):
    client = login(world.secadmin)
    old = _enrol(client, world.secadmin)
    client.logout()
    client = login(world.secadmin)
    assert client.post(reverse("accounts:backup_codes")).status_code == 302  # not verified yet: no new codes
    assert AuditEvent.objects.filter(action="auth.backup_codes").count() == 1
    client.post(reverse("accounts:otp_verify"), {"token": old[0]})
    response = client.post(reverse("accounts:backup_codes"))
    new = _shown_codes(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert AuditEvent.objects.filter(action="auth.backup_codes", actor=world.secadmin).count() == 2
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert actions.use_backup_code(world.secadmin, old[1]) is None
        traveller.shift(dt.timedelta(seconds=5))  # django-otp throttles a retry after a failure
        assert actions.use_backup_code(world.secadmin, new[0]) is not None


def test_codes_are_only_for_oneself_and_only_beside_a_bound_app(world):
    with pytest.raises(ValidationError):
        actions.issue_backup_codes(world.admin, actor=world.admin)
    confirmed_device(world.admin)
    with pytest.raises(PermissionDenied):
        actions.issue_backup_codes(world.admin, actor=world.sysadmin)
    assert len(actions.issue_backup_codes(world.admin, actor=world.admin)) == 10


def test_the_password_page_links_to_the_backup_codes_for_a_user_with_the_app(world, login):
    assert "备用码" not in login(world.admin).get(reverse("accounts:password_change")).content.decode()
    confirmed_device(world.admin)
    assert reverse("accounts:backup_codes") in login(world.admin).get(reverse("accounts:password_change")).content.decode()
