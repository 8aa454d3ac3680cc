"""Account and role changes. Only the 三员 may make them, each within their own duty (SEC-25)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import ORG_ROLES, SYSTEM_ROLES, Role
from dangjian.core import audit
from dangjian.core.scoping import scope_for
from dangjian.orgs.models import Organization


def _require_system_role(actor: Any, role: str) -> None:
    if actor is None or role not in scope_for(actor).system_roles:
        if actor is not None:
            audit.record("auth.denied", actor=actor, result="denied", reason=f"accounts.{role}")
        raise PermissionDenied("无权执行该操作")


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
    *, actor: Any, username: str, password: str, display_name: str, member: Any, must_change_password: bool
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
    audit.record("accounts.user_create", actor=actor, obj=user, changes={"username": username})
    return user


def bootstrap_user(**kwargs: Any) -> User:
    """For the `createadmin` and `demo` commands, which run before any 系统管理员 exists."""
    with transaction.atomic():
        return _create_user(actor=None, **kwargs)


@transaction.atomic
def set_active(user: User, *, actor: Any, active: bool) -> User:
    _require_system_role(actor, Role.SYSADMIN)
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError({"is_active": ["不能停用自己的账号"]})
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    audit.record("accounts.user_enable" if active else "accounts.user_disable", actor=actor, obj=user)
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


@transaction.atomic
def grant_role(user: User, *, actor: Any, role: str, org: Organization | None, bootstrap: bool = False) -> RoleAssignment:
    """安全管理员 grants roles (bootstrap: the setup commands, before a 安全管理员 exists)."""
    if not bootstrap:
        _require_system_role(actor, Role.SECADMIN)
    user.__dict__.pop("_dangjian_scope", None)
    user = User.objects.select_for_update().get(pk=user.pk)
    check_role_combination(user, role, org)
    if RoleAssignment.objects.filter(user=user, role=role, org=org).exists():
        raise ValidationError({"role": ["该账号已在此党组织担任该角色"]})
    assignment = RoleAssignment.objects.create(
        user=user, role=role, org=org, granted_by=actor if actor is not None and actor.is_authenticated else None
    )
    audit.record(
        "accounts.role_grant", actor=actor, obj=user, org=org,
        changes={"role": Role(role).label, "org": org.name if org else ""},
    )
    return assignment


@transaction.atomic
def revoke_role(assignment: RoleAssignment, *, actor: Any) -> None:
    _require_system_role(actor, Role.SECADMIN)
    user, org, role = assignment.user, assignment.org, assignment.role
    assignment.delete()
    audit.record(
        "accounts.role_revoke", actor=actor, obj=user, org=org,
        changes={"role": Role(role).label, "org": org.name if org else ""},
    )
