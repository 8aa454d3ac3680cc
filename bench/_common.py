"""What the benchmarks that run on the foundation's databases share: where things are, the child-process
environment bound to one database, the command line, and the warm-run timer.

Each benchmark runs as a parent that migrates its app on each database and then measures it in a child process
(Django reads DATABASE_URL once per process).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import unicodedata
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
PG_BENCH_DB = "dangjian_bench"
MARK = "合成数据"  # the title of synthetic rows, so they are recognisable and replaced with --reseed
TARGET_RATIO = 2.0
TARGET_MS = 5000.0


def bench_var_dir(db: str) -> Path:
    """Where a benchmark database keeps its var directory (keys, media; SQLite's file): `bench/<db>` under the
    DANGJIAN_VAR_DIR the benchmark is started with (default: the checkout's var/), so several checkouts can share
    one built data set (e.g. DANGJIAN_VAR_DIR=/work/benchdata)."""
    return Path(os.environ.get("DANGJIAN_VAR_DIR") or ROOT / "var") / "bench" / db


def env_for(db: str, pg_db: str) -> dict[str, str]:
    """The environment of a child process bound to one benchmark database (as bench/foundation.py sets it)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["DANGJIAN_VAR_DIR"] = str(bench_var_dir(db))
    env["DANGJIAN_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    env["DJANGO_SETTINGS_MODULE"] = "dangjian.settings"
    if db == "postgres":
        env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{pg_db}"
    return env


def parser(description: str | None, reseed_help: str) -> argparse.ArgumentParser:
    """The options every such benchmark takes (add your own before parsing)."""
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--reseed", action="store_true", help=reseed_help)
    p.add_argument("--pg-db", default=PG_BENCH_DB)
    p.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--label", default="", help=argparse.SUPPRESS)
    return p


def run(script: str, app: str, args: argparse.Namespace, measure: Callable[[argparse.Namespace], None],
        extra: list[str] | None = None) -> None:
    """As the child (--measure): set up Django and measure. As the parent: for each database, migrate `app` (and
    what it depends on: the other apps seed their own tables in their own benchmarks), then run the child."""
    if as_child(args, measure):
        return
    for db in databases(args.db):
        env = env_for(db, args.pg_db)
        subprocess.run([PYTHON, "-m", "dangjian", "migrate", app, "-v0"], env=env, cwd=ROOT, check=True)
        cmd = [PYTHON, script, "--measure", "--label", db, "--repeats", str(args.repeats), *(extra or [])]
        if args.reseed:
            cmd.append("--reseed")
        subprocess.run(cmd, env=env, cwd=ROOT, check=True)


def as_child(args: argparse.Namespace, measure: Callable[[argparse.Namespace], None]) -> bool:
    """In the child (--measure): set Django up, measure, and say so; in the parent: make the results directory."""
    if args.measure:
        setup_django()
        measure(args)
        return True
    RESULTS.mkdir(parents=True, exist_ok=True)
    return False


def databases(choice: str) -> tuple[str, ...]:
    """The databases --db names."""
    return ("sqlite", "postgres") if choice == "both" else (choice,)


def setup_django() -> None:
    warnings.filterwarnings("ignore", message="No directory at")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()


def median_ms(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time of `repeats` warm runs (after one warm-up run, whose result is returned)."""
    result = fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def pad(text: str, width: int) -> str:
    """Left-align for a terminal: CJK characters take two columns."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - shown)


def sql_floor(connection: Any, query: str, params: list[Any]) -> Callable[[], Any]:
    """The hand-written SQL floor of a query, run through the same connection as the ORM it is measured against."""
    def go() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()
    return go


def seeded_tree() -> tuple[Any, Any]:
    """The seeded tree's root and the 省级 org whose subtree the scoped queries read: the demo's 广东省示范局党委, or
    else the second-level org with the most children."""
    from dangjian.orgs.models import Organization

    root = Organization.objects.get(depth=1)
    province = (Organization.objects.filter(name="广东省示范局党委").first()
                or max(Organization.objects.filter(depth=2), key=lambda o: o.numchild))
    return root, province


def db_version(connection: Any) -> str:
    """The database server's version, for the head of a result file."""
    if connection.vendor == "sqlite":
        return connection.cursor().connection.execute("select sqlite_version()").fetchone()[0]
    return getattr(connection, "pg_version", "")


class RatioTable:
    """The result lines of a ratio benchmark: each query's ORM time beside its SQL floor, printed as it comes.

    `width` is the name column (counted in characters, or in terminal columns with `cjk`); `time_limit` also
    requires each query to stay under TARGET_MS to be "yes".
    """

    def __init__(self, label: str, width: int, *, cjk: bool = False, time_limit: bool = True) -> None:
        self.label, self.width, self.cjk, self.time_limit = label, width, cjk, time_limit
        self.lines: list[str] = []

    def header(self) -> str:
        return f"{pad('查询', self.width)}{'ORM ms':>10}{'floor ms':>10}{'ratio':>7}{'ok':>6}"

    def row(self, name: str, orm_ms: float, floor_ms: float | None, note: str = "") -> None:
        ratio = orm_ms / floor_ms if floor_ms else None
        fast = orm_ms < TARGET_MS or not self.time_limit
        ok = "" if ratio is None else ("yes" if ratio <= TARGET_RATIO and fast else "NO")
        shown = pad(name, self.width) if self.cjk else f"{name:<{self.width}}"
        text = (f"{shown}{orm_ms:10.0f}{(f'{floor_ms:10.0f}' if floor_ms else '         —')}"
                f"{(f'{ratio:7.2f}' if ratio else '      —')}{ok:>6}  {note}")
        self.lines.append(text)
        print(f"[{self.label}] {text}", flush=True)
