"""`dangjian createadmin`: the first accounts, with a forced password change and an audit trail."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.core.models import AuditEvent

GOOD = "Chushi#Kouling-77"


@pytest.fixture
def password_file(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "pw"
    path.write_text(GOOD + "\n", encoding="utf-8")
    return path


def test_it_creates_a_three_admin_account_that_must_change_its_password(db, password_file, capsys):
    call_command("createadmin", username="xitong", role="sysadmin", password_file=password_file)
    user = User.objects.get(username="xitong")
    assert user.must_change_password is True
    assert user.check_password(GOOD)
    assert list(user.role_assignments.values_list("role", "org")) == [(Role.SYSADMIN, None)]
    assert AuditEvent.objects.filter(action="accounts.user_create", object_id=str(user.pk), reason__contains="createadmin").exists()
    assert AuditEvent.objects.filter(action="accounts.role_grant", object_id=str(user.pk)).exists()
    assert "已创建账号 xitong" in capsys.readouterr().out


def test_it_refuses_a_second_active_holder_unless_forced(world, password_file):
    with pytest.raises(CommandError, match="已有启用的账号：auditor"):
        call_command("createadmin", username="shenji2", role="auditor", password_file=password_file)
    assert not User.objects.filter(username="shenji2").exists()
    call_command("createadmin", username="shenji2", role="auditor", password_file=password_file, force=True)
    assert RoleAssignment.objects.filter(user__username="shenji2", role=Role.AUDITOR).exists()


def test_a_disabled_holder_does_not_block_a_new_one(world, password_file):
    User.objects.filter(pk=world.secadmin.pk).update(is_active=False)
    call_command("createadmin", username="anquan2", role="secadmin", password_file=password_file)
    assert User.objects.filter(username="anquan2").exists()


def test_it_creates_an_org_admin_on_an_org(world, password_file):
    call_command("createadmin", username="dangwei-b", org_admin=world.b.pk, password_file=password_file)
    assert RoleAssignment.objects.filter(user__username="dangwei-b", role=Role.ORG_ADMIN, org=world.b).exists()
    with pytest.raises(CommandError, match="已有启用的账号：admin"):
        call_command("createadmin", username="dangwei-r", org_admin=world.root.pk, password_file=password_file)
    with pytest.raises(CommandError, match="没有编号为"):
        call_command("createadmin", username="dangwei-x", org_admin=999999, password_file=password_file)


def test_a_weak_password_is_refused_and_nothing_is_created(db, tmp_path):
    weak = tmp_path / "weak"
    weak.write_text("abc123\n", encoding="utf-8")
    with pytest.raises(CommandError, match="至少需要12个字符"):
        call_command("createadmin", username="ruo", role="sysadmin", password_file=weak)
    assert not User.objects.filter(username="ruo").exists()
    assert not RoleAssignment.objects.exists()


def test_an_existing_username_is_refused(world, password_file):
    with pytest.raises(CommandError, match="该用户名已被使用"):
        call_command("createadmin", username="ADMIN", role="sysadmin", password_file=password_file, force=True)


def test_the_password_is_asked_twice_when_no_file_is_given(db, monkeypatch):
    answers = iter([GOOD, GOOD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("createadmin", username="jiaohu", role="auditor")
    assert User.objects.get(username="jiaohu").check_password(GOOD)


def test_mismatched_prompts_are_refused(db, monkeypatch):
    answers = iter([GOOD, GOOD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="不一致"):
        call_command("createadmin", username="jiaohu", role="auditor")
    assert not User.objects.filter(username="jiaohu").exists()


def test_role_and_org_admin_are_exclusive_and_one_is_required(db, password_file):
    with pytest.raises(CommandError):
        call_command("createadmin", username="x", password_file=password_file)
    with pytest.raises(CommandError):
        call_command("createadmin", username="x", role="sysadmin", org_admin=1, password_file=password_file)
