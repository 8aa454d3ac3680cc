"""Account actions: each duty belongs to one 三员, refusals are audited, role combinations hold (SEC-25)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts import actions
from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.core.models import AuditEvent
from dangjian.members.models import Member
from dangjian.orgs.models import Organization
from tests.world import PASSWORD

GOOD = "Chushi#Kouling-77"


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor"])
def test_three_admins_see_no_members_and_no_orgs(world, persona):
    user = getattr(world, persona)
    assert not Member.objects.visible_to(user).exists()
    assert not Organization.objects.visible_to(user).exists()
    for action in ("change", "structure", "reveal"):
        assert not Member.objects.visible_to(user, action).exists()


def test_a_business_role_is_refused_to_a_three_admin_account(world):
    with pytest.raises(ValidationError) as exc:
        actions.grant_role(world.sysadmin, actor=world.secadmin, role=Role.ORG_ADMIN, org=world.root)
    assert "三员账号" in str(exc.value)
    assert not RoleAssignment.objects.filter(user=world.sysadmin, role=Role.ORG_ADMIN).exists()


@pytest.mark.parametrize(("persona", "role"), [
    ("sysadmin", Role.AUDITOR), ("auditor", Role.SECADMIN), ("secadmin", Role.SYSADMIN),
])
def test_a_second_three_admin_role_is_refused(world, persona, role):
    with pytest.raises(ValidationError) as exc:
        actions.grant_role(getattr(world, persona), actor=world.secadmin, role=role, org=None)
    assert "三员角色互斥" in str(exc.value)


def test_a_three_admin_role_is_refused_to_a_business_user(world):
    with pytest.raises(ValidationError):
        actions.grant_role(world.admin, actor=world.secadmin, role=Role.AUDITOR, org=None)


def test_a_role_on_a_dissolved_org_is_refused(world):
    Organization.objects.filter(pk=world.b.pk).update(status="dissolved")
    world.b.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        actions.grant_role(world.nobody, actor=world.secadmin, role=Role.VIEWER, org=world.b)
    assert "已撤销" in str(exc.value)


@pytest.mark.parametrize(("call", "duty"), [
    (lambda w, actor: actions.create_user(actor=actor, username="x1", password=GOOD), "sysadmin"),
    (lambda w, actor: actions.set_active(w.nobody, actor=actor, active=False), "sysadmin"),
    (lambda w, actor: actions.reset_password(w.nobody, actor=actor), "sysadmin"),
    (lambda w, actor: actions.unlock_user(w.nobody, actor=actor), "sysadmin"),
    (lambda w, actor: actions.link_member(w.nobody, actor=actor, member=w.b_member), "sysadmin"),
    (lambda w, actor: actions.grant_role(w.nobody, actor=actor, role=Role.VIEWER, org=w.root), "secadmin"),
    (lambda w, actor: actions.revoke_role(RoleAssignment.objects.get(user=w.outsider), actor=actor), "secadmin"),
    (lambda w, actor: actions.reset_otp(w.nobody, actor=actor, reason="当面核实身份"), "secadmin"),
])
@pytest.mark.parametrize("persona", ["admin", "sysadmin", "secadmin", "auditor"])
def test_each_duty_belongs_to_one_admin_and_refusals_are_audited(world, call, duty, persona):
    actor = getattr(world, persona)
    if persona == duty:
        call(world, actor)
        return
    with pytest.raises(PermissionDenied):
        call(world, actor)
    # The denial row is written after the action's rollback, so it survives.
    assert AuditEvent.objects.filter(action="auth.denied", actor=actor, result="denied").exists()


def test_the_sysadmin_cannot_grant_roles_even_to_themself(world):
    with pytest.raises(PermissionDenied):
        actions.grant_role(world.sysadmin, actor=world.sysadmin, role=Role.SECADMIN, org=None)
    assert RoleAssignment.objects.filter(user=world.sysadmin).count() == 1


def test_a_temporary_password_passes_the_policy_and_differs_each_time(world):
    from dangjian.accounts.validators import validate_password

    seen = {actions.temporary_password(world.nobody) for _ in range(5)}
    assert len(seen) == 5
    for password in seen:
        validate_password(password, world.nobody)


def test_reset_password_ends_the_forced_change_only_when_the_user_changes_it(world):
    temporary = actions.reset_password(world.nobody, actor=world.sysadmin)
    user = User.objects.get(pk=world.nobody.pk)
    assert user.must_change_password
    assert not user.check_password(PASSWORD)
    assert user.check_password(temporary)
