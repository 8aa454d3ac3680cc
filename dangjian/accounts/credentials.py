"""API tokens and signed-in sessions as credentials that end (SEC-04, issue 11 finding 3): a token lives for a
set number of days, and every token and session of an account stops working when its password changes, when the
user signs out everywhere, and when the account is disabled.

One moment decides it: `User.credentials_revoked_at`. A token created, or a session started, before it is no
longer accepted; a password change moves `password_changed_at`, which counts the same way for tokens (Django
already ends the other sessions through the session hash).
"""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from dangjian.accounts.models import User
from dangjian.core import audit


def token_expires_at(token: Token) -> dt.datetime:
    return token.created + dt.timedelta(days=settings.DANGJIAN_TOKEN_MAX_AGE_DAYS)


def token_refusal(user: User, token: Token, now: dt.datetime | None = None) -> str:
    """Why a presented token is no longer accepted ("" while it is)."""
    now = now or timezone.now()
    if now >= token_expires_at(token):
        return "接口令牌已过期，请在网页端重新生成"
    revoked = max(filter(None, (user.password_changed_at, user.credentials_revoked_at)))
    if token.created < revoked:
        return "接口令牌已失效（密码已修改或已退出所有设备），请在网页端重新生成"
    return ""


def session_revoked(user: User, started_at: float) -> bool:
    """A session started (epoch seconds) before the account's credentials were revoked."""
    revoked = user.credentials_revoked_at
    return revoked is not None and started_at < revoked.timestamp()


@transaction.atomic
def issue_token(user: User) -> Token:
    """A new API token for the user's own programs; the previous one stops working at once."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit.record("accounts.token_create", actor=user, obj=user,
                 changes={"expires_at": token_expires_at(token).isoformat()})
    return token


@transaction.atomic
def revoke_token(user: User, *, actor: Any) -> bool:
    """Withdraw the user's API token, if any; True when there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit.record("accounts.token_revoke", actor=actor, obj=user)
    return bool(deleted)


@transaction.atomic
def sign_out_everywhere(user: User, *, actor: Any, reason: str = "") -> User:
    """End every session and the API token of the account, on every device, from now."""
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(credentials_revoked_at=now)
    user.credentials_revoked_at = now
    with suppress(Token.DoesNotExist):
        Token.objects.get(user=user).delete()
    audit.record("auth.logout_all", actor=actor, obj=user, reason=reason)
    return user
