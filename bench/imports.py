"""Member import at scale (issue 10 item 3 and 4): a 20,000-row .xlsx validated and committed, on SQLite and
PostgreSQL, beside its hand-written floor, and then once more while ~20 other users read and write.

    .venv/bin/python bench/imports.py --db both          # 20,000 rows; builds its databases on first use
    .venv/bin/python bench/imports.py --db sqlite --rows 5000 --users 10

Each database is its own: `var/bench/imports-sqlite/` (SQLite) and `dangjian_bench_imports` (PostgreSQL), with the
demo organ (`dangjian demo --orgs 200 --members 5000`) — never the foundation's 2-million-member sets. Every run
imports new people (a fresh 6-digit region code in their 身份证号), so runs can repeat on the same database.

Printed per database:
* read (calamine), validate, and the commit (`import_members`: validates again, prepares, stages, copies), with
  rows/s for "validate + commit" — the commit request — and for upload + commit together;
* the write transaction alone (the time other SQLite writers may wait) and the floor: the same member, history
  and event rows as plain `executemany` INSERTs in one transaction (rolled back), with encryption and pinyin
  already done — what the database needs to receive these rows at all;
* the same import again with `--users` processes beside it: half read pages through Django's test client
  (home, 党员名册, 党组织), half record a meeting and its attendance through `orglife.actions`; their p50/p99
  latency and errors, and the same figures with no import running.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, ROOT, parser, setup_django  # noqa: E402

PG_DB = "dangjian_bench_imports"
TARGET_ROWS_PER_S = 5000
def env_for(db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["DANGJIAN_VAR_DIR"] = str(ROOT / "var" / "bench" / f"imports-{db}")
    env["DANGJIAN_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    # The test settings: plain static storage, so pages render without collectstatic's manifest.
    env["DJANGO_SETTINGS_MODULE"] = "dangjian.settings_test"
    env["PYTHONPATH"] = str(ROOT)
    if db == "postgres":
        env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"
    return env


def build_file(branches: list[str], rows: int, rng: random.Random) -> bytes:
    """`rows` valid people over `branches`; a region code of this run keeps their 身份证号 new to the database."""
    from tests.members.import_under_load import people_file

    return people_file(branches, rows, rng)


@contextmanager
def timed_transactions(log: list[float]) -> Any:
    """Record how long each `transaction.atomic()` of the import's write module stays open."""
    from django.db import transaction

    from dangjian.members.imports import write

    real = transaction.atomic

    @contextmanager
    def atomic() -> Any:
        started = time.perf_counter()
        with real():
            yield
        log.append(time.perf_counter() - started)

    write.transaction.atomic = atomic  # type: ignore[attr-defined,assignment]
    try:
        yield
    finally:
        write.transaction.atomic = real  # type: ignore[attr-defined]


def floor_seconds(sheet: Any, admin: Any) -> float:
    """The same rows as plain executemany INSERTs in one transaction, rolled back afterwards."""
    from django.db import connection, transaction

    from dangjian.core.rows import allocate_ids
    from dangjian.members import imports
    from dangjian.members.imports import write
    from dangjian.members.models import Member

    validation = imports.validate(sheet, user=admin)
    writers, prepared = write.prepare([r.data for r in validation.rows], who=admin)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    started = time.perf_counter()
    try:
        with transaction.atomic():
            ids = allocate_ids(Member, len(prepared))
            write._fill_ids(writers, prepared, ids)
            with connection.cursor() as cursor:
                cursor.executemany(writers.member.sql, prepared.members)
                cursor.executemany(writers.history.sql, prepared.history)
                cursor.executemany(writers.event.sql, [row for _, row in prepared.events])
            elapsed = time.perf_counter() - started
            raise _RollBack
    except _RollBack:
        pass
    return elapsed


class _RollBack(Exception):
    pass


# --- The users beside the import ------------------------------------------------------------------------------


