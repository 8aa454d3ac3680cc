"""组织设置 checks in SQL (issue 10: the setup page looped over every org in Python): `warning_q` finds exactly the
orgs `warnings_from` warns about, for every type of warning, so the page can filter and page in the database; joint
units are kept one per line, so SQL counts them as Python does."""

from __future__ import annotations

import datetime as dt

from dangjian.leadership.checks import WARNING_TYPES, row_facts, warning_q, warnings_from, with_facts
from dangjian.leadership.models import Post, PostHolding
from dangjian.leadership.rules import MAX_DEPUTY_SECRETARIES
from dangjian.orgs.actions import update_org
from dangjian.orgs.models import Organization, UnitCategory

D = dt.date
TODAY = D(2025, 6, 1)
# Thresholds small enough for the test world to meet every warning at least once.
SMALL = {
    "orgs.setup.branch_min_full_members": 2, "orgs.setup.branch_max_members": 2,
    "orgs.setup.committee_required_full_members": 2, "orgs.setup.committee_min_size": 3,
    "orgs.setup.committee_max_size": 1, "orgs.setup.organ_committee_min_members": 2,
    "orgs.setup.organ_general_min_members": 1, "orgs.setup.joint_max_units": 2, "orgs.setup.temporary_end_warns": True,
    MAX_DEPUTY_SECRETARIES: 0,
}


def hold(org, post, member):
    PostHolding.objects.create(org=org, member=member, post=post, starts_on=D(2020, 1, 1))


def varied_world(world):
    """第一党支部: 3 members (1 预备), a secretary and a deputy; 第二党支部: joint with 3 units typed with blank lines,
    an 组织委员 and one member; 第三党支部: two secretaries, its task over; 第一党总支: a 机关 unit."""
    world.make_member(world.a1, name="正式二")
    world.make_member(world.a1, name="预备", party_status="probationary", confirmed_on=None)
    hold(world.a1, Post.SECRETARY, world.member)
    hold(world.a1, Post.DEPUTY, world.make_member(world.a1, name="副书记"))
    update_org(world.a2, actor=world.admin, is_joint=True, joint_units="甲单位\n\n  乙单位 \r\n丙单位\n\n")
    hold(world.a2, Post.ORGANIZATION, world.a2_member)
    hold(world.b, Post.SECRETARY, world.b_member)
    hold(world.b, Post.SECRETARY, world.make_member(world.b, name="又一书记"))
    update_org(world.b, actor=world.admin, is_temporary=True, temporary_task="专项任务", temporary_start=D(2024, 1, 1),
               temporary_end=D(2025, 5, 31))
    Organization.objects.filter(pk=world.general.pk).update(unit_category=UnitCategory.ORGAN)


def test_joint_units_are_kept_one_per_line_and_counted_alike_in_sql(world):
    varied_world(world)
    a2 = with_facts(Organization.objects.filter(pk=world.a2.pk), TODAY).get()
    assert a2.joint_units == "甲单位\n乙单位\n丙单位"
    assert a2.joint_count == len(a2.joint_unit_list) == 3


def test_sql_finds_exactly_the_orgs_the_rules_warn_about_for_every_type(world):
    varied_world(world)
    for limits in (SMALL, None):
        if limits is None:
            from dangjian.leadership.checks import load_limits

            limits = load_limits(TODAY)
        rows = list(with_facts(Organization.objects.all(), TODAY))
        by_python = {code: {o.pk for o in rows if code in {w.code for w in warnings_from(row_facts(o), limits, TODAY)}}
                     for code in WARNING_TYPES}
        for code in WARNING_TYPES:
            by_sql = set(with_facts(Organization.objects.all(), TODAY).filter(warning_q(code, limits, TODAY))
                         .values_list("pk", flat=True))
            assert by_sql == by_python[code], code
        if limits is SMALL:
            assert all(by_python.values()), {c: v for c, v in by_python.items() if not v}  # every type met once
