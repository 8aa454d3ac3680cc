"""民主评议 measures against hand-built rounds: done only when confirmed, begun with a draft, 不合格 awaiting a
处置, each member's rating; the statistics page's figures over each org's subtree (rounds, ratings, 处置, the 优秀
share at its one-third boundary); refusals of other periods; query counts flat in the number of orgs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.appraisal import actions
from dangjian.appraisal.choices import FollowUpKind, FollowUpOutcome, Rating
from dangjian.appraisal.measures import Rounds
from dangjian.core import measures
from dangjian.core.measures import PeriodNotSupported
from dangjian.lib.periods import Period
from dangjian.members.models import Member
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import Organization, OrgKind
from tests.appraisal.conftest import confirmed, draft, grow
from tests.core.test_measures_registry import api

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


# --- over each org's subtree: the statistics page's figures -------------------------------------------------------

SUBTREE_KEYS = ["appraisal.rounds.confirmed", "appraisal.ratings", "appraisal.unqualified.pending.subtree",
                "appraisal.followups", "appraisal.excellent.over"]


def _b_confirmed(world):
    other = world.make_member(world.b, name="孙三支")
    appraisal = draft(world, org=world.b, participants=1)
    actions.set_results(appraisal, actor=world.admin, entries=[
        {"member": world.b_member.pk, "rating": Rating.QUALIFIED}, {"member": other.pk, "rating": Rating.EXCELLENT}])
    actions.confirm_round(appraisal, actor=world.admin)
    return appraisal


@time_machine.travel(LATE_2025, tick=False)
def test_rounds_confirmed_counts_rounds_not_branches_and_drafts_apart(world):
    grow(world, 2)
    confirmed(world, ratings=[Rating.EXCELLENT, Rating.QUALIFIED, Rating.UNQUALIFIED])
    draft(world, org=world.a2)
    _b_confirmed(world)
    create_org(actor=world.admin, parent=world.root, name="无党员支部", kind=OrgKind.BRANCH)  # owes nothing
    rounds = measures.get("appraisal.rounds.confirmed")(everything(), Period.year(2025))
    assert rounds[world.root.pk] == Rounds(owing=3, confirmed=2, drafts=1, participants=4)
    assert rounds[world.general.pk] == Rounds(owing=2, confirmed=1, drafts=1, participants=3)
    assert rounds[world.general.pk].percent == "50.0%" and str(rounds[world.general.pk]) == "1"
    assert rounds[world.a2.pk] == Rounds(owing=1, drafts=1, participants=0)
    assert rounds[world.a1_group.pk] == Rounds()  # every org asked answers, a group with nothing below it too
    assert measures.get("appraisal.rounds.confirmed")(everything(), Period.year(2024))[world.root.pk] == Rounds(3)


@time_machine.travel(LATE_2025, tick=False)
def test_ratings_count_confirmed_results_up_the_tree_and_a_draft_none(world):
    grow(world, 2)
    confirmed(world, ratings=[Rating.EXCELLENT, Rating.QUALIFIED, Rating.UNQUALIFIED])
    _b_confirmed(world)
    a2_draft = draft(world, org=world.a2)
    actions.set_results(a2_draft, actor=world.admin, entries=[
        {"member": world.a2_member.pk, "rating": Rating.EXCELLENT}])
    given = measures.get("appraisal.ratings")(everything(), Period.year(2025))
    assert given[world.root.pk].by_rating == {Rating.EXCELLENT: 2, Rating.QUALIFIED: 2, Rating.UNQUALIFIED: 1}
    assert given[world.general.pk].by_rating == {Rating.EXCELLENT: 1, Rating.QUALIFIED: 1, Rating.UNQUALIFIED: 1}
    assert given[world.a2.pk].appraised == 0 and given[world.a2.pk].by_rating == {}
    assert given[world.b.pk].appraised == 2 and str(given[world.b.pk]) == "优秀1人、合格1人"


@time_machine.travel(LATE_2025, tick=False)
def test_unqualified_pending_over_the_subtree_beside_the_direct_one(world):
    grow(world, 2)
    appraisal = confirmed(world, ratings=[Rating.EXCELLENT, Rating.QUALIFIED, Rating.UNQUALIFIED])
    year = Period.year(2025)
    subtree = measures.get("appraisal.unqualified.pending.subtree")(everything(), year)
    assert {k: v for k, v in subtree.items() if v} == {world.root.pk: 1, world.general.pk: 1, world.a1.pk: 1}
    assert measures.get("appraisal.unqualified.pending")(everything(), year) == {world.a1.pk: 1}
    actions.record_followup(appraisal.results.get(rating=Rating.UNQUALIFIED), actor=world.admin, data={
        "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": dt.date(2026, 6, 1)})
    assert not any(measures.get("appraisal.unqualified.pending.subtree")(everything(), year).values())


@time_machine.travel(LATE_2025, tick=False)
def test_followups_by_kind_open_then_closed(world):
    grow(world, 2)
    appraisal = confirmed(world, ratings=[Rating.EXCELLENT, Rating.QUALIFIED, Rating.UNQUALIFIED])
    done = measures.get("appraisal.followups")
    assert done(everything(), Period.year(2025))[world.root.pk].by_kind == {}
    followup = actions.record_followup(appraisal.results.get(rating=Rating.UNQUALIFIED), actor=world.admin, data={
        "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": dt.date(2026, 6, 1)})
    values = done(everything(), Period.year(2025))
    assert values[world.root.pk].by_kind == {FollowUpKind.CORRECTION: {"total": 1, "open": 1, "closed": 0}}
    assert values[world.b.pk].by_kind == {} and values[world.root.pk].left == 0
    actions.close_followup(followup, actor=world.admin, outcome=FollowUpOutcome.CORRECTED,
                           closed_on=dt.date(2025, 12, 19))
    closed = done(everything(), Period.year(2025))[world.a1.pk]
    assert closed.by_kind == {FollowUpKind.CORRECTION: {"total": 1, "open": 0, "closed": 1}} and closed.left == 0


@pytest.mark.parametrize(("ratings", "over"), [
    ([Rating.EXCELLENT, Rating.QUALIFIED, Rating.QUALIFIED], 0),  # exactly a third is within
    ([Rating.EXCELLENT, Rating.EXCELLENT, Rating.QUALIFIED], 1),  # one more is over
])
@time_machine.travel(LATE_2025, tick=False)
def test_excellent_over_the_share_at_a_third(world, ratings, over):
    grow(world, 2)
    confirmed(world, ratings=ratings)
    _b_confirmed(world)  # 1 of 2 优秀: over too
    values = measures.get("appraisal.excellent.over")(everything(), Period.year(2025))
    assert (values[world.a1.pk], values[world.general.pk], values[world.root.pk]) == (over, over, over + 1)
    assert values[world.b.pk] == 1 and values[world.a2.pk] == 0


@pytest.mark.parametrize("key", SUBTREE_KEYS)
@time_machine.travel(LATE_2025, tick=False)
def test_subtree_query_counts_stay_flat_from_two_orgs_to_many(world, key, django_assert_max_num_queries):
    grow(world, 2)
    confirmed(world, ratings=[Rating.EXCELLENT, Rating.EXCELLENT, Rating.UNQUALIFIED])
    measure = measures.get(key)
    with CaptureQueriesContext(connection) as ctx:
        measure(Organization.objects.filter(pk__in=[world.a1.pk, world.b.pk]), Period.year(2025))
    for i in range(10):
        org = create_org(actor=world.admin, parent=world.general, name=f"新增支部{i}", kind=OrgKind.BRANCH)
        world.make_member(org, name="新增" + "甲乙丙丁戊己庚辛壬癸"[i])
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        values = measure(everything(), Period.year(2025))
    assert len(values) == Organization.objects.count()


@time_machine.travel(LATE_2025, tick=False)
def test_subtree_measures_refuse_a_half_year_and_a_future_year(world):
    for key in SUBTREE_KEYS:
        with pytest.raises(PeriodNotSupported):
            measures.get(key)(everything(), Period.half(2025, 2))
        with pytest.raises(PeriodNotSupported, match="尚未开始"):
            measures.get(key)(everything(), Period.year(2026))


@time_machine.travel(LATE_2025, tick=False)
def test_the_measures_api_gives_a_subtree_figure_with_its_parts(world):
    grow(world, 2)
    confirmed(world, ratings=[Rating.EXCELLENT, Rating.QUALIFIED, Rating.UNQUALIFIED])
    body = api(world.admin).get(f"/api/v1/measures/appraisal.rounds.confirmed/?period=2025&org={world.general.pk}")
    values = {r["id"]: r for r in body.json()["results"]}
    assert values[world.general.pk]["value"] == {"owing": 2, "confirmed": 1, "drafts": 0, "participants": 3}
    assert values[world.general.pk]["display"] == "1"
    ratings = api(world.admin).get(f"/api/v1/measures/appraisal.ratings/?period=2025&org={world.a1.pk}").json()
    assert {r["id"]: r["value"]["appraised"] for r in ratings["results"]} == {world.a1.pk: 3, world.a1_group.pk: 0}


@time_machine.travel(LATE_2025, tick=False)
def test_the_rating_query_count_stays_flat_from_one_member_to_many(world, django_assert_max_num_queries):
    added = grow(world, 6)
    confirmed(world, ratings=[Rating.EXCELLENT] + [Rating.QUALIFIED] * 6)
    rating = measures.get("appraisal.rating")
    with CaptureQueriesContext(connection) as ctx:
        one = rating(Member.objects.filter(pk=added[0].pk), Period.year(2025))
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        many = rating(Member.objects.all(), Period.year(2025))
    assert len(one) == 1 and len(many) == 7
