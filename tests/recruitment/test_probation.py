"""An extended probation (发展党员 step 24, 延长预备期) moves the day the probation ends everywhere it is shown: the
home page's 预备期届满 card, the 发展党员 list and the measure `recruitment.probation.ends_on` — at the boundary
days, with frozen time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.core import measures
from dangjian.lib.periods import Period
from dangjian.members.models import Member
from dangjian.recruitment import actions, probation, rules
from tests.recruitment.conftest import TALLY, applicant_data, beijing_noon, step, walk

D = dt.date


@pytest.fixture
def extended(world):
    """陈申请: admitted 2025-07-20, probation extended by 6 months (approved 2026-08-15): it ends 2027-01-20."""
    applicant = actions.create_applicant(actor=world.secretary, data=applicant_data(world))
    applicant = walk(world, applicant, 22)
    step(world, applicant, 23, D(2026, 7, 20), outcome="extend", extension_months=6, **TALLY)
    step(world, applicant, 24, D(2026, 8, 15))
    applicant.refresh_from_db()
    return applicant


def _due_names(client):
    return [m.name for m, _ends in client.get(reverse("core:home")).context["confirmation_due"]]


def test_home_does_not_list_an_extended_probation_before_its_new_end_comes_near(world, login, extended):
    # On 20 November 2026 the plain year is long over (20 July 2026), the extended one is two months off.
    assert "陈申请" not in _due_names(login(world.admin))


@pytest.mark.parametrize(("today", "listed"), [(D(2026, 12, 20), False), (D(2026, 12, 21), True)])
def test_home_lists_an_extended_probation_from_thirty_days_before_its_end(world, login, extended, frozen, today,
                                                                           listed):
    frozen.move_to(beijing_noon(today))
    client = login(world.admin)
    assert ("陈申请" in _due_names(client)) is listed
    if listed:
        html = client.get(reverse("core:home")).content.decode()
        assert "2027年1月20日" in html and "已延长6个月" in html


@pytest.mark.parametrize(("today", "listed"), [(D(2026, 11, 20), False), (D(2026, 11, 21), True)])
def test_home_lists_a_plain_probation_from_thirty_days_before_its_year_ends(world, login, frozen, today, listed):
    world.make_member(world.a1, name="孙预备", party_status="probationary", joined_on=D(2025, 12, 21),
                      confirmed_on=None)
    frozen.move_to(beijing_noon(today))
    assert ("孙预备" in _due_names(login(world.admin))) is listed


def test_the_list_shows_the_extension_beside_the_next_step(world, login, extended, django_assert_max_num_queries):
    client = login(world.admin)
    with django_assert_max_num_queries(11):  # the list's 10, and the extensions of the page's probations
        html = client.get(reverse("recruitment:list")).content.decode()
    assert "22. " in html
    assert "预备期已延长6个月" in html and "至2027年1月20日届满" in html


def test_the_measure_gives_the_extended_end_once_the_extension_is_approved(world, extended):
    measure = measures.get("recruitment.probation.ends_on")
    member = Member.objects.filter(pk=extended.member_id)
    assert measure(member, Period.year(2026)) == {extended.member_id: D(2027, 1, 20)}
    # Before the approval (15 August 2026) the probation still ended on the plain year.
    assert measure(member, Period.month(2026, 7)) == {extended.member_id: D(2026, 7, 20)}


@pytest.mark.parametrize("months", [0, 6, 12])
@pytest.mark.parametrize("horizon", [D(2027, 2, 28), D(2028, 2, 29), D(2027, 8, 31), D(2027, 3, 1)])
def test_latest_joined_is_the_last_day_whose_probation_ends_by_the_horizon(months, horizon):
    limits = rules.Limits()
    day = probation.latest_joined(horizon, months, limits)
    assert probation.probation_ends_on(day, months, limits) <= horizon
    assert probation.probation_ends_on(day + dt.timedelta(days=1), months, limits) > horizon
