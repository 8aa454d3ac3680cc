"""`dangjian demo`: fill an empty database with a realistic, deterministic 机关 for trying the system out.

Default: one ministry organ (国家示范部机关党委, about 100 党组织 and 2,000 党员) and demo logins. With
`--orgs`/`--members` it scales to benchmark size (100,000 orgs and 2,000,000 members in 31 provincial
subtrees). Same seed and same `--today` give the same data; the command refuses a database that already
holds organizations, because mixing demo people into real records must never happen by accident.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from dangjian.demo.loader import DEMO_PASSWORD, DEMO_USERNAMES, Loader, Progress, registered_steps
from dangjian.orgs.demo import MIN_ORGS, build_plan
from dangjian.orgs.models import Organization

DEFAULT_SEED = 1921
DEFAULT_MEMBERS = 2000
# Above this many members: batches commit on their own, no per-member history rows.
LARGE = 20_000
# scripts/start passes the address it serves on (--host/--port).
LOGIN_URL = os.environ.get("DANGJIAN_LOGIN_URL", "http://127.0.0.1:8000/accounts/login/")


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError as exc:
        raise CommandError(f"“{value}”不是整数") from exc
    if n <= 0:
        raise CommandError("数量必须大于0")
    return n


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期“{value}”格式应为 YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "向空数据库装入演示数据（一个机关的党组织、党员和演示账号），可放大到性能测试规模。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orgs", type=_positive, default=None,
                            help=f"党组织数量（默认约100个的机关；不少于{MIN_ORGS}；400以上时增加31个省级单位）")
        parser.add_argument("--members", type=_positive, default=DEFAULT_MEMBERS, help="党员数量（默认2000）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（相同种子和日期生成相同数据）")
        parser.add_argument("--today", type=_date, default=None, help="以该日期为“今天”生成数据（默认今天）")
        parser.add_argument("--batch-size", type=_positive, default=5000, help="每批写入的行数")
        parser.add_argument("--no-events", action="store_true", help="不写入入党、转正等党籍变动记录")
        parser.add_argument("--no-history", action="store_true", help="不写入党员变更历史（大规模时自动不写）")
        parser.add_argument("--progress", action="store_true", help="即使输出不是终端也显示进度")

    def handle(self, *args: Any, **opts: Any) -> None:
        self._check_database()
        today: dt.date = opts["today"] or timezone.localdate()
        members: int = opts["members"]
        large = members > LARGE
        try:
            plan = build_plan(seed=opts["seed"], today=today, orgs=opts["orgs"], members=members)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        stream: Any = getattr(self.stderr, "_out", sys.stderr)
        progress = Progress(stream.isatty() or opts["progress"], stream)
        loader = Loader(
            plan, seed=opts["seed"], today=today, batch_size=opts["batch_size"], events=not opts["no_events"],
            history=not (large or opts["no_history"]), commit_batches=large, progress=progress,
        )
        started = time.perf_counter()
        if large:
            self._tune_for_bulk_load()
            self.stdout.write(f"规模较大（{members}名党员）：分批提交，不写党员变更历史。中断后请删除数据库重新装入。")
            loader.load_orgs()
            loader.load_members()
            with transaction.atomic():
                loader.create_users()
                loader.record_audit()
        else:
            with transaction.atomic():
                loader.load_orgs()
                loader.load_members()
                loader.create_users()
                loader.record_audit()
                self._load_app_steps(loader, opts["seed"], today)
        analyze_started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        loader.result.timings["统计信息"] = time.perf_counter() - analyze_started
        self._report(loader, time.perf_counter() - started)

    def _load_app_steps(self, loader: Loader, seed: int, today: dt.date) -> None:
        """Every app's registered demo step in order (组织生活 and 班子 first, then the member-lifecycle apps), with
        the reminder job after the steps that ask for it and once at the end (demo size only)."""
        from dangjian.reminders.generate import generate

        steps = self._steps()
        self.lifecycle_summary = []
        for i, step in enumerate(steps):
            started = time.perf_counter()
            self.lifecycle_summary.append(step.load(seed=seed, today=today))
            if step.reminders_after or i == len(steps) - 1:
                generate(today)
            timings = loader.result.timings
            timings[step.timing] = timings.get(step.timing, 0.0) + time.perf_counter() - started

    @staticmethod
    def _steps() -> list[Any]:
        """The apps' demo steps (dangjian.lib.demo.registry), in order; each `load(*, seed, today) -> str` returns
        its line of the report."""
        return registered_steps()

    def _check_database(self) -> None:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("数据库结构不是最新的，请先运行 dangjian migrate。")
        if Organization.objects.exists():
            raise CommandError(
                "数据库中已有党组织，演示数据只能装入空数据库。"
                "请删除 var/dangjian.sqlite3（PostgreSQL：新建一个空数据库）并运行 dangjian migrate 后再试。"
            )
        from dangjian.accounts.models import User

        taken = sorted(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
        if taken:
            raise CommandError(f"演示账号的用户名已被占用：{'、'.join(taken)}。请使用空数据库。")

    @staticmethod
    def _tune_for_bulk_load() -> None:
        """SQLite: a larger page cache for this connection; an interrupted load is deleted anyway."""
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size=-524288")
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA temp_store=MEMORY")

    def _report(self, loader: Loader, elapsed: float) -> None:
        r = loader.result
        w = self.stdout.write
        w(self.style.SUCCESS(f"演示数据已装入：党组织 {r.orgs} 个，党员 {r.members} 名，党籍变动记录 {r.member_events} 条。"))
        w("用时：" + "，".join(f"{k} {v:.1f} 秒" for k, v in r.timings.items()) + f"；合计 {elapsed:.1f} 秒。")
        w("")
        for line in getattr(self, "lifecycle_summary", []):
            w(line)
        w(f"登录地址：{LOGIN_URL}")
        w(f"所有演示账号的密码：{DEMO_PASSWORD}")
        for username, role, where in r.users:
            w(f"  {username:<10} {role}（{where}）")
        w("说明：系统管理员、安全管理员、审计管理员（sysadmin、secadmin、auditor）首次登录时须绑定动态口令（TOTP）。")
        w("演示数据中的姓名、身份证号、手机号均为虚构。")
