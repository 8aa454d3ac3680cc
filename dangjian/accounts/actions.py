"""Account and role changes. Only the 三员 may make them, each within their own duty (SEC-25)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from dangjian.accounts import backup_codes, credentials
from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import ORG_ROLES, SYSTEM_ROLES, Role
from dangjian.accounts.validators import validate_password
from dangjian.core import audit
from dangjian.core.models import AuditResult
from dangjian.core.scoping import scope_for
from dangjian.orgs.models import Organization


class NotYourDuty(PermissionDenied):
    """The actor does not hold the 三员 role this action belongs to."""

    def __init__(self, actor: Any, role: str) -> None:
        super().__init__("无权执行该操作")
        self.actor = actor
        self.role = role


def _require_system_role(actor: Any, role: str) -> None:
    if actor is None or role not in scope_for(actor).system_roles:
        raise NotYourDuty(actor, role)


P = ParamSpec("P")
R = TypeVar("R")


def _audits_refusal(func: Callable[P, R]) -> Callable[P, R]:
    """Record a refused action after its transaction has rolled back, so the denial row survives (SEC-10)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except NotYourDuty as exc:
            if exc.actor is not None:
                audit.record(
                    "auth.denied", actor=exc.actor, result=AuditResult.DENIED,
                    reason=f"accounts.{func.__name__}（须{Role(exc.role).label}）",
                )
            raise

    return wrapper


@_audits_refusal
@transaction.atomic
def create_user(
    *, actor: Any, username: str, password: str, display_name: str = "", member: Any = None,
    must_change_password: bool = True,
) -> User:
    """系统管理员 creates accounts; the first password must be changed at first login (SEC-01)."""
    _require_system_role(actor, Role.SYSADMIN)
    return _create_user(
        actor=actor, username=username, password=password, display_name=display_name, member=member,
        must_change_password=must_change_password,
    )


