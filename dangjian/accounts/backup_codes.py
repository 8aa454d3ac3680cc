"""One-time backup codes for the second factor (SEC-05): ten random codes a person writes down when binding the
动态口令 app and uses, each once, when the phone is not at hand.

They live in django-otp's static device, one StaticToken per code, but the token column holds a keyed digest of
the code (HMAC-SHA256 with the deployment's SECRET_KEY and the user's id), never the code: the database alone does
not give them away. The codes have 50 bits of randomness, so a fast keyed digest is enough; a code is checked by
its digest and deleted when used (StaticDevice.verify_token), with django-otp's throttling on failures.
"""

from __future__ import annotations

import secrets

from django.utils.crypto import salted_hmac

COUNT = 10
LENGTH = 10
# Lower-case letters and digits without the look-alikes 0/o, 1/l/i: read off paper without doubt.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_SALT = "dangjian.accounts.backup_codes"


def new_codes(count: int = COUNT) -> list[str]:
    return ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(count)]


def normalize(text: str) -> str:
    """What the person typed, without spaces, dashes or capitals."""
    return "".join(ch for ch in text.lower() if ch not in " -\t")


def looks_like_code(text: str) -> bool:
    code = normalize(text)
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def shown(code: str) -> str:
    """abcde-fghjk: as printed for the person."""
    return f"{code[:5]}-{code[5:]}"


def digest(user_id: int, text: str) -> str:
    """The stored form of a code: 16 hex digits of HMAC-SHA256 (StaticToken.token holds 16 characters)."""
    return salted_hmac(_SALT, f"{user_id}:{normalize(text)}", algorithm="sha256").hexdigest()[:16]
