"""`dangjian purge_imports`: delete kept import uploads older than an hour (run by the hourly reminder job)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dangjian.members.imports import stash


class Command(BaseCommand):
    help = "删除超过1小时的党员导入暂存文件（已加密），以及旧版本留下的明文暂存文件。"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"已删除 {stash.purge()} 个过期的导入暂存文件")
