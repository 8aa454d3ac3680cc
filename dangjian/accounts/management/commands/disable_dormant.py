"""`dangjian disable_dormant`: disable accounts unused for the rule's days (SEC-08; run by the reminder job)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dangjian.accounts import actions


class Command(BaseCommand):
    help = "停用连续未使用超过规定天数（规则参数“账号连续未使用即停用的天数”，默认90天）的账号，逐个记入审计日志。"

    def handle(self, *args: Any, **options: Any) -> None:
        stopped = actions.disable_dormant_accounts()
        self.stdout.write(f"已停用 {len(stopped)} 个长期未使用的账号")
        for user in stopped:
            self.stdout.write(f"  {user.username}")
