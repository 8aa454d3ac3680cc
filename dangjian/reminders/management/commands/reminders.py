"""`dangjian reminders [--today YYYY-MM-DD] [--email]`: the scheduled reminder job (run it hourly from cron or the
worker). Idempotent and safe on two nodes at once, so overlapping runs do no harm. `--email` also mails each user
one digest of the reminders this run created, when an SMTP server is configured (dangjian.reminders.digest).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dangjian.reminders.digest import email_configured, send_digests
from dangjian.reminders.generate import generate
from dangjian.reminders.models import ReminderKind


class Command(BaseCommand):
    help = "生成待办提醒：按当天的规则计算每个用户应有的提醒，新增缺少的、办结已消除的。可重复运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按指定日期计算（YYYY-MM-DD），缺省为今天")
        parser.add_argument("--email", action="store_true", help="向有新提醒的用户各发送一封汇总邮件（需配置EMAIL_HOST）")

    def handle(self, *args: Any, today: str | None = None, email: bool = False, **options: Any) -> None:
        if email and not email_configured():
            raise CommandError("未配置邮件服务器（EMAIL_HOST），不能发送邮件")
        day = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{today}") from exc
        started = timezone.now()
        result = generate(day)
        for kind in ReminderKind:
            self.stdout.write(f"{kind.label}：{result.counts[kind.value]}")
        self.stdout.write(f"新增 {result.inserted} 条，办结 {result.resolved} 条")
        if email:
            self.stdout.write(f"已发送 {send_digests(started)} 封提醒邮件")
