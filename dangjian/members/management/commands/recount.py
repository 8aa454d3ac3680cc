"""`dangjian recount`: rebuild the subtree totals kept on each org, or check them (`--check`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.members import counters


class Command(BaseCommand):
    help = "重新统计每个党组织（含下级）的在册党员数和党支部数；--check 只检查不修改。批量装入数据后运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="只检查，发现不一致时以非零状态退出")

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        if check:
            wrong = counters.mismatches()
            if wrong:
                raise CommandError(f"{len(wrong)} 个党组织的统计数不一致，请运行 dangjian recount")
            self.stdout.write("统计数一致")
            return
        changed = counters.recount()
        self.stdout.write(f"已重新统计，{changed} 个党组织的统计数有更新")
