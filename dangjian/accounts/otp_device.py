"""The 动态口令 (TOTP) device with its secret sealed at rest (SEC-05, SEC-17).

django-otp keeps the TOTP secret as hex in ``otp_totp_totpdevice.key``: a database dump would give away every
second factor. Here the column holds ``s1:`` + Base64 of SM4-GCM(nonce, key, tag) under the field key of
`dangjian.core.crypto`, bound to the owner's user id (a sealed key copied to another account does not open).
67 characters, within the column's 80. The proxy model reads the key through `bin_key`; the plain django-otp
class cannot read a sealed key at all (it fails closed). A key is sealed on every save by `seal_on_save`,
whichever of the two classes saves it, and migration accounts.0005 sealed the keys that were stored before.
"""

from __future__ import annotations

import base64
from binascii import unhexlify
from typing import Any

from django.db.models.signals import pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.core.crypto import provider

PREFIX = "s1:"


def _aad(user_id: int) -> str:
    return f"otp_totp.key:{user_id}"


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal(user_id: int, hex_key: str) -> str:
    """The stored form of a hex TOTP key for one user."""
    return PREFIX + base64.urlsafe_b64encode(provider().encrypt_bytes(unhexlify(hex_key), _aad(user_id))).decode()


def open_key(user_id: int, stored: str) -> bytes:
    """The binary TOTP key; DecryptionError if sealed for someone else or changed, ValueError if not sealed."""
    if not is_sealed(stored):
        raise ValueError("动态口令密钥未加密存储")
    return provider().decrypt_bytes(base64.urlsafe_b64decode(stored[len(PREFIX):]), _aad(user_id))


def unseal_to_hex(user_id: int, stored: str) -> str:
    """For reversing the migration only: the key back in django-otp's hex form."""
    return open_key(user_id, stored).hex()


class SealedTOTPDevice(TOTPDevice):
    """A TOTP device whose key is read from its sealed form. Same table as django-otp's TOTPDevice."""

    class Meta:
        proxy = True
        verbose_name = "动态口令设备"
        verbose_name_plural = "动态口令设备"

    @property
    def bin_key(self) -> bytes:  # type: ignore[override]
        return open_key(self.user_id, self.key)


@receiver(pre_save, sender=TOTPDevice)
@receiver(pre_save, sender=SealedTOTPDevice)
def seal_on_save(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    """No TOTP key reaches the database in clear, however the device is saved."""
    if not is_sealed(instance.key):
        instance.key = seal(instance.user_id, instance.key)
