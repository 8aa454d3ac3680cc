"""The set-based compliance queries on the test world: month buckets, the matrix, roll-up rates checked by hand,
红黄绿, silent branches at 29/30/31 days, drafts not counting, query counts flat in the number of orgs, scope."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.leadership.models import Post, PostHolding
from dangjian.orglife import compliance
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.compliance import Status
from dangjian.orglife.models import Meeting, MeetingKindTag
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import Organization, OrgKind

D = dt.date
K = MeetingKind
TODAY = dt.datetime(2025, 4, 10, 4, tzinfo=dt.UTC)  # 2025-04-10 noon in Beijing


def meeting(org, day, *kinds, submitted=True):
    """A meeting with its kind tags, written directly (the meetings actions belong to another module)."""
    status = MeetingStatus.SUBMITTED if submitted else MeetingStatus.DRAFT
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    m = Meeting.objects.create(org=org, title="会议", starts_at=starts, held_on=day, status=status)
    for kind in kinds:
        MeetingKindTag.objects.create(meeting=m, kind=kind, org=org, held_on=day, submitted=submitted)
    return m


def branch(world, parent, name, kind=OrgKind.BRANCH, **fields):
    return create_org(actor=world.admin, parent=parent, name=name, kind=kind, **fields)


def give_committee(world, org):
    member = world.make_member(org, name="组织委员")
    PostHolding.objects.create(org=org, member=member, post=Post.ORGANIZATION, starts_on=D(2020, 1, 1))


def fresh(user):
    user.__dict__.pop("_dangjian_scope", None)
    return user


def statuses(row, kind):
    return [c.status for c in row.cells[kind]]


def test_counts_bucket_by_month_inside_the_subtree_and_skip_drafts(world):
    meeting(world.a1, D(2025, 1, 5), K.THEME_DAY)
    meeting(world.a1, D(2025, 1, 31), K.THEME_DAY, K.PARTY_LECTURE)
    meeting(world.a1, D(2025, 2, 3), K.THEME_DAY, submitted=False)
    meeting(world.a2, D(2025, 3, 31), K.BRANCH_ASSEMBLY)
    meeting(world.b, D(2025, 1, 10), K.THEME_DAY)
    meeting(world.a1, D(2024, 12, 31), K.THEME_DAY)
    got = compliance.counts(world.general.path, D(2025, 1, 1), D(2025, 12, 31)).as_dict()
    assert got == {
        (K.THEME_DAY, world.a1.pk, D(2025, 1, 1)): 2,
        (K.PARTY_LECTURE, world.a1.pk, D(2025, 1, 1)): 1,
        (K.BRANCH_ASSEMBLY, world.a2.pk, D(2025, 3, 1)): 1,
    }
    with_drafts = compliance.counts(world.general.path, D(2025, 1, 1), D(2025, 12, 31), submitted_only=False)
    assert with_drafts.month_count(K.THEME_DAY, world.a1.pk, D(2025, 2, 1)) == 1
    assert with_drafts.in_period(K.THEME_DAY, world.a1.pk, compliance.period_containing("quarter", D(2025, 2, 1))) == 3
    assert with_drafts.month_count(K.THEME_DAY, world.b.pk, D(2025, 1, 1)) == 0  # outside the subtree


@time_machine.travel(TODAY, tick=False)
def test_matrix_gives_each_month_its_status_and_drafts_do_not_count(world):
    meeting(world.a1, D(2025, 1, 8), K.THEME_DAY)
    meeting(world.a1, D(2025, 2, 8), K.THEME_DAY, submitted=False)
    m = compliance.matrix(world.admin, world.general, 2025, [K.THEME_DAY])
    assert [r.org for r in m.rows] == [world.a1, world.a2]
    a1 = m.rows[0]
    assert statuses(a1, K.THEME_DAY)[:5] == [Status.DONE, Status.OVERDUE, Status.OVERDUE, Status.OPEN, Status.FUTURE]
    jan = a1.cells[K.THEME_DAY][0]
    assert jan.count == 1 and f"org={world.a1.pk}" in jan.url and "month_from=2025-01&month_to=2025-01" in jan.url
    assert a1.cells[K.THEME_DAY][1].url == ""


@time_machine.travel(dt.datetime(2025, 4, 23, 4, tzinfo=dt.UTC), tick=False)
def test_the_current_month_is_due_soon_seven_days_before_its_end(world):
    m = compliance.matrix(world.admin, world.a1, 2025, [K.THEME_DAY])
    assert m.rows[0].cells[K.THEME_DAY][3].status == Status.DUE_SOON


@time_machine.travel(TODAY, tick=False)
def test_committee_meetings_bind_only_branches_with_a_committee(world):
    m = compliance.matrix(world.admin, world.general, 2025, [K.COMMITTEE_MEETING])
    assert set(statuses(m.rows[0], K.COMMITTEE_MEETING)) == {Status.NOT_APPLICABLE}
    give_committee(world, world.a1)
    m = compliance.matrix(world.admin, world.general, 2025, [K.COMMITTEE_MEETING])
    assert statuses(m.rows[0], K.COMMITTEE_MEETING)[0] == Status.OVERDUE
    assert m.rows[0].has_committee and not m.rows[1].has_committee


@time_machine.travel(TODAY, tick=False)
def test_a_secretary_alone_is_not_a_committee(world):
    member = world.make_member(world.a2, name="书记")
    PostHolding.objects.create(org=world.a2, member=member, post=Post.SECRETARY, starts_on=D(2020, 1, 1))
    m = compliance.matrix(world.admin, world.a2, 2025, [K.COMMITTEE_MEETING])
    assert set(statuses(m.rows[0], K.COMMITTEE_MEETING)) == {Status.NOT_APPLICABLE}


@time_machine.travel(TODAY, tick=False)
def test_group_meetings_are_owed_by_each_group(world):
    second = branch(world, world.a1, "第二党小组", kind=OrgKind.GROUP)
    meeting(world.a1_group, D(2025, 1, 20), K.GROUP_MEETING)
    m = compliance.matrix(world.admin, world.a1, 2025, [K.GROUP_MEETING])
    assert [r.org for r in m.rows] == [world.a1_group, second]
    assert statuses(m.rows[0], K.GROUP_MEETING)[:2] == [Status.DONE, Status.OVERDUE]
    assert statuses(m.rows[1], K.GROUP_MEETING)[:2] == [Status.OVERDUE, Status.OVERDUE]


@time_machine.travel(TODAY, tick=False)
def test_a_branch_founded_mid_quarter_owes_that_quarter_but_not_earlier_months(world):
    Organization.objects.filter(pk=world.a2.pk).update(founded_on=D(2025, 2, 15))
    m = compliance.matrix(world.admin, world.a2, 2025, [K.THEME_DAY, K.BRANCH_ASSEMBLY])
    row = m.rows[0]
    assert statuses(row, K.THEME_DAY)[:3] == [Status.NOT_APPLICABLE, Status.OVERDUE, Status.OVERDUE]
    assert statuses(row, K.BRANCH_ASSEMBLY)[:2] == [Status.OVERDUE, Status.OPEN]


@time_machine.travel(TODAY, tick=False)
def test_matrix_queries_do_not_grow_with_orgs(world, django_assert_max_num_queries):
    def run():
        with CaptureQueriesContext(connection) as ctx:
            compliance.matrix(fresh(world.admin), world.root, 2025, [K.THEME_DAY, K.GROUP_MEETING])
        return len(ctx.captured_queries)

    for i in range(3):
        org = branch(world, world.root, f"支部{i}")
        meeting(org, D(2025, 1, 3), K.THEME_DAY)
    few = run()
    for i in range(3, 40):
        org = branch(world, world.root, f"支部{i}")
        meeting(org, D(2025, 1, 3), K.THEME_DAY)
    assert run() == few
    with django_assert_max_num_queries(7):  # scope, rules, count, page, committees, records
        compliance.matrix(fresh(world.admin), world.root, 2025, [K.THEME_DAY])


@time_machine.travel(TODAY, tick=False)
def test_rollup_rates_on_a_small_tree_checked_by_hand(world, django_assert_max_num_queries):
    give_committee(world, world.a1)
    meeting(world.a1, D(2025, 1, 6), K.THEME_DAY, K.COMMITTEE_MEETING)
    meeting(world.a2, D(2025, 1, 9), K.THEME_DAY, K.COMMITTEE_MEETING)  # a2 has no committee
    meeting(world.a1, D(2025, 2, 6), K.THEME_DAY)
    meeting(world.a1, D(2025, 2, 20), K.THEME_DAY)  # twice in a month: one org done
    meeting(world.a2, D(2025, 3, 6), K.THEME_DAY, submitted=False)
    meeting(world.b, D(2025, 3, 3), K.BRANCH_ASSEMBLY)
    with django_assert_max_num_queries(4):  # scope, rules, applicable, done
        r = compliance.rollup(fresh(world.admin), world.root, 2025)
    theme = [(c.applicable, c.done) for c in r.by_kind[K.THEME_DAY]]
    assert theme[:4] == [(3, 2), (3, 1), (3, 0), (3, 0)]
    assert r.by_kind[K.THEME_DAY][0].percent == "66.7%"
    assert [(c.applicable, c.done) for c in r.by_kind[K.BRANCH_ASSEMBLY]][0] == (3, 1)
    assert [(c.applicable, c.done) for c in r.by_kind[K.COMMITTEE_MEETING]][0] == (1, 1)
    assert [(c.applicable, c.done) for c in r.by_kind[K.GROUP_MEETING]][0] == (1, 0)
    assert r.by_kind[K.LIFE_MEETING][0].applicable == 3 and not r.by_kind[K.LIFE_MEETING][0].ended
    # Ended by 10 April: Jan–Mar and Q1. Depth 2: b (3 theme + assembly + lecture); depth 3: a1, a2
    # (6 theme + 2 assembly + 2 lecture + 3 committee of a1); depth 4: the group's 3 months.
    levels = {lv.depth: (lv.applicable, lv.done) for lv in r.by_level}
    assert levels == {2: (5, 1), 3: (13, 4), 4: (3, 0)}
    # Each level is named by the orgs it holds and what they sit under, not 第2级/第3级.
    assert [lv.label for lv in r.by_level] == ["机关党委直属党支部", "党总支下属党支部", "党小组"]
    assert [lv.label for lv in r.only([K.GROUP_MEETING]).by_level] == ["党小组"]


@time_machine.travel(TODAY, tick=False)
def test_rollup_counts_a_branch_from_the_first_period_it_existed_at_the_end_of(world):
    late = branch(world, world.root, "新支部", founded_on=D(2025, 2, 15))
    gone = branch(world, world.root, "撤销支部")
    Organization.objects.filter(pk=gone.pk).update(dissolved_on=D(2025, 2, 28))
    meeting(late, D(2025, 2, 20), K.THEME_DAY)
    meeting(gone, D(2025, 2, 10), K.THEME_DAY)  # dissolved on the month's last day: not owed, not counted
    r = compliance.rollup(world.admin, world.root, 2025)
    theme = [(c.applicable, c.done) for c in r.by_kind[K.THEME_DAY]]
    assert theme[:3] == [(4, 0), (4, 1), (4, 0)]


@time_machine.travel(TODAY, tick=False)
def test_branch_colours_from_the_last_three_months(world):
    give_committee(world, world.b)
    for month in (1, 2, 3):
        meeting(world.a1, D(2025, month, 20), K.THEME_DAY)
        meeting(world.a2, D(2025, month, 25), K.THEME_DAY)
    meeting(world.a1, D(2025, 3, 21), K.BRANCH_ASSEMBLY, K.PARTY_LECTURE)
    meeting(world.a2, D(2025, 3, 26), K.BRANCH_ASSEMBLY)
    meeting(world.a1, D(2024, 12, 20), K.PARTY_LECTURE)  # before the window: does not help
    health = {h.org.pk: h for h in compliance.branch_health(world.admin, world.root)}
    assert (health[world.a1.pk].colour, health[world.a1.pk].overdue) == ("green", 0)
    assert (health[world.a2.pk].colour, health[world.a2.pk].overdue) == ("yellow", 1)
    assert health[world.b.pk].colour == "red" and health[world.b.pk].overdue == 8 and health[world.b.pk].silent
    assert health[world.a2.pk].last_held_on == D(2025, 3, 26)
    assert list(health) == [world.b.pk, world.a2.pk, world.a1.pk]


@time_machine.travel(TODAY, tick=False)
def test_a_silent_branch_turns_red_even_when_nothing_is_overdue(world):
    for month in (1, 2, 3):
        meeting(world.a1, D(2025, month, 5), K.THEME_DAY)
    meeting(world.a1, D(2025, 3, 5), K.BRANCH_ASSEMBLY, K.PARTY_LECTURE)  # 36 days ago
    h = next(h for h in compliance.branch_health(world.admin, world.a1))
    assert h.overdue == 0 and h.silent and h.colour == "red"


@time_machine.travel(TODAY, tick=False)
def test_silent_branches_at_29_30_and_31_days(world):
    meeting(world.a1, D(2025, 3, 12), K.THEME_DAY)   # 29 days before 10 April
    meeting(world.a2, D(2025, 3, 11), K.THEME_DAY)   # 30 days
    meeting(world.a2, D(2025, 4, 9), K.THEME_DAY, submitted=False)  # a draft does not break the silence
    meeting(world.b, D(2025, 3, 10), K.THEME_DAY)    # 31 days
    silent = compliance.silent_branches(world.admin, world.root)
    assert list(silent) == [world.a2, world.b]
    assert {o.pk: o.last_held_on for o in silent} == {world.a2.pk: D(2025, 3, 11), world.b.pk: D(2025, 3, 10)}
    health = {h.org.pk: h.silent for h in compliance.branch_health(world.admin, world.root)}
    assert health == {world.a1.pk: False, world.a2.pk: True, world.b.pk: True}


@time_machine.travel(TODAY, tick=False)
def test_a_branch_founded_29_days_ago_is_not_silent(world):
    Organization.objects.filter(pk=world.a1.pk).update(founded_on=D(2025, 3, 12))
    Organization.objects.filter(pk=world.a2.pk).update(founded_on=D(2025, 3, 11))
    silent = set(compliance.silent_branches(world.admin, world.general))
    assert silent == {world.a2}


def test_outsiders_and_the_three_administrators_reach_no_one_elses_subtree(world):
    for user in (world.outsider, world.sysadmin, world.auditor, world.nobody, world.member_user):
        for call in (
            lambda u: compliance.matrix(u, world.general, 2025, [K.THEME_DAY]),
            lambda u: compliance.rollup(u, world.general, 2025),
            lambda u: compliance.branch_health(u, world.general),
            lambda u: compliance.silent_branches(u, world.general),
        ):
            with pytest.raises(Http404):
                call(user)
    assert compliance.matrix(world.outsider, world.b, 2025, [K.THEME_DAY]).rows[0].org == world.b


@time_machine.travel(TODAY, tick=False)
def test_a_quarter_cell_links_to_the_meetings_of_its_three_months(world):
    meeting(world.a1, D(2025, 2, 8), K.BRANCH_ASSEMBLY)
    cell = compliance.matrix(world.admin, world.a1, 2025, [K.BRANCH_ASSEMBLY]).rows[0].cells[K.BRANCH_ASSEMBLY][0]
    assert cell.status == Status.DONE
    assert cell.url.endswith(f"?org={world.a1.pk}&kind=branch_assembly&month_from=2025-01&month_to=2025-03")


@time_machine.travel(TODAY, tick=False)
def test_a_dissolved_branch_is_neither_coloured_nor_silent(world):
    Organization.objects.filter(pk=world.b.pk).update(status="dissolved", dissolved_on=D(2025, 1, 15))
    assert world.b.pk not in {h.org.pk for h in compliance.branch_health(world.admin, world.root)}
    assert world.b not in set(compliance.silent_branches(world.admin, world.root))
    assert world.a2 in set(compliance.silent_branches(world.admin, world.root))
