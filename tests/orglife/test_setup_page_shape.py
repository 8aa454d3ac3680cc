"""组织设置检查 at scale (issue 10: `subtree_warnings` looped over every org in Python, 3.4 s at 100,000 orgs): found
in SQL, paged ids first, counted up to a cap; the same queries whatever the size of the tree."""

from __future__ import annotations

from dangjian.orglife.compliance import views
from tests.growth import assert_queries_flat, grow_tree

URL = "/orglife/compliance/setup/"


def test_the_page_costs_the_same_queries_with_forty_more_branches(world, login):
    client = login(world.admin)
    assert_queries_flat(world, client, URL, members_each=1)
    html = client.get(URL, {"type": "no_secretary"}).content.decode()
    assert "扩展第0党支部" in html and "共 45 条" in html  # 40 new + 5 of the world without a secretary


def test_findings_are_counted_up_to_the_cap_and_a_page_past_the_end_is_the_last(world, login, monkeypatch):
    grow_tree(world, branches=60)
    client = login(world.admin)
    monkeypatch.setattr(views, "SETUP_COUNT_CAP", 30)
    html = client.get(URL, {"type": "no_secretary"}).content.decode()
    assert "共 30+ 条" in html and "请缩小查找范围" in html
    last = client.get(URL, {"type": "no_secretary", "page": "999999"})
    assert last.status_code == 200 and last.context["page"].number == 1  # 30 findings shown, 50 to a page


def test_an_outsider_sees_only_their_own_branch(world, login):
    html = login(world.outsider).get(URL).content.decode()
    assert "第三党支部" in html and "第一党支部" not in html
