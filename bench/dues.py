"""党费 benchmark: a month's 党费 — due amounts from the bases, collected, arrears — for 2,000,000 members.

    .venv/bin/python bench/dues.py [--db sqlite|postgres|both] [--repeats 3] [--reseed]

Runs on the foundation benchmark's databases (bench/foundation.py builds them: SQLite under var/bench/sqlite/,
PostgreSQL database `dangjian_bench`); it never drops or rebuilds them. It runs `migrate dues`, then — once,
each step in one transaction so a step is either all there or absent — inserts with set-based INSERT … SELECT:

* a base for every on-roll member from 12 months before the measured month (whole-hundred incomes, so the
  bracket arithmetic is exact in SQL; the rates are the rule's brackets from dues.calc): 在职 wage
  2,000–14,900 元, 离退休 pension 2,500–8,400 元, 学生/下岗失业 0.20 元, 农民 0.50 元, 其他 self-employed;
  1 in 100 members pays quarterly;
* a year of payments (the 12 months up to the measured month, last month): ~90% pay every month, ~5% stopped
  3–5 months ago, ~2% stopped 7 months ago, the quarterly payers pay completed quarters, the rest miss a month
  here and there. Rows are marked by the base note "合成数据" (`--reseed` replaces them).

Then, as medians of warm repeats, it times the functions the summary page runs over the WHOLE tree (root's
children as the rows) and over one province — due by subtree, collected by subtree, arrears ≥3 and ≥6 months
by subtree, and the whole `remittance.summary` — beside the same results written by hand in SQL (the floor) through
the same connection (for arrears the faster of two hand-written shapes: one statement per payment frequency with
constant bounds, or one whose bounds are a CASE on the row's frequency). The seeded figures are checked against dues.calc for a sample of members. Results go to
stdout and bench/results/dues-<db>.txt.

The command line, child processes and timer come from bench/_common.py.
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
    run(__file__, "dues", parser(__doc__, "replace the synthetic bases and payments").parse_args(), measure)


# --- synthetic data ---------------------------------------------------------------------------------------------


def _months(measured: dt.date) -> list[dt.date]:
    from dangjian.dues import calc

    return [calc.add_months(measured, -i) for i in range(11, -1, -1)]


def _rate_case(column: str, brackets: list[tuple[Any, Any]]) -> str:
    whens = " ".join(f"WHEN {column} <= {upper} THEN {rate}" for upper, rate in brackets if upper is not None)
    return f"CASE {whens} ELSE {brackets[-1][1]} END"


def seed(measured: dt.date, reseed: bool) -> str:
    """Bases for every on-roll member and a year of payments, set-based, idempotent (each step one transaction)."""
    from django.db import connection, transaction

    from dangjian.dues import calc
    from dangjian.dues.models import DuesBase, DuesPayment

    config = calc.Config.defaults()
    months = _months(measured)
    first = months[0]
    vendor = connection.vendor
    t = "TRUE" if vendor == "postgresql" else "1"
    f = "FALSE" if vendor == "postgresql" else "0"
    done: list[str] = []
    started = time.perf_counter()

    def fast(cursor: Any) -> None:
        """PostgreSQL: no foreign-key triggers inside this seed transaction (every row is selected from existing
        members and orgs, so the references hold by construction); millions of deferred checks otherwise."""
        if vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")

    if reseed:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM dues_duespayment WHERE member_id IN "
                           "(SELECT member_id FROM dues_duesbase WHERE note = %s)", [MARK])
            cursor.execute("DELETE FROM dues_duesbase WHERE note = %s", [MARK])
    if not DuesBase.objects.filter(note=MARK).exists():
        # Whole-hundred incomes per category; the amount by the rule's brackets (exact: income × rate has ≤2 places).
        income = ("CASE m.person_category WHEN 'employed' THEN 2000 + (m.id * 7919 % 130) * 100 "
                  "WHEN 'retired' THEN 2500 + (m.id * 104729 % 60) * 100 "
                  "WHEN 'other' THEN 3000 + (m.id % 50) * 100 ELSE NULL END")
        basis = ("CASE m.person_category WHEN 'employed' THEN 'wage' WHEN 'retired' THEN 'pension' "
                 "WHEN 'student' THEN 'student' WHEN 'unemployed' THEN 'unemployed' WHEN 'farmer' THEN 'farmer' "
                 "ELSE 'self_employed' END")
        rate = (f"CASE WHEN ({income}) IS NULL THEN NULL WHEN m.person_category = 'retired' "
                f"THEN {_rate_case('(' + income + ')', config.retired)} "
                f"ELSE {_rate_case('(' + income + ')', config.employed)} END")
        amount = (f"CASE m.person_category WHEN 'farmer' THEN 0.50 WHEN 'student' THEN {config.fixed_amount} "
                  f"WHEN 'unemployed' THEN {config.fixed_amount} ELSE ROUND(({income}) * ({rate}), 2) END")
        month_from = f"CASE WHEN m.joined_on > %s THEN {_month_of('m.joined_on', vendor)} ELSE %s END"
        with transaction.atomic(), connection.cursor() as cursor:
            fast(cursor)
            cursor.execute(_q(
                "INSERT INTO dues_duesbase (member_id, month_from, month_to, basis, income, fixed_amount, rate, amount, "
                "quarterly, note, recorded_by_id, created_at) "
                f"SELECT m.id, {month_from}, NULL, {basis}, {income}, "
                f"CASE WHEN m.person_category = 'farmer' THEN 0.50 ELSE NULL END, {rate}, {amount}, "
                f"CASE WHEN m.id % 100 = 97 THEN {t} ELSE {f} END, %s, NULL, %s "
                "FROM members_member m WHERE m.state IN ('active', 'suspended') "
                "AND NOT EXISTS (SELECT 1 FROM dues_duesbase b WHERE b.member_id = m.id)"),
                [first, first, MARK, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            )
            done.append(f"bases {cursor.rowcount}")
    if not DuesPayment.objects.filter(member__dues_bases__note=MARK).exists():
        with transaction.atomic(), connection.cursor() as cursor:
            fast(cursor)
            for i, month in enumerate(months):
                back = 11 - i  # months before the measured month
                # Who pays this month: regulars; the 3–5-month and 7-month stoppers until they stopped; quarterly
                # payers for the months of completed quarters; the rest miss one month in five.
                quarter_done = calc.owed_through(measured + dt.timedelta(days=31), True) >= month
                who = (f"(b.member_id % 100 < 90) "
                       f"OR (b.member_id % 100 BETWEEN 90 AND 94 AND {back} >= 3 + b.member_id % 3) "
                       f"OR (b.member_id % 100 IN (95, 96) AND {back} >= 7) "
                       f"OR (b.member_id % 100 = 97 AND {t if quarter_done else f} = {t}) "
                       f"OR (b.member_id % 100 >= 98 AND (b.member_id + {i}) % 5 <> 0)")
                cursor.execute(_q(
                    "INSERT INTO dues_duespayment (member_id, org_id, month, due, amount, paid_on, method, reason, "
                    "recorded_by_id, created_at) "
                    "SELECT b.member_id, m.org_id, %s, b.amount, b.amount, %s, 'branch', '', NULL, %s "
                    "FROM dues_duesbase b JOIN members_member m ON m.id = b.member_id "
                    f"WHERE b.note = %s AND b.month_from <= %s AND ({who})"),
                    [month, month + dt.timedelta(days=9), dt.datetime.now(dt.UTC).replace(tzinfo=None), MARK, month],
                )
                done.append(f"{month:%Y-%m} {cursor.rowcount}")
    if not done:
        return "synthetic bases and payments present"
    return f"seeded {', '.join(done)} in {time.perf_counter() - started:.1f} s"


def _q(query: str) -> str:
    """Modulo signs doubled, so the query survives parameter substitution on both databases."""
    return query.replace("%", "%%").replace("%%s", "%s")


def _month_of(column: str, vendor: str) -> str:
    """SQL for the first day of the month of a date column."""
    if vendor == "sqlite":
        return f"date({column}, 'start of month')"
    return f"CAST(date_trunc('month', {column}) AS date)"


# --- measurement ------------------------------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> None:  # noqa: C901 — one linear script of measurements
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from dangjian.accounts.models import User
    from dangjian.core import measures
    from dangjian.core.scoping import path_upper_bound
    from dangjian.dues import calc, ledgers, remittance
    from dangjian.dues.measures import months_behind
    from dangjian.dues.models import DuesBase, DuesPayment
    from dangjian.lib.periods import Period
    from dangjian.members.models import Member
    from dangjian.orgs.models import Organization

    label = args.label or connection.vendor
    today = timezone.localdate()
    measured = calc.add_months(calc.month_start(today), -1)
    print(f"[{label}] {seed(measured, args.reseed)}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    config = calc.Config.defaults()
    admin = User.objects.get(username="admin")
    root, province = seeded_tree()
    vendor = connection.vendor
    table = RatioTable(label, 50)
    row = table.row
    sql = functools.partial(sql_floor, connection)

    # Check the seeded amounts against the pure arithmetic for a sample.
    wrong = 0
    sample = list(DuesBase.objects.filter(note=MARK).order_by("member_id")[:2000])
    for b in sample:
        due = calc.monthly_due(b.basis, b.income, b.fixed_amount, config)
        wrong += due.amount != b.amount
    assert wrong == 0, f"{wrong} of {len(sample)} seeded amounts differ from dues.calc"

    def fresh() -> Any:
        admin.__dict__.pop("_dangjian_scope", None)
        return admin

    substr = "substr" if vendor == "sqlite" else "SUBSTRING"
    on_roll = "('active', 'suspended')"
    yes = "1" if vendor == "sqlite" else "TRUE"
    f_ = "0" if vendor == "sqlite" else "FALSE"
    nxt = calc.add_months(measured, 1)

    def window(months: int) -> tuple[str, list[Any]]:
        """The arrears test for `months`, with the window's bounds chosen by the row's payment frequency."""
        m_end, q_end = calc.owed_through(today, False), calc.owed_through(today, True)
        m_start, q_start = calc.add_months(m_end, -(months - 1)), calc.add_months(q_end, -(months - 1))
        start = f"(CASE WHEN b.quarterly = {yes} THEN %s ELSE %s END)"
        end = f"(CASE WHEN b.quarterly = {yes} THEN %s ELSE %s END)"
        return (f"EXISTS (SELECT 1 FROM dues_duesbase e WHERE e.member_id = b.member_id AND e.month_from <= {start}) "
                "AND NOT EXISTS (SELECT 1 FROM dues_duespayment p WHERE p.member_id = b.member_id "
                f"AND p.month >= {start} AND p.month <= {end}) "
                "AND NOT EXISTS (SELECT 1 FROM dues_duesrelief r WHERE r.member_id = b.member_id "
                f"AND r.kind = 'exempt' AND r.month_from <= {end} AND r.month_to >= {start})",
                [q_start, m_start, q_start, m_start, q_end, m_end, q_end, m_end, q_start, m_start])

    def frequency_window(months: int, quarterly: bool) -> tuple[str, list[Any]]:
        """The arrears test for the payers of one frequency, the window's bounds as constants."""
        end = calc.owed_through(today, quarterly)
        start = calc.add_months(end, -(months - 1))
        return ("EXISTS (SELECT 1 FROM dues_duesbase e WHERE e.member_id = b.member_id AND e.month_from <= %s) "
                "AND NOT EXISTS (SELECT 1 FROM dues_duespayment p WHERE p.member_id = b.member_id "
                "AND p.month >= %s AND p.month <= %s) "
                "AND NOT EXISTS (SELECT 1 FROM dues_duesrelief r WHERE r.member_id = b.member_id "
                "AND r.kind = 'exempt' AND r.month_from <= %s AND r.month_to >= %s)",
                [start, start, end, end, start])

    for scope_name, org in (("全树", root), (province.name, province)):
        lo, hi = org.path, path_upper_bound(org.path)
        hi_sql, hi_params = ("AND o.path < %s", [hi]) if hi else ("", [])
        width = len(org.path) + Organization.steplen

        orm_ms, due = median_ms(lambda o=org, w=width: ledgers.due_by_prefix(o.path, w, measured), args.repeats)
        floor_ms, floor_due = median_ms(sql(
            f"SELECT {substr}(o.path, 1, {width}), COUNT(*), SUM(b.amount) FROM dues_duesbase b "
            "JOIN members_member m ON m.id = b.member_id JOIN orgs_organization o ON o.id = m.org_id "
            f"WHERE b.month_from <= %s AND (b.month_to IS NULL OR b.month_to >= %s) AND o.path >= %s {hi_sql} "
            f"AND m.state IN {on_roll} AND m.joined_on < %s GROUP BY 1",
            [measured, measured, lo, *hi_params, nxt]), args.repeats)
        assert sum(n for n, _ in due.values()) == sum(r[1] for r in floor_due)
        total_due = sum((d for _, d in due.values()), Decimal(0))
        row(f"应交 {scope_name}（{sum(n for n, _ in due.values())}人）", orm_ms, floor_ms, f"{total_due:.2f} 元")

        orm_ms, got = median_ms(lambda o=org, w=width: ledgers.collected_by_prefix(o.path, w, measured), args.repeats)
        floor_ms, floor_got = median_ms(sql(
            f"SELECT {substr}(o.path, 1, {width}), COUNT(*), SUM(p.amount) FROM dues_duespayment p "
            f"JOIN orgs_organization o ON o.id = p.org_id WHERE p.month = %s AND o.path >= %s {hi_sql} GROUP BY 1",
            [measured, lo, *hi_params]), args.repeats)
        assert sum(n for n, _ in got.values()) == sum(r[1] for r in floor_got)
        collected = sum((s for _, s in got.values()), Decimal(0))
        row(f"实交 {scope_name}（{sum(n for n, _ in got.values())}笔）", orm_ms, floor_ms, f"{collected:.2f} 元")

        orm_ms, arrears = median_ms(lambda o=org, w=width: ledgers.arrears_by_prefix(o.path, w, today, config),
                                    args.repeats)
        # Two hand-written shapes, the same counts: one statement per payment frequency with constant bounds (what
        # a planner can anti-join as a set), the two results added; and one statement whose bounds are a CASE on
        # the row's frequency (probes per member). The floor is the faster of the two.
        statements = []
        for quarterly in (False, True):
            warn, flag = frequency_window(config.warn_months, quarterly), frequency_window(config.flag_months, quarterly)
            statements.append(sql(
                f"SELECT {substr}(o.path, 1, {width}), COUNT(*), SUM(CASE WHEN {flag[0]} THEN 1 ELSE 0 END) "
                "FROM dues_duesbase b JOIN members_member m ON m.id = b.member_id "
                "JOIN orgs_organization o ON o.id = m.org_id "
                f"WHERE b.month_to IS NULL AND b.quarterly = {yes if quarterly else f_} AND m.state IN {on_roll} "
                f"AND o.path >= %s {hi_sql} AND {warn[0]} GROUP BY 1",
                [*flag[1], lo, *hi_params, *warn[1]]))
        split_ms, split_rows = median_ms(lambda st=statements: [r for go in st for r in go()], args.repeats)
        conds = [window(config.warn_months), window(config.flag_months)]
        case_ms, case_rows = median_ms(sql(
            f"SELECT {substr}(o.path, 1, {width}), COUNT(*), SUM(CASE WHEN {conds[1][0]} THEN 1 ELSE 0 END) "
            "FROM dues_duesbase b JOIN members_member m ON m.id = b.member_id JOIN orgs_organization o ON o.id = m.org_id "
            f"WHERE b.month_to IS NULL AND m.state IN {on_roll} AND o.path >= %s {hi_sql} AND {conds[0][0]} GROUP BY 1",
            [*conds[1][1], lo, *hi_params, *conds[0][1]]), args.repeats)
        for floor_rows in (split_rows, case_rows):
            assert sum(w for w, _ in arrears.values()) == sum(r[1] for r in floor_rows)
            assert sum(f for _, f in arrears.values()) == sum(r[2] for r in floor_rows)
        shapes = f"SQL：按交纳方式两条 {split_ms:.0f} ms，按行取界一条 {case_ms:.0f} ms"
        row(f"欠缴≥{config.warn_months}/≥{config.flag_months}个月 {scope_name}", orm_ms, min(split_ms, case_ms),
            f"{sum(w for w, _ in arrears.values())}/{sum(f for _, f in arrears.values())}人；{shapes}")

        orm_ms, result = median_ms(lambda o=org: remittance.summary(fresh(), o, measured, today, config), args.repeats)
        row(f"remittance.summary 整页 {scope_name}（{len(result.rows)}行）", orm_ms, None,
            f"收缴率 {result.total.rate}，欠缴 {result.total.warned}/{result.total.flagged}")

        # The registered measures over the same children (the figures every other reader binds to).
        children = Organization.objects.visible_to(fresh()).filter(parent=org)
        ms, rates = median_ms(lambda c=children: measures.get("dues.collection.rate")(c, Period.month(measured.year, measured.month)),
                              args.repeats)
        assert sum(v.collected for v in rates.values()) <= result.total.collected
        row(f"dues.collection.rate {scope_name}（{len(rates)}个下级）", ms, None)
        ms, _flagged = median_ms(lambda c=children: measures.get("dues.arrears.flagged")(c, Period.containing("month", today)),
                                 args.repeats)
        row(f"dues.arrears.flagged {scope_name}", ms, None)

    # For context: one branch's sheet and the first page of the province's arrears list.
    branch = Organization.objects.filter(kind="branch", path__startswith=province.path).order_by("-subtree_members").first()
    assert branch is not None
    ms, sheet = median_ms(lambda: ledgers.branch_sheet(
        branch, measured, months_behind(branch, today)), args.repeats)
    row(f"收缴表：{branch.name}（{len(sheet.rows)}人）", ms, None)

    def first_page() -> Any:
        bases = list(ledgers.arrears_rows(province.path, today, config)[:20])
        return ledgers.describe_arrears(bases, today, config)

    ms, _ = median_ms(first_page, args.repeats)
    row(f"欠缴名单第1页：{province.name}", ms, None)

    version = db_version(connection)
    head = [
        f"Dues benchmark — {label} ({vendor} {version}), {time.strftime('%Y-%m-%d %H:%M')}",
        f"数据：党员 {Member.objects.count()} 名，党费基数 {DuesBase.objects.count()} 条，交纳记录 "
        f"{DuesPayment.objects.count()} 条；统计月份 {measured:%Y-%m}，欠缴截至 {today}；中位数，{args.repeats} 次热运行",
        "",
        table.header(),
    ]
    text = "\n".join(head + table.lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"dues-{label}.txt").write_text(text)


if __name__ == "__main__":
    main()
