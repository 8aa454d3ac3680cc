"""Load test: demo personas reading and writing at once against gunicorn as scripts/start runs it.

    .venv/bin/python bench/load.py [--db sqlite|postgres|both] [--users 50] [--run-time 3m] [--workers 2]
                                   [--orgs 100000 --members 2000000 --reuse] [--port 8140]

For each database: the foundation's data set (bench/_dataset.py; --reuse keeps one of the right size), migrated,
static files collected into its var directory, then `scripts/start --no-setup` (deploy/gunicorn.conf.py: the
workers and threads from DANGJIAN_GUNICORN_WORKERS / _THREADS) on 127.0.0.1, and locust headless with the users of
bench/locustfile.py (50 by default, spawned 5 a second) for a bounded time. It prints p50/p95/p99 and errors per
request type and overall, requests per second as the users come in (where the server saturates), and the load
average during the run. Target: p99 under 300 ms and no errors. Results: bench/results/load-<db>-<users>u*.

Sign-in limits: the personas all sign in from 127.0.0.1. Only failed sign-ins count towards the per-address limit
(DANGJIAN_LOGIN_IP_LIMIT, accounts/throttle.py) and the per-account lock (django-axes, 5 failures), so successful
logins of any number of users pass; the server is started with DANGJIAN_LOGIN_IP_LIMIT=10000 only so that one
broken run (a wrong password) does not lock the address out of the next run for the 30-minute cool-off — a
failing login still shows as an error here. The personas used (admin, secretary, viewer, member) have no 三员
role, so no second factor is asked.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PG_BENCH_DB, PYTHON, RESULTS, ROOT, env_for, pad, setup_django  # noqa: E402
from _dataset import add_options, dispatch, run, seed  # noqa: E402

TARGET_P99_MS = 300.0
LOCUST = str(Path(PYTHON).parent / "locust")
HOST = "127.0.0.1"  # the only address traffic goes to


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    add_options(parser)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5.0)
    parser.add_argument("--run-time", default="3m", help="locust --run-time (bounded: at most 30m)")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: deploy/gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, default=0, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=8140)
    parser.add_argument("--seed", default="meetings,dues",
                        help="synthetic rows to add when missing (bench/_dataset.seed): meetings, dues")
    parser.add_argument("--pg-db", default=PG_BENCH_DB)
    parser.add_argument("--plan", action="store_true", help=argparse.SUPPRESS)  # child: write the plan
    parser.set_defaults(measure=False)
    args = parser.parse_args()
    if args.plan:
        setup_django()
        for line in seed([w for w in args.seed.split(",") if w]):
            print(line, file=sys.stderr, flush=True)
        print(json.dumps(plan()))
        return
    if _seconds(args.run_time) > 1800:
        raise SystemExit("--run-time: at most 30m")
    dispatch(args, lambda args: None, lambda db: print(load_run(db, args)))


def _seconds(text: str) -> int:
    units = {"h": 3600, "m": 60, "s": 1}
    total, number = 0, ""
    for c in text:
        if c.isdigit():
            number += c
        elif c in units and number:
            total, number = total + int(number) * units[c], ""
        else:
            raise SystemExit(f"--run-time: cannot read {text!r}")
    return total + (int(number) if number else 0)


def plan() -> dict[str, Any]:
    """What the users work on (child process, Django on the benchmark database): branches with members in the admin's
    scope, the secretary's branch, search terms, a member and a meeting to open."""
    from dangjian.accounts.models import User
    from dangjian.core.scoping import scope_for
    from dangjian.members.models import Member
    from dangjian.orglife.models import Meeting
    from dangjian.orgs.models import Organization, OrgKind, OrgStatus

    admin, secretary = User.objects.get(username="admin"), User.objects.get(username="secretary")
    branches = (Organization.objects.visible_to(admin, "change")
                .filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE, subtree_members__gt=2)
                .order_by("?").values_list("pk", flat=True)[:200])
    own = scope_for(secretary).change_roots
    own_branch = Organization.objects.filter(path__in=own, kind=OrgKind.BRANCH).values_list("pk", flat=True).first()
    records = {}
    for username in ("admin", "secretary", "viewer", "member"):
        user = User.objects.get(username=username)
        records[username] = {
            "member": Member.objects.visible_to(user).order_by("pk").values_list("pk", flat=True).first(),
            "meeting": Meeting.objects.visible_to(user).order_by("-pk").values_list("pk", flat=True).first(),
        }
    return {"branches": list(branches), "own_branch": own_branch, "searches": ["王", "李", "张伟", "wj", "zhl"],
            "records": records}


def static_stale(var_dir: Path) -> bool:
    """Whether the server's collected static files (the manifest under the var directory) are missing or older than
    the app's own static files (collecting with compression takes minutes on a busy machine: only when needed)."""
    manifest = var_dir / "static" / "staticfiles.json"
    if not manifest.exists():
        return True
    newest = max((f.stat().st_mtime for f in (ROOT / "static").rglob("*") if f.is_file()), default=0.0)
    return newest > manifest.stat().st_mtime


