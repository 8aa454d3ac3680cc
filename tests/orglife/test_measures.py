"""orglife's measures against hand-built records at their boundaries, their agreement with the 落实率 roll-up, and
query counts that do not grow with the number of orgs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core import measures
from dangjian.core.measures import PeriodNotSupported, Ratio
from dangjian.lib.periods import Period
from dangjian.orglife import compliance
from dangjian.orglife.choices import MeetingKind
from dangjian.orgs.models import Organization, OrgKind
from tests.orglife.test_compliance_queries import branch, give_committee, meeting

D = dt.date
K = MeetingKind
TODAY = dt.datetime(2025, 4, 10, 4, tzinfo=dt.UTC)  # 2025-04-10 in Beijing


def orgs_of(world):
    return Organization.objects.visible_to(world.admin)


@time_machine.travel(TODAY, tick=False)
def test_meeting_rate_counts_ended_obligations_held(world):
    give_committee(world, world.a1)
    meeting(world.a1, D(2025, 1, 6), K.THEME_DAY, K.COMMITTEE_MEETING)
    meeting(world.a1, D(2025, 2, 6), K.THEME_DAY)
    meeting(world.a1, D(2025, 2, 20), K.THEME_DAY)  # twice in a month: one obligation
    meeting(world.a1, D(2025, 3, 31), K.BRANCH_ASSEMBLY)  # the quarter's last day
    meeting(world.a1, D(2025, 4, 1), K.PARTY_LECTURE)  # Q2 has not ended: neither owed nor counted
    meeting(world.a2, D(2025, 3, 6), K.THEME_DAY, submitted=False)  # a draft does not count
    rate = measures.get("orglife.meetings.rate")
    values = rate(orgs_of(world), Period.year(2025))
    # a1 owes Jan–Mar 主题党日 and 支委会 (it has a committee), Q1 党员大会 and 党课: 8; held Jan and Feb
    # 主题党日, the January 支委会 and the Q1 党员大会.
    assert values[world.a1.pk] == Ratio(4, 8)
    assert values[world.a2.pk] == Ratio(0, 5)  # no committee: 3 主题党日, 党员大会, 党课
    assert values[world.a1_group.pk] == Ratio(0, 3)
    assert world.root.pk not in values and world.general.pk not in values  # 党委 and 党总支 owe no meetings
    assert rate(orgs_of(world), Period.month(2025, 2))[world.a1.pk] == Ratio(1, 2)
    assert rate(orgs_of(world), Period.quarter(2025, 1))[world.a1.pk] == Ratio(4, 8)
    assert rate(orgs_of(world), Period.month(2025, 4))[world.a1.pk] == Ratio(0, 0)  # nothing ended yet
    assert rate(orgs_of(world), Period.half(2025, 1))[world.a1.pk] == Ratio(4, 8)


@time_machine.travel(TODAY, tick=False)
def test_meeting_rate_owes_only_the_periods_an_org_existed_at_the_end_of(world):
    late = branch(world, world.root, "新支部", founded_on=D(2025, 2, 15))
    gone = branch(world, world.root, "撤销支部")
    Organization.objects.filter(pk=gone.pk).update(dissolved_on=D(2025, 2, 28))
    meeting(late, D(2025, 2, 20), K.THEME_DAY)
    meeting(gone, D(2025, 2, 10), K.THEME_DAY)  # dissolved on the month's last day: not owed, not counted
    values = measures.get("orglife.meetings.rate")(orgs_of(world), Period.quarter(2025, 1))
    assert values[late.pk] == Ratio(1, 2 + 1 + 1)  # Feb, Mar 主题党日; Q1 党员大会, 党课
    assert values[gone.pk] == Ratio(0, 1)  # January only


@time_machine.travel(TODAY, tick=False)
def test_meeting_rates_add_up_to_the_rollup_by_level(world):
    give_committee(world, world.a1)
    meeting(world.a1, D(2025, 1, 6), K.THEME_DAY, K.COMMITTEE_MEETING)
    meeting(world.a2, D(2025, 1, 9), K.THEME_DAY, K.COMMITTEE_MEETING)
    meeting(world.b, D(2025, 3, 3), K.BRANCH_ASSEMBLY)
    meeting(world.a1_group, D(2025, 2, 3), K.GROUP_MEETING)
    rate = measures.get("orglife.meetings.rate")
    values = rate(orgs_of(world), Period.year(2025))
    summary = rate.total(orgs_of(world), Period.year(2025))
    depth = dict(Organization.objects.values_list("pk", "depth"))
    for level in summary.by_level:
        added = sum((v for pk, v in values.items() if depth[pk] == level.depth), Ratio())
        assert added == Ratio(level.done, level.applicable)


@time_machine.travel(TODAY, tick=False)
def test_the_rollup_summary_takes_only_a_year_that_has_begun(world):
    rate = measures.get("orglife.meetings.rate")
    with pytest.raises(PeriodNotSupported):
        rate.total(orgs_of(world), Period.quarter(2025, 1))
    with pytest.raises(PeriodNotSupported, match="尚未开始"):
        rate.total(orgs_of(world), Period.year(2026))
    with pytest.raises(PeriodNotSupported, match="尚未开始"):
        rate(orgs_of(world), Period.month(2025, 5))


@time_machine.travel(TODAY, tick=False)
def test_overdue_counts_obligations_ended_in_the_period_and_not_held(world):
    give_committee(world, world.b)
    for month in (1, 2, 3):
        meeting(world.a1, D(2025, month, 20), K.THEME_DAY)
        meeting(world.a2, D(2025, month, 25), K.THEME_DAY)
    meeting(world.a1, D(2025, 3, 21), K.BRANCH_ASSEMBLY, K.PARTY_LECTURE)
    meeting(world.a2, D(2025, 3, 26), K.BRANCH_ASSEMBLY)
    overdue = measures.get("orglife.meetings.overdue")
    window = Period.range(D(2025, 1, 1), D(2025, 3, 31))
    values = overdue(orgs_of(world), window)
    assert values == {world.a1.pk: 0, world.a2.pk: 1, world.b.pk: 8}  # b: 3 theme + 3 committee + assembly + lecture
    assert overdue(orgs_of(world), Period.month(2025, 3))[world.b.pk] == 2 + 2  # March's two, Q1's two
    assert overdue(orgs_of(world), Period.month(2025, 4))[world.b.pk] == 0  # April has not ended


@time_machine.travel(TODAY, tick=False)
def test_silent_at_29_30_and_31_days_and_on_a_past_periods_last_day(world):
    meeting(world.a1, D(2025, 3, 12), K.THEME_DAY)   # 29 days before 10 April
    meeting(world.a2, D(2025, 3, 11), K.THEME_DAY)   # 30 days
    meeting(world.b, D(2025, 3, 10), K.THEME_DAY)    # 31 days
    silent = measures.get("orglife.silent")
    assert silent(orgs_of(world), Period.month(2025, 4)) == {world.a1.pk: False, world.a2.pk: True, world.b.pk: True}
    # On 28 February nobody had met since the world's founding long ago: all silent then.
    assert silent(orgs_of(world), Period.month(2025, 2)) == {world.a1.pk: True, world.a2.pk: True, world.b.pk: True}


@time_machine.travel(TODAY, tick=False)
def test_a_branch_founded_less_than_the_silent_days_ago_is_not_silent(world):
    Organization.objects.filter(pk=world.a1.pk).update(founded_on=D(2025, 3, 12))
    values = measures.get("orglife.silent")(orgs_of(world), Period.month(2025, 4))
    assert values[world.a1.pk] is False


def pending(world, on, period=None):
    """{org id: [(kind, period key, status)]} of `orglife.meetings.pending` on `on` (Beijing noon)."""
    with time_machine.travel(dt.datetime(on.year, on.month, on.day, 4, tzinfo=dt.UTC), tick=False):
        values = measures.get("orglife.meetings.pending")(orgs_of(world), period or Period.range(on, on))
    return {pk: [(o.kind, o.period.key, o.status.value) for o in v] for pk, v in values.items()}


def _keep_a1_up_to_date(world):
    """a1 holds everything owed up to March 2025, so only what falls due after is pending."""
    meeting(world.a1, D(2024, 12, 10), K.LIFE_MEETING, K.MEMBER_REVIEW)
    meeting(world.a1, D(2025, 3, 10), K.THEME_DAY, K.BRANCH_ASSEMBLY, K.PARTY_LECTURE)
    meeting(world.a1_group, D(2025, 3, 12), K.GROUP_MEETING)


def test_pending_is_due_soon_from_seven_days_before_the_end_and_overdue_for_the_previous_period(world):
    _keep_a1_up_to_date(world)
    assert pending(world, D(2025, 4, 22))[world.a1.pk] == []  # April's 主题党日 still open
    assert pending(world, D(2025, 4, 23))[world.a1.pk] == [(K.THEME_DAY, "2025-04", "due_soon")]
    assert pending(world, D(2025, 4, 23))[world.a1_group.pk] == [(K.GROUP_MEETING, "2025-04", "due_soon")]
    # a2 held nothing: the previous month, quarter and year are overdue; no 支委会 without a committee.
    assert pending(world, D(2025, 4, 10))[world.a2.pk] == [
        (K.THEME_DAY, "2025-03", "overdue"), (K.BRANCH_ASSEMBLY, "2025-Q1", "overdue"),
        (K.PARTY_LECTURE, "2025-Q1", "overdue"), (K.LIFE_MEETING, "2024", "overdue"),
        (K.MEMBER_REVIEW, "2024", "overdue"),
    ]
    assert world.root.pk not in pending(world, D(2025, 4, 10))  # a 党委 owes no meetings


def test_pending_on_the_first_and_last_day_of_a_month(world):
    _keep_a1_up_to_date(world)
    meeting(world.a1, D(2025, 4, 30), K.THEME_DAY)
    assert pending(world, D(2025, 4, 30))[world.a1.pk] == []  # held on the last day: done
    assert pending(world, D(2025, 5, 1))[world.a1.pk] == []  # April held, May just begun, Q2 not yet due soon
    assert pending(world, D(2025, 6, 23))[world.a1.pk] == [
        (K.THEME_DAY, "2025-06", "due_soon"), (K.THEME_DAY, "2025-05", "overdue"),
        (K.BRANCH_ASSEMBLY, "2025-Q2", "due_soon"), (K.PARTY_LECTURE, "2025-Q2", "due_soon"),
    ]


def test_the_life_meeting_is_due_soon_from_the_first_of_october(world):
    def life(on):
        return [o for o in pending(world, on)[world.a1.pk] if o[0] == K.LIFE_MEETING]

    assert life(D(2025, 9, 30)) == [(K.LIFE_MEETING, "2024", "overdue")]
    assert life(D(2025, 10, 1)) == [(K.LIFE_MEETING, "2025", "due_soon"), (K.LIFE_MEETING, "2024", "overdue")]


def test_pending_for_a_past_period_is_judged_on_its_last_day_without_later_records(world):
    meeting(world.a2, D(2025, 3, 28), K.BRANCH_ASSEMBLY)  # after 25 March, inside Q1
    on_25 = pending(world, D(2025, 4, 10), Period.range(D(2025, 3, 1), D(2025, 3, 25)))[world.a2.pk]
    assert (K.BRANCH_ASSEMBLY, "2025-Q1", "due_soon") in on_25
    assert (K.BRANCH_ASSEMBLY, "2024-Q4", "overdue") in on_25
    on_31 = pending(world, D(2025, 4, 10), Period.month(2025, 3))[world.a2.pk]
    assert [o for o in on_31 if o[0] == K.BRANCH_ASSEMBLY] == [(K.BRANCH_ASSEMBLY, "2024-Q4", "overdue")]


def test_pending_owes_nothing_before_the_founding_and_the_committee_meeting_only_with_a_committee(world):
    late = branch(world, world.root, "新支部", founded_on=D(2025, 4, 1))
    give_committee(world, world.a1)
    _keep_a1_up_to_date(world)
    values = pending(world, D(2025, 4, 23))
    assert values[late.pk] == [(K.THEME_DAY, "2025-04", "due_soon")]  # nothing of March, Q1 or 2024
    assert values[world.a1.pk] == [
        (K.THEME_DAY, "2025-04", "due_soon"), (K.COMMITTEE_MEETING, "2025-04", "due_soon"),
        (K.COMMITTEE_MEETING, "2025-03", "overdue"),
    ]
    assert pending(world, D(2025, 4, 10), Period.month(2025, 3))[late.pk] == []


@time_machine.travel(dt.datetime(2025, 4, 23, 4, tzinfo=dt.UTC), tick=False)
def test_the_meeting_reminders_are_the_pending_measures_obligations(world):
    from dangjian.core import rules
    from dangjian.orglife.reminders import meeting_items
    from dangjian.orglife.rules import COMPLIANCE_KEYS

    _keep_a1_up_to_date(world)
    values = measures.get("orglife.meetings.pending")(orgs_of(world), Period.month(2025, 4))
    expected = {(pk, o.kind, o.period.key) for pk, v in values.items() for o in v}
    assert len(expected) > 5
    found = {(item.org_id, *item.key.split(":")[2:]) for _path, item in
             meeting_items(D(2025, 4, 23), rules.values(COMPLIANCE_KEYS, D(2025, 4, 23)))}
    assert found == expected


def cells(values, org, kind):
    return [(c.period.key, c.status.value, c.count) for c in values[org.pk].cells[kind]]


@time_machine.travel(TODAY, tick=False)
def test_status_of_each_period_on_the_day_done_overdue_open_and_future(world):
    give_committee(world, world.a1)
    meeting(world.a1, D(2025, 1, 6), K.THEME_DAY, K.COMMITTEE_MEETING)
    meeting(world.a1, D(2025, 2, 1), K.THEME_DAY)
    meeting(world.a1, D(2025, 2, 28), K.THEME_DAY)  # both February days count: two records, one obligation done
    meeting(world.a1, D(2025, 3, 31), K.BRANCH_ASSEMBLY)
    meeting(world.a1, D(2025, 3, 20), K.PARTY_LECTURE, submitted=False)  # a draft does not count
    values = measures.get("orglife.meetings.status")(orgs_of(world), Period.year(2025))
    assert cells(values, world.a1, K.THEME_DAY)[:5] == [
        ("2025-01", "done", 1), ("2025-02", "done", 2), ("2025-03", "overdue", 0), ("2025-04", "open", 0),
        ("2025-05", "future", 0)]
    assert cells(values, world.a1, K.BRANCH_ASSEMBLY)[:2] == [("2025-Q1", "done", 1), ("2025-Q2", "open", 0)]
    assert cells(values, world.a1, K.PARTY_LECTURE)[0] == ("2025-Q1", "overdue", 0)
    assert cells(values, world.a1, K.LIFE_MEETING) == [("2025", "open", 0)]
    assert values[world.a1.pk].has_committee and not values[world.a2.pk].has_committee
    assert {c[1] for c in cells(values, world.a2, K.COMMITTEE_MEETING)} == {"not_applicable"}
    assert {c[1] for c in cells(values, world.a1, K.GROUP_MEETING)} == {"not_applicable"}  # a branch's
    assert cells(values, world.a1_group, K.GROUP_MEETING)[2] == ("2025-03", "overdue", 0)
    assert world.root.pk not in values and world.general.pk not in values
    assert str(values[world.a1.pk]) == "已完成4项，逾期4项"  # Jan ×2, Feb, Q1 assembly; Mar ×2, Feb 支委会, Q1 党课


@time_machine.travel(TODAY, tick=False)
def test_status_is_not_applicable_before_the_founding_and_a_next_year_is_all_future(world):
    late = branch(world, world.root, "新支部", founded_on=D(2025, 2, 15))
    status = measures.get("orglife.meetings.status")
    values = status(orgs_of(world), Period.year(2025))
    assert cells(values, late, K.THEME_DAY)[:3] == [
        ("2025-01", "not_applicable", 0), ("2025-02", "overdue", 0), ("2025-03", "overdue", 0)]
    ahead = status(orgs_of(world), Period.year(2026))
    assert {c[1] for c in cells(ahead, world.a1, K.THEME_DAY)} == {"future"}
    with pytest.raises(PeriodNotSupported):
        status(orgs_of(world), Period.quarter(2025, 1))


@time_machine.travel(TODAY, tick=False)
def test_status_query_count_does_not_grow_with_the_orgs(world, django_assert_max_num_queries):
    status = measures.get("orglife.meetings.status")
    with CaptureQueriesContext(connection) as ctx:
        status(Organization.objects.filter(pk__in=[world.a1.pk, world.a2.pk]), Period.year(2025))
    _grow(world, 12)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        values = status(Organization.objects.all(), Period.year(2025))
    assert len(values) >= 15 and all(cells(values, org, K.THEME_DAY)[0][1] == "done"
                                     for org in Organization.objects.filter(name__startswith="新增支部"))


def _grow(world, n):
    for i in range(n):
        org = branch(world, world.general, f"新增支部{i}", kind=OrgKind.BRANCH)
        meeting(org, D(2025, 1, 5), K.THEME_DAY)


@pytest.mark.parametrize("key", ["orglife.meetings.rate", "orglife.meetings.overdue", "orglife.silent",
                                 "orglife.meetings.pending"])
@time_machine.travel(TODAY, tick=False)
def test_query_count_does_not_grow_with_the_orgs(world, key, django_assert_max_num_queries):
    measure = measures.get(key)
    few = Organization.objects.filter(pk__in=[world.a1.pk, world.a2.pk])
    with CaptureQueriesContext(connection) as ctx:
        measure(few, Period.quarter(2025, 1))
    _grow(world, 12)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        values = measure(Organization.objects.all(), Period.quarter(2025, 1))
    assert len(values) >= 14


@time_machine.travel(TODAY, tick=False)
def test_the_health_page_shows_the_measures_values_with_queries_flat_in_the_branches(world, django_assert_max_num_queries):
    """红黄绿 reads `orglife.meetings.overdue` over the last three complete months and `orglife.silent` today."""
    meeting(world.a1, D(2025, 3, 12), K.THEME_DAY)
    with CaptureQueriesContext(connection) as ctx:
        health = compliance.branch_health(world.admin, world.general)
    overdue = measures.get("orglife.meetings.overdue")(orgs_of(world), Period.range(D(2025, 1, 1), D(2025, 3, 31)))
    silent = measures.get("orglife.silent")(orgs_of(world), Period.month(2025, 4))
    assert {h.org.pk: (h.overdue, h.silent) for h in health} == {
        pk: (overdue[pk], silent[pk]) for pk in (world.a1.pk, world.a2.pk)}
    _grow(world, 12)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert len(compliance.branch_health(world.admin, world.general)) == 14


def _secretary(world, org, name):
    from dangjian.leadership.actions import appoint
    from dangjian.leadership.models import Post

    member = world.make_member(org, name=name)
    appoint(org, actor=world.admin, member=member, post=Post.SECRETARY, starts_on=D(2024, 1, 1))
    return member


def _talk(org, day, a, b):
    from dangjian.orglife.models import HeartTalk

    HeartTalk.objects.create(org=org, held_on=day, initiator=a, counterpart=b, topic="谈话")


@pytest.mark.parametrize(("today", "status"), [
    (dt.datetime(2025, 9, 30, 4, tzinfo=dt.UTC), "open"),        # before the reminder month (October)
    (dt.datetime(2025, 10, 1, 4, tzinfo=dt.UTC), "due_soon"),
    (dt.datetime(2026, 1, 1, 4, tzinfo=dt.UTC), "overdue"),      # the year is over
])
def test_talk_coverage_counts_pairs_in_the_year_either_way_round(world, today, status):
    secretary = _secretary(world, world.a1, "支书甲")
    other = world.make_member(world.a1, name="党员乙")
    _talk(world.a1, D(2025, 1, 1), world.member, secretary)  # the year's first day, the other way round
    _talk(world.a1, D(2024, 12, 31), secretary, other)       # last year's: does not count
    with time_machine.travel(today, tick=False):
        values = measures.get("orglife.talks.coverage")(orgs_of(world), Period.year(2025))
    a1 = values[world.a1.pk]
    assert (a1.committee, a1.roll, a1.owed, a1.covered, a1.talks) == (1, 3, 2, 1, 1)
    assert a1.status.value == status
    assert values[world.a2.pk].status.value == "not_applicable"  # no committee member: nothing owed
    assert world.a1_group.pk not in values and world.general.pk not in values  # branches only
    assert measures.plain(a1)["covered"] == 1 and str(a1) == "50%"


@time_machine.travel(dt.datetime(2025, 6, 16, 4, tzinfo=dt.UTC), tick=False)
def test_talk_coverage_query_count_does_not_grow_with_the_branches(world, django_assert_max_num_queries):
    coverage = measures.get("orglife.talks.coverage")
    _secretary(world, world.a1, "支书甲")
    with CaptureQueriesContext(connection) as ctx:
        coverage(Organization.objects.filter(pk__in=[world.a1.pk, world.a2.pk]), Period.year(2025))
    for i in range(8):
        org = branch(world, world.general, f"新增支部{i}")
        _secretary(world, org, "支书" + "甲乙丙丁戊己庚辛"[i])
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        values = coverage(Organization.objects.all(), Period.year(2025))
    assert len(values) >= 11 and all(v.committee == 1 for k, v in values.items() if k not in (world.a2.pk, world.b.pk))
