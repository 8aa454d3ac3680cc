"""The optional e-mail digest: only with an SMTP server configured, one message per user with an address, each
new reminder mailed once even when the job runs again."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from dangjian.reminders.models import Reminder

NOON = dt.datetime(2025, 4, 25, 4, tzinfo=dt.UTC)


def test_email_needs_a_configured_smtp_server(world):
    with pytest.raises(CommandError, match="未配置邮件服务器"):
        call_command("reminders", "--today", "2025-04-25", "--email")
    assert not Reminder.objects.exists()


@override_settings(EMAIL_HOST="smtp.example.internal")
def test_each_user_with_an_address_gets_one_digest_of_new_reminders_once(world):
    world.secretary.email = "zhou@example.internal"
    world.secretary.save()
    with time_machine.travel(NOON, tick=False):
        call_command("reminders", "--today", "2025-04-25", "--email")
    assert len(mail.outbox) == 1  # the admin and the outsider have no address
    message = mail.outbox[0]
    assert message.to == ["zhou@example.internal"]
    count = Reminder.objects.filter(user=world.secretary, resolved_at__isnull=True).count()
    assert message.subject == f"机关党建：您有{count}项新的待办事项"
    assert "第一党支部2025年4月的主题党日尚未召开" in message.body
    assert not Reminder.objects.filter(user=world.secretary, notified_at__isnull=True).exists()
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        call_command("reminders", "--today", "2025-04-25", "--email")
    assert len(mail.outbox) == 1
