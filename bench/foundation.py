"""Foundation benchmark: member search, subtree counts and the org tree at 100,000 orgs / 2,000,000 members.

    .venv/bin/python bench/foundation.py [--db sqlite|postgres|both] [--orgs 100000 --members 2000000] [--reuse]

For each database it builds the data set with `dangjian demo` in a database of its own (SQLite under
var/bench/sqlite/, PostgreSQL database `dangjian_bench`), runs ANALYZE, then times each query the web pages
issue — built exactly as the views build them — beside the same query written by hand in SQL (the "floor"),
through the same connection. Figures are medians of warm repeats, in milliseconds. The table goes to stdout
and to bench/results/foundation-<db>.txt, the query plans to bench/results/foundation-<db>-plans.txt.

Each database is measured in a child process of its own, because Django's settings (DATABASE_URL) are read
once per process.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PG_BENCH_DB, PYTHON, RESULTS, env_for, median_ms, pad, seeded_tree, sql_floor  # noqa: E402
from _dataset import add_options, dispatch, run  # noqa: E402

TARGET_MS = 100.0
TARGET_RATIO = 2.0


# --- orchestration (parent process) ---------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    add_options(parser)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--pg-db", default=PG_BENCH_DB)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # child process
    parser.add_argument("--label", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    dispatch(args, measure, lambda db: run([PYTHON, __file__, "--measure", "--label", db, "--repeats",
                                            str(args.repeats)], env_for(db, args.pg_db)))


# --- measurement (child process, Django configured for one database) --------------------------------------------

@dataclass
class Timing:
    name: str
    orm_ms: float
    floor_ms: float | None
    rows: Any = None

    @property
    def ratio(self) -> float | None:
        return self.orm_ms / self.floor_ms if self.floor_ms else None


@dataclass
class PageTiming:
    """A page's database work as a whole (ORM, everything the view runs) against the sum of its floors."""

    name: str
    orm_ms: float
    floor_ms: float