def _user_loop(n: int, admin_id: int, org_ids: list[int], stop: Any, ready: Any, results: Any) -> None:
    """One simulated user until `stop`: even n read pages (test client), odd n record a meeting and attendance."""
    from django.db import connections
    from django.test import Client
    from django.utils import timezone

    from dangjian.accounts.models import User
    from dangjian.orglife import actions as orglife
    from dangjian.orglife.choices import MeetingKind
    from dangjian.orgs.models import Organization

    latencies: list[float] = []
    errors: list[str] = []
    client = None
    try:
        admin = User.objects.get(pk=admin_id)
        org = Organization.objects.get(pk=org_ids[n % len(org_ids)])
        client = Client()
        client.force_login(admin)
        client.get("/")
    except Exception as exc:  # signing in or setting up failed: that is an error too
        errors.append(f"setup: {type(exc).__name__}: {exc}"[:200])
    try:
        ready.wait(timeout=600)
        pages = ["/", "/members/", "/orgs/"]
        i = 0
        while client is not None and not errors and not stop.is_set():
            started = time.perf_counter()
            try:
                if n % 2 == 0:
                    response = client.get(pages[i % len(pages)])
                    if response.status_code != 200:
                        errors.append(f"GET {pages[i % len(pages)]}: {response.status_code}")
                else:
                    meeting = orglife.record_meeting(actor=admin, org=org, data={
                        "kinds": [MeetingKind.BRANCH_ASSEMBLY], "place": "三楼会议室",
                        "starts_at": timezone.now() - dt.timedelta(days=1),
                    })
                    expected = orglife.expected_members(org, meeting.held_on, orglife.meeting_kinds(meeting))
                    orglife.set_attendance(meeting, actor=admin,
                                           entries=[{"member": m.pk, "status": "present"} for m in expected[:30]])
            except Exception as exc:  # the benchmark counts them
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
            latencies.append(time.perf_counter() - started)
            i += 1
    finally:
        connections.close_all()
        results.put((latencies, errors))


def with_users(users: int, admin_id: int, org_ids: list[int], work: Any) -> tuple[Any, list[float], list[str]]:
    """Run `work()` in this process while `users` processes read and write; its result, their latencies, errors."""
    from django.db import connections

    context = multiprocessing.get_context("fork")
    stop = context.Event()
    ready = context.Barrier(users + 1)
    results = context.Queue()
    connections.close_all()
    procs = [context.Process(target=_user_loop, args=(n, admin_id, org_ids, stop, ready, results))
             for n in range(users)]
    for p in procs:
        p.start()
    ready.wait(timeout=600)  # every user signed in and has loaded a first page
    try:
        outcome = work()
    finally:
        stop.set()
    latencies: list[float] = []
    errors: list[str] = []
    for _ in procs:
        lat, err = results.get(timeout=300)
        latencies += lat
        errors += err
    for p in procs:
        p.join(timeout=30)
    return outcome, latencies, errors


