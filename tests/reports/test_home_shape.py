"""The home page at scale (issue 10: 1.3 s at 100,000 orgs, live member counts over the scope and a scan for the
预备党员 due): the totals kept on the scope's roots, the few 停止党籍 and 预备党员 found on their index, the same
queries whatever the size of the tree."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.members.actions import record_status_event
from dangjian.members.choices import MemberEventKind
from dangjian.orgs.models import Organization
from tests.growth import assert_queries_flat

URL = reverse("core:home")


def test_the_counts_come_from_the_totals_kept_on_the_scope_s_root(world, login):
    world.make_member(world.a2, name="预备一", party_status="probationary", confirmed_on=None,
                      joined_on=dt.date.today() - dt.timedelta(days=100))
    suspended = world.make_member(world.b, name="停止一")
    record_status_event(suspended, actor=world.admin, kind=MemberEventKind.SUSPENDED, date=dt.date.today(),
                        reason="长期不参加组织生活")
    counts = login(world.admin).get(URL).context
    # 5 on the roll, of whom 1 suspended: 4 in the 在册党员 card; 1 预备党员; 3 branches, 1 group.
    assert counts["member_counts"] == {"on_roll": 4, "probationary": 1}
    assert counts["org_counts"] == {"党支部": 3, "党小组": 1}
    Organization.objects.filter(pk=world.root.pk).update(subtree_members=1000, subtree_branches=70)
    counts = login(world.admin).get(URL).context
    assert counts["member_counts"]["on_roll"] == 999 and counts["org_counts"]["党支部"] == 70  # the kept totals
    Organization.objects.filter(pk=world.root.pk).update(subtree_members=5, subtree_branches=3)


def test_a_viewer_s_counts_keep_to_their_subtree(world, login):
    counts = login(world.viewer).get(URL).context
    assert counts["member_counts"] == {"on_roll": 2, "probationary": 0}
    assert counts["org_counts"] == {"党支部": 2, "党小组": 1}


def test_the_home_page_costs_the_same_queries_with_forty_more_branches(world, login):
    assert_queries_flat(world, login(world.admin), URL)


def test_a_manager_s_own_branch_outside_their_scope_stays_out_of_their_figures(world, login):
    from dangjian.accounts.models import User

    own = world.make_member(world.a1, name="外支本人")
    User.objects.filter(pk=world.outsider.pk).update(member=own)
    world.make_member(world.a1, name="一支预备", party_status="probationary", confirmed_on=None,
                      joined_on=dt.date.today() - dt.timedelta(days=400))
    outsider = User.objects.get(pk=world.outsider.pk)
    context = login(outsider).get(URL).context
    assert context["member_counts"] == {"on_roll": 1, "probationary": 0}
    assert [m.name for m, _ends in context["confirmation_due"]] == []
    admin = login(world.admin).get(URL).context
    assert [m.name for m, _ends in admin["confirmation_due"]] == ["一支预备"]
