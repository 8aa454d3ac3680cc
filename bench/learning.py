"""学时 benchmark: a year of study records over the foundation tree (~100,000 orgs, 2,000,000 members) and the
yearly totals per member and rolled up per org and per level, beside hand-written SQL floors.

    .venv/bin/python bench/learning.py [--db sqlite|postgres|both] [--repeats 3] [--reseed]

Runs on the foundation benchmark's databases (bench/foundation.py builds them: SQLite under var/bench/sqlite/,
PostgreSQL database `dangjian_bench`); never drops or rebuilds them. It runs `migrate learning`, then — once —
seeds one synthetic year (the previous calendar year) with plain SQL, set-based (INSERT … SELECT, in slices):
per active 党支部 6–12 sessions (党支部集中学习, 第一议题, 网络培训, 专题培训, 党校培训 …; 2–6 学时, marked
`provider = '合成数据'`, so they are recognisable and replaced with --reseed), and for each session every active
member of the branch except about one in eight (an absence, so that shortfalls exist) with the session's 学时.
Only the learning tables are written.

It then times, as medians of warm repeats, through the same connection:
(1) every member's yearly total, leader flag, 集中培训 count and shortfall for the whole tree, as
    `measures.member_totals_grouped` builds it (values_list, so model construction of 2·10⁶ rows is not what is
    measured), beside a floor (GROUP BY participations joined to members); with --correlated also the per-row form
    `measures.member_totals` (what a page of 20 rows uses), once, for reference;
(2) the roll-up per org (each org's subtree) and per level for the whole tree, `measures.rollup` (one GROUP BY per
    branch, sums up the tree in Python), beside a floor doing the branch GROUP BY and the per-level sums in SQL;
(3) for context: the shortfall page's queries on one province (count + first page + branch summary), one
    member's standing, and the 学时不足 reminder source over the whole tree on 1 December.
Target: within 2× of the floor. Results go to stdout and bench/results/learning-<db>.txt.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MARK, RESULTS, RatioTable, db_version, median_ms, parser, run, seeded_tree, sql_floor  # noqa: E402

SLICE = 4000  # branches per INSERT … SELECT slice

# The k-th session of a branch: its kind (the cycle repeats after 12).
KINDS = [
    "branch_study", "first_topic", "online", "branch_study", "youth_group", "online",
    "special_training", "branch_study", "party_school", "online", "reading_class", "branch_study",
]


def main() -> None:
    p = parser(__doc__, "replace the synthetic study records")
    p.add_argument("--part", choices=("all", "tree", "members", "rollup", "pages"), default="all",
                   help="members: (1); rollup: (2); tree: (1)+(2); pages: (3) (results: learning-<db>-<part>.txt)")
    p.add_argument("--correlated", action="store_true",
                   help="(1) also times the per-row form (member_totals) once, for reference: minutes at 2·10⁶ members")
    args = p.parse_args()
    run(__file__, "learning", args, measure, ["--part", args.part, *(["--correlated"] if args.correlated else [])])


# --- synthetic data ---------------------------------------------------------------------------------------------


def seed(year: int, reseed: bool) -> str:
    """One synthetic year of sessions and participations, set-based; idempotent (kept unless --reseed)."""
    from django.db import connection, transaction

    from dangjian.learning.models import Participation, StudySession

    vendor = connection.vendor
    existing = StudySession.objects.filter(provider=MARK)
    if existing.exists() and not reseed:
        return (f"synthetic study records present: {existing.count()} sessions, "
                f"{Participation.objects.filter(session__provider=MARK).count()} participations")
    started = time.perf_counter()
    with transaction.atomic():
        Participation.objects.filter(session__provider=MARK).delete()
        existing.delete()
    slots = " UNION ALL ".join(f"SELECT {k} AS k, '{kind}' AS kind" for k, kind in enumerate(KINDS))
    if vendor == "sqlite":
        day = f"printf('{year:04d}-%%02d-%%02d', 1 + (d.k * 12) / (6 + o.id %% 7), 1 + o.id %% 28)"
        hours = "(2 + ((o.id + d.k) %% 9) * 0.5)"
    else:
        day = f"make_date({year}, CAST(1 + (d.k * 12) / (6 + o.id %% 7) AS integer), CAST(1 + o.id %% 28 AS integer))"
        hours = "CAST(2 + ((o.id + d.k) %% 9) * 0.5 AS numeric(5, 1))"
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    ids = [r[0] for r in _fetch_ids(connection)]
    # Every '%' below is doubled: the statements take parameters (Django turns '%%' back into '%').
    sessions = participations = 0
    for i in range(0, len(ids), SLICE):
        lo, hi = ids[i], ids[min(i + SLICE, len(ids)) - 1]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO learning_studysession (org_id, kind, title, held_on, hours, place, provider, meeting_id, "
                "created_by_id, created_at) "
                f"SELECT o.id, d.kind, '{MARK}:' || d.kind, {day}, {hours}, '', '{MARK}', NULL, NULL, '{now}' "
                f"FROM orgs_organization o JOIN ({slots}) d ON d.k < 6 + o.id %% 7 "
                "WHERE o.kind = 'branch' AND o.status = 'active' AND o.id >= %s AND o.id <= %s",
                [lo, hi],
            )
            sessions += cursor.rowcount
            cursor.execute(
                "INSERT INTO learning_participation (session_id, member_id, hours, held_on) "
                "SELECT s.id, m.id, s.hours, s.held_on FROM learning_studysession s "
                "JOIN members_member m ON m.org_id = s.org_id "
                f"WHERE s.provider = '{MARK}' AND s.org_id >= %s AND s.org_id <= %s AND m.state = 'active' "
                "AND (m.id * 7 + s.id) %% 8 <> 0",
                [lo, hi],
            )
            participations += cursor.rowcount
        print(f"  seeded branches {i + 1}–{min(i + SLICE, len(ids))} of {len(ids)}: "
              f"{sessions} sessions, {participations} participations", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return f"seeded {sessions} sessions, {participations} participations in {time.perf_counter() - started:.1f} s"


def _fetch_ids(connection: Any) -> list[tuple[int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM orgs_organization WHERE kind = 'branch' AND status = 'active' ORDER BY id")
        return list(cursor.fetchall())


# --- measurement ------------------------------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> None:  # noqa: C901 — one linear script of measurements
    from django.db import connection

    from dangjian.core import measures as registry
    from dangjian.core.scoping import path_upper_bound
    from dangjian.leadership.models import COMMITTEE_POSTS
    from dangjian.learning import measures, rules
    from dangjian.learning.models import Participation, StudySession
    from dangjian.learning.reminders import study_items
    from dangjian.lib.periods import Period
    from dangjian.members.models import Member
    from dangjian.orgs.models import Organization

    label = args.label or connection.vendor
    year = dt.date.today().year - 1
    print(f"[{label}] {seed(year, args.reseed)}", flush=True)
    root, province = seeded_tree()
    today = dt.date(year + 1, 1, 15)  # the year is over: every session counts, leaders judged over the whole year
    targets = rules.load_targets(year)
    start, end = rules.year_bounds(year)
    vendor = connection.vendor
    table = RatioTable(label, 60, cjk=True, time_limit=False)
    row = table.row
    sql = functools.partial(sql_floor, connection)
    posts = ", ".join(f"'{p}'" for p in COMMITTEE_POSTS)
    kinds = ", ".join(f"'{k}'" for k in targets.centralized_kinds)

    def subtree_floor(path: str) -> tuple[str, list[Any]]:
        """Per member of a subtree: yearly 学时, leader flag, 集中培训 count (aggregates joined, not correlated)."""
        lo, hi = path, path_upper_bound(path)
        query = (
            "SELECT m.id, COALESCE(p.total, 0), CASE WHEN l.member_id IS NULL THEN 0 ELSE 1 END, COALESCE(p.central, 0) "
            "FROM members_member m JOIN orgs_organization o ON o.id = m.org_id "
            "LEFT JOIN (SELECT pp.member_id, SUM(pp.hours) AS total, "
            f"SUM(CASE WHEN s.kind IN ({kinds}) THEN 1 ELSE 0 END) AS central "
            "FROM learning_participation pp JOIN learning_studysession s ON s.id = pp.session_id "
            "WHERE pp.held_on >= %s AND pp.held_on <= %s GROUP BY pp.member_id) p ON p.member_id = m.id "
            f"LEFT JOIN (SELECT DISTINCT member_id FROM orgs_postholding WHERE post IN ({posts}) AND starts_on <= %s "
            "AND (ends_on IS NULL OR ends_on > %s)) l ON l.member_id = m.id "
            "WHERE o.path >= %s AND o.path < %s AND m.state = 'active'"
        )
        return query, [start, end, end, start, lo, hi]

    by_level: dict[int, Any] = {}
    if args.part in ("all", "tree", "members"):
        # (1) Every member's total for the whole tree: the set-based form (one GROUP BY over the members joined
        # to their participations), and for reference the per-row form pages use (correlated subqueries).
        def orm_members() -> Any:
            return list(measures.member_totals_grouped(measures.members_in(root), year, targets, today)
                        .values_list("pk", "study_hours", "is_leader", "centralized"))

        def correlated_members() -> Any:
            return list(measures.member_totals(measures.members_in(root), year, targets, today)
                        .values_list("pk", "study_hours", "is_leader", "centralized"))

        def normalized(rows: list[Any]) -> set[tuple[int, Any, bool, int]]:
            return {(pk, rules.round_hours(hours), bool(leader), int(central)) for pk, hours, leader, central in rows}

        orm_ms, orm_rows = median_ms(orm_members, args.repeats)
        query, params = subtree_floor(root.path)
        floor_ms, floor_rows = median_ms(sql(query, params), args.repeats)
        assert len(orm_rows) == len(floor_rows), (len(orm_rows), len(floor_rows))
        assert normalized(orm_rows) == normalized(floor_rows)
        orm_sum = sum(rules.round_hours(r[1]) for r in orm_rows)
        row(f"每名党员{year}年学时：全树（{len(orm_rows)}名）", orm_ms, floor_ms, f"合计 {orm_sum} 学时")
        if args.correlated:
            ref_ms, ref_rows = median_ms(correlated_members, 1)
            assert normalized(ref_rows) == normalized(orm_rows)
            row("参考：同上，逐行相关子查询（member_totals，分页用）", ref_ms, floor_ms)

    if args.part in ("all", "tree", "rollup"):
        # (2) Roll-up per org and per level, whole tree.
        orm_ms, (by_org, by_level) = median_ms(lambda: measures.rollup(root, year, targets, today), args.repeats)
        short_hours = targets.member_hours - measures._EPSILON
        leader_hours = targets.leader_hours - measures._EPSILON
        per_member, member_params = subtree_floor(root.path)
        branch_sql = (
            f"SELECT b.path, COUNT(*) AS n, SUM(CASE WHEN (t.leader = 1 AND (t.total < {leader_hours} OR t.central < "
            f"{targets.leader_centralized})) OR (t.leader = 0 AND t.total < {short_hours}) THEN 1 ELSE 0 END) AS short, "
            "SUM(t.total) AS hours FROM (" + per_member.replace("SELECT m.id,", "SELECT m.id, m.org_id,", 1)
            .replace("COALESCE(p.total, 0), CASE", "COALESCE(p.total, 0) AS total, CASE", 1)
            .replace("ELSE 1 END, COALESCE(p.central, 0)", "ELSE 1 END AS leader, COALESCE(p.central, 0) AS central", 1)
            + ") t JOIN orgs_organization b ON b.id = t.org_id GROUP BY b.path"
        )
        levels = " UNION ALL ".join(
            f"SELECT {d} AS depth, substr(path, 1, {d * Organization.steplen}) AS prefix, SUM(n), SUM(short), SUM(hours) "
            f"FROM branches WHERE length(path) >= {d * Organization.steplen} GROUP BY 2"
            for d in range(1, 7)
        )
        rollup_floor = sql(f"WITH branches AS ({branch_sql}) {levels}", member_params)
        floor_ms, floor_rows = median_ms(rollup_floor, args.repeats)
        floor_root = next(r for r in floor_rows if r[1] == root.path)
        assert by_org[root.path].members == floor_root[2] and by_org[root.path].short == floor_root[3], (
            by_org[root.path], floor_root)
        r = by_org[root.path]
        row(f"按组织、按层级汇总：全树（{len(by_org)}个组织）", orm_ms, floor_ms,
            f"{r.members}名党员，未达标{r.short}名（{100 * r.short / max(1, r.members):.1f}%）")

        # The registered measure per org over the whole tree (each org's own members), against the same floor.
        completion = registry.get("learning.hours.completion")
        orm_ms, per_org = median_ms(lambda: completion(Organization.objects.all(), Period.year(year)), args.repeats)
        assert sum(v.members for v in per_org.values()) == r.members, (sum(v.members for v in per_org.values()), r)
        row(f"learning.hours.completion：全树（{len(per_org)}个组织）", orm_ms, floor_ms)

    if args.part in ("all", "pages"):
        # (3) Context: the shortfall page on one province, one member, the reminder source.
        def shortfall_page(org: Any) -> Any:
            """The shortfall page's queries: the branch summary (counts, pager) and page 1 from its branches."""
            branches = measures.branch_summary(org, year, targets, today)
            page = measures.short_members_window(branches, 0, 20, year, targets, today,
                                               order=["org__path", "-short_by", "name_pinyin", "pk"])
            return sum(b.short for b in branches), page, branches

        def totals_page(org: Any) -> Any:
            """The plain totals page: the count and page 1 in place-and-name order."""
            qs = (measures.member_totals(measures.members_in(org), year, targets, today).select_related("org")
                  .order_by("org__path", "name_pinyin", "pk"))
            return qs.count(), list(qs[:20])

        ms, (n_short, _page, branches) = median_ms(lambda: shortfall_page(province), args.repeats)
        row(f"未达标名单 {province.name}：按支部+第1页", ms, None, f"未达标 {n_short} 名，{len(branches)} 个党支部")
        ms, (n_all, _rows) = median_ms(lambda: totals_page(province), args.repeats)
        row(f"党员学时统计 {province.name}：总数+第1页", ms, None, f"{n_all} 名")
        branch = Organization.objects.filter(pk=max(branches, key=lambda b: b.members).org_id).get()
        ms, (n_short, _page, _b) = median_ms(lambda: shortfall_page(branch), args.repeats)
        row(f"未达标名单 一个党支部（{branch.name}）", ms, None, f"未达标 {n_short} 名")
        member = Member.objects.filter(state="active").order_by("pk").first()
        assert member is not None
        ms, _ = median_ms(lambda: measures.standings([member.pk], year, today, targets), args.repeats)
        row("一名党员的年度学时与达标情况", ms, None)
        ms, items = median_ms(lambda: study_items(dt.date(year, 12, 1)), 1)
        row(f"学时不足提醒：全树（{year}年12月1日）", ms, None, f"{len(items)} 个党支部")

    version = db_version(connection)
    head = [
        f"学时 benchmark — {label} ({vendor} {version}), {time.strftime('%Y-%m-%d %H:%M')}",
        f"数据：党组织 {Organization.objects.count()} 个，学习培训 {StudySession.objects.count()} 次，"
        f"参学记录 {Participation.objects.count()} 条；年度 {year}；中位数，{args.repeats} 次热运行",
        "层级汇总：" + "；".join(f"第{d}层 {v.members}名/未达标{v.short}" for d, v in by_level.items()),
        "",
        table.header(),
    ]
    text = "\n".join(head + table.lines) + "\n"
    print(text)
    suffix = "" if args.part == "all" else f"-{args.part}"
    (RESULTS / f"learning-{label}{suffix}.txt").write_text(text)


if __name__ == "__main__":
    main()
