"""Dormant accounts (issue 11, SEC-08): an account unused for the rule's days (90 by default, counted from the
last sign-in, creation or re-enabling) is disabled by `dangjian disable_dormant` from the reminder job, audited
and shown to the 安全管理员; one day short it stays; re-enabling gives it the full period again."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import time_machine
from django.core.management import call_command
from django.urls import reverse

from dangjian.accounts import actions
from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.core.models import AuditEvent, RuleParameter

START = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parents[2]


def _last_seen(user: User, when: dt.datetime) -> None:
    User.objects.filter(pk=user.pk).update(last_login=when, date_joined=when - dt.timedelta(days=400))


def _everyone_seen(when: dt.datetime) -> None:
    User.objects.update(last_login=when, date_joined=when - dt.timedelta(days=400))


def test_an_account_unused_for_ninety_days_is_disabled_audited_and_one_day_short_stays(world):
    _everyone_seen(START + dt.timedelta(days=5))
    _last_seen(world.viewer, START)
    _last_seen(world.secretary, START + dt.timedelta(days=1))
    with time_machine.travel(START + dt.timedelta(days=90, minutes=1), tick=False):
        out = io.StringIO()
        call_command("disable_dormant", stdout=out)
    assert "已停用 1 个" in out.getvalue() and "viewer" in out.getvalue()
    world.viewer.refresh_from_db()
    world.secretary.refresh_from_db()
    assert not world.viewer.is_active and world.viewer.dormant_disabled_at is not None
    assert world.secretary.is_active
    event = AuditEvent.objects.get(action="accounts.dormant_disable")
    assert event.object_id == str(world.viewer.pk) and event.actor is None
    assert event.changes["days_unused"] == 90
    assert AuditEvent.objects.filter(action="auth.logout_all", object_id=str(world.viewer.pk)).exists()


def test_running_again_disables_nothing_more(world):
    _everyone_seen(START)
    with time_machine.travel(START + dt.timedelta(days=91), tick=False):
        first = actions.disable_dormant_accounts()
        assert first and actions.disable_dormant_accounts() == []
    assert AuditEvent.objects.filter(action="accounts.dormant_disable").count() == len(first)


def test_a_re_enabled_account_gets_the_full_period_again(world):
    _everyone_seen(START)
    with time_machine.travel(START + dt.timedelta(days=91), tick=False):
        actions.disable_dormant_accounts()
    _last_seen(world.sysadmin, START + dt.timedelta(days=91))
    User.objects.filter(pk=world.sysadmin.pk).update(is_active=True)
    with time_machine.travel(START + dt.timedelta(days=92), tick=False):
        actions.set_active(world.viewer, actor=world.sysadmin, active=True)
    world.viewer.refresh_from_db()
    assert world.viewer.is_active and world.viewer.dormant_disabled_at is None
    with time_machine.travel(START + dt.timedelta(days=92 + 89), tick=False):
        assert world.viewer not in actions.disable_dormant_accounts()


def test_the_days_are_a_rule_a_deployment_may_shorten(world):
    RuleParameter.objects.create(key="accounts.dormant_days", label="账号连续未使用即停用的天数（天）", value=30,
                                 default=90, source="本单位规定", status="local", effective_from=dt.date(2026, 1, 1))
    _everyone_seen(START)
    with time_machine.travel(START + dt.timedelta(days=31), tick=False):
        assert actions.disable_dormant_accounts()


def test_the_secadmin_sees_stopped_and_coming_accounts_others_get_404(world, login, django_assert_max_num_queries):
    _everyone_seen(START + dt.timedelta(days=60))
    _last_seen(world.viewer, START)
    _last_seen(world.secretary, START + dt.timedelta(days=5))
    with time_machine.travel(START + dt.timedelta(days=90, hours=1), tick=False):
        actions.disable_dormant_accounts()
        client = login(world.secadmin, verified=True)
        with django_assert_max_num_queries(12):
            body = client.get(reverse("accounts:dormant")).content.decode()
        assert login(world.sysadmin, verified=True).get(reverse("accounts:dormant")).status_code == 404
    assert "viewer" in body and "已于2026年4月10日停用" in body
    assert "secretary" in body and "将于2026年4月15日停用" in body
    assert ">organizer<" not in body and "孙查看" in body


def test_the_reminder_job_runs_the_command():
    text = (ROOT / "deploy/systemd/dangjian-reminders.service").read_text(encoding="utf-8")
    assert "ExecStart=/srv/dangjian/.venv/bin/dangjian disable_dormant" in text.splitlines()


def test_the_last_active_holder_of_each_three_admin_role_is_never_stopped(world):
    _everyone_seen(START)
    with time_machine.travel(START + dt.timedelta(days=91), tick=False):
        stopped = {u.username for u in actions.disable_dormant_accounts()}
    for admin in (world.sysadmin, world.secadmin, world.auditor):
        admin.refresh_from_db()
        assert admin.is_active and admin.username not in stopped
    world.viewer.refresh_from_db()
    assert not world.viewer.is_active


def test_a_second_holder_of_a_three_admin_role_is_stopped_the_last_one_kept(world):
    second = User.objects.create_user("sysadmin2", password="Shifan#Jiguan2026x")
    RoleAssignment.objects.create(user=second, role=Role.SYSADMIN)
    _everyone_seen(START)
    with time_machine.travel(START + dt.timedelta(days=91), tick=False):
        stopped = {u.username for u in actions.disable_dormant_accounts()}
    world.sysadmin.refresh_from_db()
    second.refresh_from_db()
    assert [world.sysadmin.is_active, second.is_active].count(True) == 1
    assert len({"sysadmin", "sysadmin2"} & stopped) == 1
