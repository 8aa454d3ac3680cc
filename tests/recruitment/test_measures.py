"""发展党员 measures: a step recorded late counts as a breach in the period of its date (not the next), an applicant
past the due date of the next step is overdue from the day after it; query counts flat in the number of orgs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core import measures
from dangjian.core.measures import PeriodNotSupported
from dangjian.lib.periods import Period
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import Organization, OrgKind
from dangjian.recruitment import actions
from tests.recruitment.conftest import applicant_data, step

D = dt.date


def at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 4, tzinfo=dt.UTC), tick=False)


def test_a_late_talk_is_a_breach_of_its_month(world):
    with at(D(2024, 5, 1)):
        on_time = actions.create_applicant(actor=world.secretary, data=applicant_data(world))
        late = actions.create_applicant(actor=world.secretary, data=applicant_data(world, name="林申请"))
        step(world, on_time, 2, D(2024, 4, 1))
        step(world, late, 2, D(2024, 4, 2))
        breaches = measures.get("recruitment.rules.breaches")
        assert breaches(Organization.objects.all(), Period.month(2024, 4)) == {world.a1.pk: 1}
        assert breaches(Organization.objects.all(), Period.month(2024, 3)) == {}
        assert breaches(Organization.objects.filter(pk=world.b.pk), Period.year(2024)) == {}


def test_overdue_from_the_day_after_the_due_date(world):
    with at(D(2024, 3, 5)):
        actions.create_applicant(actor=world.secretary, data=applicant_data(world))  # talk due 1 April
    overdue = measures.get("recruitment.steps.overdue")
    with at(D(2024, 4, 1)):
        assert overdue(Organization.objects.all(), Period.month(2024, 4)) == {}
    with at(D(2024, 4, 2)):
        assert overdue(Organization.objects.all(), Period.month(2024, 4)) == {world.a1.pk: 1}
        with pytest.raises(PeriodNotSupported, match="含今天"):
            overdue(Organization.objects.all(), Period.month(2024, 3))


@pytest.mark.parametrize("key", ["recruitment.rules.breaches", "recruitment.steps.overdue"])
def test_query_count_does_not_grow_with_the_orgs(world, key, django_assert_max_num_queries):
    measure = measures.get(key)
    with at(D(2024, 5, 1)):
        with CaptureQueriesContext(connection) as ctx:
            measure(Organization.objects.filter(pk=world.a1.pk), Period.year(2024))
        for i in range(10):
            create_org(actor=world.admin, parent=world.general, name=f"新增支部{i}", kind=OrgKind.BRANCH)
        with django_assert_max_num_queries(len(ctx.captured_queries)):
            measure(Organization.objects.all(), Period.year(2024))
