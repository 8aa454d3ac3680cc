"""Login, logout, failed login and lockout go to the audit log (SEC-10)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dangjian.core import audit
from dangjian.core.models import AuditResult


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record("auth.login", actor=user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        reason = getattr(request, "logout_reason", "")
        audit.record("auth.timeout" if reason else "auth.logout", actor=user, reason=reason)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    audit.record(
        "auth.login_failed", actor=None, actor_name=str(credentials.get("username", ""))[:150],
        result=AuditResult.FAILURE,
    )


@receiver(user_locked_out)
def on_lockout(sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kw: Any) -> None:
    audit.record("auth.lockout", actor=None, actor_name=(username or "")[:150], result=AuditResult.DENIED)
