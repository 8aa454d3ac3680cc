"""Page-crawl benchmark: every menu page and the first objects' pages, as the root admin and as a branch secretary,
at 100,000 orgs / 2,000,000 members.

    .venv/bin/python bench/pages.py [--db sqlite|postgres|both] [--orgs 100000 --members 2000000] [--reuse]
                                    [--persona admin --persona secretary] [--compare 10000]

For each database it builds (or with --reuse keeps) the foundation's data set (bench/_dataset.py: SQLite under
<DANGJIAN_VAR_DIR or var>/bench/sqlite/, PostgreSQL database `dangjian_bench`), migrates it, seeds the synthetic
year of meetings of bench/compliance.py when missing (`--seed meetings,dues` adds bench/dues.py's bases and payments
too), and then, in a child process bound to that database, walks
the site through Django's test client (middleware and templates included) as each persona:

* the home page and every link of its menu (`tests/navigation.menu_links`, the menu the templates render for
  that persona);
* the first objects' pages: the first member, meeting, org (the persona's scope root), branch and so on that
  the persona may see (`first_objects` below);
* from each of those pages, the first links of its content to another kind of page (one URL per pattern, the
  same rule as the browser crawl, tests/browser/crawl.py), without file downloads.

Per page: server time (median of `--repeats` warm runs after a warm-up, milliseconds, wall time of the test
client's request), the number of SQL queries and their time, the HTML size. Pages over 300 ms or 500 KiB are
flagged; a page slower than `--timeout` seconds is stopped and marked. Results: bench/results/pages-<db>-<orgs>.txt
and .json (not committed). `--compare N` sets the query counts beside those of the run at N orgs (e.g. 10,000):
a list whose count grows with the tree shows as a difference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import signal
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PG_BENCH_DB, PYTHON, RESULTS, ROOT, env_for, pad  # noqa: E402
from _dataset import add_options, dispatch, run, seed  # noqa: E402

TARGET_MS = 300.0
TARGET_KIB = 500.0
PERSONAS = ("admin", "secretary")
CONTENT_LINKS = 6  # per menu page, as the browser crawl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    add_options(parser)
    parser.add_argument("--persona", action="append", help=f"demo username (repeatable; default {', '.join(PERSONAS)})")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a page may take before it is stopped")
    parser.add_argument("--only", default="", help="measure only the URLs matching this regular expression")
    parser.add_argument("--seed", default="meetings",
                        help="synthetic rows to add when missing, of: meetings (bench/compliance.py), dues (bench/dues.py); "
                             "'' for none")
    parser.add_argument("--compare", type=int, default=0, help="compare query counts with the run at this many orgs")
    parser.add_argument("--pg-db", default=PG_BENCH_DB)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.persona = args.persona or list(PERSONAS)

    def crawl(db: str) -> None:
        env = env_for(db, args.pg_db)
        run([PYTHON, "-m", "dangjian", "migrate", "-v0"], env)
        cmd = [PYTHON, __file__, "--measure", "--label", db, "--repeats", str(args.repeats), "--orgs", str(args.orgs),
               "--timeout", str(args.timeout), "--only", args.only, f"--seed={args.seed}"]
        run(cmd + [f"--persona={p}" for p in args.persona], env)
        if args.compare:
            print(compare(db, args.compare, args.orgs))

    dispatch(args, measure, crawl)


# --- measurement (child process) ----------------------------------------------------------------------------------


@dataclass
class Page:
    persona: str
    url: str
    pattern: str
    source: str  # menu, object, link
    status: int = 0
    ms: float = 0.0
    queries: int = 0
    db_ms: float = 0.0
    kib: float = 0.0
    note: str = ""

    @property
    def flag(self) -> str:
        if self.note:
            return "TIMEOUT" if self.note.startswith("timeout") else "ERROR"
        if self.status >= 400:
            return f"HTTP {self.status}"
        marks = (["SLOW"] if self.ms > TARGET_MS else []) + (["BIG"] if self.kib > TARGET_KIB else [])
        return " ".join(marks)


class QueryMeter:
    """Counts the SQL statements a request runs and their time (a connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.count, self.ms = 0, 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.ms += (time.perf_counter() - started) * 1000


class PageTimeout(BaseException):
    """Raised by the alarm in the middle of a request that takes too long (BaseException: no view catches it)."""


def _alarm(signum: int, frame: Any) -> None:
    raise PageTimeout


def first_objects(user: Any) -> list[str]:
    """The first objects' pages the persona may open: the first member, meeting, org, branch … in its scope."""
    from django.urls import reverse

    from dangjian.members.models import Member
    from dangjian.orglife.models import Meeting
    from dangjian.orgs.models import Organization, OrgKind
    from dangjian.transfers.models import Transfer

    urls: list[str] = []
    orgs = Organization.objects.visible_to(user).order_by("path")
    org = orgs.first()
    branch = orgs.filter(kind=OrgKind.BRANCH).first()
    member = Member.objects.visible_to(user).order_by("pk").first()
    meeting = Meeting.objects.visible_to(user).order_by("pk").first()
    transfer = Transfer.objects.visible_to(user).order_by("pk").first()
    year = dt.date.today().year - 1
    if org:
        urls += [reverse("orgs:detail", args=[org.pk]), reverse("orgs:tree_children", args=[org.pk]),
                 reverse("orgs:leadership_org", args=[org.pk])]
    if branch:
        urls += [reverse("dues:sheet", args=[branch.pk]), reverse("orglife:calendar", args=[branch.pk]),
                 reverse("orglife:ledger", args=[branch.pk, year]), reverse("orglife:talk_branch", args=[branch.pk])]
    if member:
        urls += [reverse("members:detail", args=[member.pk]), reverse("dues:statement", args=[member.pk]),
                 reverse("learning:member", args=[member.pk])]
    if meeting:
        urls += [reverse("orglife:detail", args=[meeting.pk])]
    if transfer:
        urls += [reverse("transfers:detail", args=[transfer.pk])]
    return urls


def measure(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from dangjian.accounts.models import User

    sys.path.insert(0, str(ROOT))
    from tests.browser.crawl import FILE_LINK, SKIP, content_links, pattern
    from tests.navigation import menu_links

    label = args.label or connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for line in seed([w for w in args.seed.split(",") if w]):
        print(f"[{label}] {line}", flush=True)
    signal.signal(signal.SIGALRM, _alarm)
    only = re.compile(args.only) if args.only else None
    load_before = os.getloadavg()
    pages: list[Page] = []
    with override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }):
        for persona in args.persona:
            user = User.objects.get(username=persona)
            client = Client(raise_request_exception=True)
            client.force_login(user)
            home = client.get("/")
            assert home.status_code == 200, (persona, home.status_code)
            html = home.content.decode()
            todo: dict[str, tuple[str, str]] = {}  # pattern → (url, source)
            for url, source in [("/", "menu"), *((u, "menu") for u in menu_links(html)),
                                *((u, "object") for u in first_objects(user))]:
                todo.setdefault(pattern(url), (url, source))
            # The menu and the first objects' pages, each with the first links of its content; then those links.
            first = list(todo.values())
            for url, source in first:
                page = fetch(client, Page(persona, url, pattern(url), source), args, only, label, keep_html=True)
                pages.append(page)
                for link in content_links(getattr(page, "html", ""), "http://testserver" + url, "http://testserver",
                                          CONTENT_LINKS):
                    path = link.removeprefix("http://testserver")
                    if FILE_LINK.search(path) or SKIP.match(path) or pattern(path) in todo:
                        continue
                    todo[pattern(path)] = (path, "link")
                if hasattr(page, "html"):
                    del page.html
            for url, source in list(todo.values())[len(first):]:
                pages.append(fetch(client, Page(persona, url, pattern(url), source), args, only, label))
    report(label, connection, args, pages, load_before)


