"""Compliance benchmark: the roll-up and a full year of per-org compliance over ~100,000 orgs.

    .venv/bin/python bench/compliance.py [--db sqlite|postgres|both] [--repeats 3] [--reseed]

Runs on the foundation benchmark's databases (bench/foundation.py builds them: SQLite under var/bench/sqlite/,
PostgreSQL database `dangjian_bench`). It migrates them, then — once — inserts one synthetic year of meetings
(titled "合成数据", so they are recognisable and replaced with --reseed) with set-based INSERT … SELECT statements:
per active branch and month a 主题党日 with probability ~70%, in each quarter's last month a 党员大会+党课 (~60%),
a 支委会 each month (~60%) for the half of the branches given a 组织委员, per 党小组 and month a 党小组会 (~50%),
a 组织生活会 in December (~80%) and a 民主评议党员 in November (~70%); ~3% of records are drafts.

It then times, as medians of warm repeats, the roll-up of the measure `orglife.meetings.rate` over the whole tree and `compliance.counts` for
every org for the whole year (the GROUP BY over 12 months) beside a hand-written SQL floor through the same
connection, plus the other page queries for context. Target: within 2× of the floor and under 5 s on each
database. Results go to stdout and bench/results/compliance-<db>.txt.
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


def main() -> None:
    run(__file__, "orglife", parser(__doc__, "replace the synthetic meetings").parse_args(), measure)


# --- synthetic data ---------------------------------------------------------------------------------------------


def _literal(value: Any, vendor: str) -> str:
    """An SQL literal for the few constant values the seed writes."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return ("1" if value else "0") if vendor == "sqlite" else ("TRUE" if value else "FALSE")
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def seed(year: int, reseed: bool) -> str:
    """Insert one synthetic year of meetings and kind tags, set-based; returns what was done."""
    from django.db import connection, transaction

    from dangjian.leadership.models import PostHolding
    from dangjian.orglife.choices import MeetingKind, MeetingStatus
    from dangjian.orglife.models import Meeting, MeetingKindTag

    vendor = connection.vendor
    existing = Meeting.objects.filter(title__startswith=MARK)
    if existing.exists() and not reseed:
        return f"synthetic meetings present: {existing.count()} meetings, {MeetingKindTag.objects.filter(meeting__title__startswith=MARK).count()} tags"
    started = time.perf_counter()
    with transaction.atomic():
        MeetingKindTag.objects.filter(meeting__title__startswith=MARK).delete()
        existing.delete()
        PostHolding.objects.filter(doc_no=MARK).delete()
    lit = lambda v: _literal(v, vendor)  # noqa: E731
    with transaction.atomic(), connection.cursor() as cursor:
        # 组织委员 for every other branch that has members: those branches owe a monthly 支委会.
        cursor.execute(
            "INSERT INTO orgs_postholding (org_id, member_id, post, starts_on, ends_on, end_reason, doc_no, term_id) "
            f"SELECT m.org_id, MIN(m.id), 'organization', {lit('2020-01-01')}, NULL, '', {lit(MARK)}, NULL "
            "FROM members_member m JOIN orgs_organization o ON o.id = m.org_id "
            "WHERE o.kind = 'branch' AND o.status = 'active' AND m.org_id % 2 = 0 GROUP BY m.org_id"
        )
        # Days: (slot, month) → a date; each org uses slot id % 4.
        days = " UNION ALL ".join(
            f"SELECT {slot} AS slot, {month} AS month, {lit(dt.date(year, month, day).isoformat())} AS day"
            for month in range(1, 13) for slot, day in enumerate((3, 11, 19, 26))
        )
        plans = [  # (title suffix, kinds, org kind, month condition, percent, salt)
            ("主题党日", [MeetingKind.THEME_DAY], "branch", "1=1", 70, 7),
            ("党员大会", [MeetingKind.BRANCH_ASSEMBLY, MeetingKind.PARTY_LECTURE], "branch", "d.month % 3 = 0", 60, 13),
            ("支委会", [MeetingKind.COMMITTEE_MEETING], "branch", "o.id % 2 = 0", 60, 17),
            ("党小组会", [MeetingKind.GROUP_MEETING], "group", "1=1", 50, 23),
            ("组织生活会", [MeetingKind.LIFE_MEETING], "branch", "d.month = 12", 80, 29),
            ("民主评议", [MeetingKind.MEMBER_REVIEW], "branch", "d.month = 11", 70, 31),
        ]
        columns = []
        for f in Meeting._meta.concrete_fields:
            if f.primary_key:
                continue
            columns.append(f.column)
        starts = "(d.day || ' 01:00:00')" if vendor == "sqlite" else "(CAST(d.day AS timestamp) + interval '1 hour')"
        month_key = ("CAST(substr(held_on, 1, 4) AS INTEGER) * 100 + CAST(substr(held_on, 6, 2) AS INTEGER)"
                     if vendor == "sqlite" else "CAST(EXTRACT(YEAR FROM held_on) * 100 + EXTRACT(MONTH FROM held_on) AS INTEGER)")
        now = lit(time.strftime("%Y-%m-%d %H:%M:%S"))
        for title, kinds, org_kind, condition, percent, salt in plans:
            values = {
                "org_id": "o.id", "title": lit(f"{MARK}:{title}"), "starts_at": starts,
                "held_on": "d.day" if vendor == "sqlite" else "CAST(d.day AS date)",
                "status": f"CASE WHEN (o.id + d.month) % 33 = 0 THEN {lit(MeetingStatus.DRAFT)} "
                          f"ELSE {lit(MeetingStatus.SUBMITTED)} END",
                "submitted_at": "NULL", "created_at": now, "updated_at": now, "online": lit(False),
            }
            exprs = []
            for f in Meeting._meta.concrete_fields:
                if f.primary_key:
                    continue
                exprs.append(values.get(f.column, "NULL" if f.null else lit("")))
            cursor.execute(
                f"INSERT INTO orglife_meeting ({', '.join(columns)}) SELECT {', '.join(exprs)} "
                f"FROM orgs_organization o JOIN ({days}) d ON d.slot = o.id % 4 "
                f"WHERE o.kind = '{org_kind}' AND o.status = 'active' AND {condition} "
                f"AND (o.id * 7919 + d.month * {salt * 104729}) % 100 < {percent}"
            )
            for kind in kinds:
                cursor.execute(
                    "INSERT INTO orglife_meetingkindtag (meeting_id, kind, org_id, held_on, month, submitted) "
                    f"SELECT id, {lit(kind)}, org_id, held_on, {month_key}, CASE WHEN status = {lit(MeetingStatus.SUBMITTED)} "
                    f"THEN {lit(True)} ELSE {lit(False)} END FROM orglife_meeting WHERE title = {lit(f'{MARK}:{title}')}"
                )
    meetings = Meeting.objects.filter(title__startswith=MARK).count()
    tags = MeetingKindTag.objects.filter(meeting__title__startswith=MARK).count()
    return f"seeded {meetings} meetings, {tags} tags in {time.perf_counter() - started:.1f} s"


