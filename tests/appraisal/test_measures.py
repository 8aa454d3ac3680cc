"""民主评议 measures against hand-built rounds: done only when confirmed, begun with a draft, 不合格 awaiting a
处置, each member's rating; refusals of other periods; query counts flat in the number of orgs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.appraisal import actions
from dangjian.appraisal.choices import FollowUpKind, Rating
from dangjian.core import measures
from dangjian.core.measures import PeriodNotSupported
from dangjian.lib.periods import Period
from dangjian.members.models import Member
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import Organization, OrgKind
from tests.appraisal.conftest import confirmed, draft, grow

LATE_2025 = dt.datetime(2025, 12, 20, 4, tzinfo=dt.UTC)


def everything():
    return Organization.objects.all()


@time_machine.travel(LATE_2025, tick=False)
def test_done_only_when_confirmed_and_begun_with_a_draft(world):
    grow(world, 2)
    confirmed(world, ratings=[Rating.EXCELLENT, Rating.QUALIFIED, Rating.UNQUALIFIED])
    draft(world, org=world.a2)
    year = Period.year(2025)
    assert measures.get("appraisal.round.done")(everything(), year) == {
        world.a1.pk: True, world.a2.pk: False, world.b.pk: False}
    assert measures.get("appraisal.round.begun")(everything(), year) == {
        world.a1.pk: True, world.a2.pk: True, world.b.pk: False}
    assert measures.get("appraisal.round.done")(everything(), Period.year(2024))[world.a1.pk] is False


@time_machine.travel(LATE_2025, tick=False)
def test_unqualified_awaiting_a_followup_and_the_members_ratings(world):
    grow(world, 2)
    appraisal = confirmed(world, ratings=[Rating.EXCELLENT, Rating.QUALIFIED, Rating.UNQUALIFIED])
    pending = measures.get("appraisal.unqualified.pending")
    assert pending(everything(), Period.year(2025)) == {world.a1.pk: 1}
    result = appraisal.results.get(rating=Rating.UNQUALIFIED)
    actions.record_followup(result, actor=world.admin, data={
        "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": dt.date(2026, 6, 1)})
    assert pending(everything(), Period.year(2025)) == {}
    ratings = measures.get("appraisal.rating")(Member.objects.all(), Period.year(2025))
    assert sorted(ratings.values()) == sorted([Rating.EXCELLENT, Rating.QUALIFIED, Rating.UNQUALIFIED])
    assert result.member_id in ratings and world.b_member.pk not in ratings


@time_machine.travel(LATE_2025, tick=False)
def test_a_draft_gives_no_rating(world):
    draft(world)
    assert measures.get("appraisal.rating")(Member.objects.all(), Period.year(2025)) == {}


@time_machine.travel(LATE_2025, tick=False)
def test_yearly_only_and_not_a_future_year(world):
    with pytest.raises(PeriodNotSupported):
        measures.get("appraisal.round.done")(everything(), Period.half(2025, 2))
    with pytest.raises(PeriodNotSupported, match="尚未开始"):
        measures.get("appraisal.round.done")(everything(), Period.year(2026))


@pytest.mark.parametrize("key", ["appraisal.round.done", "appraisal.round.begun", "appraisal.unqualified.pending"])
@time_machine.travel(LATE_2025, tick=False)
def test_query_count_does_not_grow_with_the_orgs(world, key, django_assert_max_num_queries):
    measure = measures.get(key)
    with CaptureQueriesContext(connection) as ctx:
        measure(Organization.objects.filter(pk=world.a1.pk), Period.year(2025))
    for i in range(10):
        org = create_org(actor=world.admin, parent=world.general, name=f"新增支部{i}", kind=OrgKind.BRANCH)
        world.make_member(org, name="新增" + "甲乙丙丁戊己庚辛壬癸"[i])
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        values = measure(everything(), Period.year(2025))
    assert key == "appraisal.unqualified.pending" or len(values) >= 12
