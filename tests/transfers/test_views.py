"""The transfer pages: both sides see a transfer, each side gets only its own buttons, outsiders get nothing (404 or
no rows) on every list, detail, export and form; flags at their boundaries with frozen time; bad input answered."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.models import AuditEvent
from dangjian.members.choices import MemberEventKind, MemberState
from dangjian.members.models import Member
from dangjian.transfers import actions
from dangjian.transfers.choices import TransferStatus
from dangjian.transfers.models import FloatingMember, LostContact, Transfer

from .conftest import at

D = dt.date
TODAY = D(2025, 6, 15)
LIST = reverse("transfers:list")
FLOATING = reverse("transfers:floating_list")
LOST = reverse("transfers:lost_list")
SUSPENDED = reverse("transfers:suspended_list")
NAMES = "甲乙丙丁戊"


@pytest.fixture
def records(world):
    """An internal transfer a1 → a2 (all under 第一党总支), a floating a2 member away since 15 December 2024 and a
    lost a1 member (last contact the same day), recorded on 15 June 2025."""
    with at(TODAY):
        transfer = actions.request_transfer(world.member, actor=world.secretary, to_org=world.a2, issued_on=TODAY)
        floating = actions.record_floating(world.a2_member, actor=world.admin, data={
            "left_on": D(2024, 12, 15), "place": "上海市浦东新区", "fixed_place": True, "phone": "13912345678"})
        lost_member = world.make_member(world.a1, name="孙失联")
        lost = actions.record_lost_contact(lost_member, actor=world.secretary, last_contact_on=D(2024, 12, 15))
    return {"transfer": transfer, "floating": floating, "lost": lost}


def rows_of(response):
    return list(response.context["page"])


def sheet_rows(response):
    book = load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


# --- outsiders ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, FLOATING, LOST, SUSPENDED])
def test_outsider_sees_no_rows_and_exports_none(world, login, records, url):
    client = login(world.outsider, verified=True)
    with at(TODAY):
        assert rows_of(client.get(url, {"status": "all", "flag": "all", "stage": "all"})) == []
        response = client.get(url, {"export": "xlsx", "status": "all", "flag": "all", "stage": "all"})
    assert response.status_code == 200 and len(sheet_rows(response)) == 1  # the header only


@pytest.mark.parametrize("persona", ["member_user", "nobody", "sysadmin", "auditor"])
@pytest.mark.parametrize("url", [LIST, FLOATING, LOST, SUSPENDED, reverse("transfers:receive"),
                                 reverse("transfers:branches")])
def test_lists_do_not_exist_for_users_without_a_managed_subtree(world, login, persona, url):
    assert login(getattr(world, persona), verified=True).get(url).status_code == 404


def test_outsider_gets_404_on_every_detail_form_and_action(world, login, records):
    client = login(world.outsider)
    t, f, c = records["transfer"], records["floating"], records["lost"]
    gets = [reverse("transfers:detail", args=[t.pk]), reverse("transfers:floating_detail", args=[f.pk]),
            reverse("transfers:floating_edit", args=[f.pk]), reverse("transfers:lost_detail", args=[c.pk]),
            reverse("transfers:create", args=[world.member.pk]), reverse("transfers:create_out", args=[world.member.pk]),
            reverse("transfers:floating_create", args=[world.member.pk]),
            reverse("transfers:lost_create", args=[world.member.pk]), reverse("transfers:remove", args=[world.member.pk]),
            reverse("transfers:lost_edit", args=[c.pk])]
    posts = [reverse(f"transfers:{n}", args=[t.pk]) for n in ("accept", "return", "cancel", "receipt")] + [
        reverse("transfers:floating_end", args=[f.pk]), reverse("transfers:lost_found", args=[c.pk]),
        reverse("transfers:lost_suspend", args=[c.pk])]
    with at(TODAY):
        for url in gets:
            assert client.get(url).status_code == 404, url
        for url in posts:
            assert client.post(url, {"reason": "x", "date": "2025-06-15"}).status_code == 404, url
    assert Transfer.objects.get(pk=t.pk).status == TransferStatus.PENDING
    assert AuditEvent.objects.filter(action="auth.denied", actor=world.outsider).exists()


# --- both sides of a transfer --------------------------------------------------------------------------------------


def test_the_receiving_branch_sees_the_incoming_request_and_accepts_it(world, login):
    with at(TODAY):
        t = actions.request_transfer(world.member, actor=world.secretary, to_org=world.b, issued_on=TODAY)
        client = login(world.outsider)
        assert [r.pk for r in rows_of(client.get(LIST, {"direction": "in"}))] == [t.pk]
        assert rows_of(client.get(LIST, {"direction": "out"})) == []
        page = client.get(reverse("transfers:detail", args=[t.pk]))
        assert page.status_code == 200 and page.context["can_decide"] and not page.context["can_cancel"]
        assert not page.context["member_visible"]  # not yet in the receiving branch's subtree
        assert reverse("members:detail", args=[world.member.pk]) not in page.content.decode()
        assert world.member.id_card_masked in page.content.decode()
        response = client.post(reverse("transfers:accept", args=[t.pk]), {"date": "2025-06-15"})
    assert response.status_code == 302
    assert Member.objects.get(pk=world.member.pk).org == world.b


def test_the_sending_branch_may_cancel_but_not_accept(world, login):
    with at(TODAY):
        t = actions.request_transfer(world.member, actor=world.secretary, to_org=world.b, issued_on=TODAY)
        client = login(world.secretary)
        assert [r.pk for r in rows_of(client.get(LIST, {"direction": "out"}))] == [t.pk]
        page = client.get(reverse("transfers:detail", args=[t.pk]))
        assert page.context["can_cancel"] and not page.context["can_decide"]
        assert client.post(reverse("transfers:accept", args=[t.pk]), {"date": "2025-06-15"}).status_code == 404
        assert client.post(reverse("transfers:cancel", args=[t.pk]), {"reason": "不调动了"}).status_code == 302
    assert Transfer.objects.get(pk=t.pk).status == TransferStatus.CANCELLED


def test_a_return_without_a_reason_is_answered_on_the_page(world, login):
    with at(TODAY):
        t = actions.request_transfer(world.member, actor=world.secretary, to_org=world.b, issued_on=TODAY)
        response = login(world.outsider).post(reverse("transfers:return", args=[t.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "拒转拒接" in response.content.decode()
    assert Transfer.objects.get(pk=t.pk).status == TransferStatus.PENDING


def test_request_page_finds_any_active_branch_and_refuses_a_bad_choice(world, login):
    client = login(world.secretary)
    with at(TODAY):
        page = client.get(reverse("transfers:create", args=[world.member.pk]), {"q": "第三"})
        assert [b.name for b in page.context["branches"]] == ["第三党支部"]  # outside the secretary's scope
        html = page.content.decode()
        assert html.count('name="to_org"') == 1 and f'type="radio" name="to_org" value="{world.b.pk}"' in html
        partial = client.get(reverse("transfers:branches"), {"q": "党支部"})
        assert {"第一党支部", "第二党支部", "第三党支部"} <= {b.name for b in partial.context["branches"]}
        bad = client.post(reverse("transfers:create", args=[world.member.pk]),
                          {"to_org": str(world.general.pk), "issued_on": "2025-06-15"})
        assert bad.status_code == 200 and "组织关系只能转入党支部" in bad.content.decode()
        assert bad.context["to_org_errors"] and bad.context["chosen"] == str(world.general.pk)
        none = client.post(reverse("transfers:create", args=[world.member.pk]), {"issued_on": "2025-06-15"})
        assert none.context["to_org_errors"] == ["请选择接收党支部"]
        future = client.post(reverse("transfers:create", args=[world.member.pk]),
                             {"to_org": str(world.b.pk), "issued_on": "2025-06-16"})
        assert "转出日期不能晚于今天" in future.content.decode()
        assert not Transfer.objects.exists()
        ok = client.post(reverse("transfers:create", args=[world.member.pk]),
                         {"to_org": str(world.b.pk), "issued_on": "2025-06-15", "reason": "工作调动"})
    assert ok.status_code == 302 and Transfer.objects.get().to_org == world.b


def test_transfer_out_then_receipt_through_the_pages(world, login):
    client = login(world.secretary)
    with at(D(2025, 5, 30)):
        response = client.post(reverse("transfers:create_out", args=[world.member.pk]), {
            "outside_org": "中共某省委组织部", "letter_no": "SW-2025-1", "issued_on": "2025-03-01"})
        t = Transfer.objects.get()
        assert response.status_code == 302
        page = client.get(reverse("transfers:detail", args=[t.pk]))
        assert page.context["receipt_late"] is False and page.context["can_receipt"]
    with at(D(2025, 5, 31)):  # 1 March + 90 days = 30 May: late from 31 May
        client = login(world.secretary)
        assert client.get(reverse("transfers:detail", args=[t.pk])).context["receipt_late"] is True
        late = client.get(LIST, {"direction": "out"})
        assert [r.receipt_late for r in rows_of(late)] == [True]
        client.post(reverse("transfers:receipt", args=[t.pk]), {"receipt_on": "2025-05-31"})
    assert Member.objects.get(pk=world.member.pk).state == MemberState.TRANSFERRED_OUT


def test_receive_from_outside_registers_the_member(world, login):
    client = login(world.secretary)
    data = {
        "org": str(world.a1.pk), "group": "", "name": "周转入", "sex": "F", "ethnicity": "汉族",
        "birth_date": "1990-05-06", "id_card": "", "phone": "", "education": "bachelor",
        "occupation": "civil_servant", "person_category": "employed", "work_unit": "", "post": "",
        "party_status": "full", "joined_on": "2015-07-01", "confirmed_on": "2016-07-01", "party_post": "",
        "outside_org": "某大学党委", "letter_no": "", "issued_on": "2025-06-01", "arrived_on": "2025-06-10",
    }
    from tests.world import make_id_card

    data["id_card"] = make_id_card(D(1990, 5, 6), male=False)
    with at(TODAY):
        bad = client.post(reverse("transfers:receive"), data)
        assert bad.status_code == 200 and "请填写介绍信编号" in bad.content.decode()
        assert not Member.objects.filter(name="周转入").exists()
        data["letter_no"] = "DX-1"
        assert client.post(reverse("transfers:receive"), data).status_code == 302
    member = Member.objects.get(name="周转入")
    assert member.events.filter(kind=MemberEventKind.TRANSFER_IN).exists()


# --- flags at their boundaries ---------------------------------------------------------------------------------------


def test_floating_member_flagged_from_six_months_and_filterable(world, login, records):
    client = login(world.admin, verified=True)
    with at(D(2025, 6, 14)):
        rows = rows_of(client.get(FLOATING))
        assert [r.must_transfer for r in rows] == [False]
        assert rows_of(client.get(FLOATING, {"flag": "must_transfer"})) == []
    with at(D(2025, 6, 15)):
        client = login(world.admin, verified=True)
        assert [r.member.name for r in rows_of(client.get(FLOATING, {"flag": "must_transfer"}))] == ["赵二支"]
        export = client.get(FLOATING, {"export": "xlsx"})
    body = sheet_rows(export)
    assert body[1][0] == "赵二支" and body[1][7] == "139****5678" and body[1][10] == "是"
    assert AuditEvent.objects.filter(action="transfers.export", changes__list="floating").exists()


def test_lost_member_becomes_a_suspension_candidate_at_six_months(world, login, records):
    client = login(world.secretary)
    with at(D(2025, 6, 14)):
        assert [c.stage for c in rows_of(client.get(LOST))] == ["lost"]
        assert rows_of(client.get(LOST, {"stage": "suspend_due"})) == []
    with at(D(2025, 6, 15)):
        client = login(world.secretary)
        assert [c.stage for c in rows_of(client.get(LOST, {"stage": "suspend_due"}))] == ["suspend_due"]
        case = records["lost"]
        response = client.post(reverse("transfers:lost_suspend", args=[case.pk]),
                               {"date": "2025-06-15", "doc_no": ""})
        assert response.status_code == 400 and "停止党籍须填写决定文号" in response.content.decode()
        client.post(reverse("transfers:lost_suspend", args=[case.pk]), {"date": "2025-06-15", "doc_no": "支〔2025〕7号"})
        assert [c.stage for c in rows_of(client.get(LOST))] == ["suspended"]


def test_suspended_member_becomes_a_removal_candidate_after_two_years(world, login):
    from dangjian.members.actions import record_status_event

    with at(D(2023, 6, 15)):
        record_status_event(world.member, actor=world.admin, kind=MemberEventKind.SUSPENDED, date=D(2023, 6, 15),
                            reason="失联", doc_no="支〔2023〕2号")
    client = login(world.secretary)
    with at(D(2025, 6, 14)):
        assert [m.removal_due for m in rows_of(client.get(SUSPENDED))] == [False]
        assert rows_of(client.get(SUSPENDED, {"flag": "removal_due"})) == []
        early = client.post(reverse("transfers:remove", args=[world.member.pk]),
                            {"date": "2025-06-14", "doc_no": "机党〔2025〕1号"})
        assert "停止党籍2年后" in early.content.decode()
    with at(D(2025, 6, 15)):
        client = login(world.secretary)
        assert [m.name for m in rows_of(client.get(SUSPENDED, {"flag": "removal_due"}))] == ["李党员"]
        done = client.post(reverse("transfers:remove", args=[world.member.pk]),
                           {"date": "2025-06-15", "doc_no": "机党〔2025〕1号"})
    assert done.status_code == 302 and Member.objects.get(pk=world.member.pk).state == MemberState.LEFT


def test_floating_pages_record_edit_and_end(world, login):
    client = login(world.secretary)
    with at(TODAY):
        bad = client.post(reverse("transfers:floating_create", args=[world.member.pk]), {"left_on": "2025-06-16"})
        assert "外出日期不能晚于今天" in bad.content.decode() and "请填写外出地点" in bad.content.decode()
        client.post(reverse("transfers:floating_create", args=[world.member.pk]),
                    {"left_on": "2025-01-02", "place": "雄安新区", "fixed_place": "on", "phone": "13800001111"})
        record = FloatingMember.objects.get()
        client.post(reverse("transfers:floating_edit", args=[record.pk]),
                    {"left_on": "2025-01-02", "place": "雄安新区容城县", "fixed_place": "on", "phone": ""})
        record.refresh_from_db()
        assert record.place == "雄安新区容城县" and record.phone_masked == "138****1111"
        detail = client.get(reverse("transfers:floating_detail", args=[record.pk]))
        assert len(detail.context["history"]) == 2 and "外出地点" in detail.context["history"][0]["changed"]
        early = client.post(reverse("transfers:floating_end", args=[record.pk]), {"returned_on": "2024-12-31"})
        assert early.status_code == 400 and "结束日期不能早于外出日期" in early.content.decode()
        client.post(reverse("transfers:floating_end", args=[record.pk]), {"returned_on": "2025-06-15", "note": "已返回"})
    assert FloatingMember.objects.get().returned_on == TODAY


def test_member_section_offers_the_starting_points_to_the_branch_only(world, records):
    from dangjian.transfers.views import member_section

    with at(TODAY):
        mine = member_section(world.member, world.secretary)
        theirs = member_section(world.member, world.outsider)
    assert [t.pk for t in mine["member_transfers"]] == [records["transfer"].pk]
    assert not mine["can_start_transfer"]  # one is already open
    assert mine["can_record_floating"] and mine["can_record_lost"]
    assert theirs["member_transfers"] == [] and not theirs["can_record_lost"]


def test_lists_take_a_fixed_number_of_queries(world, login, records, django_assert_max_num_queries):
    client = login(world.admin)
    with at(TODAY):
        for i in range(5):
            m = world.make_member(world.a2, name=f"流动{NAMES[i]}")
            actions.record_floating(m, actor=world.admin, data={"left_on": D(2024, 1, 1), "place": "外地"})
            actions.record_lost_contact(world.make_member(world.b, name=f"失联{NAMES[i]}"), actor=world.admin,
                                        last_contact_on=D(2024, 1, 1))
        for url in (LIST, FLOATING, LOST, SUSPENDED):
            with django_assert_max_num_queries(12):
                assert client.get(url, {"status": "all"}).status_code == 200
    assert LostContact.objects.count() == 6


def test_every_page_renders_for_the_branch(world, login, records):
    from django.template.loader import render_to_string

    from dangjian.transfers.views import member_section

    client = login(world.secretary)
    t, c = records["transfer"], records["lost"]
    f = actions.record_floating(world.member, actor=world.secretary, data={"left_on": D(2025, 1, 1), "place": "外地"})
    urls = [reverse("transfers:create", args=[world.member.pk]), reverse("transfers:create_out", args=[world.member.pk]),
            reverse("transfers:receive"), reverse("transfers:floating_create", args=[world.member.pk]),
            reverse("transfers:floating_edit", args=[f.pk]), reverse("transfers:floating_detail", args=[f.pk]),
            reverse("transfers:lost_create", args=[world.member.pk]), reverse("transfers:lost_detail", args=[c.pk]),
            reverse("transfers:lost_edit", args=[c.pk]),
            reverse("transfers:remove", args=[world.member.pk]), reverse("transfers:detail", args=[t.pk])]
    with at(TODAY):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
        html = render_to_string("transfers/member_section.html", member_section(world.member, world.secretary))
    assert reverse("transfers:detail", args=[t.pk]) in html and reverse("transfers:floating_detail", args=[f.pk]) in html
    assert reverse("transfers:lost_create", args=[world.member.pk]) in html


def test_the_contact_number_is_revealed_only_with_the_right_a_reason_and_a_verified_session(world, login, records):
    f = records["floating"]
    url = reverse("transfers:floating_reveal", args=[f.pk])
    with at(TODAY):
        assert login(world.outsider).post(url, {"reason": "联系本人核实"}).status_code == 404
        assert login(world.secretary).post(url, {"reason": "联系本人核实"}).status_code == 404  # no reveal right
        admin = login(world.admin)
        refused = admin.post(url, {"reason": "联系本人核实"})
        assert refused.status_code == 302 and "13912345678" not in refused.content.decode()
        admin = login(world.admin, verified=True)
        assert admin.get(reverse("transfers:floating_detail", args=[f.pk])).context["can_reveal"]
        short = admin.post(url, {"reason": "查"})
        assert short.status_code == 302
        shown = admin.post(url, {"reason": "联系本人核实"})
    assert "13912345678" in shown.content.decode()
    event = AuditEvent.objects.get(action="transfers.reveal")
    assert event.reason == "联系本人核实" and "13912345678" not in str(event.changes)


def test_list_counts_pending_in_and_out_of_the_users_subtrees(world, login):
    with at(D(2025, 6, 1)):
        actions.request_transfer(world.member, actor=world.secretary, to_org=world.b, issued_on=D(2025, 6, 1))
        actions.request_transfer(world.b_member, actor=world.outsider, to_org=world.a2, issued_on=D(2025, 6, 1))
        actions.issue_external_transfer(world.a2_member, actor=world.admin, outside_org="某党委", letter_no="L1",
                                        issued_on=D(2025, 1, 2))
    with at(TODAY):
        assert login(world.outsider).get(LIST).context["counts"] == {"incoming": 1, "outgoing": 1, "late": 0}
        assert login(world.viewer).get(LIST).context["counts"] == {"incoming": 1, "outgoing": 2, "late": 1}
        admin = login(world.admin).get(LIST, {"org": world.b.pk})
    assert admin.context["counts"] == {"incoming": 1, "outgoing": 1, "late": 0}


@pytest.mark.parametrize("url", [LIST, FLOATING, LOST, SUSPENDED])
def test_list_page_does_not_grow_with_the_org_tree(world, login, url):
    """The org filter is a picker: the page holds the chosen org only, never every org in scope as an option."""
    from tests.growth import grow_tree, weight

    client = login(world.admin)
    before = weight(client, url)
    grow_tree(world, branches=40)
    assert weight(client, url) == before


def test_list_org_filter_shows_the_chosen_org_with_its_path(world, login):
    page = login(world.admin).get(LIST, {"org": world.a1.pk}).content.decode()
    assert "已选：机关党委 › 第一党总支 › 第一党支部" in page
    assert 'data-url="/orgs/pick/"' in page


def test_list_org_filter_out_of_scope_is_a_chinese_error_and_no_rows(world, login, records):
    response = login(world.outsider).get(LIST, {"org": world.a1.pk, "status": "all"})
    assert "党组织（含下级）：所选党组织不存在或不在您的管理范围内" in response.content.decode()
    assert "第一党支部" not in response.content.decode()