def fetch(client: Any, page: Page, args: argparse.Namespace, only: re.Pattern[str] | None, label: str,
          keep_html: bool = False) -> Page:
    """One page: a warm-up (its HTML kept for the links), then the timed runs, each with its queries counted."""
    from django.db import connection

    def get() -> tuple[float, Any, int, float]:
        meter = QueryMeter()
        signal.setitimer(signal.ITIMER_REAL, args.timeout)
        started = time.perf_counter()
        try:
            with connection.execute_wrapper(meter):
                response = client.get(page.url, follow=True)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return (time.perf_counter() - started) * 1000, response, meter.count, meter.ms

    try:
        try:
            first_ms, response, _, _ = get()
        except PageTimeout:
            page.ms, page.note = args.timeout * 1000, f"timeout after {args.timeout:.0f} s"
            connection.close()
            print(f"[{label}] {page.persona:<10} {page.url}: {page.note}", flush=True)
            return page
        except Exception as e:  # noqa: BLE001 — the page's error is the finding
            page.status, page.note = 500, f"{type(e).__name__}: {e}"[:200]
            print(f"[{label}] {page.persona:<10} {page.url}: {page.note}", flush=True)
            return page
        page.status = response.status_code
        if keep_html:
            page.html = response.content.decode(errors="replace")  # type: ignore[attr-defined]
        runs = [get() for _ in range(args.repeats if first_ms < 5000 else 1)]
    except PageTimeout:
        page.note = f"timeout after {args.timeout:.0f} s (warm-up {first_ms:.0f} ms)"
        page.ms = args.timeout * 1000
        connection.close()
        return page
    runs.sort(key=lambda r: r[0])
    ms, response, _, page.db_ms = runs[len(runs) // 2]
    page.queries = min(r[2] for r in runs)  # the session's activity stamp adds statements at most once a minute
    page.ms = statistics.median(r[0] for r in runs)
    page.kib = len(response.content) / 1024
    print(f"[{label}] {page.persona:<10} {page.url}: {page.ms:.0f} ms, {page.queries} queries, {page.kib:.0f} KiB"
          f" {page.flag}", flush=True)
    return page


def report(label: str, connection: Any, args: argparse.Namespace, pages: list[Page],
           load_before: tuple[float, float, float]) -> None:
    from dangjian.members.models import Member
    from dangjian.orgs.models import Organization

    width = 58
    load_after = os.getloadavg()
    lines = [
        f"Page crawl — {label} ({connection.vendor}), {time.strftime('%Y-%m-%d %H:%M')}; "
        f"load average {load_before[0]:.1f} → {load_after[0]:.1f}",
        f"数据：党组织 {Organization.objects.count()} 个，党员 {Member.objects.count()} 名；"
        f"median of {args.repeats} warm runs; flagged: over {TARGET_MS:.0f} ms or {TARGET_KIB:.0f} KiB",
        "",
        f"{pad('persona  page', width)}{'status':>6}{'ms':>8}{'queries':>8}{'DB ms':>8}{'KiB':>7}  flag",
    ]
    for p in pages:
        if p.note.startswith("skipped"):
            continue
        lines.append(f"{pad(f'{p.persona:<9}{p.url}', width)}{p.status:>6}{p.ms:8.0f}{p.queries:8d}{p.db_ms:8.0f}"
                     f"{p.kib:7.0f}  {p.flag}{(' — ' + p.note) if p.note else ''}")
    flagged = [p for p in pages if p.flag and not p.note.startswith("skipped")]
    lines += ["", f"{len(pages)} pages, {len(flagged)} flagged."]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"pages-{label}-{args.orgs}.txt").write_text(text)
    (RESULTS / f"pages-{label}-{args.orgs}.json").write_text(
        json.dumps([asdict(p) for p in pages], ensure_ascii=False, indent=1))


