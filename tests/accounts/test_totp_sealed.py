"""TOTP secrets sealed at rest (issue 11 finding 4, SEC-17): the key column holds SM4-GCM ciphertext bound to its
owner, a database dump shows neither the key nor the backup codes, and the migration seals what was stored
before in clear."""

from __future__ import annotations

import importlib
import io
from base64 import b32encode

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts import actions, backup_codes
from dangjian.accounts.otp_device import SealedTOTPDevice, open_key
from dangjian.core.crypto import DecryptionError
from tests.accounts.test_backup_codes import _shown_codes
from tests.accounts.test_otp import token

MIGRATION = importlib.import_module("dangjian.accounts.migrations.0005_sealed_totp_device")


def _stored_key(device_pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM otp_totp_totpdevice WHERE id = %s", [device_pk])
        return cursor.fetchone()[0]


def test_an_enrolled_key_is_stored_sealed_and_still_verifies(world, login):
    client = login(world.sysadmin)
    client.get(reverse("accounts:otp_setup"))
    device = SealedTOTPDevice.objects.get(user=world.sysadmin, confirmed=False)
    stored = _stored_key(device.pk)
    assert stored.startswith("s1:") and len(stored) <= 80
    assert device.bin_key.hex() not in stored
    response = client.post(reverse("accounts:otp_setup"), {"token": token(device)})
    assert response.status_code == 200
    assert SealedTOTPDevice.objects.get(pk=device.pk).confirmed


def test_a_database_dump_holds_neither_the_key_nor_the_backup_codes(world, login):
    client = login(world.sysadmin)
    client.get(reverse("accounts:otp_setup"))
    device = SealedTOTPDevice.objects.get(user=world.sysadmin, confirmed=False)
    key = device.bin_key
    page = client.post(reverse("accounts:otp_setup"), {"token": token(device)}).content.decode()
    codes = _shown_codes(page)
    assert len(codes) == 10
    out = io.StringIO()
    call_command("dumpdata", "otp_totp", "otp_static", "accounts", "core", stdout=out)
    dump = out.getvalue().lower()
    assert key.hex() not in dump
    assert b32encode(key).decode().rstrip("=").lower() not in dump
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump


def test_the_plain_django_otp_class_saves_sealed_too_and_cannot_read_it(world):
    device = TOTPDevice.objects.create(user=world.auditor, name="手机", confirmed=True)
    assert _stored_key(device.pk).startswith("s1:")
    with pytest.raises(ValueError):
        device.bin_key  # noqa: B018 — fails closed rather than reading ciphertext as a key


def test_a_sealed_key_copied_to_another_account_does_not_open(world):
    device = SealedTOTPDevice.objects.create(user=world.auditor, name="手机", confirmed=True)
    with pytest.raises(DecryptionError):
        open_key(world.secadmin.pk, device.key)


def test_the_migration_seals_clear_keys_and_digests_clear_backup_codes_and_reverses(world):
    device = SealedTOTPDevice.objects.create(user=world.auditor, name="手机", confirmed=True)
    clear = device.bin_key.hex()
    TOTPDevice.objects.filter(pk=device.pk).update(key=clear)  # as stored before this change
    static = StaticDevice.objects.create(user=world.auditor, name="备用码", confirmed=True)
    StaticToken.objects.create(device=static, token="abcdefghjk")
    assert _stored_key(device.pk) == clear

    MIGRATION.seal_keys(apps, None)
    stored = _stored_key(device.pk)
    assert stored.startswith("s1:") and clear not in stored
    assert SealedTOTPDevice.objects.get(pk=device.pk).bin_key.hex() == clear
    assert list(StaticToken.objects.filter(device=static).values_list("token", flat=True)) == [
        backup_codes.digest(world.auditor.pk, "abcdefghjk")
    ]
    assert actions.use_backup_code(world.auditor, "abcde-fghjk") is not None

    MIGRATION.seal_keys(apps, None)  # a second run changes nothing
    assert _stored_key(device.pk) == stored
    MIGRATION.open_keys(apps, None)
    assert _stored_key(device.pk) == clear
