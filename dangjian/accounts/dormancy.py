"""Dormant accounts (SEC-08): which accounts have gone unused for the rule's days (accounts.rules.DORMANT_DAYS).

An account's last use is the latest of its last sign-in, its creation and its re-enabling by the 系统管理员
(a re-enabled account gets the full period again). The disabling itself is `actions.disable_dormant_accounts`,
run by `dangjian disable_dormant` from the reminder job; the 安全管理员 sees both lists on 长期未使用账号.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import DateTimeField, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import SYSTEM_ROLES
from dangjian.accounts.rules import DORMANT_DAYS
from dangjian.core import rules

# Accounts this many days before their stop are listed as coming up.
WARNING_DAYS = 14


def last_used() -> Greatest:
    """The last use of an account, as a query expression (no NULLs: creation stands in for what is missing)."""
    return Greatest(
        Coalesce("last_login", "date_joined"), Coalesce("enabled_at", "date_joined"), "date_joined",
        output_field=DateTimeField(),
    )


def dormant_days(now: dt.datetime) -> int:
    return int(rules.value(DORMANT_DAYS, timezone.localdate(now)))


def cutoff(now: dt.datetime, days: int) -> dt.datetime:
    """Accounts last used before this are dormant."""
    return now - dt.timedelta(days=days)


def dormant(now: dt.datetime) -> QuerySet[User]:
    """Active accounts unused for the rule's days: those the job disables now."""
    return User.objects.filter(is_active=True).alias(used=last_used()).filter(
        used__lt=cutoff(now, dormant_days(now))
    )


def listing(now: dt.datetime) -> QuerySet[User]:
    """For the 安全管理员: accounts stopped for dormancy, and active ones within WARNING_DAYS of their stop,
    the longest unused first."""
    soon = cutoff(now, dormant_days(now) - WARNING_DAYS)
    return (
        User.objects.annotate(used=last_used())
        .filter(Q(is_active=False, dormant_disabled_at__isnull=False) | Q(is_active=True, used__lt=soon))
        .order_by("used", "pk")
    )


def without_last_system_holders(candidates: list[User]) -> list[User]:
    """The candidates less any whose stop would leave a 三员 role (系统管理员, 安全管理员, 审计管理员) with no
    active holder: an installation must keep someone who can re-enable accounts and read the audit log."""
    ids = {u.pk for u in candidates}
    held: dict[int, set[str]] = {}
    active: dict[str, set[int]] = {}
    for user_id, role in RoleAssignment.objects.filter(role__in=SYSTEM_ROLES, user__is_active=True).values_list(
        "user_id", "role"
    ):
        active.setdefault(role, set()).add(user_id)
        if user_id in ids:
            held.setdefault(user_id, set()).add(role)
    kept: list[User] = []
    for user in candidates:
        roles = held.get(user.pk, set())
        if any(active[role] == {user.pk} for role in roles):
            continue
        for role in roles:
            active[role].discard(user.pk)
        kept.append(user)
    return kept
