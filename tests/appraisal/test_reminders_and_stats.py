"""Reminders of 民主评议党员 with frozen time at each boundary (a 限期改正 due, passed without a result, closed; a
不合格 without 处置; the yearly round missing from October), the 党内统计 summary over a subtree in a fixed number
of queries, and the member record section (managers and the member themselves, nobody else)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dangjian.accounts.models import User
from dangjian.appraisal import actions, stats
from dangjian.appraisal.choices import FollowUpKind, FollowUpOutcome, Rating
from dangjian.appraisal.reminders import appraisal_items
from dangjian.appraisal.views import member_section
from dangjian.reminders.generate import _in_subtrees, recipients
from dangjian.reminders.models import ReminderKind
from tests.appraisal.conftest import DAY, confirmed, draft, grow

K = ReminderKind.APPRAISAL_FOLLOWUP


def travel(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(4), tzinfo=dt.UTC), tick=False)


def keys(today: dt.date) -> set[str]:
    return {item.key for _path, item in appraisal_items(today)}


def with_correction(world, deadline: dt.date):
    grow(world, 2)
    with travel(dt.date(2025, 12, 20)):
        appraisal = confirmed(world, ratings=[Rating.UNQUALIFIED, Rating.QUALIFIED, Rating.QUALIFIED])
        result = appraisal.results.get(rating=Rating.UNQUALIFIED)
        followup = actions.record_followup(result, actor=world.admin, data={
            "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": deadline})
    return followup


def test_a_correction_is_reminded_thirty_days_before_its_deadline_and_again_once_it_has_passed(world):
    followup = with_correction(world, dt.date(2026, 6, 30))
    due, late = f"{K}:correction:{followup.pk}:due", f"{K}:correction:{followup.pk}:overdue"
    assert due not in keys(dt.date(2026, 5, 30)) and late not in keys(dt.date(2026, 5, 30))
    assert due in keys(dt.date(2026, 5, 31))
    assert due in keys(dt.date(2026, 6, 30)) and late not in keys(dt.date(2026, 6, 30))
    assert late in keys(dt.date(2026, 7, 1)) and due not in keys(dt.date(2026, 7, 1))
    item = next(i for _p, i in appraisal_items(dt.date(2026, 7, 1)) if i.key == late)
    assert item.title == "第一党支部成员甲的限期改正已于2026年6月30日到期，请登记改正结果或作出进一步处置"
    with travel(dt.date(2026, 7, 2)):
        actions.close_followup(followup, actor=world.admin, outcome=FollowUpOutcome.CORRECTED,
                               closed_on=dt.date(2026, 7, 2))
    assert late not in keys(dt.date(2026, 7, 2))


def test_the_job_hands_the_passed_deadline_to_the_branch_managers_only(world):
    """The hand-off the reminder job does (users by change roots over the item's org path), on these items."""
    followup = with_correction(world, dt.date(2026, 6, 30))
    entries = sorted(appraisal_items(dt.date(2026, 7, 1)), key=lambda e: e[0])
    paths = [p for p, _ in entries]
    key = f"{K}:correction:{followup.pk}:overdue"
    holders = {
        User.objects.get(pk=uid).username for uid, who in recipients().items()
        if key in {i.key for i in _in_subtrees(paths, entries, who.change_roots)}
    }
    assert holders == {"admin", "secretary"}


def test_an_unqualified_member_without_followup_is_reminded_until_one_is_recorded(world):
    grow(world, 2)
    with travel(dt.date(2025, 12, 20)):
        appraisal = confirmed(world, ratings=[Rating.UNQUALIFIED, Rating.QUALIFIED, Rating.QUALIFIED])
        result = appraisal.results.get(rating=Rating.UNQUALIFIED)
        assert f"{K}:pending:{result.pk}" in keys(dt.date(2025, 12, 20))
        actions.record_followup(result, actor=world.admin, data={
            "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 20), "deadline": dt.date(2026, 12, 1)})
        assert f"{K}:pending:{result.pk}" not in keys(dt.date(2025, 12, 20))


def test_the_yearly_round_is_reminded_from_october_for_branches_with_members_without_one(world):
    key_a1, key_a2 = f"{K}:round:{world.a1.pk}:2025", f"{K}:round:{world.a2.pk}:2025"
    assert key_a1 not in keys(dt.date(2025, 9, 30))
    assert {key_a1, key_a2, f"{K}:round:{world.b.pk}:2025"} <= keys(dt.date(2025, 10, 1))
    with travel(DAY):
        draft(world)  # a draft counts as begun
    assert key_a1 not in keys(dt.date(2025, 12, 20)) and key_a2 in keys(dt.date(2025, 12, 20))
    assert not any(k.startswith(f"{K}:round:") and k.endswith(":2026") for k in keys(dt.date(2026, 1, 5)))


def test_summary_counts_a_subtree_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    grow(world, 5)  # A1: six members
    b2 = world.make_member(world.b, name="孙三支")
    with travel(dt.date(2025, 12, 20)):
        a1 = confirmed(world, ratings=[Rating.EXCELLENT] * 3 + [Rating.QUALIFIED, Rating.BASIC, Rating.UNQUALIFIED])
        draft(world, org=world.a2)
        confirmed_b = draft(world, org=world.b, participants=1)
        actions.set_results(confirmed_b, actor=world.admin, entries=[
            {"member": world.b_member.pk, "rating": Rating.QUALIFIED}, {"member": b2.pk, "rating": Rating.QUALIFIED}])
        actions.confirm_round(confirmed_b, actor=world.admin)
        result = a1.results.get(rating=Rating.UNQUALIFIED)
        actions.record_followup(result, actor=world.admin, data={
            "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": dt.date(2026, 6, 1)})
    with django_assert_max_num_queries(7):
        s = stats.summary(world.general, 2025)
    assert (s.branches, s.held, s.drafts, s.appraised, s.participants) == (2, 1, 1, 6, 6)
    assert s.by_rating == {Rating.EXCELLENT: 3, Rating.QUALIFIED: 1, Rating.BASIC: 1, Rating.UNQUALIFIED: 1}
    assert (s.unqualified, s.handled, s.unqualified_pending, s.over_share) == (1, 1, 0, 1)
    assert s.followups[FollowUpKind.CORRECTION] == {"total": 1, "open": 1, "closed": 0}
    whole = stats.summary(world.root, 2025)
    assert (whole.branches, whole.held, whole.appraised, whole.participants) == (3, 2, 8, 7)
    assert stats.summary(world.b, 2024).appraised == 0


def test_the_member_section_shows_confirmed_results_to_managers_and_the_member_only(world):
    grow(world, 2)
    with travel(dt.date(2025, 12, 20)):
        confirmed(world, ratings=[Rating.QUALIFIED, Rating.QUALIFIED, Rating.EXCELLENT])  # 李党员 sorts last
        draft(world, day=dt.date(2025, 1, 10), year=2024)  # a draft is not shown
    for user in (world.admin, world.secretary, world.viewer, world.member_user):
        section = member_section(world.member, user)
        assert [(r.round.year, r.rating) for r in section["appraisal_results"]] == [(2025, Rating.EXCELLENT)]
    assert member_section(world.member, world.outsider)["appraisal_results"] == []
    assert member_section(world.member, world.member_user)["appraisal_links"] is False


@pytest.mark.parametrize("user", ["admin", "member_user"])
def test_the_member_section_renders(world, user):
    from django.template.loader import render_to_string

    with travel(dt.date(2025, 12, 20)):
        confirmed(world, ratings=[Rating.QUALIFIED])
    html = render_to_string("appraisal/member_section.html", member_section(world.member, getattr(world, user)))
    assert "民主评议" in html and "合格" in html and "2025" in html
