"""Session policy (SEC-04, SEC-02, SEC-05): idle and absolute timeouts, forced password change, MFA for 三员."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.credentials import session_revoked

# The pages a user must still reach while the policy holds them: log out, change the password, enrol or
# verify a second factor. Exact paths, not a prefix: the 三员 pages live under /accounts/ too and must not
# be reachable before the password is changed or the second factor is verified.
_EXEMPT_NAMES = ("accounts:login", "accounts:logout", "accounts:password_change", "accounts:otp_setup",
                 "accounts:otp_verify")
_STATIC_PREFIX = "/static/"

# Session keys the policy keeps.
STARTED_AT = "started_at"
LAST_SEEN = "last_seen"
LAST_SEEN_STEP_SECONDS = 60


def start_session_clock(request: HttpRequest) -> None:
    """Called at login: the absolute lifetime and the idle time both count from here."""
    now = time.time()
    request.session[STARTED_AT] = now
    request.session[LAST_SEEN] = now


def _notify(request: HttpRequest, response: HttpResponse, text: str) -> None:
    """A notice for the next page (this middleware runs inside MessageMiddleware, see settings.MIDDLEWARE)."""
    messages.info(request, text)


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only session logins are subject to the policy. Token-authenticated API calls carry no session user
        # here (DRF authenticates them later), so a request cannot opt out by adding an Authorization header.
        user = request.user
        if user.is_authenticated:
            now = time.time()
            started = request.session.get(STARTED_AT, now)
            last = request.session.get(LAST_SEEN, now)
            idle = settings.DANGJIAN_SESSION_IDLE_MINUTES * 60
            absolute = settings.DANGJIAN_SESSION_ABSOLUTE_HOURS * 3600
            if now - last > idle or now - started > absolute:
                request.logout_reason = "空闲超时" if now - last > idle else "会话超过最长时间"  # type: ignore[attr-defined]
                logout(request)
                response = redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
                _notify(request, response, "登录已超时，请重新登录")
                return response
            if session_revoked(user, started):  # type: ignore[arg-type]
                request.logout_reason = "已退出所有设备"  # type: ignore[attr-defined]
                logout(request)
                response = redirect("accounts:login")
                _notify(request, response, "该账号已在所有设备上退出，请重新登录")
                return response
            request.session.setdefault(STARTED_AT, now)
            # Background polling must not keep a session alive (SEC-04). The stamp moves at most once a minute, so
            # a page read does not write the session (a database write per request) — the idle limit is in minutes.
            stale = LAST_SEEN not in request.session or now - last >= LAST_SEEN_STEP_SECONDS
            if request.headers.get("X-Background") != "1" and stale:
                request.session[LAST_SEEN] = now
            if not self._exempt(request.path):
                redirect_to = self._policy_redirect(request)
                if redirect_to:
                    return redirect(redirect_to)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        return path.startswith(_STATIC_PREFIX) or path in {reverse(name) for name in _EXEMPT_NAMES}

    def _policy_redirect(self, request: HttpRequest) -> str | None:
        user = request.user
        max_age = timedelta(days=settings.DANGJIAN_PASSWORD_MAX_AGE_DAYS)
        if user.must_change_password or (  # type: ignore[union-attr]
            max_age.days > 0 and timezone.now() - user.password_changed_at > max_age  # type: ignore[union-attr]
        ):
            return reverse("accounts:password_change")
        if user.system_roles() and not user.is_verified():  # type: ignore[union-attr]
            from django_otp import user_has_device

            return reverse("accounts:otp_verify") if user_has_device(user) else reverse("accounts:otp_setup")
        return None
