"""The subtree totals kept on each org: exact after every action, protected from stale saves, repairable."""

from __future__ import annotations

import datetime as dt

from dangjian.members import actions as member_actions
from dangjian.members import counters
from dangjian.members.choices import MemberEventKind
from dangjian.orgs import actions
from dangjian.orgs.models import Organization, OrgKind
from dangjian.orgs.stats import subtree_counts

D = dt.date(2025, 6, 30)


def totals(org):
    org = Organization.objects.get(pk=org.pk)
    return org.subtree_members, org.subtree_branches


def test_totals_follow_members_and_branches_through_the_actions(world):
    assert totals(world.root) == (3, 3) and totals(world.general) == (2, 2) and totals(world.a1) == (1, 1)
    extra = world.make_member(world.a2, name="新增")
    assert totals(world.root) == (4, 3) and totals(world.general) == (3, 2)
    member_actions.transfer_member(extra, actor=world.admin, to_org=world.b, date=D)
    assert totals(world.general) == (2, 2) and totals(world.b) == (2, 1)
    member_actions.record_status_event(extra, actor=world.admin, kind=MemberEventKind.DECEASED, date=D)
    assert totals(world.b) == (1, 1) and totals(world.root) == (3, 3)
    actions.move_org(world.a2, actor=world.admin, new_parent=world.root, date=D)
    assert totals(world.general) == (1, 1) and totals(world.root) == (3, 3)
    empty = actions.create_org(actor=world.admin, parent=world.root, name="空支部", kind=OrgKind.BRANCH)
    assert totals(world.root) == (3, 4)
    actions.dissolve_org(empty, actor=world.admin, date=D, doc_no="撤1")
    assert totals(world.root) == (3, 3)
    assert counters.mismatches() == []


def test_a_stale_copy_cannot_overwrite_the_totals(world):
    stale = Organization.objects.get(pk=world.a1.pk)
    world.make_member(world.a1, name="又一名")
    stale.code = "A001"
    stale.save()
    assert totals(world.a1) == (2, 1)


def test_recount_repairs_drift_and_counts_read_in_one_query(world, django_assert_num_queries):
    Organization.objects.filter(pk=world.root.pk).update(subtree_members=999)
    assert counters.mismatches() == [(world.root.pk, (999, 3), (3, 3))]
    assert counters.recount() == 1
    assert counters.mismatches() == []
    with django_assert_num_queries(1):
        counts = subtree_counts([world.root, world.general, world.b])
    assert counts[world.root.pk] == {"branches": 3, "members": 3}
