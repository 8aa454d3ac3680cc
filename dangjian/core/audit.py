"""The one way to write the security audit log (SEC-10): `record(...)`, called from actions and auth hooks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone

from dangjian.core import auditchain, forward
from dangjian.core.context import current_request
from dangjian.core.models import AuditChainHead, AuditEvent, AuditResult
from dangjian.core.scoping import OutOfScope

if TYPE_CHECKING:
    from dangjian.accounts.models import User
    from dangjian.orgs.models import Organization

# Every action code the app writes, with the label the 审计管理员 reads. The codes are stored in the log, so a
# code never changes once written. Core declares its own (sign-in, rules, templates, the log itself); every other
# app declares its codes in its `audit_codes` module, discovered at start-up (CoreConfig.ready).
ACTIONS: dict[str, str] = {}


def register_actions(codes: Mapping[str, str]) -> None:
    """Add an app's action codes to the one list the log checks against. A code declared twice (by two apps,
    or twice by one) is a configuration error raised at start-up, so no two meanings share one stored code."""
    for code, label in codes.items():
        if code in ACTIONS:
            raise ImproperlyConfigured(f"audit action {code!r} is registered twice ({ACTIONS[code]} / {label})")
    ACTIONS.update(codes)


register_actions({
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.lockout": "账号锁定",
    "auth.unlock": "解除锁定",
    "auth.logout": "退出登录",
    "auth.timeout": "会话超时",
    "auth.logout_all": "退出所有设备",
    "auth.password_change": "修改密码",
    "auth.password_reset": "重置密码",
    "auth.otp_enrol": "绑定动态口令",
    "auth.otp_verify": "动态口令验证",
    "auth.otp_reset": "重置动态口令",
    "auth.backup_codes": "生成动态口令备用码",
    "auth.denied": "越权访问",
    "core.template_upload": "替换文书模板",
    "core.template_reset": "恢复默认文书模板",
    "core.rule_set": "修改规则参数",
    "core.backup": "备份数据库",
    "core.restore": "恢复数据库",
    "core.restore_drill": "恢复演练",
    "audit.view": "查看审计日志",
    "audit.export": "导出审计日志",
    "audit.verify": "校验审计日志",
})


def roles_label(user: User | Any) -> str:
    if user is None or not user.is_authenticated:
        return ""
    return "、".join(sorted({a.get_role_display() for a in user.role_assignments.all()}))[:200]


def record(
    action: str,
    *,
    actor: User | Any,
    obj: models.Model | None = None,
    org: Organization | None = None,
    result: str = AuditResult.SUCCESS,
    reason: str = "",
    changes: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEvent:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action}")
    info = current_request.get()
    user = actor if actor is not None and actor.is_authenticated else None
    values: dict[str, Any] = {
        "actor_id": user.pk if user else None,
        "actor_name": (user.username if user else actor_name)[:150],
        "role": roles_label(user),
        "ip": info.ip,
        "user_agent": info.user_agent,
        "request_id": info.request_id,
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None and obj.pk is not None else "",
        "object_repr": str(obj)[:200] if obj is not None else "",
        "org_path": org.path if org is not None else "",
        "org_name": org.name[:200] if org is not None else "",
        "result": result,
        "reason": reason[:500],
        "changes": auditchain.as_stored(changes or {}),
    }
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"seq": 0, "hash": auditchain.GENESIS})
        values.update(seq=head.seq + 1, time=timezone.now())
        digest = auditchain.link(head.hash, values)
        event = AuditEvent.objects.create(**values, prev_hash=head.hash, hash=digest)
        AuditChainHead.objects.filter(pk=1).update(seq=values["seq"], hash=digest)
        transaction.on_commit(lambda: forward.send(event))
    return event


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed; values already made safe by the caller."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


P = ParamSpec("P")
R = TypeVar("R")


def records_denials(func: Callable[P, R]) -> Callable[P, R]:
    """Wrap a transactional action so that an OutOfScope refusal is audited after its rollback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except OutOfScope as exc:
            record(
                "auth.denied", actor=exc.user, obj=exc.obj, result=AuditResult.DENIED,
                reason=f"{func.__module__.split('.')[-2]}.{func.__name__}",
            )
            raise

    return wrapper
