"""The demo loader on the fixed world: one confirmed round per branch for last year on the day's roll, votes
within the participants, one 不合格 with a 限期改正 still running, one branch over the 1/3 优秀 line."""

from __future__ import annotations

import datetime as dt

import time_machine

from dangjian.appraisal import actions, demo, rules
from dangjian.appraisal.choices import FollowUpKind, Rating, RoundStatus
from dangjian.appraisal.models import AppraisalResult, AppraisalRound, FollowUp
from dangjian.appraisal.reminders import appraisal_items
from tests.appraisal.conftest import grow

TODAY = dt.date(2026, 11, 22)


def test_the_demo_holds_a_realistic_confirmed_round_for_each_branch_last_year(world):
    grow(world, 10)  # A1 big enough (11) for the branch over the line to be a real one
    with time_machine.travel(dt.datetime(2026, 11, 22, 4, tzinfo=dt.UTC), tick=False):
        line = demo.load(seed=1921, today=TODAY)
    rounds = list(AppraisalRound.objects.select_related("org"))
    assert {r.org_id for r in rounds} == {world.a1.pk, world.a2.pk, world.b.pk}
    assert all(r.year == 2025 and r.status == RoundStatus.CONFIRMED and r.held_on.month == 12 for r in rounds)
    for r in rounds:
        assert sorted(r.results.values_list("member_id", flat=True)) == sorted(m.pk for m in actions.roll(r.org, r.held_on))
        assert all(x.votes_total <= r.participants and x.rating for x in r.results.all())
    assert sum(actions.excellent_check(r).over for r in rounds) >= 1
    assert AppraisalResult.objects.filter(rating=Rating.UNQUALIFIED).count() == 1
    followup = FollowUp.objects.get()
    assert followup.kind == FollowUpKind.CORRECTION and followup.is_open and followup.deadline > TODAY
    # the general year (appraisal.correction_months), unless that is already too close to today
    assert followup.deadline == max(rules.default_deadline(followup.decided_on, 12), TODAY + dt.timedelta(days=20))
    assert AppraisalResult.objects.filter(member=world.member, rating=Rating.UNQUALIFIED).count() == 0
    assert "2025年度3个党支部已确认" in line and "限期改正进行中1人" in line
    # the round for this year is not held yet: from October each branch is reminded
    assert any(item.key.endswith(f":{world.a1.pk}:2026") for _p, item in appraisal_items(TODAY))