def _create_user(
    *, actor: Any, username: str, password: str, display_name: str, member: Any, must_change_password: bool,
    reason: str = "",
) -> User:
    username = username.strip()
    if not username:
        raise ValidationError({"username": ["请填写用户名"]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": ["该用户名已被使用"]})
    if member is not None and User.objects.filter(member=member).exists():
        raise ValidationError({"member": ["该党员已有账号"]})
    user = User(username=username, display_name=display_name or (member.name if member else ""), member=member)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.must_change_password = must_change_password
    user.save()
    audit.record(
        "accounts.user_create", actor=actor, obj=user, reason=reason,
        changes={"username": username, "member": member.pk if member is not None else None},
    )
    return user


def bootstrap_user(**kwargs: Any) -> User:
    """For the `createadmin` and `demo` commands, which run before any 系统管理员 exists."""
    with transaction.atomic():
        return _create_user(actor=None, **kwargs)


@_audits_refusal
@transaction.atomic
def set_active(user: User, *, actor: Any, active: bool) -> User:
    _require_system_role(actor, Role.SYSADMIN)
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError({"is_active": ["不能停用自己的账号"]})
    if active:
        # Re-enabling restarts the dormancy count (SEC-08) and ends a dormancy stop.
        now = timezone.now()
        User.objects.filter(pk=user.pk).update(is_active=True, enabled_at=now, dormant_disabled_at=None)
        user.enabled_at, user.dormant_disabled_at = now, None
    else:
        User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = active
    audit.record("accounts.user_enable" if active else "accounts.user_disable", actor=actor, obj=user)
    if not active:
        credentials.sign_out_everywhere(user, actor=actor, reason="账号停用")
    return user


def check_role_combination(user: User, role: str, org: Organization | None) -> None:
    """三员 are mutually exclusive and hold nothing else; business roles need an org (SEC-25)."""
    held = set(user.role_assignments.values_list("role", flat=True))
    if role in SYSTEM_ROLES:
        if org is not None:
            raise ValidationError({"org": ["系统管理员、安全管理员、审计管理员不关联党组织"]})
        if held - {role}:
            raise ValidationError({"role": ["三员角色互斥，且不能兼任其他角色"]})
    elif role in ORG_ROLES:
        if org is None:
            raise ValidationError({"org": ["请选择该角色所在的党组织"]})
        if held & SYSTEM_ROLES:
            raise ValidationError({"role": ["该账号是三员账号，不能授予业务角色"]})
        if role == Role.MEMBER and user.member_id is None:
            raise ValidationError({"role": ["党员角色须先关联党员档案"]})
    else:
        raise ValidationError({"role": ["未知角色"]})


@_audits_refusal
@transaction.atomic
def grant_role(
    user: User, *, actor: Any, role: str, org: Organization | None, bootstrap: bool = False, reason: str = ""
) -> RoleAssignment:
    """安全管理员 grants roles (bootstrap: the setup commands, before a 安全管理员 exists)."""
    if not bootstrap:
        _require_system_role(actor, Role.SECADMIN)
    user.__dict__.pop("_dangjian_scope", None)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError({"user": ["该账号已停用，不能授予角色"]})
    if org is not None and not org.is_active:
        raise ValidationError({"org": ["该党组织已撤销，不能在其上授予角色"]})
    check_role_combination(user, role, org)
    if RoleAssignment.objects.filter(user=user, role=role, org=org).exists():
        raise ValidationError({"role": ["该账号已在此党组织担任该角色"]})
    assignment = RoleAssignment.objects.create(
        user=user, role=role, org=org, granted_by=actor if actor is not None and actor.is_authenticated else None
    )
    audit.record(
        "accounts.role_grant", actor=actor, obj=user, org=org, reason=reason,
        changes={"role": Role(role).label, "org": org.name if org else ""},
    )
    return assignment


@_audits_refusal
@transaction.atomic
def revoke_role(assignment: RoleAssignment, *, actor: Any) -> None:
    _require_system_role(actor, Role.SECADMIN)
    if assignment.user_id == actor.pk:
        # A 安全管理员 revoking their own role would leave nobody to grant roles; another one must do it.
        raise ValidationError({"role": ["不能撤销自己的角色"]})
    user, org, role = assignment.user, assignment.org, assignment.role
    assignment.delete()
    audit.record(
        "accounts.role_revoke", actor=actor, obj=user, org=org,
        changes={"role": Role(role).label, "org": org.name if org else ""},
    )


@transaction.atomic
def password_changed(user: User) -> None:
    """The user chose a new password themselves: the forced change is done (SEC-01/02)."""
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    user.must_change_password = False
    audit.record("auth.password_change", actor=user)


@transaction.atomic
def set_elder_mode(user: User, *, on: bool) -> None:
    """A user turns the 长辈版 (larger text, higher contrast) on or off for themselves, kept across sessions and
    devices; any logged-in user, the 三员 included, may change only their own display."""
    if not user.is_authenticated:
        raise PermissionDenied("请先登录")
    User.objects.filter(pk=user.pk).update(elder_mode=on)
    user.elder_mode = on
    audit.record("accounts.elder_mode", actor=user, obj=user, changes={"长辈版": "开启" if on else "关闭"})


# --- Account care by the 系统管理员 (SEC-25) -----------------------------------------------------------------

_PASSWORD_ALPHABETS = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "#%+=@!?-")


def temporary_password(user: User, length: int = 16) -> str:
    """A random password that passes the policy; readable characters only (no 0/O, 1/l/I)."""
    alphabet = "".join(_PASSWORD_ALPHABETS)
    while True:
        chars = [secrets.choice(a) for a in _PASSWORD_ALPHABETS]
        chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        candidate = "".join(chars)
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate


@_audits_refusal
@transaction.atomic
def reset_password(user: User, *, actor: Any) -> str:
    """系统管理员 gives an account a new temporary password, to be changed at the next login.

    The second factor is left alone, so a reset never bypasses MFA (SEC-05). Existing sessions end, because
    the session hash follows the password. Returns the temporary password, shown once and never stored.
    """
    _require_system_role(actor, Role.SYSADMIN)
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError({"password": ["请通过“修改密码”修改自己的密码"]})
    user = User.objects.select_for_update().get(pk=user.pk)
    password = temporary_password(user)
    user.set_password(password)
    user.save()
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    user.must_change_password = True
    audit.record("auth.password_reset", actor=actor, obj=user)
    return password


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of these usernames axes currently locks out (SEC-03): failures within the cool-off window."""
    names = [u for u in usernames if u]
    if not names:
        return set()
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(username__in=names, attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .order_by()
    )
    return {r["username"] for r in rows if (r["failures"] or 0) >= settings.AXES_FAILURE_LIMIT}


@_audits_refusal
@transaction.atomic
def unlock_user(user: User, *, actor: Any) -> int:
    """系统管理员 lifts a lockout before its 30 minutes are up; audited (SEC-03). Returns attempts cleared."""
    _require_system_role(actor, Role.SYSADMIN)
    from axes.utils import reset

    was_locked = user.username in locked_usernames([user.username])
    count = reset(username=user.username)
    audit.record("auth.unlock", actor=actor, obj=user, changes={"locked": was_locked, "attempts": count})
    return count


@_audits_refusal
@transaction.atomic
def link_member(user: User, *, actor: Any, member: Any) -> User:
    """系统管理员 links an existing account to its 党员 record (found by exact 身份证号, never browsed)."""
    _require_system_role(actor, Role.SYSADMIN)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.member_id is not None:
        raise ValidationError({"id_card": ["该账号已关联党员"]})
    if user.role_assignments.filter(role__in=SYSTEM_ROLES).exists():
        raise ValidationError({"id_card": ["三员账号不关联党员"]})
    if User.objects.filter(member=member).exists():
        raise ValidationError({"id_card": ["该党员已有账号"]})
    User.objects.filter(pk=user.pk).update(member=member)
    user.member = member
    if not user.display_name:
        User.objects.filter(pk=user.pk).update(display_name=member.name)
        user.display_name = member.name
    user.__dict__.pop("_dangjian_scope", None)
    audit.record("accounts.user_update", actor=actor, obj=user, changes={"member": [None, member.pk]})
    return user


# --- Second factor care by the 安全管理员 (SEC-05) ----------------------------------------------------------------

@_audits_refusal
@transaction.atomic
def reset_otp(user: User, *, actor: Any, reason: str) -> int:
    """安全管理员 removes a lost second factor after checking the person's identity; they enrol anew at next login.

    Returns the number of devices removed.
    """
    _require_system_role(actor, Role.SECADMIN)
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError({"reason": ["不能重置自己的动态口令"]})
    if len(reason.strip()) < 4:
        raise ValidationError({"reason": ["请填写核实身份的情况（至少4个字）"]})
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    totp = TOTPDevice.objects.filter(user=user)
    static = StaticDevice.objects.filter(user=user)
    removed = totp.count() + static.count()
    totp.delete()
    static.delete()
    audit.record("auth.otp_reset", actor=actor, obj=user, reason=reason.strip(), changes={"devices": removed})
    return removed


# --- Backup codes for the second factor (SEC-05) ----------------------------------------------------------------


@transaction.atomic
def issue_backup_codes(user: User, *, actor: Any) -> list[str]:
    """A person (re)issues their own ten one-time backup codes, for when the phone with the 动态口令 app is lost or
    not at hand. Earlier codes stop working. Only digests are stored (accounts.backup_codes); the codes are
    returned once, to be shown once. Needs a bound 动态口令: the codes stand in for it, not for enrolling one."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied("只能为本人生成备用码")
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError("请先绑定动态口令")
    replaced = StaticDevice.objects.filter(user=user).count()
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="备用码", confirmed=True)
    codes = backup_codes.new_codes()
    StaticToken.objects.bulk_create([StaticToken(device=device, token=backup_codes.digest(user.pk, c)) for c in codes])
    audit.record("auth.backup_codes", actor=actor, obj=user, changes={"codes": len(codes), "replaced": bool(replaced)})
    return [backup_codes.shown(c) for c in codes]


