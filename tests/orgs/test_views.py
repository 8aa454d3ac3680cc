"""The 党组织 pages: tree, lazy children, search, an org's page and the action forms, seen by each persona."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.models import AuditEvent
from dangjian.members.models import Member
from dangjian.orgs import actions
from dangjian.orgs.models import Organization, OrgEventKind, OrgKind, OrgStatus

D = "2025-06-30"


def url(name: str, *args: int) -> str:
    return reverse(f"orgs:{name}", args=args)


def info_data(**overrides: str) -> dict[str, str]:
    """A complete POST of the descriptive fields (what the edit and create forms send)."""
    data = {
        "short_name": "", "code": "", "unit_category": "organ", "sort_order": "0", "founded_on": "",
        "temporary_task": "", "temporary_start": "", "temporary_end": "", "joint_units": "",
    }
    data.update(overrides)
    return data


def reload(org: Organization) -> Organization:
    return Organization.objects.get(pk=org.pk)


def add_branch(world, name: str, parent: Organization | None = None) -> Organization:
    return actions.create_org(actor=world.admin, parent=parent or world.root, name=name, kind=OrgKind.BRANCH)


# --- tree --------------------------------------------------------------------------------------------------


def test_it_shows_the_admins_root_with_subtree_counts(world, login):
    response = login(world.admin).get(url("tree"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "机关党委" in html
    assert "党支部 3 · 在册党员 3" in html
    # The root's children are not rendered yet: they come lazily from tree_children.
    assert "第一党总支" not in html
    assert f'hx-get="{url("tree_children", world.root.pk)}"' in html
    assert f'data-dj-collapse="dj-children-{world.root.pk}"' in html


def test_it_loads_a_nodes_children_as_a_fragment(world, login):
    response = login(world.admin).get(url("tree_children", world.root.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'<ul id="dj-children-{world.root.pk}">' in html
    assert "第一党总支" in html and "第三党支部" in html
    assert "党支部 2 · 在册党员 2" in html  # 第一党总支
    assert "党支部 1 · 在册党员 1" in html  # 第三党支部
    assert "第一党支部" not in html  # grandchildren wait for their own click
    # The toggle is swapped out of band so it shows the level as open and stops fetching.
    assert 'hx-swap-oob="true"' in html


def test_it_hides_dissolved_orgs_unless_asked(world, login):
    gone = add_branch(world, "已撤支部")
    actions.dissolve_org(gone, actor=world.admin, date=dt.date(2025, 6, 30), doc_no="撤1")
    client = login(world.admin)
    assert "已撤支部" not in client.get(url("tree_children", world.root.pk)).content.decode()
    html = client.get(url("tree_children", world.root.pk), {"dissolved": "1"}).content.decode()
    assert "已撤支部" in html and "已撤销" in html and "dj-dissolved" in html
    # Search follows the same switch.
    assert "已撤支部" not in client.get(url("tree"), {"q": "已撤"}).content.decode()
    assert "已撤支部" in client.get(url("tree"), {"q": "已撤", "dissolved": "1"}).content.decode()


def test_it_finds_orgs_by_name_with_their_breadcrumb(world, login):
    html = login(world.admin).get(url("tree"), {"q": "小组"}).content.decode()
    assert "第一党小组" in html
    for ancestor in (world.root, world.general, world.a1):
        assert f'<a href="{url("detail", ancestor.pk)}">{ancestor.name}</a>' in html
    assert "第二党支部" not in html


def test_it_paginates_search_results(world, login):
    for n in range(25):
        add_branch(world, f"检索支部{n:02d}")
    client = login(world.admin)
    first = client.get(url("tree"), {"q": "检索"}).content.decode()
    second = client.get(url("tree"), {"q": "检索", "page": "2"}).content.decode()
    assert "共 25 条" in first and "检索支部00" in first and "检索支部24" not in first
    assert "检索支部24" in second and "检索支部00" not in second


def test_it_says_so_when_search_finds_nothing(world, login):
    assert "没有名称包含“不存在”的党组织" in login(world.admin).get(url("tree"), {"q": "不存在"}).content.decode()


# --- detail ------------------------------------------------------------------------------------------------


def test_it_shows_an_orgs_page_with_breadcrumb_children_history_and_actions(world, login):
    world.a1.code = "A001"
    world.a1.save()
    html = login(world.admin).get(url("detail", world.a1.pk)).content.decode()
    assert f'<a href="{url("detail", world.root.pk)}">机关党委</a>' in html
    assert f'<a href="{url("detail", world.general.pk)}">第一党总支</a>' in html
    assert "A001" in html
    assert f'href="{url("detail", world.a1_group.pk)}"' in html  # child
    assert "成立" in html  # history
    assert f'{reverse("members:list")}?org={world.a1.pk}' in html
    for name in ("create", "edit", "rename", "move", "merge", "dissolve"):
        assert f'href="{url(name, world.a1.pk)}"' in html


def test_it_shows_counts_of_the_subtree_and_of_each_child(world, login):
    html = login(world.admin).get(url("detail", world.general.pk)).content.decode()
    assert '<div class="h1 mb-0">2</div>' in html  # 2 branches, 2 members under 第一党总支
    assert "<td>1</td><td>1</td>" in html  # each branch: itself, one member


def test_it_shows_the_history_of_a_rename(world, login):
    actions.rename_org(world.a2, actor=world.admin, name="综合党支部", date=dt.date(2025, 6, 30), doc_no="党发1号")
    html = login(world.admin).get(url("detail", world.a2.pk)).content.decode()
    assert "2025年6月30日" in html and "党发1号" in html
    assert "由“第二党支部”更名为“综合党支部”" in html


def test_secretary_sees_ancestors_above_their_scope_as_plain_names(world, login):
    html = login(world.secretary).get(url("detail", world.a1.pk)).content.decode()
    assert "机关党委" in html and "第一党总支" in html
    assert f'href="{url("detail", world.root.pk)}"' not in html
    assert f'href="{url("detail", world.general.pk)}"' not in html
    # A 支部书记 edits the branch and sets up 党小组, but does not reshape the tree.
    assert f'href="{url("edit", world.a1.pk)}"' in html
    assert f'href="{url("create", world.a1.pk)}"' in html
    for name in ("rename", "move", "merge", "dissolve"):
        assert f'href="{url(name, world.a1.pk)}"' not in html


def test_it_offers_no_move_or_merge_at_the_top_of_the_scope(world, login):
    html = login(world.admin).get(url("detail", world.root.pk)).content.decode()
    assert f'href="{url("move", world.root.pk)}"' not in html
    assert f'href="{url("merge", world.root.pk)}"' not in html
    assert f'href="{url("rename", world.root.pk)}"' in html


# --- create ------------------------------------------------------------------------------------------------


def test_it_creates_a_branch_under_a_general_branch(world, login):
    response = login(world.admin).post(
        url("create", world.general.pk), info_data(name="第四党支部", kind="branch", doc_no="党发2号"), follow=True
    )
    org = Organization.objects.get(name="第四党支部")
    assert org.parent == world.general and org.kind == OrgKind.BRANCH
    assert response.redirect_chain[-1][0] == url("detail", org.pk)
    assert "已新建“第四党支部”" in response.content.decode()
    assert org.events.get().doc_no == "党发2号"


def test_it_offers_only_the_kinds_allowed_under_the_parent(world, login):
    client = login(world.admin)
    html = client.get(url("create", world.general.pk)).content.decode()
    assert 'value="branch"' in html and 'value="group"' not in html and 'value="committee"' not in html
    response = client.post(url("create", world.general.pk), info_data(name="小组", kind="group"))
    assert response.status_code == 200
    assert "不能在该上级党组织之下设立所选类型的党组织" in response.content.decode()
    assert not Organization.objects.filter(name="小组").exists()


def test_it_refuses_an_empty_or_duplicate_name_on_create(world, login):
    client = login(world.admin)
    empty = client.post(url("create", world.general.pk), info_data(name="  ", kind="branch")).content.decode()
    assert "请填写名称" in empty
    dup = client.post(url("create", world.general.pk), info_data(name="第二党支部", kind="branch")).content.decode()
    assert "同一上级党组织下已有同名的党组织" in dup
    assert Organization.objects.filter(name="第二党支部").count() == 1


def test_it_shows_an_actions_error_on_the_field_it_names(world, login):
    response = login(world.admin).post(
        url("create", world.general.pk), info_data(name="临时支部", kind="branch", is_temporary="on")
    )
    form = response.context["form"]
    assert form.errors["temporary_task"] == ["临时党组织须填写承担的任务"]
    assert not Organization.objects.filter(name="临时支部").exists()


def test_secretary_may_create_only_a_group_in_their_branch(world, login):
    client = login(world.secretary)
    response = client.post(url("create", world.a1.pk), info_data(name="第二党小组", kind="group"))
    assert response.status_code == 302
    assert Organization.objects.get(name="第二党小组").parent == world.a1
    assert client.get(url("create", world.general.pk)).status_code == 404
    assert client.post(url("create", world.general.pk), info_data(name="新支部", kind="branch")).status_code == 404
    assert client.get(url("create", world.a1_group.pk)).status_code == 404  # a 党小组 holds nothing
    assert not Organization.objects.filter(name="新支部").exists()


# --- edit, rename, move, merge, dissolve ---------------------------------------------------------------------


def test_it_edits_an_orgs_information(world, login):
    response = login(world.admin).post(
        url("edit", world.a1.pk),
        info_data(short_name="一支部", code="A001", is_joint="on", joint_units="办公厅\n财务处", founded_on="2010-07-01"),
    )
    assert response.status_code == 302
    a1 = reload(world.a1)
    assert (a1.short_name, a1.code, a1.is_joint, a1.founded_on) == ("一支部", "A001", True, dt.date(2010, 7, 1))
    assert a1.events.filter(kind=OrgEventKind.UPDATED).exists()


def test_it_refuses_a_joint_branch_with_one_unit(world, login):
    response = login(world.admin).post(url("edit", world.a1.pk), info_data(is_joint="on", joint_units="办公厅"))
    assert "联合党支部须填写所覆盖的单位" in response.content.decode()
    assert not reload(world.a1).is_joint


def test_it_renames_an_org(world, login):
    response = login(world.admin).post(
        url("rename", world.a2.pk), {"name": "综合党支部", "date": D, "doc_no": "党发3号"}, follow=True
    )
    assert reload(world.a2).name == "综合党支部"
    assert "已更名为“综合党支部”" in response.content.decode()


def test_it_refuses_an_empty_or_clashing_new_name(world, login):
    client = login(world.admin)
    assert "请填写名称" in client.post(url("rename", world.a2.pk), {"name": "", "date": D}).content.decode()
    clash = client.post(url("rename", world.a2.pk), {"name": "第一党支部", "date": D}).content.decode()
    assert "同一上级党组织下已有同名的党组织" in clash
    assert reload(world.a2).name == "第二党支部"


def test_it_moves_an_org_with_its_members(world, login):
    response = login(world.admin).post(url("move", world.a2.pk), {"new_parent": world.root.pk, "date": D})
    assert response.status_code == 302
    assert reload(world.a2).parent == world.root
    assert Member.objects.get(pk=world.a2_member.pk).org_id == world.a2.pk


def test_it_offers_only_parents_that_may_hold_the_org(world, login):
    client = login(world.admin)
    html = client.get(url("move", world.a2.pk)).content.decode()
    assert "<option" not in html and 'data-url="/orgs/pick/"' in html
    # The picker searches only kinds that may hold a 党支部 (never a 党支部: it holds no branches).
    params = json.loads(re.search(r'data-params="([^"]*)"', html).group(1).replace("&quot;", '"'))
    found = {r["id"] for r in client.get("/orgs/pick/", {**params, "q": "党"}).json()["results"]}
    assert world.root.pk in found and world.b.pk not in found and world.a1.pk not in found
    response = client.post(url("move", world.a2.pk), {"new_parent": world.general.pk, "date": D})
    assert "请从列表中选择上级党组织" in response.content.decode()  # already there
    response = client.post(url("move", world.a2.pk), {"new_parent": world.b.pk, "date": D})
    assert "请从列表中选择上级党组织" in response.content.decode()
    assert reload(world.a2).parent == world.general


def test_it_shows_a_move_refused_by_the_action_at_the_top_of_the_form(world, login):
    twin = add_branch(world, "第一党支部")  # same name as A1, under the root
    response = login(world.admin).post(url("move", twin.pk), {"new_parent": world.general.pk, "date": D})
    form = response.context["form"]
    assert form.non_field_errors() == ["同一上级党组织下已有同名的党组织"]
    assert reload(twin).parent == world.root


def test_it_merges_an_org_into_another(world, login):
    response = login(world.admin).post(url("merge", world.a2.pk), {"target": world.a1.pk, "date": D, "doc_no": "并1"})
    assert response.status_code == 302 and response["Location"] == url("detail", world.a1.pk)
    assert reload(world.a2).status == OrgStatus.DISSOLVED
    assert Member.objects.get(pk=world.a2_member.pk).org_id == world.a1.pk


def test_it_asks_for_a_merge_target_of_the_same_kind(world, login):
    client = login(world.admin)
    html = client.get(url("merge", world.a2.pk)).content.decode()
    assert "data-confirm=" in html
    params = json.loads(re.search(r'data-params="([^"]*)"', html).group(1).replace("&quot;", '"'))
    found = {r["id"] for r in client.get("/orgs/pick/", {**params, "q": "党"}).json()["results"]}
    assert world.b.pk in found and world.general.pk not in found
    refused = client.post(url("merge", world.a2.pk), {"target": world.general.pk, "date": D}).content.decode()
    assert "须为您管理范围内同一类型的其他党组织" in refused
    assert "请选择并入的党组织" in client.post(url("merge", world.a2.pk), {"date": D}).content.decode()
    assert reload(world.a2).is_active


def test_it_dissolves_an_empty_org(world, login):
    empty = add_branch(world, "空支部")
    response = login(world.admin).post(
        url("dissolve", empty.pk), {"date": D, "doc_no": "撤2", "note": "机构调整"}, follow=True
    )
    assert reload(empty).status == OrgStatus.DISSOLVED
    html = response.content.decode()
    assert "“空支部”已撤销" in html and "机构调整" in html


def test_it_refuses_to_dissolve_an_org_with_members_or_without_a_document(world, login):
    client = login(world.admin)
    page = client.post(url("dissolve", world.a2.pk), {"date": D, "doc_no": "撤3"}).content.decode()
    assert "该党组织还有在册党员" in page
    assert "请填写撤销文号" in client.post(url("dissolve", world.a2.pk), {"date": D}).content.decode()
    assert reload(world.a2).is_active


# --- who sees what -----------------------------------------------------------------------------------------

ACTION_POSTS: dict[str, dict[str, Any]] = {
    "create": {"name": "越权组织", "kind": "group", **info_data()},
    "edit": info_data(code="X"),
    "rename": {"name": "越权改名", "date": D},
    "move": {"new_parent": 0, "date": D},
    "merge": {"target": 0, "date": D},
    "dissolve": {"date": D, "doc_no": "越权"},
}


def _posts(world):
    """Each action form with a POST that would succeed for the admin."""
    data = {k: dict(v) for k, v in ACTION_POSTS.items()}
    data["move"]["new_parent"] = world.root.pk
    data["merge"]["target"] = world.a2.pk
    return data


@pytest.mark.parametrize("name", ["detail", "tree_children", *ACTION_POSTS])
def test_outsider_gets_404_on_every_page_of_another_subtree(world, login, name):
    client = login(world.outsider)
    assert client.get(url(name, world.a1.pk)).status_code == 404


@pytest.mark.parametrize("name", list(ACTION_POSTS))
def test_outsider_posts_are_refused_and_change_nothing(world, login, name):
    before = reload(world.a1)
    response = login(world.outsider).post(url(name, world.a1.pk), _posts(world)[name])
    assert response.status_code == 404
    after = reload(world.a1)
    assert (after.name, after.code, after.path, after.status) == (before.name, before.code, before.path, before.status)
    assert not Organization.objects.filter(name="越权组织").exists()
    assert AuditEvent.objects.filter(action="auth.denied", actor=world.outsider).exists()


def test_outsider_does_not_see_the_other_subtree_in_tree_or_search(world, login):
    client = login(world.outsider)
    tree = client.get(url("tree")).content.decode()
    assert "第三党支部" in tree and "第一党总支" not in tree
    assert client.get(url("tree_children", world.root.pk)).status_code == 404
    search = client.get(url("tree"), {"q": "党"}).content.decode()
    assert "第三党支部" in search
    assert "第一党总支" not in search and "第一党支部" not in search


def test_viewer_sees_but_has_no_action_buttons(world, login):
    html = login(world.viewer).get(url("detail", world.a1.pk)).content.decode()
    assert "第一党支部" in html
    for name in ACTION_POSTS:
        assert f'href="{url(name, world.a1.pk)}"' not in html


@pytest.mark.parametrize("name", list(ACTION_POSTS))
def test_viewer_gets_404_on_every_action(world, login, name):
    client = login(world.viewer)
    assert client.get(url(name, world.a1.pk)).status_code == 404
    assert client.post(url(name, world.a1.pk), _posts(world)[name]).status_code == 404
    assert reload(world.a1).name == "第一党支部" and reload(world.a1).code == ""


def test_member_sees_only_their_own_branch(world, login):
    client = login(world.member_user)
    tree = client.get(url("tree")).content.decode()
    assert "第一党支部" in tree
    assert "机关党委" not in tree and "第二党支部" not in tree
    assert "hx-get" not in tree  # nothing below their branch to open
    detail = client.get(url("detail", world.a1.pk)).content.decode()
    assert "第一党支部" in detail and "组织沿革" not in detail and "第一党小组" not in detail
    assert f'href="{url("edit", world.a1.pk)}"' not in detail
    assert client.get(url("detail", world.a2.pk)).status_code == 404
    assert client.get(url("detail", world.a1_group.pk)).status_code == 404
    assert "第一党小组" not in client.get(url("tree"), {"q": "党"}).content.decode()
    assert client.get(url("edit", world.a1.pk)).status_code == 404


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor"])
def test_three_officers_see_no_orgs(world, login, persona):
    client = login(getattr(world, persona), verified=True)
    html = client.get(url("tree")).content.decode()
    assert "三员分立" in html and "机关党委" not in html
    assert client.get(url("detail", world.root.pk)).status_code == 404


def test_a_user_without_roles_gets_an_empty_tree(world, login):
    html = login(world.nobody).get(url("tree")).content.decode()
    assert "尚无可查看的党组织" in html and "机关党委" not in html


# --- query counts ------------------------------------------------------------------------------------------


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["tree", "tree_children", "detail", "search"])
def test_query_count_does_not_grow_with_the_number_of_children(world, login, django_assert_max_num_queries, page):
    paths = {
        "tree": url("tree"), "tree_children": url("tree_children", world.root.pk),
        "detail": url("detail", world.root.pk), "search": url("tree") + "?q=党",
    }
    client = login(world.admin)
    client.get(paths[page])  # warm the session
    baseline = _count(client, paths[page])
    for n, stem in enumerate("甲乙丙丁戊己庚辛"):
        branch = add_branch(world, f"增设支部{n}")
        world.make_member(branch, name=f"{stem}党员")
        actions.create_org(actor=world.admin, parent=branch, name="党小组", kind=OrgKind.GROUP)
    with django_assert_max_num_queries(baseline):
        response = client.get(paths[page])
    assert response.status_code == 200
    assert baseline <= 15
    if page == "tree_children":
        assert "增设支部7" in response.content.decode()


def test_the_org_page_shows_setup_warnings_and_links_to_its_leadership_and_meetings(world, login):
    html = login(world.admin).get(url("detail", world.a1.pk)).content.decode()
    assert "组织设置提示" in html and "正式党员1人，不足3人" in html
    assert reverse("orgs:leadership_org", args=[world.a1.pk]) in html
    assert f'{reverse("orglife:list")}?org={world.a1.pk}' in html
