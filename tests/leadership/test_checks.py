"""组织设置 checks: the thresholds at their boundaries (pure), then the set-based facts on the test world, the
per-org function for the org page, query counts and scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from dangjian.core.rules import REGISTRY
from dangjian.leadership.checks import OrgFacts, subtree_warnings, warnings_for, warnings_from
from dangjian.leadership.models import Post, PostHolding
from dangjian.leadership.rules import MAX_DEPUTY_SECRETARIES
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import Organization, OrgKind, UnitCategory
from dangjian.orgs.rules import SETUP_KEYS

D = dt.date
TODAY = D(2025, 6, 1)
LIMITS = {key: REGISTRY[key].default for key in [*SETUP_KEYS, MAX_DEPUTY_SECRETARIES]}
STAFFED = {"secretaries": 1}


def codes(facts: OrgFacts, today: dt.date = TODAY) -> set[str]:
    return {w.code for w in warnings_from(facts, LIMITS, today)}


@pytest.mark.parametrize(("full", "warned"), [(2, True), (3, False)])
def test_a_branch_needs_three_full_members(full, warned):
    found = codes(OrgFacts(OrgKind.BRANCH, full=full, total=full + 5, **STAFFED))
    assert ("too_few_full" in found) is warned


def test_probationary_members_do_not_make_up_the_three():
    assert "too_few_full" in codes(OrgFacts(OrgKind.BRANCH, full=2, total=10, **STAFFED))
    message = warnings_from(OrgFacts(OrgKind.BRANCH, full=2, total=2, **STAFFED), LIMITS, TODAY)[0].message
    assert "正式党员不足3人" in message or "不足3人" in message


@pytest.mark.parametrize(("full", "committee", "expected"), [
    (6, 0, set()),
    (7, 0, {"committee_missing"}),
    (7, 2, {"committee_missing"}),
    (7, 3, set()),
    (7, 8, {"committee_too_large"}),
])
def test_seven_full_members_need_a_committee_of_three_to_seven(full, committee, expected):
    found = codes(OrgFacts(OrgKind.BRANCH, full=full, total=full, committee=committee, **STAFFED))
    assert found == expected


def test_below_seven_a_committee_is_not_expected():
    found = codes(OrgFacts(OrgKind.BRANCH, full=6, total=6, committee=3, committee_only=2, **STAFFED))
    assert found == {"committee_not_needed"}


@pytest.mark.parametrize(("total", "warned"), [(50, False), (51, True)])
def test_a_branch_holds_at_most_fifty_members(total, warned):
    found = codes(OrgFacts(OrgKind.BRANCH, full=total, total=total, committee=5, **STAFFED))
    assert ("too_many_members" in found) is warned


def test_an_organ_branch_over_fifty_is_told_which_body_to_set_up():
    def message(total):
        facts = OrgFacts(OrgKind.BRANCH, full=total, total=total, committee=5, **STAFFED)
        return next(w.message for w in warnings_from(facts, LIMITS, TODAY) if w.code == "too_many_members")

    assert "应当设立党的总支部委员会" in message(99)
    assert "应当设立党的基层委员会" in message(100)
    other = OrgFacts(OrgKind.BRANCH, unit_category=UnitCategory.SOE, full=60, total=60, committee=5, **STAFFED)
    assert "应分设党支部" in warnings_from(other, LIMITS, TODAY)[0].message


@pytest.mark.parametrize(("total", "warned"), [(99, False), (100, True)])
def test_an_organ_general_branch_of_a_hundred_should_be_a_committee(total, warned):
    found = codes(OrgFacts(OrgKind.GENERAL_BRANCH, total=total, full=total, **STAFFED))
    assert ("should_be_committee" in found) is warned
    other = OrgFacts(OrgKind.GENERAL_BRANCH, unit_category=UnitCategory.SOE, total=total, **STAFFED)
    assert "should_be_committee" not in codes(other)


def test_one_secretary_and_at_most_one_deputy():
    assert "no_secretary" in codes(OrgFacts(OrgKind.BRANCH, full=3, total=3))
    assert "too_many_secretaries" in codes(OrgFacts(OrgKind.BRANCH, full=3, total=3, secretaries=2))
    assert "too_many_deputies" not in codes(OrgFacts(OrgKind.BRANCH, full=3, total=3, deputies=1, **STAFFED))
    assert "too_many_deputies" in codes(OrgFacts(OrgKind.BRANCH, full=3, total=3, deputies=2, **STAFFED))
    assert codes(OrgFacts(OrgKind.GROUP)) == set()


def test_each_warning_names_its_rule():
    found = warnings_from(OrgFacts(OrgKind.BRANCH, full=2, total=2, deputies=2, **STAFFED), LIMITS, TODAY)
    rules = {w.code: w.rule for w in found}
    assert rules == {"too_few_full": "orgs.setup.branch_min_full_members", "too_many_deputies": MAX_DEPUTY_SECRETARIES}
    assert all(rule in REGISTRY for rule in rules.values())


@pytest.mark.parametrize(("units", "warned"), [(5, False), (6, True)])
def test_a_joint_branch_covers_at_most_five_units(units, warned):
    facts = OrgFacts(OrgKind.BRANCH, full=5, total=5, is_joint=True, joint_units=units, **STAFFED)
    assert ("joint_too_many_units" in codes(facts)) is warned


@pytest.mark.parametrize(("end", "warned"), [(D(2025, 6, 1), False), (D(2025, 5, 31), True), (None, False)])
def test_a_temporary_org_whose_task_ended_should_be_dissolved(end, warned):
    facts = OrgFacts(OrgKind.BRANCH, full=5, total=5, is_temporary=True, temporary_end=end, **STAFFED)
    assert ("temporary_ended" in codes(facts)) is warned


def test_a_local_deployment_may_change_a_threshold():
    limits = {**LIMITS, "orgs.setup.branch_max_members": 40}
    facts = OrgFacts(OrgKind.BRANCH, full=45, total=45, committee=5, **STAFFED)
    assert "too_many_members" in {w.code for w in warnings_from(facts, limits, TODAY)}


# --- on the database --------------------------------------------------------------------------------------------


def hold(world, org, post, member=None, ends_on=None):
    member = member or world.make_member(org, name="任职者")
    return PostHolding.objects.create(org=org, member=member, post=post, starts_on=D(2020, 1, 1), ends_on=ends_on)


def test_subtree_warnings_count_full_members_per_branch_and_sum_them_up_the_tree(world):
    world.make_member(world.a1, name="预备", party_status="probationary", confirmed_on=None)
    world.make_member(world.a1, name="正式二")
    hold(world, world.a1, Post.SECRETARY, world.member)
    found = {org.pk: {w.code for w in ws} for org, ws in subtree_warnings(world.admin, world.root)}
    assert "too_few_full" in found[world.a1.pk]  # 2 full + 1 probationary
    world.make_member(world.a1, name="正式三")
    found = {org.pk: {w.code for w in ws} for org, ws in subtree_warnings(world.admin, world.root)}
    assert world.a1.pk not in found  # 3 full, a secretary: nothing to say
    assert found[world.a2.pk] == {"too_few_full", "no_secretary"}
    assert world.a1_group.pk not in found


def test_a_holding_that_ended_does_not_count(world):
    hold(world, world.a2, Post.SECRETARY, ends_on=D(2020, 6, 1))
    assert "no_secretary" in {w.code for w in warnings_for(world.a2)}
    hold(world, world.a2, Post.SECRETARY)
    assert "no_secretary" not in {w.code for w in warnings_for(world.a2)}


def test_warnings_for_a_general_branch_sum_its_subtree(world):
    Organization.objects.filter(pk=world.general.pk).update(unit_category=UnitCategory.ORGAN)
    general = Organization.objects.get(pk=world.general.pk)
    limits_key = "orgs.setup.organ_committee_min_members"
    from dangjian.core.models import RuleParameter

    RuleParameter.objects.create(key=limits_key, label="测试", value=3, default=100, source="测试", status="local",
                                 effective_from=D(2000, 1, 1))
    assert "should_be_committee" not in {w.code for w in warnings_for(general)}  # 2 members below it
    world.make_member(world.a2, name="第三人")
    assert "should_be_committee" in {w.code for w in warnings_for(general)}


def test_filter_by_type_and_query_count_flat_in_orgs(world, django_assert_max_num_queries):
    def run():
        world.admin.__dict__.pop("_dangjian_scope", None)
        with CaptureQueriesContext(connection) as ctx:
            result = list(subtree_warnings(world.admin, world.root, code="no_secretary"))
        return len(ctx.captured_queries), result

    few, result = run()
    assert {w.code for _, ws in result for w in ws} == {"no_secretary"}
    for i in range(15):
        create_org(actor=world.admin, parent=world.root, name=f"支部{i}", kind=OrgKind.BRANCH)
    many, result = run()
    assert many == few <= 5
    assert len(result) == 6 + 15 - 1  # every org but the group


def test_outsiders_and_the_three_administrators_get_404(world):
    for user in (world.outsider, world.sysadmin, world.secadmin, world.auditor, world.member_user):
        with pytest.raises(Http404):
            subtree_warnings(user, world.general)
    assert [org for org, _ in subtree_warnings(world.outsider, world.b)] == [world.b]
