"""/api/v1/organizations/: read-only list with filters, detail, the tree overview, children and subtree."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.orgs.actions import create_org, dissolve_org
from dangjian.orgs.models import Organization, OrgKind
from tests.api.conftest import fresh

LIST = "/api/v1/organizations/"
TREE = "/api/v1/organizations/tree/"


def detail(org: Organization) -> str:
    return f"/api/v1/organizations/{org.pk}/"


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row["name"] for row in response.json()["results"]]


def test_list_is_the_admins_whole_tree_in_tree_order(world, api):
    response = api(world.admin).get(LIST)
    assert response.status_code == 200
    assert names(response) == ["机关党委", "第一党总支", "第一党支部", "第一党小组", "第二党支部", "第三党支部"]


def test_detail_has_the_documented_fields(world, api):
    joint = create_org(
        actor=world.admin, parent=world.general, name="联合党支部", kind=OrgKind.BRANCH, is_joint=True,
        joint_units="档案馆\n方志办\n",
    )
    body = api(world.admin).get(detail(joint)).json()
    assert set(body) == {
        "id", "name", "short_name", "kind", "kind_display", "parent", "path", "depth", "code", "unit_category",
        "founded_on", "status", "dissolved_on", "is_temporary", "temporary_task", "temporary_start",
        "temporary_end", "is_joint", "joint_units",
    }
    assert body["kind"] == "branch" and body["kind_display"] == "党支部"
    assert body["parent"] == world.general.pk and body["depth"] == 3
    assert body["joint_units"] == ["档案馆", "方志办"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "branch"}, ["第一党支部", "第二党支部", "第三党支部"]),
        ({"q": "第一"}, ["第一党总支", "第一党支部", "第一党小组"]),
        ({"kind": "branch", "q": "第二"}, ["第二党支部"]),
        ({"status": "dissolved"}, []),
    ],
)
def test_list_filters(world, api, params, expected):
    assert names(api(world.admin).get(LIST, params)) == expected


def test_filter_by_parent(world, api):
    assert names(api(world.admin).get(LIST, {"parent": world.general.pk})) == ["第一党支部", "第二党支部"]


def test_filter_by_status_finds_dissolved_orgs(world, api):
    empty = create_org(actor=world.admin, parent=world.root, name="临时支部", kind=OrgKind.BRANCH)
    dissolve_org(empty, actor=world.admin, date=dt.date.today(), doc_no="机党〔2025〕1号")
    client = api(world.admin)
    assert names(client.get(LIST, {"status": "dissolved"})) == ["临时支部"]
    assert "临时支部" not in names(client.get(LIST, {"status": "active"}))


def test_bad_filter_value_is_a_400(world, api):
    response = api(world.admin).get(LIST, {"kind": "cell"})
    assert response.status_code == 400
    assert "kind" in response.json()


def test_tree_gives_the_visible_roots_with_children_and_subtree_counts(world, api):
    response = api(world.admin).get(TREE)
    assert response.status_code == 200
    (root,) = response.json()
    assert (root["name"], root["branch_count"], root["member_count"]) == ("机关党委", 3, 3)
    children = {c["name"]: (c["branch_count"], c["member_count"]) for c in root["children"]}
    assert children == {"第一党总支": (2, 2), "第三党支部": (1, 1)}


def test_tree_of_a_secretary_starts_at_their_branch(world, api):
    (root,) = api(world.secretary).get(TREE).json()
    assert root["name"] == "第一党支部" and [c["name"] for c in root["children"]] == ["第一党小组"]


def test_tree_leaves_out_dissolved_children(world, api):
    empty = create_org(actor=world.admin, parent=world.root, name="临时支部", kind=OrgKind.BRANCH)
    dissolve_org(empty, actor=world.admin, date=dt.date.today(), doc_no="机党〔2025〕1号")
    (root,) = api(world.admin).get(TREE).json()
    assert "临时支部" not in [c["name"] for c in root["children"]]


def test_children_are_the_direct_children_only(world, api):
    response = api(world.admin).get(f"{detail(world.root)}children/")
    assert response.status_code == 200
    assert names(response) == ["第一党总支", "第三党支部"]


def test_subtree_is_the_org_and_everything_below_it_paginated(world, api):
    response = api(world.admin).get(f"{detail(world.general)}subtree/", {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
    everything = api(world.admin).get(f"{detail(world.general)}subtree/")
    assert names(everything) == ["第一党总支", "第一党支部", "第一党小组", "第二党支部"]


def test_subtree_takes_the_list_filters(world, api):
    response = api(world.admin).get(f"{detail(world.root)}subtree/", {"kind": "branch"})
    assert names(response) == ["第一党支部", "第二党支部", "第三党支部"]


def test_subtree_does_not_mistake_a_sibling_whose_path_sorts_after_for_a_descendant(world, api):
    """Siblings share a path prefix of the parent; the range filter must stop at the next sibling."""
    later = create_org(actor=world.admin, parent=world.general, name="第四党支部", kind=OrgKind.BRANCH)
    response = api(world.admin).get(f"{detail(world.a1)}subtree/")
    assert names(response) == ["第一党支部", "第一党小组"]
    assert later.name not in names(response)


def test_organizations_are_read_only(world, api):
    client = api(world.admin)
    assert client.post(LIST, {"name": "新支部", "kind": "branch"}, format="json").status_code == 405
    assert client.patch(detail(world.a1), {"short_name": "一支部"}, format="json").status_code == 405
    assert client.delete(detail(world.a1)).status_code == 405


@pytest.mark.parametrize("extra", [0, 12])
def test_list_and_subtree_query_counts_do_not_grow_with_rows(world, api, django_assert_max_num_queries, extra):
    for i in range(extra):
        create_org(actor=world.admin, parent=world.general, name=f"新建第{i}支部", kind=OrgKind.BRANCH)
    clients = [fresh(api, world.admin) for _ in range(3)]
    with django_assert_max_num_queries(3):  # scope, count, page
        assert clients[0].get(LIST, {"page_size": 100}).json()["count"] == 6 + extra
    with django_assert_max_num_queries(4):  # scope, the org, count, page
        assert clients[1].get(f"{detail(world.general)}subtree/", {"page_size": 100}).json()["count"] == 4 + extra
    with django_assert_max_num_queries(4):
        assert clients[2].get(f"{detail(world.general)}children/", {"page_size": 100}).json()["count"] == 2 + extra


@pytest.mark.parametrize("extra", [0, 12])
def test_tree_query_count_does_not_grow_with_rows(world, api, django_assert_max_num_queries, extra):
    """Roots, children, then one GROUP BY per depth for branches and for members: never a query per org."""
    for i in range(extra):
        org = create_org(actor=world.admin, parent=world.root, name=f"新建第{i}支部", kind=OrgKind.BRANCH)
        world.make_member(org, name="王五")
    client = fresh(api, world.admin)
    with django_assert_max_num_queries(7):  # scope, roots, children, 2 x (branches, members) for depths 1 and 2
        response = client.get(TREE)
    assert response.json()[0]["member_count"] == 3 + extra
