"""Session policy (SEC-04, SEC-02, SEC-05): idle and absolute timeouts, forced password change, MFA for 三员."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

# Pages a user must still reach while the policy holds them (change password, enrol a second factor).
_EXEMPT_PREFIXES = ("/accounts/", "/static/")


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and "HTTP_AUTHORIZATION" not in request.META:
            now = time.time()
            started = request.session.get("started_at", now)
            last = request.session.get("last_seen", now)
            idle = settings.DANGJIAN_SESSION_IDLE_MINUTES * 60
            absolute = settings.DANGJIAN_SESSION_ABSOLUTE_HOURS * 3600
            if now - last > idle or now - started > absolute:
                request.logout_reason = "空闲超时" if now - last > idle else "会话超过最长时间"  # type: ignore[attr-defined]
                logout(request)
                messages.info(request, "登录已超时，请重新登录")
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            request.session.setdefault("started_at", now)
            # Background polling must not keep a session alive (SEC-04).
            if request.headers.get("X-Background") != "1":
                request.session["last_seen"] = now
            if not request.path.startswith(_EXEMPT_PREFIXES):
                redirect_to = self._policy_redirect(request)
                if redirect_to:
                    return redirect(redirect_to)
        return self.get_response(request)

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
