"""班子 and 换届 measures against hand-built terms and posts: overdue from the day after the due date (an adjusted
end wins), closed terms not overdue, vacancies of a branch and a group, query counts flat in the number of orgs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core import measures
from dangjian.leadership.models import Post, PostHolding, Term
from dangjian.lib.periods import Period
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import Organization, OrgKind

D = dt.date


def at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 4, tzinfo=dt.UTC), tick=False)


def test_a_term_is_overdue_from_the_day_after_its_due_date(world):
    Term.objects.create(org=world.a1, number=1, starts_on=D(2022, 5, 1), planned_end=D(2025, 4, 30))
    Term.objects.create(org=world.a2, number=1, starts_on=D(2022, 5, 1), planned_end=D(2025, 4, 30),
                        adjusted_end=D(2025, 10, 31))
    Term.objects.create(org=world.b, number=1, starts_on=D(2020, 1, 1), planned_end=D(2023, 1, 1),
                        closed_on=D(2023, 1, 1))
    Term.objects.create(org=world.b, number=2, starts_on=D(2023, 1, 1), planned_end=D(2026, 1, 1))
    overdue = measures.get("orgs.terms.overdue")
    with at(D(2025, 4, 30)):
        assert overdue(Organization.objects.all(), Period.month(2025, 4)) == {
            world.a1.pk: False, world.a2.pk: False, world.b.pk: False}
    with at(D(2025, 5, 1)):
        values = overdue(Organization.objects.all(), Period.month(2025, 5))
        assert values == {world.a1.pk: True, world.a2.pk: False, world.b.pk: False}
        assert overdue(Organization.objects.all(), Period.month(2025, 4))[world.a1.pk] is False  # on 30 April
        assert overdue(Organization.objects.all(), Period.year(2022))[world.b.pk] is False
    assert world.general.pk not in values  # no 届 recorded


def test_vacancies_of_a_branch_and_a_group(world):
    secretary = world.make_member(world.a2, name="周书记")
    PostHolding.objects.create(org=world.a2, member=secretary, post=Post.SECRETARY, starts_on=D(2024, 1, 1))
    for name in ("吴副一", "郑副二"):
        PostHolding.objects.create(org=world.a2, member=world.make_member(world.a2, name=name), post=Post.DEPUTY,
                                   starts_on=D(2024, 1, 1))
    PostHolding.objects.create(org=world.b, member=world.b_member, post=Post.SECRETARY, starts_on=D(2024, 1, 1),
                               ends_on=D(2025, 3, 1))
    vacancies = measures.get("orgs.committee.vacancies")
    with at(D(2025, 4, 10)):
        values = vacancies(Organization.objects.all(), Period.month(2025, 4))
        assert values[world.a2.pk] == 1  # two deputies, one allowed
        assert values[world.b.pk] == 1  # the secretary left on 1 March
        assert values[world.a1_group.pk] == 1  # no 组长
        assert vacancies(Organization.objects.all(), Period.month(2025, 2))[world.b.pk] == 0


@pytest.mark.parametrize("key", ["orgs.terms.overdue", "orgs.committee.vacancies"])
def test_query_count_does_not_grow_with_the_orgs(world, key, django_assert_max_num_queries):
    measure = measures.get(key)
    with at(D(2025, 4, 10)):
        with CaptureQueriesContext(connection) as ctx:
            measure(Organization.objects.filter(pk=world.a1.pk), Period.year(2025))
        for i in range(10):
            org = create_org(actor=world.admin, parent=world.general, name=f"新增支部{i}", kind=OrgKind.BRANCH)
            Term.objects.create(org=org, number=1, starts_on=D(2022, 5, 1), planned_end=D(2025, 4, 30))
        with django_assert_max_num_queries(len(ctx.captured_queries)):
            measure(Organization.objects.all(), Period.year(2025))
