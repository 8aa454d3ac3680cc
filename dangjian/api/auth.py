"""Token authentication with the session policy's rules: a token skips the login page, not the policy.

Tokens of the 三员 are refused (they must pass a second factor, which a token cannot carry, SEC-05), and so
are tokens of accounts whose password must be changed or has expired (SEC-02), tokens past their age, and
tokens older than the account's last password change or sign-out everywhere (accounts.credentials).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from dangjian.accounts import credentials
from dangjian.core.scoping import scope_for


class PolicyTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if scope_for(user).system_roles:
            raise exceptions.AuthenticationFailed("三员账号不能使用接口令牌")
        max_age = timedelta(days=settings.DANGJIAN_PASSWORD_MAX_AGE_DAYS)
        expired = max_age.days > 0 and timezone.now() - user.password_changed_at > max_age
        if user.must_change_password or expired:
            raise exceptions.AuthenticationFailed("密码须先在网页端修改后才能使用接口令牌")
        refusal = credentials.token_refusal(user, token)
        if refusal:
            raise exceptions.AuthenticationFailed(refusal)
        return user, token
