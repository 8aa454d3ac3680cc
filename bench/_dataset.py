"""The foundation's data set (100,000 orgs / 2,000,000 members by default): building it with `dangjian demo` in a
database of its own, or reusing one that already holds exactly that many orgs and members.

Shared by bench/foundation.py and bench/pages.py. SQLite lives under `<DANGJIAN_VAR_DIR or var>/bench/sqlite/`,
PostgreSQL in its own database (default `dangjian_bench`); see `_common.env_for`.

    python bench/_dataset.py        # (in a child bound to one database) prints "<orgs> <members>"
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PYTHON, RESULTS, ROOT, as_child, bench_var_dir, databases, env_for, setup_django  # noqa: E402

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def add_options(parser: argparse.ArgumentParser, *, orgs: int = 100_000, members: int = 2_000_000) -> None:
    """The options that choose the data set (every benchmark that builds one takes the same)."""
    parser.add_argument("--orgs", type=int, default=orgs)
    parser.add_argument("--members", type=int, default=members)
    parser.add_argument("--reuse", action="store_true", help="keep an existing data set of the right size")
    parser.add_argument("--no-events", action="store_true", help="build without MemberEvent rows (faster)")


def run(cmd: list[str], env: dict[str, str], log: Path | None = None) -> str:
    """Run a child; stream its output to the terminal (and a log); fail loudly."""
    out: list[str] = []
    with subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as p:
        assert p.stdout is not None
        fh = log.open("a") if log else None
        for line in p.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            out.append(line)
            if fh:
                fh.write(line)
                fh.flush()
        if fh:
            fh.close()
    if p.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {p.returncode}")
    return "".join(out)


def recreate_database(db: str, pg_db: str) -> None:
    """An empty database: the SQLite file removed, or the PostgreSQL database dropped and created."""
    if db == "sqlite":
        directory = bench_var_dir("sqlite")
        for suffix in ("", "-wal", "-shm"):
            (directory / f"dangjian.sqlite3{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}"')
        conn.execute(f'CREATE DATABASE "{pg_db}"')


def build(db: str, args: argparse.Namespace) -> None:
    """Build the data set afresh: migrate, then `dangjian demo --orgs … --members …` (log: results/build-<db>-<orgs>.log)."""
    env = env_for(db, args.pg_db)
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = RESULTS / f"build-{db}-{args.orgs}.log"
    log.write_text("")
    marker = building_marker(db, args.pg_db)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"{args.orgs} orgs / {args.members} members, log {log}\n")
    recreate_database(db, args.pg_db)
    run([PYTHON, "-m", "dangjian", "migrate", "-v0"], env, log)
    started = time.perf_counter()
    cmd = [PYTHON, "-m", "dangjian", "demo", "--orgs", str(args.orgs), "--members", str(args.members), "--progress"]
    if args.no_events:
        cmd.append("--no-events")
    run(cmd, env, log)
    with log.open("a") as fh:
        fh.write(f"demo wall time: {time.perf_counter() - started:.1f} s\n")
    marker.unlink()


def building_marker(db: str, pg_db: str) -> Path:
    """A file that exists while a build of this database runs (or after one was interrupted)."""
    name = "BUILDING" if db == "sqlite" else f"BUILDING-{pg_db}"
    return bench_var_dir(db) / name


def existing_size(db: str, pg_db: str) -> tuple[int, int]:
    """How many orgs and members the database holds now ((0, 0) when it has no tables)."""
    try:
        out = subprocess.run([PYTHON, __file__], env=env_for(db, pg_db), cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
        return int(out[0]), int(out[1])
    except (subprocess.CalledProcessError, IndexError, ValueError):
        return 0, 0


def ensure(db: str, args: argparse.Namespace) -> None:
    """Build the data set, or with --reuse keep the one there when it holds exactly --orgs and --members."""
    marker = building_marker(db, args.pg_db)
    if args.reuse and marker.exists():
        raise SystemExit(f"[{db}] a build is running or was interrupted ({marker}: {marker.read_text().strip()}); "
                         "wait for it, or remove the file to rebuild")
    reusable = args.reuse and existing_size(db, args.pg_db) == (args.orgs, args.members)
    if args.reuse:
        print(f"[{db}] existing data set: {'reused' if reusable else 'missing or of another size, rebuilding'}",
              flush=True)
    if not reusable:
        build(db, args)


SYNTHETIC = ("meetings", "dues")


def seed(what: list[str]) -> list[str]:
    """(Child process.) The synthetic rows other benchmarks add to the data set, when missing: "meetings" — the
    year of meetings of bench/compliance.py (last calendar year); "dues" — bases and a year of payments of
    bench/dues.py (up to last month). Returns what each did."""
    import datetime as dt

    from django.utils import timezone

    done = []
    if "meetings" in what:
        import compliance

        done.append(compliance.seed(dt.date.today().year - 1, False))
    if "dues" in what:
        import dues
        from django.db import connection

        from dangjian.dues import calc

        month = calc.add_months(calc.month_start(timezone.localdate()), -1)
        if connection.vendor != "postgresql":
            done.append(dues.seed(month, False))
        else:
            # The seed's INSERT … SELECT … WHERE NOT EXISTS (a row in the table being filled) was planned once as a
            # nested loop over a table the statistics called empty: each probe scans every row inserted so far
            # (quadratic; 200,000 bases ran 7 minutes without end). A hash or merge anti-join is linear.
            with connection.cursor() as cursor:
                cursor.execute("SET enable_nestloop = off")
            try:
                done.append(dues.seed(month, False))
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("RESET enable_nestloop")
    return done


def dispatch(args: argparse.Namespace, measure: Callable[[argparse.Namespace], None],
             per_database: Callable[[str], None]) -> None:
    """As the child (--measure): set Django up and measure. As the parent: for each database --db names, build or
    reuse the data set, then `per_database(db)` (which starts the child)."""
    if as_child(args, measure):
        return
    for db in databases(args.db):
        ensure(db, args)
        per_database(db)


def _counts() -> str:
    from dangjian.members.models import Member
    from dangjian.orgs.models import Organization

    try:
        return f"{Organization.objects.count()} {Member.objects.count()}"
    except Exception:  # no tables yet
        return "0 0"


if __name__ == "__main__":
    setup_django()
    print(_counts())
