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


def derive_key(secret: str, purpose: bytes) -> bytes:
    """Derive a 128-bit SM4 key (or HMAC key) for one purpose from a configured secret."""
    h = hmac.HMAC(secret.encode(), hashes.SM3())
    h.update(purpose)
    return h.finalize()[:16]


def sm4_gcm(key: bytes, nonce: bytes, tag: bytes | None = None) -> Cipher[modes.GCM]:
    """SM4 in GCM mode: encrypt without a tag, decrypt with the tag that authenticates the whole message."""
    return Cipher(algorithms.SM4(key), modes.GCM(nonce, tag))


def sm3_hasher() -> hashes.Hash:
    """An incremental SM3 digest, for checksums over data too large to hold in memory (backups)."""
    return hashes.Hash(hashes.SM3())


def fingerprint(key: bytes) -> str:
    """A short public name for a key, so that data encrypted under another key is recognised before use."""
    digest = sm3_hasher()
    digest.update(key)
    return digest.finalize().hex()[:16]


class SoftwareCryptoProvider:
    """SM4-GCM and HMAC-SM3 in process through `cryptography` (OpenSSL). For development and small sites."""

    key_id = "k1"

    def __init__(self, field_secret: str, index_secret: str) -> None:
        self._key = derive_key(field_secret, b"dangjian-field-sm4")
        self._index_key = derive_key(index_secret, b"dangjian-blind-index")
        self.key_id = "k" + hashlib.sha256(self._key).hexdigest()[:6]

    def encrypt(self, plaintext: str, aad: str) -> str:
        sealed = self.encrypt_bytes(plaintext.encode(), aad)
        return f"v1:{self.key_id}:{sealed[:12].hex()}:{sealed[12:].hex()}"

    def encrypt_bytes(self, data: bytes, aad: str) -> bytes:
        """Compact form for short secrets in narrow columns (TOTP keys): nonce (12) + ciphertext + tag (16)."""
        nonce = os.urandom(12)
        encryptor = sm4_gcm(self._key, nonce).encryptor()
        encryptor.authenticate_additional_data(aad.encode())
        body = encryptor.update(data) + encryptor.finalize()
        return nonce + body + encryptor.tag

    def decrypt_bytes(self, sealed: bytes, aad: str) -> bytes:
        """The inverse of `encrypt_bytes`; DecryptionError on a wrong key, other `aad` or any change."""
        try:
            decryptor = sm4_gcm(self._key, sealed[:12], sealed[-16:]).decryptor()
            decryptor.authenticate_additional_data(aad.encode())
            return decryptor.update(sealed[12:-16]) + decryptor.finalize()
        except Exception as exc:
            raise DecryptionError("无法解密该字段") from exc

    def decrypt(self, stored: str, aad: str) -> str:
        try:
            version, _key_id, nonce_hex, payload_hex = stored.split(":")
            if version != "v1":
                raise ValueError(version)
            payload = bytes.fromhex(payload_hex)
            decryptor = sm4_gcm(self._key, bytes.fromhex(nonce_hex), payload[-16:]).decryptor()
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