def p(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- The child: measure one database --------------------------------------------------------------------------


def measure(args: Any) -> None:
    setup_django()
    from collections import Counter

    from django.core.management import call_command
    from django.db import connection

    from dangjian.accounts.models import User
    from dangjian.members import imports
    from dangjian.orgs.models import Organization, OrgKind

    label = args.label
    if not Organization.objects.exists():
        print(f"[{label}] building the demo organ (200 orgs, 5,000 members) …", flush=True)
        call_command("demo", orgs=200, members=5000, verbosity=0)
    admin = User.objects.get(username="admin")
    names = Counter(Organization.objects.filter(kind=OrgKind.BRANCH).values_list("name", flat=True))
    branches = [n for n, c in sorted(names.items()) if c == 1][:50]
    org_ids = list(Organization.objects.filter(name__in=branches[:10]).values_list("pk", flat=True))
    rng = random.Random(time.time_ns())
    rows = args.rows

    def one_import() -> dict[str, float]:
        content = build_file(branches, rows, rng)
        t0 = time.perf_counter()
        sheet = imports.read_sheet(content)
        t1 = time.perf_counter()
        imports.validate(sheet, user=admin)  # the upload request's check, for the preview
        t2 = time.perf_counter()
        transactions: list[float] = []
        cpu = time.process_time()
        with timed_transactions(transactions):
            count = imports.import_members(actor=admin, sheet=sheet, file_name="bench.xlsx")
        t3 = time.perf_counter()
        assert count == rows
        return {"read": t1 - t0, "validate": t2 - t1, "commit": t3 - t2, "transaction": max(transactions),
                "commit_cpu": time.process_time() - cpu}

    floor = floor_seconds(imports.read_sheet(build_file(branches, rows, rng)), admin)
    quiet = one_import()
    print(f"[{label}] {rows:,} rows on {connection.vendor} ({member_count()} members in the database)")
    print(f"[{label}]   read (calamine)            {quiet['read']:7.2f} s")
    print(f"[{label}]   validate (upload preview)  {quiet['validate']:7.2f} s")
    print(f"[{label}]   commit = validate + write  {quiet['commit']:7.2f} s   {rows / quiet['commit']:7.0f} rows/s"
          f"   target ≥ {TARGET_ROWS_PER_S}  {'yes' if rows / quiet['commit'] >= TARGET_ROWS_PER_S else 'NO'}")
    # On a shared machine wall time depends on the load; the process's own CPU time does much less (the database
    # server's share is not in it on PostgreSQL).
    print(f"[{label}]   commit, CPU of this process {quiet['commit_cpu']:6.2f} s   "
          f"{rows / quiet['commit_cpu']:7.0f} rows per CPU-second")
    both = quiet["read"] * 2 + quiet["validate"] + quiet["commit"]
    print(f"[{label}]   upload + commit (2 reads)  {both:7.2f} s   {rows / both:7.0f} rows/s")
    print(f"[{label}]   write transaction          {quiet['transaction']:7.2f} s   floor (executemany INSERTs) "
          f"{floor:5.2f} s   ratio {quiet['transaction'] / floor:4.2f}")

    if args.users:
        _, base_lat, base_err = with_users(args.users, admin.pk, org_ids, lambda: time.sleep(8))
        loaded, lat, err = with_users(args.users, admin.pk, org_ids, one_import)
        connection.close()
        print(f"[{label}]   {args.users} users, no import:   {len(base_lat):5d} requests  p50 {p(base_lat, .5):5.2f} s  "
              f"p99 {p(base_lat, .99):5.2f} s  max {max(base_lat, default=0):5.2f} s  errors {len(base_err)}")
        print(f"[{label}]   {args.users} users, importing:   {len(lat):5d} requests  p50 {p(lat, .5):5.2f} s  "
              f"p99 {p(lat, .99):5.2f} s  max {max(lat, default=0):5.2f} s  errors {len(err)}"
              f"   (import: commit {loaded['commit']:.2f} s, transaction {loaded['transaction']:.2f} s)")
        for e in sorted(set(err))[:5]:
            print(f"[{label}]     error: {e}")
    load = os.getloadavg()
    print(f"[{label}]   load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores)", flush=True)


def member_count() -> str:
    from dangjian.members.models import Member

    return f"{Member.objects.count():,}"


def main() -> None:
    ap = parser(__doc__, "unused here")
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--users", type=int, default=20)
    args = ap.parse_args()
    if args.measure:
        measure(args)
        return
    for db in (("sqlite", "postgres") if args.db == "both" else (args.db,)):
        env = env_for(db)
        if db == "postgres":
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DB], env=env, capture_output=True)
        subprocess.run([PYTHON, "-m", "dangjian", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        subprocess.run([PYTHON, __file__, "--measure", "--label", db, "--rows", str(args.rows),
                        "--users", str(args.users)], env=env, cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