def _wait_up(port: int, server: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/accounts/login/", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"the server did not answer on port {port} within {seconds:.0f} s")


def load_run(db: str, args: argparse.Namespace) -> str:
    """Start the server on one database, run locust against it, stop the server; the report as text."""
    env = env_for(db, args.pg_db)
    tag = f"load-{db}-{args.users}u" + (f"-{args.workers}w" if args.workers else "")
    run([PYTHON, "-m", "dangjian", "migrate", "-v0"], env)
    if static_stale(Path(env["DANGJIAN_VAR_DIR"])):
        run([PYTHON, "-m", "dangjian", "collectstatic", "--noinput", "-v0"], env)
    plan_file = RESULTS / f"{tag}-plan.json"
    plan_file.write_text(subprocess.run([PYTHON, __file__, "--plan", f"--seed={args.seed}"], env=env, cwd=ROOT,
                                        check=True, stdout=subprocess.PIPE, text=True).stdout)
    server_env = env | {"DANGJIAN_LOGIN_IP_LIMIT": "10000", "DANGJIAN_ALLOWED_HOSTS": f"{HOST},localhost"}
    if args.workers:
        server_env["DANGJIAN_GUNICORN_WORKERS"] = str(args.workers)
    if args.threads:
        server_env["DANGJIAN_GUNICORN_THREADS"] = str(args.threads)
    log = (RESULTS / f"{tag}-gunicorn.log").open("wb")
    server = subprocess.Popen([str(ROOT / "scripts" / "start"), "--no-setup", "--host", HOST, "--port", str(args.port)],
                              env=server_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    samples = RESULTS / f"{tag}-samples.tsv"
    samples.unlink(missing_ok=True)
    loads: list[tuple[float, float]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(5):
            loads.append((time.time(), os.getloadavg()[0]))

    try:
        _wait_up(args.port, server)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.strftime("%Y-%m-%d %H:%M")
        load_before = os.getloadavg()
        subprocess.run([LOCUST, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary",
                        "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", args.run_time,
                        "--stop-timeout", "10", "--host", f"http://{HOST}:{args.port}",
                        "--csv", str(RESULTS / tag), "--csv-full-history", "--loglevel", "WARNING"],
                       env=os.environ | {"BENCH_LOAD_PLAN": str(plan_file), "BENCH_LOAD_SAMPLES": str(samples)},
                       cwd=ROOT, check=False)
        stop.set()
    finally:
        stop.set()
        os.killpg(server.pid, signal.SIGTERM)  # the server started above, and only it (its own session)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    text = report(db, args, tag, started, load_before, loads)
    (RESULTS / f"{tag}.txt").write_text(text)
    return text


@dataclass
class Sample:
    at: float
    name: str
    ms: float
    failed: bool
    users: int


def _percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of the values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def _row(name: str, rows: list[Sample], seconds: float) -> str:
    times = [r.ms for r in rows]
    p99 = _percentile(times, 99)
    return (f"{pad(name, 28)}{len(rows):7d}{sum(r.failed for r in rows):7d}{_percentile(times, 50):7.0f}"
            f"{_percentile(times, 95):7.0f}{p99:7.0f}{max(times, default=0):8.0f}{len(rows) / seconds:7.1f}"
            + ("  p99>300" if p99 > TARGET_P99_MS else ""))


def report(db: str, args: argparse.Namespace, tag: str, started: str, load_before: tuple[float, float, float],
           loads: list[tuple[float, float]]) -> str:
    """Per request type and overall: count, errors, p50/p95/p99, req/s — exact, from every request's time; by
    15-second window: users, req/s and latency (where req/s stops growing while latency climbs, the server is
    saturated); the load average during the run; the errors locust recorded."""
    samples = []
    for line in (RESULTS / f"{tag}-samples.tsv").read_text().splitlines():
        if line.strip():
            at, name, ms, failed, users = line.split("\t")
            samples.append(Sample(float(at), name, float(ms), failed == "1", int(users)))
    seconds = max((s.at for s in samples), default=1.0) or 1.0
    workers = args.workers or "2 (default)"
    peak = max((v for _, v in loads), default=0.0)
    mean = sum(v for _, v in loads) / len(loads) if loads else 0.0
    lines = [f"Load test — {db}, {args.users} users, {args.run_time}, gunicorn workers {workers}, {started}",
             f"load average: {load_before[0]:.1f} before, {mean:.1f} mean / {peak:.1f} peak during the run", "",
             f"{pad('request (ms)', 28)}{'count':>7}{'errors':>7}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>8}{'req/s':>7}"]
    for name in sorted({s.name for s in samples}):
        lines.append(_row(name, [s for s in samples if s.name == name], seconds))
    work = [s for s in samples if "login" not in s.name]
    lines += ["", _row("overall", samples, seconds), _row("overall without sign-ins", work, seconds)]
    ok = _percentile([s.ms for s in work], 99) < TARGET_P99_MS and not any(s.failed for s in samples)
    lines += ["", f"target (p99 < {TARGET_P99_MS:.0f} ms without the sign-ins, 0 errors): {'met' if ok else 'NOT met'}"]
    failures = RESULTS / f"{tag}_failures.csv"
    if failures.exists():
        with failures.open() as fh:
            rows = list(csv.DictReader(fh))
        if rows:
            lines += ["", "errors:"] + [f"  {r['Occurrences']:>5} × {r['Name']}: {r['Error'][:150]}" for r in rows]
    lines += ["", "by 15-second window (every request type but the sign-ins):",
              f"{'from s':>7}{'users':>7}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'errors':>7}"]
    for start in range(0, int(seconds) + 1, 15):
        window = [s for s in work if start <= s.at < start + 15]
        if window:
            times = [s.ms for s in window]
            lines.append(f"{start:7d}{max(s.users for s in window):7d}{len(window) / 15:8.1f}"
                         f"{_percentile(times, 50):7.0f}{_percentile(times, 95):7.0f}{_percentile(times, 99):7.0f}"
                         f"{sum(s.failed for s in window):7d}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
