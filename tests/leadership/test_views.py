"""The 班子 and 换届 pages seen by each persona: board, export, org page and the action forms."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.leadership import actions
from dangjian.leadership.models import ElectionStep, ElectionStepKind, Post, PostHolding, Term
from dangjian.orgs import actions as org_actions
from dangjian.orgs.models import OrgKind
from tests.leadership.conftest import add_branches_with_terms

NOW = dt.datetime(2025, 7, 1, 4, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def url(name: str, *args: int) -> str:
    return reverse(f"orgs:leadership_{name}", args=args)


@pytest.fixture
def terms(world):  # type: ignore[no-untyped-def]
    """a1: 第1届 due 2026-01-01 (due within 6 months), with 李党员 as 书记; a2: overdue; b: no term."""
    a1 = actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2023, 1, 1))
    a2 = actions.open_term(world.a2, actor=world.admin, number=1, starts_on=dt.date(2022, 6, 30))
    holding = actions.appoint(world.a1, actor=world.admin, member=world.member, post=Post.SECRETARY,
                                 starts_on=dt.date(2023, 1, 2), doc_no="任〔2023〕1号")
    return {"a1": a1, "a2": a2, "holding": holding}


def assert_no_inline_script(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "hx-on" not in html and " onclick=" not in html


# --- board -------------------------------------------------------------------------------------------------------


def test_admin_sees_every_org_on_the_board_with_its_state(world, login, terms):
    response = login(world.admin).get(url("board"))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("机关党委", "第一党总支", "第一党支部", "第二党支部", "第三党支部"):
        assert name in html
    assert "第一党小组" not in html  # groups have no terms
    assert "半年内到期" in html and "已逾期" in html and "未录入届次" in html
    assert "2026年1月1日" in html and "李党员" in html
    assert_no_inline_script(html)


def test_the_board_tab_filters_rows(world, login, terms):
    html = login(world.admin).get(url("board"), {"tab": "overdue"}).content.decode()
    assert "第二党支部" in html and "第一党支部</a>" not in html


def test_outsider_sees_only_their_own_branch_on_the_board(world, login, terms):
    html = login(world.outsider).get(url("board")).content.decode()
    assert "第三党支部</a>" in html
    assert "第一党支部" not in html
    assert "第二党支部" not in html
    assert "机关党委</a>" not in html  # named as the parent, never a row of its own
    response = login(world.outsider, verified=True).get(url("board_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["第三党支部"]


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor", "nobody"])
def test_board_and_org_page_are_not_found_for_the_三员_and_users_without_a_role(world, login, terms, who):
    client = login(getattr(world, who), verified=who != "nobody")
    assert client.get(url("board")).status_code == 404
    assert client.get(url("board_export")).status_code == 404
    assert client.get(url("org", world.a1.pk)).status_code == 404


def test_board_query_count_does_not_grow_with_orgs(world, login, terms):
    client = login(world.admin)

    def measure() -> int:
        with CaptureQueriesContext(connection) as q:
            assert client.get(url("board")).status_code == 200
        return len(q.captured_queries)

    few = measure()
    add_branches_with_terms(world, "甲乙丙丁戊")
    assert measure() == few


def test_board_paginates(world, login):
    for i in range(22):
        org_actions.create_org(actor=world.admin, parent=world.root, name=f"支部{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i // 10}号",
                           kind=OrgKind.BRANCH)
    html = login(world.admin).get(url("board")).content.decode()
    assert "共 27 条，第 1/2 页" in html


def test_the_board_exports_the_visible_rows_to_excel(world, login, terms):
    response = login(world.viewer, verified=True).get(url("board_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "党组织"
    names = {r[0] for r in rows[1:]}
    assert names == {"第一党总支", "第一党支部", "第二党支部"}
    a1 = next(r for r in rows if r[0] == "第一党支部")
    assert a1[3] == "第1届" and a1[7] == "半年内到期" and a1[8] == "李党员"


# --- org page ----------------------------------------------------------------------------------------------------


def test_org_page_shows_the_班子_terms_and_forms_for_the_admin(world, login, terms):
    html = login(world.admin).get(url("org", world.a1.pk)).content.decode()
    assert "李党员" in html and "书记" in html and "任〔2023〕1号" in html
    assert "第1届" in html and "2026年1月1日" in html and "半年内到期" in html
    for name, arg in (("appoint", world.a1.pk), ("term_new", world.a1.pk), ("end_post", terms["holding"].pk),
                      ("step", terms["a1"].pk), ("adjust", terms["a1"].pk)):
        assert url(name, arg) in html
    assert_no_inline_script(html)


def test_org_page_warns_of_a_vacant_secretary(world, login, terms):
    html = login(world.admin).get(url("org", world.a2.pk)).content.decode()
    assert "书记空缺" in html


def test_branch_secretary_may_keep_the_班子_and_steps_but_not_terms(world, login, terms):
    html = login(world.secretary).get(url("org", world.a1.pk)).content.decode()
    assert url("appoint", world.a1.pk) in html and url("step", terms["a1"].pk) in html
    assert url("term_new", world.a1.pk) not in html and url("adjust", terms["a1"].pk) not in html
    client = login(world.secretary)
    assert client.get(url("term_new", world.a1.pk)).status_code == 404
    assert client.post(url("adjust", terms["a1"].pk), {"kind": "extended"}).status_code == 404


@pytest.mark.parametrize("who", ["viewer", "member_user"])
def test_read_only_users_see_the_page_without_forms_and_cannot_post(world, login, terms, who):
    client = login(getattr(world, who))
    html = client.get(url("org", world.a1.pk)).content.decode()
    assert "李党员" in html
    assert url("appoint", world.a1.pk) not in html and url("step", terms["a1"].pk) not in html
    data = {"member": world.member.pk, "post": Post.DEPUTY, "starts_on": "2025-01-01", "doc_no": ""}
    assert client.get(url("appoint", world.a1.pk)).status_code == 404
    assert client.post(url("appoint", world.a1.pk), data).status_code == 404
    assert client.post(url("end_post", terms["holding"].pk), {"ends_on": "2025-01-01", "reason": "x"}).status_code == 404
    assert client.post(url("step", terms["a1"].pk), {"kind": "requested", "date": "2025-01-01"}).status_code == 404
    assert client.post(url("term_new", world.a1.pk), {"number": 2, "starts_on": "2025-01-01"}).status_code == 404
    assert PostHolding.objects.count() == 1 and not ElectionStep.objects.exists() and Term.objects.count() == 2


def test_a_plain_member_cannot_see_another_branchs_page(world, login, terms):
    assert login(world.member_user).get(url("org", world.a2.pk)).status_code == 404


def test_outsider_gets_not_found_everywhere_under_another_subtree(world, login, terms):
    client = login(world.outsider)
    assert client.get(url("org", world.a1.pk)).status_code == 404
    assert client.get(url("appoint", world.a1.pk)).status_code == 404
    assert client.get(url("end_post", terms["holding"].pk)).status_code == 404
    assert client.get(url("step", terms["a1"].pk)).status_code == 404
    assert client.get(url("adjust", terms["a1"].pk)).status_code == 404
    assert client.post(url("term_new", world.a1.pk), {"number": 2, "starts_on": "2025-01-01"}).status_code == 404


# --- forms -------------------------------------------------------------------------------------------------------


def test_appointing_a_second_secretary_shows_the_refusal_on_the_post_field(world, login, terms):
    other = world.make_member(world.a1, name="陈委员")
    response = login(world.secretary).post(url("appoint", world.a1.pk), {
        "member": other.pk, "post": Post.SECRETARY, "starts_on": "2025-01-01", "doc_no": "",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["post"] == ["已有书记在任：李党员，请先办理其离任"]


def test_the_appoint_form_searches_and_accepts_only_members_of_the_branch(world, login, terms):
    client = login(world.admin)
    html = client.get(url("appoint", world.a1.pk)).content.decode()
    assert "<option>李党员" not in html and "赵二支" not in html
    params = re.search(r'data-params="([^"]*)"', html).group(1).replace("&quot;", '"')
    found = client.get("/members/pick/", {**json.loads(params)}).json()["results"]
    assert [r["label"] for r in found] == ["李党员（机关党委 › 第一党总支 › 第一党支部）"]
    response = client.post(url("appoint", world.a1.pk), {
        "member": world.a2_member.pk, "post": Post.COMMITTEE_MEMBER, "starts_on": "2025-06-01", "doc_no": "任3",
    })
    assert response.context["form"].errors["member"] == ["党员：所选党员不存在或不在可选范围内"]


def test_the_appoint_page_does_not_grow_with_the_members_under_the_org(world, login, terms):
    from tests.growth import grow_tree, weight

    client = login(world.admin)
    before = weight(client, url("appoint", world.root.pk))
    grow_tree(world, branches=10, members_each=5)
    assert weight(client, url("appoint", world.root.pk)) == before


def test_the_appoint_form_re_shows_the_chosen_member_after_an_error(world, login, terms):
    response = login(world.admin).post(url("appoint", world.a1.pk), {"member": world.member.pk, "post": ""})
    assert "已选：李党员（机关党委 › 第一党总支 › 第一党支部）" in response.content.decode()


def test_ending_and_appointing_a_secretary_with_a_short_party_standing_warns(world, login, terms):
    client = login(world.secretary)
    response = client.post(url("end_post", terms["holding"].pk), {"ends_on": "2025-06-01", "reason": "工作调动"})
    assert response.status_code == 302
    fresh = world.make_member(world.a1, name="新书记", confirmed_on=dt.date(2024, 7, 2))
    response = client.post(url("appoint", world.a1.pk), {
        "member": fresh.pk, "post": Post.SECRETARY, "starts_on": "2025-06-01", "doc_no": "任2",
    }, follow=True)
    html = response.content.decode()
    assert "新书记已任书记" in html
    assert "书记党龄不满1年" in html


def test_admin_opens_a_term_and_the_previous_one_closes(world, login, terms):
    response = login(world.admin).post(url("term_new", world.a1.pk), {
        "number": 2, "starts_on": "2025-06-30", "doc_no": "批2",
    })
    assert response.status_code == 302
    assert Term.objects.get(org=world.a1, number=1).closed_on == dt.date(2025, 6, 30)
    assert Term.objects.get(org=world.a1, number=2).planned_end == dt.date(2028, 6, 30)


def test_an_overlong_extension_is_refused_on_the_new_end_field(world, login, terms):
    response = login(world.admin).post(url("adjust", terms["a1"].pk), {
        "kind": ElectionStepKind.EXTENDED, "new_end": "2027-01-02", "doc_no": "批3", "date": "2025-06-30",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["new_end"] == ["延长或提前期限一般不超过1年"]
    response = login(world.admin).post(url("adjust", terms["a1"].pk), {
        "kind": ElectionStepKind.EXTENDED, "new_end": "2027-01-01", "doc_no": "批3", "date": "2025-06-30",
    })
    assert response.status_code == 302
    assert Term.objects.get(pk=terms["a1"].pk).adjusted_end == dt.date(2027, 1, 1)


def test_steps_out_of_order_are_refused_on_the_kind_field(world, login, terms):
    client = login(world.secretary)
    assert client.post(url("step", terms["a1"].pk), {"kind": "approved_plan", "date": "2025-06-01"}).status_code == 302
    response = client.post(url("step", terms["a1"].pk), {"kind": "requested", "date": "2025-06-02"})
    assert response.status_code == 200
    assert "换届步骤须按顺序办理" in response.context["form"].errors["kind"][0]


def test_the_step_form_offers_the_orgs_own_meetings_and_links_the_election(world, login, terms):
    from dangjian.orglife.models import Meeting

    mine = Meeting.objects.create(org=world.a1, title="换届选举大会", starts_at=NOW, held_on=dt.date(2025, 6, 20))
    Meeting.objects.create(org=world.a2, title="别家大会", starts_at=NOW, held_on=dt.date(2025, 6, 20))
    client = login(world.secretary)
    html = client.get(url("step", terms["a1"].pk)).content.decode()
    assert "2025年6月20日 换届选举大会" in html and "别家大会" not in html
    response = client.post(url("step", terms["a1"].pk), {
        "kind": "elected", "date": "2025-06-20", "meeting": mine.pk, "doc_no": "", "note": "",
    })
    assert response.status_code == 302
    assert ElectionStep.objects.get().meeting == mine
