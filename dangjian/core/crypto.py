"""Field encryption for personal data: SM4-GCM at rest, HMAC-SM3 blind index for exact lookup (SEC-17, SEC-27).

Everything goes through `CryptoProvider` so that a certified 密码机 can replace the software provider
(SEC-28) without touching the models. Stored format: ``v1:<key_id>:<nonce hex>:<ciphertext+tag hex>``.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings


class DecryptionError(Exception):
    """The stored value could not be authenticated or decrypted."""


def _derive(secret: str, purpose: bytes) -> bytes:
    """Derive a 128-bit SM4 key (or HMAC key) for one purpose from a configured secret."""
    h = hmac.HMAC(secret.encode(), hashes.SM3())
    h.update(purpose)
    return h.finalize()[:16]


class SoftwareCryptoProvider:
    """SM4-GCM and HMAC-SM3 in process through `cryptography` (OpenSSL). For development and small sites."""

    key_id = "k1"

    def __init__(self, field_secret: str, index_secret: str) -> None:
        self._key = _derive(field_secret, b"dangjian-field-sm4")
        self._index_key = _derive(index_secret, b"dangjian-blind-index")
        self.key_id = "k" + hashlib.sha256(self._key).hexdigest()[:6]

    def encrypt(self, plaintext: str, aad: str) -> str:
        nonce = os.urandom(12)
        encryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad.encode())
        body = encryptor.update(plaintext.encode()) + encryptor.finalize()
        return f"v1:{self.key_id}:{nonce.hex()}:{(body + encryptor.tag).hex()}"

    def decrypt(self, stored: str, aad: str) -> str:
        try:
            version, _key_id, nonce_hex, payload_hex = stored.split(":")
            if version != "v1":
                raise ValueError(version)
            payload = bytes.fromhex(payload_hex)
            decryptor = Cipher(
                algorithms.SM4(self._key), modes.GCM(bytes.fromhex(nonce_hex), payload[-16:])
            ).decryptor()
            decryptor.authenticate_additional_data(aad.encode())
            return (decryptor.update(payload[:-16]) + decryptor.finalize()).decode()
        except Exception as exc:  # any tampering or wrong key ends here
            raise DecryptionError("无法解密该字段") from exc

    def blind_index(self, value: str, purpose: str) -> str:
        h = hmac.HMAC(self._index_key, hashes.SM3())
        h.update(purpose.encode() + b"\x00" + value.encode())
        return h.finalize().hex()


@lru_cache(maxsize=1)
def provider() -> SoftwareCryptoProvider:
    return SoftwareCryptoProvider(settings.DANGJIAN_FIELD_KEY, settings.DANGJIAN_INDEX_KEY)
