"""The per-address limit on failed sign-ins (SEC-03, issue 11 finding 1). Accounts lock after their own five
failures (django-axes, keyed on the username only), so failures from one address never lock anybody else's
account; an address that fails many times across accounts — a password-spraying run — is refused for the
cool-off time, at a limit well above one person's typing mistakes and set by DANGJIAN_LOGIN_IP_LIMIT.

The client address is the one django-axes reads: REMOTE_ADDR, or X-Forwarded-For behind the number of trusted
proxies set by DANGJIAN_PROXY_COUNT (nginx: 1), so a client cannot pick its own address."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def failures_from(ip: str) -> int:
    """Failed sign-ins from `ip` within the cool-off time, over every username tried."""
    if not ip:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start"))["n"]
    return int(total or 0)


def address_locked(ip: str) -> bool:
    return failures_from(ip) >= settings.DANGJIAN_LOGIN_IP_LIMIT