def compare(db: str, small: int, large: int) -> str:
    """Query counts per (persona, page pattern) at two sizes, from the result files of the two runs."""
    def load(orgs: int) -> dict[tuple[str, str], dict[str, Any]]:
        path = RESULTS / f"pages-{db}-{orgs}.json"
        if not path.exists():
            return {}
        return {(p["persona"], p["pattern"]): p for p in json.loads(path.read_text())}

    a, b = load(small), load(large)
    if not a or not b:
        return f"[{db}] no results at {small if not a else large} orgs to compare with"
    lines = [f"Query counts, {db}: {small} orgs vs {large} orgs", "",
             f"{pad('persona  page pattern', 58)}{small:>9}{large:>9}  same"]
    differ = 0
    for key in sorted(set(a) | set(b)):
        qa = a.get(key, {}).get("queries")
        qb = b.get(key, {}).get("queries")
        same = "yes" if qa == qb else "NO"
        differ += same == "NO"
        lines.append(f"{pad(f'{key[0]:<9}{key[1]}', 58)}{qa if qa is not None else '—':>9}"
                     f"{qb if qb is not None else '—':>9}  {same}")
    lines += ["", f"{differ} of {len(set(a) | set(b))} pages differ."]
    text = "\n".join(lines) + "\n"
    (RESULTS / f"pages-{db}-queries-{small}-vs-{large}.txt").write_text(text)
    return text


if __name__ == "__main__":
    main()