def measure(args: argparse.Namespace) -> None:  # noqa: C901 — one linear script of measurements
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from dangjian.accounts.models import User
    from dangjian.core.scoping import path_upper_bound, scope_for
    from dangjian.members.choices import ON_ROLL_STATES
    from dangjian.members.filters import MemberFilter
    from dangjian.members.models import Member
    from dangjian.orgs import views as org_views
    from dangjian.orgs.models import Organization, OrgKind, OrgStatus
    from dangjian.orgs.stats import subtree_counts

    label = args.label or connection.vendor
    repeats = args.repeats
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    admin = User.objects.get(username="admin")
    root, province = seeded_tree()
    p_lo, p_hi = province.path, path_upper_bound(province.path)
    states = [str(s) for s in ON_ROLL_STATES]
    plans: list[str] = []
    timings: list[Timing] = []
    pages: list[PageTiming] = []
    references: list[tuple[str, float]] = []

    def fresh_admin() -> Any:
        admin.__dict__.pop("_dangjian_scope", None)  # a request builds the scope once: count that query
        return admin

    sql = functools.partial(sql_floor, connection)

    def explain(title: str, fn: Callable[[], Any]) -> None:
        with CaptureQueriesContext(connection) as ctx:
            fn()
        plans.append(f"=== {title}")
        for q in ctx.captured_queries:
            statement = q["sql"]
            plans.append(statement)
            prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
            with connection.cursor() as cursor:
                cursor.execute(prefix + statement)
                for row in cursor.fetchall():
                    plans.append("    " + " | ".join(str(c) for c in row))
        plans.append("")

    def explain_sql(title: str, query: str, params: list[Any]) -> None:
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        plans.append(f"=== floor: {title}")
        plans.append(query + "    -- " + repr(params))
        with connection.cursor() as cursor:
            cursor.execute(prefix + query, params)
            for row in cursor.fetchall():
                plans.append("    " + " | ".join(str(c) for c in row))
        plans.append("")

    def timed(name: str, orm: Callable[[], Any], floor_q: str | None = None, floor_p: list[Any] | None = None,
              floor_fn: Callable[[], Any] | None = None) -> Timing:
        orm_ms, rows = median_ms(orm, repeats)
        explain(name, orm)
        floor_ms = None
        if floor_q is not None:
            floor_ms, _ = median_ms(sql(floor_q, floor_p or []), repeats)
            explain_sql(name, floor_q, floor_p or [])
        elif floor_fn is not None:
            floor_ms, _ = median_ms(floor_fn, repeats)
        t = Timing(name, orm_ms, floor_ms, rows)
        timings.append(t)
        print(f"[{label}] {name}: ORM {orm_ms:.1f} ms" + (f", floor {floor_ms:.1f} ms" if floor_ms else ""), flush=True)
        return t

    # --- (a) member search on a 1/31 subtree ----------------------------------------------------------------
    member_cols = ", ".join(f"m.{f.column}" for f in Member._meta.concrete_fields
                            if f.name not in ("id_card_cipher", "phone_cipher"))
    org_cols = ", ".join(f"o.{f.column}" for f in Organization._meta.concrete_fields)
    base = ("FROM members_member m JOIN orgs_organization o ON o.id = m.org_id "
            "WHERE o.path >= %s AND o.path < %s AND m.state IN (%s, %s)")
    searches = [("", "", []), ("王", " AND m.name LIKE %s", ["%王%"]),
                ("wj", " AND ((m.name_initials >= %s AND m.name_initials < %s)"
                       " OR (m.name_pinyin >= %s AND m.name_pinyin < %s))", ["wj", "wk", "wj", "wk"])]
    for q, extra_sql, extra_params in searches:
        data = {"org": str(province.pk)} | ({"q": q} if q else {})
        title = f"党员名册 {province.name}" + (f" q={q}" if q else "")

        def member_filter(data: dict[str, str] = data) -> tuple[Any, Any]:
            """What members.views.member_list builds: the scoped, filtered queryset and the filter."""
            user = fresh_admin()
            f = MemberFilter(data, queryset=Member.objects.visible_to(user).select_related("org"), user=user)
            qs = f.qs if f.form.is_valid() else f.queryset.none()
            return f, qs.defer("id_card_cipher", "phone_cipher")

        prepared_filter, prepared = member_filter()

        def count(f: Any = prepared_filter, prepared: Any = prepared) -> int:
            """The view's count: the kept subtree total when it answers, else a COUNT query."""
            known = f.known_count(admin)
            return known if known is not None else Paginator(prepared.all(), 20).count

        def first_page(prepared: Any = prepared) -> list[str]:
            return [m.name for m in prepared.all()[:20]]

        def whole(member_filter: Callable[[], Any] = member_filter) -> list[str]:
            f, qs = member_filter()
            paginator = Paginator(qs, 20)
            known = f.known_count(admin)
            if known is not None:
                paginator.count = known
            return [m.name for m in paginator.get_page(None)]

        params = [p_lo, p_hi, *states, *extra_params]
        if q:
            count_floor = (f"SELECT COUNT(*) {base}{extra_sql}", params)
            # A name search matches a few rows that cluster in pinyin order: sort them, don't walk the index.
            order = "m.name_pinyin || '', m.id"
        else:
            count_floor = ("SELECT subtree_members FROM orgs_organization WHERE id = %s", [province.pk])
            order = "m.name_pinyin, m.id"
        count_t = timed(f"{title}: 总数", count, *count_floor)
        rows_t = timed(f"{title}: 第1页20行", first_page,
                       f"SELECT {member_cols}, {org_cols} {base}{extra_sql} ORDER BY {order} LIMIT 20", params)
        whole_ms, _ = median_ms(whole, repeats)
        explain(f"{title}: 整页（权限、筛选校验、总数、第1页）", whole)
        pages.append(PageTiming(title, whole_ms, (count_t.floor_ms or 0) + (rows_t.floor_ms or 0)))
        print(f"[{label}] {title}: page ORM {whole_ms:.1f} ms", flush=True)

    # --- (b) subtree counts -----------------------------------------------------------------------------------
    # stats.subtree_counts reads the totals each org keeps (orgs.counters); the floor reads the same columns.
    # For reference, the live GROUP BY over the parent's path range that the totals replace.
    def live_counts(parent: Any) -> Callable[[], Any]:
        length = (parent.depth + 1) * Organization.steplen
        rng = [parent.path, path_upper_bound(parent.path)]
        branches = (f"SELECT substr(path, 1, {length}), COUNT(*) FROM orgs_organization "
                    "WHERE path > %s AND path < %s AND kind = %s AND status = %s GROUP BY 1")
        members = (f"SELECT substr(o.path, 1, {length}), COUNT(*) FROM members_member m "
                   "JOIN orgs_organization o ON o.id = m.org_id "
                   "WHERE o.path > %s AND o.path < %s AND m.state IN (%s, %s) GROUP BY 1")

        def go() -> Any:
            return (sql(branches, [*rng, OrgKind.BRANCH, OrgStatus.ACTIVE])(), sql(members, [*rng, *states])())
        return go

    def totals_floor(ids: list[int]) -> tuple[str, list[int]]:
        marks = ", ".join(["%s"] * len(ids))
        return f"SELECT id, subtree_branches, subtree_members FROM orgs_organization WHERE id IN ({marks})", ids

    for parent in (root, province):
        children = list(Organization.objects.filter(parent=parent, status=OrgStatus.ACTIVE).order_by("path"))
        name = f"subtree_counts（{parent.name}的{len(children)}个下级）"

        def counts(children: list[Any] = children) -> Any:
            return subtree_counts(children)

        floor_q, floor_p = totals_floor([c.pk for c in children])
        timed(name, counts, floor_q, floor_p)
        live_ms, _ = median_ms(live_counts(parent), repeats)
        references.append((f"参考：实时 GROUP BY 统计{parent.name}的下级（计数列之前的做法）", live_ms))

    # --- (c) the org tree page as orgs.views builds it ---------------------------------------------------------
    def tree_roots() -> Any:
        scope = scope_for(fresh_admin())
        from django.db.models import Q

        visible = Organization.objects.visible_to(admin)
        roots = [o for o in visible.filter(Q(path__in=scope.view_roots))
                 if o.path in scope.view_roots or not scope.covers(o.path, "view")]
        return org_views._nodes(scope, roots)

    # The root's row carries its totals: one query is the whole floor.
    t = timed("组织树首页：根节点+统计", tree_roots, "SELECT * FROM orgs_organization WHERE path IN (%s)", [root.path])
    pages.append(PageTiming("组织树首页（admin：根节点及其统计）", t.orm_ms, t.floor_ms or 0))

    for parent in (root, province):
        def expand(parent: Any = parent) -> Any:
            user = fresh_admin()
            scope = scope_for(user)
            from dangjian.core.scoping import get_for_user

            org = get_for_user(Organization.objects.get_queryset(), user, "view", pk=parent.pk)
            children = org_views._children(user, org, include_dissolved=False)
            return org_views._nodes(scope, children)

        def expand_floor(parent: Any = parent) -> Any:
            hi = path_upper_bound(parent.path)
            sql("SELECT * FROM orgs_organization WHERE id = %s", [parent.pk])()
            return sql("SELECT * FROM orgs_organization WHERE path >= %s AND path < %s AND depth = %s AND status = %s "
                       "ORDER BY sort_order, path", [parent.path, hi, parent.depth + 1, OrgStatus.ACTIVE])()

        t = timed(f"组织树展开{parent.name}：下级+统计", expand, floor_fn=expand_floor)
        pages.append(PageTiming(f"组织树展开{parent.name}", t.orm_ms, t.floor_ms or 0))
        explain_sql(f"组织树展开{parent.name}：下级",
                    "SELECT * FROM orgs_organization WHERE path >= %s AND path < %s AND depth = %s AND status = %s "
                    "ORDER BY sort_order, path",
                    [parent.path, path_upper_bound(parent.path), parent.depth + 1, OrgStatus.ACTIVE])

    # --- whole HTTP pages (rendering included), for context ---------------------------------------------------
    http: list[tuple[str, float, int, float]] = []
    with override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }):
        client = Client()
        client.force_login(admin)
        for title, url in (
            ("GET /orgs/", "/orgs/"),
            (f"GET /orgs/{root.pk}/children/", f"/orgs/{root.pk}/children/"),
            (f"GET /orgs/{province.pk}/children/", f"/orgs/{province.pk}/children/"),
            (f"GET /members/?org={province.pk}", f"/members/?org={province.pk}"),
        ):
            def get(url: str = url) -> int:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return len(response.content)

            ms, size = median_ms(get, max(3, repeats // 2))
            with CaptureQueriesContext(connection) as ctx:
                get()
            db_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
            http.append((title, ms, size, db_ms))
            print(f"[{label}] {title}: {ms:.0f} ms, {size / 1024:.0f} KiB, {len(ctx.captured_queries)} queries "
                  f"({db_ms:.0f} ms in the database)", flush=True)

    report(label, connection, timings, pages, http, province, plans, references)


def report(label: str, connection: Any, timings: list[Timing], pages: list[PageTiming],
           http: list[tuple[str, float, int, float]], province: Any, plans: list[str],
           references: list[tuple[str, float]]) -> None:
    from dangjian.members.models import Member
    from dangjian.orgs.models import Organization

    lines = []
    version = connection.cursor().connection.execute("select sqlite_version()").fetchone()[0] \
        if connection.vendor == "sqlite" else connection.pg_version
    lines.append(f"Foundation benchmark — {label} ({connection.vendor} {version}), "
                 f"{time.strftime('%Y-%m-%d %H:%M')}")
    lines.append(f"数据：党组织 {Organization.objects.count()} 个，党员 {Member.objects.count()} 名；"
                 f"子树：{province.name}（{province.path}）")
    lines.append("")
    lines.append(f"{pad('查询', 72)}{'ORM ms':>9} {'floor ms':>9} {'ratio':>6}")
    for t in timings:
        floor = f"{t.floor_ms:9.1f}" if t.floor_ms else f"{'—':>9}"
        ratio = f"{t.ratio:6.2f}" if t.ratio else f"{'—':>6}"
        lines.append(f"{pad(t.name, 72)}{t.orm_ms:9.1f} {floor} {ratio}")
    for name, ms in references:
        lines.append(f"{pad(name, 72)}{ms:9.1f}")
    lines.append("")
    lines.append(f"{pad('页面（数据库部分）', 72)}{'ORM ms':>9} {'floor ms':>9} {'差 ms':>7} {'<100ms':>7} {'≤2×floor':>9}")
    for p in pages:
        ok_abs = "yes" if p.orm_ms < TARGET_MS else "NO"
        ok_rel = "yes" if p.floor_ms and p.orm_ms <= TARGET_RATIO * p.floor_ms else "NO"
        gap = p.orm_ms - p.floor_ms
        lines.append(f"{pad(p.name, 72)}{p.orm_ms:9.1f} {p.floor_ms:9.1f} {gap:7.1f} {ok_abs:>7} {ok_rel:>9}")
    lines.append("（页面的 ORM 时间含视图的全部查询：建权限范围、校验筛选条件等；floor 只含取数据的最少 SQL。"
                 "差值只有几毫秒的页面，比值没有意义。）")
    lines.append("")
    lines.append(f"{pad('整页 HTTP（含模板渲染）', 72)}{'ms':>9} {'KiB':>7} {'DB ms':>7}")
    for title, ms, size, db_ms in http:
        lines.append(f"{pad(title, 72)}{ms:9.0f} {size / 1024:7.0f} {db_ms:7.0f}")
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"foundation-{label}.txt").write_text(text)
    (RESULTS / f"foundation-{label}-plans.txt").write_text("\n".join(plans) + "\n")


if __name__ == "__main__":
    main()
