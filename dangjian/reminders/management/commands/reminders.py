"""`dangjian reminders [--today YYYY-MM-DD]`: the scheduled reminder job (run it hourly from cron or the worker).

Idempotent and safe on two nodes at once, so overlapping runs do no harm.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.reminders.generate import generate
from dangjian.reminders.models import ReminderKind


class Command(BaseCommand):
    help = "生成待办提醒：按当天的规则计算每个用户应有的提醒，新增缺少的、办结已消除的。可重复运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按指定日期计算（YYYY-MM-DD），缺省为今天")

    def handle(self, *args: Any, today: str | None = None, **options: Any) -> None:
        day = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{today}") from exc
        result = generate(day)
        for kind in ReminderKind:
            self.stdout.write(f"{kind.label}：{result.counts[kind.value]}")
        self.stdout.write(f"新增 {result.inserted} 条，办结 {result.resolved} 条")
