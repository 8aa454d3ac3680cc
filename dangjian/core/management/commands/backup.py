"""`dangjian backup [--dir DIR] [--keep N]`: one encrypted, checksummed backup of the database with its keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.core.backup import engines
from dangjian.core.backup.actions import make_backup


class Command(BaseCommand):
    help = "备份数据库（SQLite 在线备份或 pg_dump），连同个人信息密钥一起 SM4 加密、SM3 校验，只保留最新的若干份。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, help="备份目录，缺省为 DANGJIAN_BACKUP_DIR（var/backups）")
        parser.add_argument("--keep", type=int, help="保留的备份份数，缺省为 DANGJIAN_BACKUP_KEEP（7）")

    def handle(self, *args: Any, dir: Path | None = None, keep: int | None = None, **options: Any) -> None:
        if keep is not None and keep < 1:
            raise CommandError("--keep 至少为 1")
        try:
            result = make_backup(dir, keep)
        except engines.RestoreFailed as exc:
            raise CommandError(str(exc)) from exc
        tables = result.contents["tables"]
        self.stdout.write(f"已备份：{result.path}（{len(tables)} 张表，{sum(tables.values())} 行）")
        for old in result.pruned:
            self.stdout.write(f"已删除旧备份：{old.name}")
