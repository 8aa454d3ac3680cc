"""党费 measures against hand-built records: the collection rate per org subtree equal to the 上缴汇总 rows, arrears
at the 3- and 6-month boundaries, the paid-to month, refusals of periods they cannot compute, and query counts flat
in the number of orgs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core import measures
from dangjian.core.measures import PeriodNotSupported
from dangjian.dues import actions, calc, remittance
from dangjian.dues.measures import Collection
from dangjian.lib.periods import Period
from dangjian.members.models import Member
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import Organization, OrgKind
from tests.dues.conftest import beijing
from tests.dues.test_ledgers import _setup

D = Decimal


def children(world):
    return Organization.objects.filter(parent=world.root)


def test_collection_rate_per_child_subtree_equals_the_summary_rows(world):
    _setup(world)
    _setup(world, member=world.b_member, income="12000.00")
    _setup(world, member=world.a2_member, income="1000.00")
    with beijing(dt.date(2025, 5, 10)):
        values = measures.get("dues.collection.rate")(children(world), Period.month(2025, 1))
        summary = remittance.summary(world.admin, world.root, dt.date(2025, 1, 1), dt.date(2025, 5, 10),
                                  calc.Config.defaults())
    for row in summary.rows:
        assert values[row.org.pk] == Collection(row.based, row.due, row.paid_count, row.collected)
    assert values[world.general.pk].due == D("95.00") and values[world.general.pk].percent == "100.0%"
    with beijing(dt.date(2025, 5, 10)):
        february = measures.get("dues.collection.rate")(children(world), Period.month(2025, 2))
    assert february[world.b.pk].percent == "0.0%" and february[world.b.pk].due == D("240.00")


@pytest.mark.parametrize(("today", "warned", "flagged"), [
    (dt.date(2025, 4, 30), 0, 0),   # owed Feb–Mar: 2 months
    (dt.date(2025, 5, 1), 1, 0),    # owed Feb–Apr: 3 months
    (dt.date(2025, 7, 31), 1, 0),
    (dt.date(2025, 8, 1), 1, 1),    # owed Feb–Jul: 6 months
])
def test_arrears_per_org_at_three_and_six_months(world, today, warned, flagged):
    _setup(world)  # paid January only
    with beijing(today):
        month = Period.containing("month", today)
        assert measures.get("dues.arrears.warned")(children(world), month).get(world.general.pk, 0) == warned
        assert measures.get("dues.arrears.flagged")(children(world), month).get(world.general.pk, 0) == flagged


def test_arrears_refuse_a_month_other_than_this_one(world):
    with beijing(dt.date(2025, 5, 10)), pytest.raises(PeriodNotSupported, match="只能按本月"):
        measures.get("dues.arrears.flagged")(children(world), Period.month(2025, 4))


def test_paid_to_is_the_latest_month_paid_by_the_periods_last_day(world):
    _setup(world)
    members = Member.objects.filter(pk__in=[world.member.pk, world.a2_member.pk])
    with beijing(dt.date(2025, 5, 10)):
        assert measures.get("dues.paid_to")(members, Period.year(2025)) == {
            world.member.pk: dt.date(2025, 1, 1), world.a2_member.pk: None}
        assert measures.get("dues.paid_to")(members, Period.month(2024, 12))[world.member.pk] is None


@pytest.mark.parametrize("key", ["dues.collection.rate", "dues.arrears.flagged"])
def test_query_count_does_not_grow_with_the_orgs(world, key, django_assert_max_num_queries):
    _setup(world)
    measure = measures.get(key)
    with beijing(dt.date(2025, 1, 20)):
        with CaptureQueriesContext(connection) as ctx:
            measure(Organization.objects.filter(pk=world.b.pk), Period.month(2025, 1))
        for i in range(10):
            create_org(actor=world.admin, parent=world.root, name=f"新增支部{i}", kind=OrgKind.BRANCH)
        with django_assert_max_num_queries(len(ctx.captured_queries)):
            measure(children(world), Period.month(2025, 1))


def _by_pk(world, *orgs):
    return Organization.objects.filter(pk__in=[o.pk for o in orgs])


@pytest.mark.parametrize(("month", "b_due"), [
    (1, D("240.00")),  # the month before the 少交 begins
    (2, D("40.00")),   # its first month
    (4, D("40.00")),   # its last month
    (5, D("240.00")),  # the month after
])
def test_the_due_amount_follows_an_approved_reduction_to_its_boundaries(world, month, b_due):
    _setup(world)
    _setup(world, member=world.b_member, income="12000.00")
    with beijing(dt.date(2025, 2, 2)):
        actions.grant_relief(actor=world.admin, member=world.b_member, data={
            "kind": "reduce", "amount": "40.00", "month_from": "2025-02", "month_to": "2025-04", "reason": "困难",
            "approved_by": "机关党委", "approval_no": "2号", "approved_on": dt.date(2025, 2, 1)})
    with beijing(dt.date(2025, 6, 10)):
        due = measures.get("dues.due.amount")(_by_pk(world, world.root, world.general, world.b),
                                             Period.month(2025, month))
    assert due == {world.general.pk: D("90.00"), world.b.pk: b_due, world.root.pk: D("90.00") + b_due}


def test_the_collected_amount_counts_by_the_month_paid_for_including_prepayment(world):
    _setup(world)  # 李党员 paid January in January
    with beijing(dt.date(2025, 2, 10)):
        actions.record_payments(actor=world.admin, member=world.member, months=["2025-02", "2025-03"])
        collected = measures.get("dues.collected.amount")
        orgs = _by_pk(world, world.root, world.general, world.a1, world.b)
        assert collected(orgs, Period.month(2025, 1)) == {
            world.root.pk: D("90.00"), world.general.pk: D("90.00"), world.a1.pk: D("90.00")}
        assert collected(orgs, Period.month(2025, 2))[world.a1.pk] == D("90.00")
        with pytest.raises(PeriodNotSupported, match="尚未开始"):
            collected(orgs, Period.month(2025, 3))  # paid ahead, but the measure answers only begun months
    with beijing(dt.date(2025, 3, 1)):
        assert collected(orgs, Period.month(2025, 3))[world.root.pk] == D("90.00")
    # B has a base but nothing collected: 0, not absent, on the due side only
    _setup(world, member=world.b_member, income="12000.00")
    with beijing(dt.date(2025, 3, 1)):
        assert collected(orgs, Period.month(2025, 3))[world.b.pk] == D("0.00")


def test_orgs_at_several_depths_cost_one_run_and_add_up(world, django_assert_num_queries):
    """A root and its children in one call: the same queries as the children alone, and the root's value is its
    whole subtree."""
    _setup(world)
    _setup(world, member=world.b_member, income="12000.00")
    _setup(world, member=world.a2_member, income="1000.00")
    measure = measures.get("dues.collection.rate")
    with beijing(dt.date(2025, 1, 20)):
        with CaptureQueriesContext(connection) as alone:
            kids = measure(children(world), Period.month(2025, 1))
        with django_assert_num_queries(len(alone.captured_queries)):
            mixed = measure(_by_pk(world, world.root, world.general, world.b, world.a1, world.a2),
                            Period.month(2025, 1))
    assert {k: mixed[k] for k in kids} == kids
    assert mixed[world.root.pk] == kids[world.general.pk] + kids[world.b.pk]
    assert mixed[world.general.pk] == mixed[world.a1.pk] + mixed[world.a2.pk]
    assert mixed[world.root.pk] == Collection(3, D("335.00"), 3, D("335.00"))


@pytest.mark.parametrize("key", ["dues.due.amount", "dues.collected.amount", "dues.arrears.warned"])
def test_the_new_and_arrears_query_counts_stay_flat_from_two_orgs_to_many(world, key, django_assert_max_num_queries):
    _setup(world)
    measure = measures.get(key)
    with beijing(dt.date(2025, 1, 20)):
        with CaptureQueriesContext(connection) as ctx:
            measure(_by_pk(world, world.general, world.b), Period.month(2025, 1))
        for i in range(12):
            create_org(actor=world.admin, parent=world.general if i % 2 else world.root, name=f"新增支部{i}",
                       kind=OrgKind.BRANCH)
        with django_assert_max_num_queries(len(ctx.captured_queries)):
            measure(Organization.objects.all(), Period.month(2025, 1))


def test_the_remittance_summary_costs_the_same_for_two_children_or_many(world, django_assert_max_num_queries):
    _setup(world)
    with CaptureQueriesContext(connection) as ctx:
        two = remittance.summary(world.admin, world.root, dt.date(2025, 1, 1), dt.date(2025, 5, 10),
                                 calc.Config.defaults())
    assert len(two.rows) == 2
    for i in range(12):
        create_org(actor=world.admin, parent=world.root, name=f"新增支部{i}", kind=OrgKind.BRANCH)
    world.root.refresh_from_db()
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        many = remittance.summary(world.admin, world.root, dt.date(2025, 1, 1), dt.date(2025, 5, 10),
                                  calc.Config.defaults())
    assert len(many.rows) == 14 and many.total.due == two.total.due == D("90.00")


@pytest.mark.parametrize(("today", "months", "level"), [
    (dt.date(2025, 4, 30), 2, "none"),           # owed Feb–Mar: 2 months, not yet reminded
    (dt.date(2025, 5, 1), 3, "warned"),          # owed Feb–Apr
    (dt.date(2025, 7, 31), 5, "warned"),
    (dt.date(2025, 8, 1), 6, "flagged"),         # owed Feb–Jul
])
def test_months_behind_per_member_at_three_and_six(world, today, months, level):
    _setup(world)  # paid January only
    members = Member.objects.filter(pk__in=[world.member.pk, world.a2_member.pk])
    with beijing(today):
        values = measures.get("dues.arrears.months")(members, Period.containing("month", today))
    assert world.a2_member.pk not in values  # no base set: nothing owed
    row = values[world.member.pk]
    assert (row.months, row.level, row.last_paid) == (months, level, dt.date(2025, 1, 1))
    assert measures.plain(row) == {"months": months, "level": level, "quarterly": False, "last_paid": "2025-01"}
    assert measures.shown(row) == f"{months}个月"


def test_months_behind_count_a_quarterly_payer_to_the_last_ended_quarter(world):
    _setup(world, quarterly=True)  # paid January only
    with beijing(dt.date(2025, 6, 30)):  # Q2 not ended: owed Feb–Mar only
        assert measures.get("dues.arrears.months")(Member.objects.all(), Period.month(2025, 6))[world.member.pk].months == 2
    with beijing(dt.date(2025, 7, 1)):  # Q2 ended: owed Feb–Jun
        assert measures.get("dues.arrears.months")(Member.objects.all(), Period.month(2025, 7))[world.member.pk].months == 5


def test_months_behind_refuse_a_month_other_than_this_one(world):
    with beijing(dt.date(2025, 5, 10)), pytest.raises(PeriodNotSupported, match="只能按本月"):
        measures.get("dues.arrears.months")(Member.objects.all(), Period.month(2025, 4))


@pytest.mark.parametrize("key", ["dues.arrears.months", "dues.paid_to"])
def test_member_query_counts_stay_flat_from_one_member_to_many(world, key, django_assert_max_num_queries):
    _setup(world)
    measure = measures.get(key)
    with beijing(dt.date(2025, 5, 10)), CaptureQueriesContext(connection) as ctx:
        measure(Member.objects.filter(pk=world.member.pk), Period.month(2025, 5))
    for i in range(8):
        _setup(world, member=world.make_member(world.b, name="新增" + "甲乙丙丁戊己庚辛"[i]))
    with beijing(dt.date(2025, 5, 10)), django_assert_max_num_queries(len(ctx.captured_queries)):
        values = measure(Member.objects.all(), Period.month(2025, 5))
    assert len(values) >= 9