def backup_codes_left(user: User) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def use_backup_code(user: User, text: str) -> Any:
    """The person's static device if `text` is one of their unused backup codes, which is then used up (deleted);
    None otherwise (django-otp counts the failure for its throttling). The caller logs the device in and audits."""
    from django_otp.plugins.otp_static.models import StaticDevice

    if not backup_codes.looks_like_code(text):
        return None
    for device in StaticDevice.objects.devices_for_user(user, confirmed=True):
        if device.verify_token(backup_codes.digest(user.pk, text)):
            return device
    return None


# --- Dormant accounts (SEC-08) -----------------------------------------------------------------------------------


@transaction.atomic
def disable_dormant_accounts(*, now: Any = None) -> list[User]:
    """Disable every active account unused for the rule's days (accounts.dormancy), as the system (no actor):
    each is stamped, its sessions and token end, and each stop is audited with the days it went unused. The last
    active holder of a 三员 role is kept (stopping them would leave nobody to re-enable accounts or read the
    log); they stay on the 安全管理员's list. Run by `dangjian disable_dormant` from the reminder job; running it
    again disables nothing more."""
    from dangjian.accounts import dormancy

    now = now or timezone.now()
    days = dormancy.dormant_days(now)
    candidates: list[Any] = list(dormancy.dormant(now).select_for_update().annotate(used=dormancy.last_used()))
    stopped: list[Any] = dormancy.without_last_system_holders(candidates)
    for user in stopped:
        User.objects.filter(pk=user.pk).update(is_active=False, dormant_disabled_at=now)
        user.is_active, user.dormant_disabled_at = False, now
        audit.record(
            "accounts.dormant_disable", actor=None, actor_name="系统", obj=user,
            reason=f"连续{days}天以上未使用",
            changes={"last_used": user.used.isoformat(), "days_unused": (now - user.used).days},
        )
        credentials.sign_out_everywhere(user, actor=None, reason="长期未使用停用")
    return stopped
