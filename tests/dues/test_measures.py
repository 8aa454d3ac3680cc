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
from dangjian.dues import calc, ledgers
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
        summary = ledgers.summary(world.admin, world.root, dt.date(2025, 1, 1), dt.date(2025, 5, 10),
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
