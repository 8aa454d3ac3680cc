"""学时未达标名单 at scale (issue 10: the whole subtree aggregated before paginating, 1.6 s at 100,000 orgs): a page
of branches ids first, the registered measure read for those branches only, their short members under them."""

from __future__ import annotations

from django.urls import reverse

from tests.growth import assert_queries_flat, grow_tree

URL = reverse("learning:shortfall")


def branch_names(response):
    return [b.name for b in response.context["page"]]


def test_branches_come_a_page_at_a_time_with_their_short_members_only(world, login):
    grow_tree(world, branches=40, members_each=1)
    client = login(world.admin)
    first = client.get(URL, {"org": world.root.pk})
    names = branch_names(first)
    assert names[:3] == ["第一党支部", "第二党支部", "扩展第0党支部"] and len(names) == 20
    body = first.content.decode()
    assert "李党员" in body and "扩零零员零" in body  # no 学时 this year: short, under their branch
    assert "扩九三员零" not in body  # 扩展第39党支部 is on the last page
    last = client.get(URL, {"org": world.root.pk, "page": "3"})
    assert branch_names(last) == ["扩展第38党支部", "扩展第39党支部", "第三党支部"]
    assert "扩九三员零" in last.content.decode() and "李党员" not in last.content.decode()
    assert branch_names(client.get(URL, {"org": world.root.pk, "page": "999"})) == branch_names(last)


def test_the_page_costs_the_same_queries_with_forty_more_branches(world, login):
    assert_queries_flat(world, login(world.admin), f"{URL}?org={world.root.pk}")


def test_an_outsider_sees_their_own_branch_only(world, login):
    response = login(world.outsider).get(URL)
    assert branch_names(response) == ["第三党支部"] and "李党员" not in response.content.decode()
