"""`dangjian restore FILE --yes [--write-keys]` replaces the database with a backup; `dangjian restore FILE
--drill` restores it into a scratch database and compares the row counts instead (the live data is untouched).
A damaged, truncated, foreign or other-engine file is refused before the database is touched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.core.backup import engines
from dangjian.core.backup.actions import restore_backup, restore_drill
from dangjian.core.backup.archive import BackupRefused


class Command(BaseCommand):
    help = "从备份恢复数据库（先停止服务）；--drill 只做恢复演练：恢复到临时数据库并核对各表行数和审计日志。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件（.djbak）")
        parser.add_argument("--drill", action="store_true", help="恢复演练：不改动当前数据库")
        parser.add_argument("--yes", action="store_true", help="确认用备份覆盖当前数据库")
        parser.add_argument("--write-keys", action="store_true", help="把备份中的个人信息密钥写入 var/keys/")

    def handle(self, *args: Any, file: Path, drill: bool, yes: bool, write_keys: bool, **options: Any) -> None:
        try:
            if drill:
                self._drill(file)
                return
            if not yes:
                raise CommandError("恢复将用备份覆盖当前数据库：请先停止服务，再加 --yes 确认")
            manifest = restore_backup(file, write_keys=write_keys)
        except (BackupRefused, engines.RestoreFailed) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已从 {file.name} 恢复（备份于 {manifest.get('created', '')}，"
                          f"{len(manifest['tables'])} 张表，{sum(manifest['tables'].values())} 行）")

    def _drill(self, file: Path) -> None:
        result = restore_drill(file)
        for table, count in sorted(result.restored["tables"].items()):
            self.stdout.write(f"{table}\t{count}")
        self.stdout.write(f"审计日志 {result.restored['audit']['rows']} 行")
        if result.mismatches:
            raise CommandError("恢复演练发现不一致：\n" + "\n".join(result.mismatches))
        self.stdout.write(f"恢复演练通过：{len(result.restored['tables'])} 张表的行数和审计日志与备份时一致")
