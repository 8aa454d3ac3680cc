"""What may be done to a demo database after it is loaded: give the demo logins their known password back.

A database is a demo one when the demo loader's audit entry is in its (append-only) audit log: `dangjian demo`
loads only into an empty database and records it there (loader.DEMO_ACTOR). On any other database these actions
refuse, so a real deployment's accounts can never be reset to the published demo password.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.core import audit
from dangjian.core.models import AuditEvent
from dangjian.demo.loader import DEMO_ACTOR, DEMO_PASSWORD, DEMO_USERNAMES, HISTORY_REASON


def is_demo_database() -> bool:
    """Whether `dangjian demo` loaded this database (its audit entry is there)."""
    return AuditEvent.objects.filter(action="orgs.create", actor_name=DEMO_ACTOR, reason=HISTORY_REASON).exists()


@transaction.atomic
def reset_demo_passwords(*, second_factor: bool = False) -> tuple[str, list[str]]:
    """Sets the demo accounts' password back to the demo password — for whoever missed it on the first start or
    changed it since — clears their login lockouts and the forced change, and audits each reset. With
    `second_factor`, the 动态口令 and backup codes they bound are removed too (they bind anew at the next login);
    otherwise they stay. Returns (password, usernames reset). Refuses a database that is not a demo."""
    if not is_demo_database():
        raise ValidationError("这不是演示数据库（审计日志中没有 dangjian demo 装入演示数据的记录），不能重置为演示密码。")
    from axes.utils import reset

    users = list(User.objects.select_for_update().filter(username__in=DEMO_USERNAMES).order_by("pk"))
    if not users:
        raise ValidationError("数据库中没有演示账号。")
    now = timezone.now()
    for user in users:
        user.set_password(DEMO_PASSWORD)
        user.must_change_password = False
        user.password_changed_at = now
        user.is_active = True
        user.save(update_fields=["password", "must_change_password", "password_changed_at", "is_active"])
        reset(username=user.username)
        audit.record("auth.password_reset", actor=None, actor_name="dangjian demo_password", obj=user,
                     reason="重置演示账号密码")
        if second_factor:
            _remove_second_factor(user)
    return DEMO_PASSWORD, [u.username for u in users]


def _remove_second_factor(user: User) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    if removed:
        audit.record("auth.otp_reset", actor=None, actor_name="dangjian demo_password", obj=user,
                     reason="重置演示账号动态口令", changes={"devices": removed})
