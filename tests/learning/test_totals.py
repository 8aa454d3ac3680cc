"""学时 targets and totals: the pure rules at their boundaries, and the set-based totals, shortfalls and roll-ups
with frozen time (the year a session counts in, 32.0 against 31.9, the leaders' 56 学时 and 集中培训)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from dangjian.core.models import RuleParameter
from dangjian.leadership.models import Post, PostHolding
from dangjian.learning import measures, rules
from dangjian.learning.choices import SessionKind
from dangjian.learning.rules import Targets, hours_errors, standing
from dangjian.members.actions import transfer_member
from tests.learning.conftest import direct_session

T = Targets(Decimal(32), Decimal(56), 1, ("party_school", "special_training", "reading_class"))
JAN_2026 = dt.datetime(2026, 1, 15, 4, tzinfo=dt.UTC)


# --- pure rules -------------------------------------------------------------------------------------------------


def test_exactly_32_hours_meets_the_member_target_and_31_9_is_short_by_a_tenth():
    assert standing(Decimal("32.0"), is_leader=False, centralized=0, targets=T).met
    s = standing(Decimal("31.9"), is_leader=False, centralized=0, targets=T)
    assert not s.met and s.short_by == Decimal("0.1") and s.target == 32
    assert standing(Decimal("31.5"), is_leader=False, centralized=0, targets=T).short_by == Decimal("0.5")


def test_a_float_sum_from_sqlite_is_rounded_to_a_tenth_before_it_is_compared():
    assert standing(31.999999999, is_leader=False, centralized=0, targets=T).met
    assert standing(None, is_leader=False, centralized=0, targets=T).short_by == 32


def test_a_leader_needs_56_hours_and_one_centralized_training():
    assert standing(Decimal("56"), is_leader=True, centralized=1, targets=T).met
    hours_short = standing(Decimal("55.9"), is_leader=True, centralized=1, targets=T)
    assert hours_short.short_by == Decimal("0.1") and hours_short.needs_centralized == 0
    no_training = standing(Decimal("80"), is_leader=True, centralized=0, targets=T)
    assert not no_training.met and no_training.short_by == 0 and no_training.needs_centralized == 1
    assert standing(Decimal("40"), is_leader=False, centralized=0, targets=T).met  # members need no 集中培训


@pytest.mark.parametrize(("hours", "ok"), [("4", True), ("4.0", True), ("4.1", False), ("0.1", True), ("0", False), ("-0.5", False)])
def test_a_participants_hours_may_reach_but_not_exceed_the_session_length(hours, ok):
    assert (hours_errors(Decimal(hours), Decimal("4")) == []) is ok


# --- totals over the database ---------------------------------------------------------------------------------


@time_machine.travel(JAN_2026, tick=False)
def test_hours_count_in_the_year_of_the_session_day(world):
    direct_session(world, world.a1, dt.date(2024, 12, 31), "10", [(world.member.pk, "10")])
    direct_session(world, world.a1, dt.date(2025, 1, 1), "6", [(world.member.pk, "6")])
    direct_session(world, world.a1, dt.date(2025, 12, 31), "5.5", [(world.member.pk, "5.5")])
    direct_session(world, world.a1, dt.date(2026, 1, 1), "3", [(world.member.pk, "3")])
    assert measures.hours_for([world.member.pk, world.a2_member.pk], 2025) == {world.member.pk: Decimal("11.5")}
    assert measures.hours_for([world.member.pk], 2024) == {world.member.pk: Decimal("10.0")}
    assert measures.hours_for([world.member.pk], 2026) == {world.member.pk: Decimal("3.0")}
    assert measures.hours_for([], 2025) == {}


@time_machine.travel(JAN_2026, tick=False)
def test_the_shortfall_list_holds_31_5_and_not_32_over_the_whole_subtree(world, django_assert_max_num_queries):
    exact = world.make_member(world.a2, name="恰好")
    direct_session(world, world.root, dt.date(2025, 3, 1), "32", [(exact.pk, "32"), (world.member.pk, "31.5"),
                                                                  (world.a2_member.pk, "20"), (world.b_member.pk, "1")])
    targets = rules.load_targets(2025)
    with django_assert_max_num_queries(1):
        rows = list(measures.member_totals(measures.members_in(world.general), 2025, targets, dt.date(2026, 1, 15))
                    .filter(measures.short_q(targets)).order_by("name_pinyin"))
    short = {r.name: measures.standing_of(r, targets).short_by for r in rows}
    assert short == {"李党员": Decimal("0.5"), "赵二支": Decimal("12.0")}


@time_machine.travel(JAN_2026, tick=False)
def test_a_secretary_is_held_to_56_hours_and_a_centralized_training(world):
    PostHolding.objects.create(org=world.a1, member=world.member, post=Post.SECRETARY, starts_on=dt.date(2024, 1, 1),
                               ends_on=dt.date(2025, 3, 1))
    direct_session(world, world.a1, dt.date(2025, 6, 1), "60", [(world.member.pk, "60")], kind=SessionKind.ONLINE)
    targets = rules.load_targets(2025)
    row = measures.member_totals(measures.members_in(world.a1), 2025, targets, dt.date(2026, 1, 15)).get(pk=world.member.pk)
    s = measures.standing_of(row, targets)
    assert s.is_leader and s.target == 56 and s.short_by == 0 and s.needs_centralized == 1
    direct_session(world, world.a1, dt.date(2025, 7, 1), "8", [(world.member.pk, "8")], kind=SessionKind.PARTY_SCHOOL)
    assert measures.standings([world.member.pk], 2025, dt.date(2026, 1, 15))[world.member.pk].met


@time_machine.travel(JAN_2026, tick=False)
def test_a_post_that_ended_before_the_year_or_a_group_leader_does_not_raise_the_target(world):
    PostHolding.objects.create(org=world.a1, member=world.member, post=Post.SECRETARY, starts_on=dt.date(2020, 1, 1),
                               ends_on=dt.date(2025, 1, 1))  # the end day is the first day out of office
    PostHolding.objects.create(org=world.a1_group, member=world.member, post=Post.GROUP_LEADER,
                               starts_on=dt.date(2020, 1, 1))
    assert measures.leaders_in([world.member.pk], 2025, dt.date(2025, 12, 31)) == set()
    assert measures.leaders_in([world.member.pk], 2024, dt.date(2024, 12, 31)) == {world.member.pk}
    PostHolding.objects.create(org=world.a2, member=world.a2_member, post=Post.ORGANIZATION, starts_on=dt.date(2026, 1, 2))
    assert measures.leaders_in([world.a2_member.pk], 2026, dt.date(2026, 1, 1)) == set()
    assert measures.leaders_in([world.a2_member.pk], 2026, dt.date(2026, 1, 2)) == {world.a2_member.pk}


@time_machine.travel(JAN_2026, tick=False)
def test_a_deployment_may_raise_the_member_target_from_a_date(world):
    direct_session(world, world.a1, dt.date(2025, 3, 1), "32", [(world.member.pk, "32")])
    RuleParameter.objects.create(key="learning.member_min_hours", label="学时", value=40, default=32,
                                 effective_from=dt.date(2025, 1, 1))
    assert rules.load_targets(2025).member_hours == 40
    assert measures.standings([world.member.pk], 2025, dt.date(2026, 1, 15))[world.member.pk].short_by == 8


@time_machine.travel(JAN_2026, tick=False)
def test_branch_summary_and_rollup_count_per_branch_org_and_level(world, django_assert_max_num_queries):
    direct_session(world, world.root, dt.date(2025, 3, 1), "40",
                   [(world.member.pk, "40"), (world.a2_member.pk, "10"), (world.b_member.pk, "32")])
    PostHolding.objects.create(org=world.a1, member=world.member, post=Post.SECRETARY, starts_on=dt.date(2020, 1, 1))
    targets = rules.load_targets(2025)
    with django_assert_max_num_queries(2):
        branches = measures.branch_summary(world.root, 2025, targets, dt.date(2026, 1, 15))
    assert [(b.name, b.members, b.short, b.hours) for b in branches] == [
        ("第一党支部", 1, 1, Decimal("40.0")), ("第二党支部", 1, 1, Decimal("10.0")), ("第三党支部", 1, 0, Decimal("32.0")),
    ]  # the secretary of 第一党支部 needs 56 学时; exactly 32 meets a member's target
    annotated = measures.member_totals(measures.members_in(world.root), 2025, targets, dt.date(2026, 1, 15))
    assert sum(b.short for b in branches) == annotated.filter(measures.short_q(targets)).count()
    by_org, by_level = measures.rollup(world.root, 2025, targets, dt.date(2026, 1, 15))
    assert (by_org[world.root.path].members, by_org[world.root.path].short, by_org[world.root.path].hours) == (3, 2, 82)
    assert (by_org[world.general.path].members, by_org[world.general.path].short) == (2, 2)
    assert {d: (r.members, r.short) for d, r in by_level.items()} == {2: (1, 0), 3: (2, 2)}


@time_machine.travel(JAN_2026, tick=False)
def test_branch_summary_holds_a_secretary_to_a_centralized_training_and_counts_members_without_any_hours(world):
    PostHolding.objects.create(org=world.a1, member=world.member, post=Post.SECRETARY, starts_on=dt.date(2020, 1, 1))
    idle = world.make_member(world.a1, name="未参学")
    direct_session(world, world.a1, dt.date(2025, 3, 1), "56", [(world.member.pk, "56")], kind=SessionKind.ONLINE)
    targets = rules.load_targets(2025)
    today = dt.date(2026, 1, 15)
    [a1] = [b for b in measures.branch_summary(world.a1, 2025, targets, today)]
    assert (a1.members, a1.short) == (2, 2)  # 56 学时 but no 集中培训; and a member with none at all
    direct_session(world, world.a1, dt.date(2025, 4, 1), "4", [(world.member.pk, "4"), (idle.pk, "4")],
                   kind=SessionKind.READING_CLASS)
    [a1] = measures.branch_summary(world.a1, 2025, targets, today)
    assert (a1.members, a1.short, a1.hours) == (2, 1, Decimal("64.0"))


@time_machine.travel(JAN_2026, tick=False)
def test_a_window_of_short_members_read_from_the_covering_branches_equals_the_same_slice_of_the_whole_list(world):
    for i, name in enumerate("甲乙丙丁戊己庚辛壬癸"):
        world.make_member([world.a1, world.a2, world.b][i % 3], name=f"党员{name}")
    direct_session(world, world.root, dt.date(2025, 3, 1), "40", [(world.member.pk, "33"), (world.b_member.pk, "5")])
    targets = rules.load_targets(2025)
    today = dt.date(2026, 1, 15)
    order = ["org__path", "-short_by", "name_pinyin", "pk"]
    everyone = list(measures.member_totals(measures.members_in(world.root), 2025, targets, today)
                    .filter(measures.short_q(targets)).order_by(*order).values_list("pk", flat=True))
    branches = measures.branch_summary(world.root, 2025, targets, today)
    assert sum(b.short for b in branches) == len(everyone) == 12
    for start, stop in [(0, 5), (3, 9), (5, 12), (11, 20), (12, 20)]:
        window = measures.short_members_window(branches, start, stop, 2025, targets, today, order=order)
        assert [m.pk for m in window] == everyone[start:stop], (start, stop)


# --- the set-based form agrees with the per-row form ------------------------------------------------------------


def _both_forms(members, targets, today=dt.date(2026, 1, 15)):
    """{pk: (学时, leader, 集中培训, short_by)} from the per-row form and from the grouped form."""
    fields = ("pk", "study_hours", "is_leader", "centralized", "short_by")

    def norm(rows):
        return {pk: (rules.round_hours(h), bool(lead), int(c), rules.round_hours(s)) for pk, h, lead, c, s in rows}

    return (norm(measures.member_totals(members, 2025, targets, today).values_list(*fields)),
            norm(measures.member_totals_grouped(members, 2025, targets, today).values_list(*fields)))


@time_machine.travel(JAN_2026, tick=False)
def test_the_grouped_totals_equal_the_per_row_totals_for_zero_credits_other_years_and_a_member_moved_mid_year(world):
    idle = world.make_member(world.a1, name="未参学")  # no participation at all: 0 学时, short by 32
    direct_session(world, world.a1, dt.date(2024, 12, 31), "10", [(world.member.pk, "10")])  # the year before
    direct_session(world, world.a1, dt.date(2025, 3, 1), "20", [(world.member.pk, "20")], kind=SessionKind.ONLINE)
    direct_session(world, world.a1, dt.date(2026, 1, 1), "9", [(world.member.pk, "9")])  # the year after
    # 李党员 moves to 第二党支部 in June and studies there too: both branches' sessions count for the member.
    with time_machine.travel(dt.datetime(2025, 6, 30, 4, tzinfo=dt.UTC), tick=False):
        transfer_member(world.member, actor=world.admin, to_org=world.a2, date=dt.date(2025, 6, 30))
    direct_session(world, world.a2, dt.date(2025, 9, 1), "12", [(world.member.pk, "11.5"), (world.a2_member.pk, "12")])
    targets = rules.load_targets(2025)
    per_row, grouped = _both_forms(measures.members_in(world.root), targets)
    assert grouped == per_row
    assert grouped[world.member.pk] == (Decimal("31.5"), False, 1, Decimal("0.5"))
    assert grouped[idle.pk] == (Decimal("0.0"), False, 0, Decimal("32.0"))
    assert grouped[world.a2_member.pk] == (Decimal("12.0"), False, 1, Decimal("20.0"))  # 党校: 集中培训
    # The member is counted where they are now (第二党支部), not in the branch they left.
    per_row_a1, grouped_a1 = _both_forms(measures.members_in(world.a1), targets)
    assert world.member.pk not in grouped_a1 and grouped_a1 == per_row_a1


@time_machine.travel(JAN_2026, tick=False)
def test_the_grouped_totals_count_a_leader_with_two_posts_once_and_filter_the_short_ones_like_the_per_row_form(world):
    for post in (Post.SECRETARY, Post.ORGANIZATION):  # two posts: the hours must not be counted twice
        PostHolding.objects.create(org=world.a1, member=world.member, post=post, starts_on=dt.date(2020, 1, 1))
    exact = world.make_member(world.a2, name="恰好")
    direct_session(world, world.a1, dt.date(2025, 3, 1), "56", [(world.member.pk, "56")], kind=SessionKind.ONLINE)
    direct_session(world, world.a1, dt.date(2025, 4, 1), "4", [(world.member.pk, "4")], kind=SessionKind.READING_CLASS)
    direct_session(world, world.a2, dt.date(2025, 5, 1), "32", [(exact.pk, "32"), (world.a2_member.pk, "31.9")])
    targets = rules.load_targets(2025)
    per_row, grouped = _both_forms(measures.members_in(world.root), targets)
    assert grouped == per_row
    assert grouped[world.member.pk] == (Decimal("60.0"), True, 1, Decimal("-4.0"))
    today = dt.date(2026, 1, 15)
    short_grouped = set(measures.member_totals_grouped(measures.members_in(world.root), 2025, targets, today)
                        .filter(measures.short_q(targets)).values_list("pk", flat=True))
    short_per_row = set(measures.member_totals(measures.members_in(world.root), 2025, targets, today)
                        .filter(measures.short_q(targets)).values_list("pk", flat=True))
    assert short_grouped == short_per_row == {world.a2_member.pk, world.b_member.pk}
