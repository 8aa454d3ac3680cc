"""The org and member pickers (core.pickers, orgs.pickers, members.pickers): search by name and pinyin initials,
paths that tell namesakes apart, tree browsing, scope, bad input, and the widget's server-side rendering."""

from __future__ import annotations

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.members.models import Member
from dangjian.members.pickers import MemberPickerField
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import Organization, OrgKind
from dangjian.orgs.pickers import OrgPickerField, org_label

pytestmark = pytest.mark.django_db


def _pick(client, **params):  # type: ignore[no-untyped-def]
    response = client.get("/orgs/pick/", params)
    assert response.status_code == 200, response.content
    return response.json()


def _namesakes(world):  # type: ignore[no-untyped-def]
    """Two 综合处党支部, one under 第一党总支 and one under the root."""
    one = create_org(name="综合处党支部", kind=OrgKind.BRANCH, parent=world.general, actor=world.admin)
    two = create_org(name="综合处党支部", kind=OrgKind.BRANCH, parent=world.root, actor=world.admin)
    return one, two


def test_org_search_by_name_shows_each_namesake_with_its_own_path(world, login):
    one, two = _namesakes(world)
    data = _pick(login(world.admin), q="综合处")
    labels = {r["id"]: r["label"] for r in data["results"]}
    assert labels == {one.pk: "机关党委 › 第一党总支 › 综合处党支部", two.pk: "机关党委 › 综合处党支部"}


def test_org_search_by_pinyin_initials(world, login):
    one, two = _namesakes(world)
    ids = {r["id"] for r in _pick(login(world.admin), q="ZHC")["results"]}
    assert ids == {one.pk, two.pk}
    assert {r["id"] for r in _pick(login(world.admin), q="dyd")["results"]} == {
        world.general.pk, world.a1.pk, world.a1_group.pk}


def test_renamed_org_is_found_by_its_new_initials(world, login):
    import datetime as dt

    from dangjian.orgs.actions import rename_org

    rename_org(world.b, actor=world.admin, name="后勤党支部", date=dt.date(2026, 1, 5))
    ids = {r["id"] for r in _pick(login(world.admin), q="hq")["results"]}
    assert ids == {world.b.pk}


def test_org_search_keeps_to_the_users_scope(world, login):
    _namesakes(world)
    outsider = _pick(login(world.outsider), q="党支部")
    assert {r["id"] for r in outsider["results"]} == {world.b.pk}
    assert _pick(login(world.outsider), q="综合处")["results"] == []


def test_browse_starts_at_the_scope_and_opens_one_level(world, login):
    client = login(world.viewer)
    top = _pick(client)
    assert [r["id"] for r in top["results"]] == [world.general.pk]
    assert top["results"][0]["has_children"] is True
    level = _pick(client, parent=world.general.pk)
    assert {r["id"] for r in level["results"]} == {world.a1.pk, world.a2.pk}
    assert level["parent"] == {"id": world.general.pk, "name": "第一党总支", "up": None}
    below = _pick(client, parent=world.a1.pk)
    assert below["parent"]["up"] == world.general.pk


def test_browse_of_an_org_out_of_scope_is_empty(world, login):
    data = _pick(login(world.outsider), parent=world.general.pk)
    assert data == {"results": [], "parent": None, "more": False}


def test_kind_limits_what_may_be_chosen_but_not_the_walk_down(world, login):
    client = login(world.admin)
    found = _pick(client, q="党", kind="branch")
    assert {r["kind"] for r in found["results"]} == {"党支部"}
    top = _pick(client, kind="branch")
    assert top["results"][0]["id"] == world.root.pk and top["results"][0]["selectable"] is False


def test_change_scope_leaves_out_what_the_user_only_views(world, login):
    assert _pick(login(world.viewer), action="change")["results"] == []
    assert {r["id"] for r in _pick(login(world.secretary), action="change")["results"]} == {world.a1.pk}


def test_results_are_capped_and_say_there_are_more(world, login):
    for i in range(25):
        create_org(name=f"测试党支部{i}", kind=OrgKind.BRANCH, parent=world.root, actor=world.admin)
    data = _pick(login(world.admin), q="测试")
    assert len(data["results"]) == 20 and data["more"] is True


def _queries(client, **params):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        _pick(client, **params)
    return len(ctx.captured_queries)