# --- measurement ------------------------------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> None:  # noqa: C901 — one linear script of measurements
    from django.db import connection

    from dangjian.accounts.models import User
    from dangjian.core import measures
    from dangjian.core.scoping import path_upper_bound
    from dangjian.leadership import checks
    from dangjian.lib.periods import Period
    from dangjian.orglife import compliance
    from dangjian.orglife.choices import MeetingKind
    from dangjian.orglife.models import MeetingKindTag
    from dangjian.orgs.models import Organization

    label = args.label or connection.vendor
    year = dt.date.today().year - 1
    print(f"[{label}] {seed(year, args.reseed)}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    admin = User.objects.get(username="admin")
    root, province = seeded_tree()
    lo, hi = root.path, path_upper_bound(root.path)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    today = dt.date.today()
    config = compliance.load_config(today)
    vendor = connection.vendor
    yes = "1" if vendor == "sqlite" else "TRUE"
    table = RatioTable(label, 58)
    row = table.row
    sql = functools.partial(sql_floor, connection)

    def fresh() -> Any:
        admin.__dict__.pop("_dangjian_scope", None)
        return admin

    # (1) Full-year compliance for ALL orgs: the GROUP BY (kind, org, month) over the whole tree.
    orm_ms, counted = median_ms(lambda: compliance.counts(root.path, start, end,
                                                          submitted_only=config.submitted_only), args.repeats)
    keys = [year * 100 + m for m in range(1, 13)]
    floor = sql(
        "SELECT t.kind, t.org_id, " + ", ".join(f"SUM(CASE WHEN t.month = {k} THEN 1 ELSE 0 END)" for k in keys)
        + " FROM orglife_meetingkindtag t WHERE EXISTS (SELECT 1 FROM orgs_organization o WHERE o.id = t.org_id "
        f"AND o.path >= %s AND o.path < %s) AND t.month >= %s AND t.month <= %s AND t.submitted = {yes} "
        "GROUP BY t.kind, t.org_id",
        [lo, hi, keys[0], keys[-1]],
    )
    floor_ms, floor_rows = median_ms(floor, args.repeats)
    assert len(floor_rows) == len(counted.rows), (len(floor_rows), len(counted.rows))
    groups = len(counted.as_dict())
    row(f"counts: {year}全年、全部组织（{len(counted.rows)}个组织×类型，{groups}个月份组）", orm_ms, floor_ms)

    # (2) The roll-up over the whole tree: applicable orgs and done orgs per kind, period and depth — the summary of
    # the measure orglife.meetings.rate over the admin's view of the tree.
    rate = measures.get("orglife.meetings.rate")
    orm_ms, r = median_ms(lambda: rate.total(compliance.subtree_orgs(fresh(), root), Period.year(year)), args.repeats)
    monthly = [k for k in compliance.KINDS if config.periods[k] == "month"]
    quarterly = [k for k in compliance.KINDS if config.periods[k] == "quarter"]
    in_list = lambda kinds: ", ".join(f"'{k}'" for k in kinds)  # noqa: E731
    committee = (
        "EXISTS (SELECT 1 FROM orgs_postholding h WHERE h.org_id = {org} AND h.post IN "
        "('organization', 'propaganda', 'discipline', 'committee_member') AND h.starts_on <= %s "
        "AND (h.ends_on IS NULL OR h.ends_on > %s))"
    )
    branch_kinds = [k for k in compliance.KINDS if k != MeetingKind.GROUP_MEETING]
    # A record counts only while its org existed at the end of the record's rule period (an org dissolved in
    # March owes and holds nothing for the second quarter): the month end and the quarter end of each month.
    date_sql = (lambda d: f"'{d.isoformat()}'") if vendor == "sqlite" else (lambda d: f"DATE '{d.isoformat()}'")
    month_end = "CASE t.month " + " ".join(
        f"WHEN {year * 100 + m} THEN {date_sql(Period.month(year, m).end)}" for m in range(1, 13)) + " END"
    quarter_end = "CASE t.month " + " ".join(
        f"WHEN {year * 100 + m} THEN {date_sql(Period.quarter(year, (m + 2) // 3).end)}" for m in range(1, 13)) + " END"
    done_sql = (
        f"SELECT t.kind, o.depth, CASE WHEN t.kind IN ({in_list(monthly)}) THEN t.month - {year * 100} "
        f"WHEN t.kind IN ({in_list(quarterly)}) THEN 100 + (t.month - {year * 100} + 2) / 3 ELSE 200 END AS b, "
        "COUNT(DISTINCT t.org_id) FROM orglife_meetingkindtag t JOIN orgs_organization o ON o.id = t.org_id "
        f"WHERE o.path >= %s AND o.path < %s AND t.month >= %s AND t.month <= %s AND t.submitted = {yes} "
        f"AND (o.dissolved_on IS NULL OR o.dissolved_on > CASE WHEN t.kind IN ({in_list(monthly)}) THEN {month_end} "
        f"WHEN t.kind IN ({in_list(quarterly)}) THEN {quarter_end} ELSE {date_sql(end)} END) "
        f"AND ((t.kind = 'group_meeting' AND o.kind = 'group') OR (t.kind IN ({in_list(branch_kinds)}) "
        "AND o.kind = 'branch')) "
        f"AND (t.kind <> 'committee_meeting' OR {committee.format(org='t.org_id')}) GROUP BY 1, 2, 3"
    )
    applicable_sql = (
        f"SELECT o.kind, o.depth, COUNT(*), SUM(CASE WHEN {committee.format(org='o.id')} THEN 1 ELSE 0 END) "
        "FROM orgs_organization o WHERE o.path >= %s AND o.path < %s AND o.kind IN ('branch', 'group') "
        "AND (o.dissolved_on IS NULL OR o.dissolved_on > %s) GROUP BY 1, 2"
    )
    ref = min(today, end)

    def rollup_floor() -> Any:
        a = sql(applicable_sql, [ref, ref, lo, hi, start])()
        b = sql(done_sql, [lo, hi, keys[0], keys[-1], ref, ref])()
        return a, b

    floor_ms, _ = median_ms(rollup_floor, args.repeats)
    theme = r.by_kind[MeetingKind.THEME_DAY][0]
    row(f"rollup: {year}全树落实率（按类型、周期、层级）", orm_ms, floor_ms,
        f"1月主题党日 {theme.done}/{theme.applicable} = {theme.percent}")

    # (2b) The same measure per org: every branch's and group's rate for the year (for context).
    ms, rates = median_ms(lambda: rate(compliance.subtree_orgs(fresh(), root), Period.year(year)), args.repeats)
    row(f"orglife.meetings.rate: {year}每个组织的落实率（{len(rates)}个组织）", ms, None)

    # (3) For context: the other pages' queries on the whole tree and on one province.
    for title, fn in (
        ("matrix: 第1页50个组织×12个月（全树）",
         lambda: compliance.matrix(fresh(), root, year, [MeetingKind.THEME_DAY], 1, 50, today, config)),
        ("branch_health: 全树红黄绿", lambda: compliance.branch_health(fresh(), root)),
        (f"branch_health: {province.name}", lambda: compliance.branch_health(fresh(), province)),
        ("silent_branches: 全树（COUNT+第1页）",
         lambda: (compliance.silent_branches(fresh(), root, today, config).count(),
                  list(compliance.silent_branches(fresh(), root, today, config)[:50]))),
        (f"subtree_warnings: {province.name}", lambda: list(checks.subtree_warnings(fresh(), province, today))),
        ("subtree_warnings: 全树", lambda: list(checks.subtree_warnings(fresh(), root, today))),
    ):
        ms, _ = median_ms(fn, args.repeats)
        row(title, ms, None)

    version = db_version(connection)
    head = [
        f"Compliance benchmark — {label} ({vendor} {version}), {time.strftime('%Y-%m-%d %H:%M')}",
        f"数据：党组织 {Organization.objects.count()} 个，组织生活类型标记 {MeetingKindTag.objects.count()} 条；"
        f"年度 {year}；中位数，{args.repeats} 次热运行",
        "",
        table.header(),
    ]
    text = "\n".join(head + table.lines) + "\n"
    print(text)
    (RESULTS / f"compliance-{label}.txt").write_text(text)


if __name__ == "__main__":
    main()