def test_query_count_and_size_do_not_grow_with_the_tree(world, login):
    client = login(world.admin)
    before = (_queries(client, q="党支部"), _queries(client, parent=world.general.pk))
    for i in range(30):
        create_org(name=f"增设党支部{i}", kind=OrgKind.BRANCH, parent=world.general, actor=world.admin)
    assert (_queries(client, q="党支部"), _queries(client, parent=world.general.pk)) == before
    assert len(_pick(client, parent=world.general.pk)["results"]) == 20


@pytest.mark.parametrize("params", [{"q": "党" * 51}, {"action": "reveal"}, {"action": "x"}])
def test_bad_parameters_are_answered_400_in_chinese(world, login, params):
    response = login(world.admin).get("/orgs/pick/", params)
    assert response.status_code == 400
    assert "error" in response.json()


def test_nonsense_parent_gives_the_top_of_the_scope(world, login):
    data = _pick(login(world.secretary), parent="abc")
    assert [r["id"] for r in data["results"]] == [world.a1.pk]


def test_pickers_need_a_login(client, world):
    assert client.get("/orgs/pick/", {"q": "党"}).status_code == 302
    assert client.get("/members/pick/", {"q": "张"}).status_code == 302


# --- members ---------------------------------------------------------------------------------------------------


def test_member_search_by_name_and_initials_within_scope(world, login):
    ouyang = world.make_member(world.a1, name="欧阳修")
    world.make_member(world.b, name="欧阳询")
    data = login(world.secretary).get("/members/pick/", {"q": "oyx"}).json()
    assert [r["id"] for r in data["results"]] == [ouyang.pk]
    assert data["results"][0]["label"] == "欧阳修（机关党委 › 第一党总支 › 第一党支部）"
    data = login(world.secretary).get("/members/pick/", {"q": "欧阳"}).json()
    assert [r["id"] for r in data["results"]] == [ouyang.pk]


def test_member_search_within_an_org_out_of_scope_is_empty(world, login):
    world.make_member(world.b, name="欧阳询")
    data = login(world.secretary).get("/members/pick/", {"within": world.b.pk}).json()
    assert data["results"] == []


def test_member_search_for_outsider_sees_none_of_others(world, login):
    data = login(world.outsider).get("/members/pick/").json()
    assert data["results"] and all(Member.objects.get(pk=r["id"]).org_id == world.b.pk for r in data["results"])


def test_member_search_too_long_is_400(world, login):
    assert login(world.admin).get("/members/pick/", {"q": "x" * 10_000}).status_code == 400


# --- the widget --------------------------------------------------------------------------------------------------


class _OrgForm(forms.Form):
    org = OrgPickerField(label="所在党支部", kinds=[OrgKind.BRANCH])


def test_widget_renders_the_chosen_org_with_its_path_and_no_options(world):
    form = _OrgForm(initial={"org": world.a1.pk})
    form.fields["org"].queryset = Organization.objects.visible_to(world.admin)
    html = str(form["org"])
    assert "<option" not in html
    assert "机关党委 › 第一党总支 › 第一党支部" in html
    assert 'data-url="/orgs/pick/"' in html and "picker.js" in html


def test_out_of_scope_org_is_refused_naming_the_field(world):
    form = _OrgForm(data={"org": str(world.b.pk)})
    form.fields["org"].queryset = Organization.objects.visible_to(world.secretary)
    assert not form.is_valid()
    assert form.errors["org"] == ["所在党支部：所选党组织不存在或不在您的管理范围内"]
    assert "第三党支部" not in str(form["org"])


def test_member_field_refuses_a_member_out_of_its_queryset(world):
    other = world.make_member(world.b, name="王五")

    class F(forms.Form):
        member = MemberPickerField(label="党员")

    form = F(data={"member": str(other.pk)})
    form.fields["member"].queryset = Member.objects.visible_to(world.secretary)
    assert not form.is_valid()
    assert form.errors["member"] == ["党员：所选党员不存在或不在可选范围内"]
    form = F(data={"member": str(world.member.pk)})
    form.fields["member"].queryset = Member.objects.visible_to(world.secretary)
    assert form.is_valid(), form.errors
    assert "李党员（机关党委 › 第一党总支 › 第一党支部）" in str(form["member"])


def test_org_label_is_the_path(world):
    assert org_label(world.a1_group) == "机关党委 › 第一党总支 › 第一党支部 › 第一党小组"
