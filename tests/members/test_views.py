"""The 党员 pages: scoped list and filters, detail, create/edit with field errors, transfer, status, reveal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEvent
from dangjian.lib.dates import add_years
from dangjian.members import actions, pii
from dangjian.members.choices import MemberEventKind, MemberState
from dangjian.members.models import Member
from tests.world import make_id_card

LIST = reverse("members:list")
LOOKUP = reverse("members:lookup")


def names(response: Any) -> list[str]:
    return [m.name for m, _age, _years in response.context["rows"]]


def form_data(org: Any, **overrides: Any) -> dict[str, str]:
    """What the browser posts for a valid new member (strings, dates as ISO)."""
    birth = overrides.pop("birth_date", dt.date(1990, 5, 6))
    data = {
        "org": str(org.pk), "group": "", "name": "新党员", "sex": "M", "ethnicity": "汉族",
        "birth_date": birth.isoformat(), "id_card": make_id_card(birth, male=True), "phone": "13900001111",
        "education": "bachelor", "occupation": "civil_servant", "person_category": "employed",
        "work_unit": "办公厅", "post": "科员", "party_status": "full", "joined_on": "2015-07-01",
        "confirmed_on": "2016-07-01", "party_post": "",
    }
    data.update({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in overrides.items()})
    return data


def edit_data(member: Member, **overrides: Any) -> dict[str, str]:
    data = {
        "group": str(member.group_id or ""), "name": member.name, "sex": member.sex, "ethnicity": member.ethnicity,
        "birth_date": member.birth_date.isoformat(), "id_card": "", "phone": "", "education": member.education,
        "occupation": member.occupation, "person_category": member.person_category, "work_unit": member.work_unit,
        "post": member.post, "party_status": member.party_status, "joined_on": member.joined_on.isoformat(),
        "confirmed_on": member.confirmed_on.isoformat() if member.confirmed_on else "", "party_post": member.party_post,
    }
    data.update(overrides)
    return data


def young_member_data(today: dt.date) -> dict[str, Any]:
    """A member aged 25 who was confirmed three years ago (age band 30岁及以下, 党龄 1至5年)."""
    birth = add_years(today, -25) - dt.timedelta(days=10)
    joined = add_years(today, -4)
    return {
        "name": "孙青年", "birth_date": birth, "id_card": make_id_card(birth), "joined_on": joined,
        "confirmed_on": add_years(joined, 1),
    }


# --- List: scope, filters, sort, pages ---------------------------------------------------------------------------


def test_admin_list_shows_members_of_the_whole_tree_masked(world, login):
    response = login(world.admin).get(LIST)
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(["李党员", "赵二支", "钱三支"])
    body = response.content.decode()
    assert world.member.id_card_masked in body
    assert pii.read_id_card(world.member) not in body
    assert "新增党员" in body and reverse("members:import") in body


def test_viewer_lists_only_the_general_branch_subtree_without_change_buttons(world, login):
    response = login(world.viewer).get(LIST)
    assert sorted(names(response)) == sorted(["李党员", "赵二支"])
    assert "新增党员" not in response.content.decode()


def test_outsider_list_holds_none_of_the_other_subtree(world, login):
    response = login(world.outsider).get(LIST)
    assert names(response) == ["钱三支"]
    assert "李党员" not in response.content.decode()


@pytest.mark.parametrize("persona", ["sysadmin", "auditor"])
def test_system_roles_get_an_empty_list(world, login, persona):
    response = login(getattr(world, persona), verified=True).get(LIST)
    assert response.status_code == 200
    assert names(response) == []
    assert "暂无党员记录" in response.content.decode()


def test_search_by_name_part(world, login):
    assert names(login(world.admin).get(LIST, {"q": "党员"})) == ["李党员"]


def test_search_by_pinyin_initials(world, login):
    assert names(login(world.admin).get(LIST, {"q": "zez"})) == ["赵二支"]


def test_a_search_by_id_card_number_in_the_url_is_refused_not_searched(world, login):
    number = pii.read_id_card(world.member)
    response = login(world.admin).get(LIST, {"q": number})
    assert names(response) == []
    assert "按身份证号查找" in response.context["filter"].form.errors["q"][0]
    assert "按身份证号查找" in response.content.decode()
    assert names(login(world.admin).get(LIST, {"q": number[:15]})) == []  # the older 15-digit form too
    assert not AuditEvent.objects.filter(action="members.lookup").exists()


def test_the_list_offers_the_lookup_as_a_posted_form(world, login):
    body = login(world.admin).get(LIST).content.decode()
    assert f'<form method="post" action="{LOOKUP}"' in body


def test_lookup_by_id_card_posts_and_goes_to_the_member_by_id_audited_masked(world, login):
    number = make_id_card(dt.date(1979, 11, 3))
    found = world.make_member(world.a2, name="周精确", birth_date=dt.date(1979, 11, 3), id_card=number)
    response = login(world.admin).post(LOOKUP, {"id_card": number.lower()})
    assert response.status_code == 302 and response.url == reverse("members:detail", args=[found.pk])
    event = AuditEvent.objects.get(action="members.lookup")
    assert event.actor == world.admin and event.object_id == str(found.pk)
    assert event.changes == {"id_card": found.id_card_masked, "found": True}
    assert number not in str(event.changes)


def test_lookup_outside_the_scope_finds_nobody_and_is_audited(world, login):
    number = pii.read_id_card(world.member)
    response = login(world.outsider).post(LOOKUP, {"id_card": number})
    assert response.status_code == 200
    assert response.context["form"].errors["id_card"] == ["您的管理范围内没有该身份证号的党员"]
    event = AuditEvent.objects.get(action="members.lookup")
    assert event.changes["found"] is False and number not in str(event.changes)


def test_lookup_refuses_a_bad_number_by_name_and_plain_members_get_404(world, login):
    number = make_id_card(dt.date(1990, 5, 6))
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    response = login(world.admin).post(LOOKUP, {"id_card": bad})
    assert response.context["form"].errors["id_card"] == ["身份证号校验位不正确"]
    assert login(world.member_user).get(LOOKUP).status_code == 404


def test_org_filter_takes_the_whole_subtree(world, login):
    response = login(world.admin).get(LIST, {"org": world.general.pk})
    assert sorted(names(response)) == sorted(["李党员", "赵二支"])


def test_org_filter_refuses_an_org_outside_scope(world, login):
    response = login(world.outsider).get(LIST, {"org": world.general.pk})
    assert names(response) == []
    assert response.context["filter"].form.errors.get("org")


def test_age_and_party_year_bands(world, login):
    today = timezone.localdate()
    world.make_member(world.a1, **young_member_data(today))
    client = login(world.admin)
    assert names(client.get(LIST, {"age": "30"})) == ["孙青年"]
    assert "孙青年" not in names(client.get(LIST, {"age": "36-40"}))
    assert names(client.get(LIST, {"party_years": "1-5"})) == ["孙青年"]
    assert "孙青年" not in names(client.get(LIST, {"party_years": "11-20"}))
    assert "李党员" in names(client.get(LIST, {"party_years": "11-20"}))


def test_state_filter_hides_transferred_out_by_default(world, login):
    actions.record_status_event(
        world.a2_member, actor=world.admin, kind=MemberEventKind.TRANSFER_OUT, date=timezone.localdate(),
        outside_org="某市委组织部",
    )
    client = login(world.admin)
    assert "赵二支" not in names(client.get(LIST))
    assert names(client.get(LIST, {"state": MemberState.TRANSFERRED_OUT})) == ["赵二支"]
    assert "赵二支" in names(client.get(LIST, {"state": "all"}))


def test_sorting_by_pinyin_both_ways(world, login):
    client = login(world.admin)
    assert names(client.get(LIST, {"sort": "name"})) == ["李党员", "钱三支", "赵二支"]
    assert names(client.get(LIST, {"sort": "-name"})) == ["赵二支", "钱三支", "李党员"]


def test_list_paginates_and_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    client = login(world.admin)
    client.get(LIST)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for i in range(25):
        birth = dt.date(1980, 1, 1) + dt.timedelta(days=i)
        world.make_member(world.a2, name=f"党员{chr(0x4e00 + i)}", birth_date=birth, id_card=make_id_card(birth))
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = client.get(LIST)
    assert len(first.context["rows"]) == 20
    assert first.context["page"].paginator.count == 28
    second = client.get(LIST, {"page": 2})
    assert len(second.context["rows"]) == 8
    assert not set(names(first)) & set(names(second))


def test_list_offers_the_export_link_with_the_same_filters(world, login):
    body = login(world.admin).get(LIST, {"q": "李", "page": 1}).content.decode()
    assert reverse("members:export") + "?q=" in body


def test_unmasked_export_form_only_for_reveal_right_with_verified_session(world, login):
    unverified = login(world.admin).get(LIST).content.decode()
    assert 'name="reason"' not in unverified and "动态口令" in unverified
    assert 'name="reason"' in login(world.admin, verified=True).get(LIST).content.decode()
    assert "导出完整信息" not in login(world.viewer).get(LIST).content.decode()


# --- Detail and 我的档案 -------------------------------------------------------------------------------------------


def test_detail_shows_masked_data_events_history_and_buttons(world, login):
    actions.update_member(world.member, actor=world.admin, data={"work_unit": "研究室"})
    response = login(world.admin).get(reverse("members:detail", args=[world.member.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert world.member.id_card_masked in body and pii.read_id_card(world.member) not in body
    assert "第一党小组" in body
    assert [e.kind for e in response.context["events"]] == [MemberEventKind.CONFIRMED, MemberEventKind.JOINED]
    latest, created = response.context["history"][0], response.context["history"][-1]
    assert latest["changed"] == ["工作单位"] and latest["user"] == world.admin
    assert created["created"]
    assert "身份证号索引" not in body and "密文" not in body
    for name in ("members:edit", "members:status", "transfers:create", "transfers:create_out"):
        assert reverse(name, args=[world.member.pk]) in body
    # The lifecycle sections are on the page: 发展党员 (none here), 转接, 党费, 学时, 民主评议.
    assert len(response.context["sections"]) == 5 and "党费" in body and "组织关系转接" in body
    assert "查看完整身份证号/手机号" in body
    assert response.context["age"] == world.member.age(timezone.localdate())


def test_viewer_reads_detail_but_may_not_change_or_reveal(world, login):
    client = login(world.viewer)
    response = client.get(reverse("members:detail", args=[world.member.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("members:edit", args=[world.member.pk]) not in body
    assert "查看完整身份证号/手机号" not in body
    for name in ("members:edit", "members:transfer", "members:status", "members:reveal"):
        assert client.get(reverse(name, args=[world.member.pk])).status_code == 404
    assert client.post(reverse("members:edit", args=[world.member.pk]), edit_data(world.member)).status_code == 404


@pytest.mark.parametrize("name", ["members:detail", "members:edit", "members:transfer", "members:status", "members:reveal"])
def test_outsider_gets_404_on_every_member_page_and_it_is_audited(world, login, name):
    client = login(world.outsider)
    assert client.get(reverse(name, args=[world.member.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="auth.denied", actor=world.outsider).exists()
    assert client.get(reverse(name, args=[999999])).status_code == 404


def test_outsider_cannot_post_a_reveal(world, login):
    response = login(world.outsider, verified=True).post(
        reverse("members:reveal", args=[world.member.pk]), {"field": "id_card", "reason": "核对身份信息"}
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="members.reveal").exists()


@pytest.mark.parametrize("persona", ["sysadmin", "auditor"])
def test_system_roles_get_404_on_detail(world, login, persona):
    client = login(getattr(world, persona), verified=True)
    assert client.get(reverse("members:detail", args=[world.member.pk])).status_code == 404


def test_member_sees_only_own_record(world, login):
    client = login(world.member_user)
    mine = client.get(reverse("members:mine"))
    assert mine.status_code == 200
    assert mine.context["member"] == world.member and mine.context["readonly"]
    body = mine.content.decode()
    assert "李党员" in body and reverse("members:edit", args=[world.member.pk]) not in body
    assert client.get(reverse("members:detail", args=[world.member.pk])).status_code == 200
    assert client.get(reverse("members:detail", args=[world.a2_member.pk])).status_code == 404
    assert client.get(reverse("members:edit", args=[world.member.pk])).status_code == 404


def test_mine_is_404_without_a_member_record(world, login):
    assert login(world.admin).get(reverse("members:mine")).status_code == 404
    assert login(world.nobody).get(reverse("members:mine")).status_code == 404


# --- Create and edit ----------------------------------------------------------------------------------------------


def test_admin_creates_a_member_and_it_is_audited(world, login):
    data = form_data(world.a1, group=str(world.a1_group.pk))
    response = login(world.admin).post(reverse("members:create"), data)
    member = Member.objects.get(name="新党员")
    assert response.status_code == 302 and response["Location"] == reverse("members:detail", args=[member.pk])
    assert member.group == world.a1_group and pii.read_id_card(member) == data["id_card"]
    audit_row = AuditEvent.objects.get(action="members.create", object_id=str(member.pk))
    assert data["id_card"] not in str(audit_row.changes)


def test_create_saves_and_then_shows_validation_warnings(world, login):
    data = form_data(world.a1, joined_on=dt.date(2012, 7, 1), confirmed_on=dt.date(2015, 7, 1))
    response = login(world.admin).post(reverse("members:create"), data)
    assert response.status_code == 302 and Member.objects.filter(name="新党员").exists()
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("预备期延长" in m for m in shown), shown


def test_create_form_offers_only_branches_in_change_scope(world, login):
    form = login(world.secretary).get(reverse("members:create")).context["form"]
    assert list(form.fields["org"].queryset) == [world.a1]
    assert login(world.viewer).get(reverse("members:create")).status_code == 404


def test_create_form_narrows_groups_to_the_chosen_branch(world, login):
    form = login(world.admin).get(reverse("members:create"), {"org": world.a2.pk}).context["form"]
    assert list(form.fields["group"].queryset) == []
    form = login(world.admin).get(reverse("members:create"), {"org": world.a1.pk}).context["form"]
    assert list(form.fields["group"].queryset) == [world.a1_group]


def test_create_form_pre_selects_a_secretarys_only_branch_and_lists_no_group_before_a_branch(world, login):
    page = login(world.secretary).get(reverse("members:create")).content.decode()
    assert "已选：机关党委 › 第一党总支 › 第一党支部" in page and "第一党小组" in page
    admin_form = login(world.admin).get(reverse("members:create")).context["form"]
    assert admin_form.initial.get("org") is None and list(admin_form.fields["group"].queryset) == []


def test_create_refuses_a_branch_out_of_scope_naming_the_field(world, login):
    response = login(world.secretary).post(reverse("members:create"), form_data(world.b))
    assert response.context["form"].errors["org"] == ["所在党支部：所选党组织不存在或不在您的管理范围内"]
    assert not Member.objects.filter(name="新党员").exists()


def _bad_id_card() -> str:
    number = make_id_card(dt.date(1990, 5, 6))
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_card": _bad_id_card()}, "id_card", "身份证号校验位不正确"),
        ({"birth_date": dt.date(1990, 5, 7), "id_card": make_id_card(dt.date(1990, 5, 6))}, "birth_date",
         "出生日期与身份证号中的出生日期不一致"),
        ({"confirmed_on": dt.date(2016, 1, 1)}, "confirmed_on", "转正日期应在入党日期满一年之后"),
        ({"joined_on": dt.date(2007, 1, 1), "confirmed_on": dt.date(2008, 1, 1)}, "joined_on", "入党时须年满18周岁"),
    ],
)
def test_create_with_bad_input_shows_the_field_error_and_writes_nothing(world, login, overrides, field, message):
    before = Member.objects.count()
    response = login(world.admin).post(reverse("members:create"), form_data(world.a1, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert message in response.content.decode()
    assert Member.objects.count() == before
    assert not AuditEvent.objects.filter(action="members.create", object_repr="新党员").exists()


def test_create_refuses_a_member_in_a_committee(world, login):
    before = Member.objects.count()
    response = login(world.admin).post(reverse("members:create"), form_data(world.root))
    assert response.status_code == 200
    assert response.context["form"].errors["org"]
    assert Member.objects.count() == before
    assert not AuditEvent.objects.filter(action="members.create", object_repr="新党员").exists()


def test_secretary_cannot_create_in_another_branch(world, login):
    before = Member.objects.count()
    response = login(world.secretary).post(reverse("members:create"), form_data(world.a2))
    assert response.status_code == 200 and response.context["form"].errors["org"]
    assert Member.objects.count() == before


def test_edit_keeps_personal_data_when_left_empty_and_is_audited(world, login):
    member = world.member
    old_id, old_phone = pii.read_id_card(member), pii.read_phone(member)
    response = login(world.secretary).post(reverse("members:edit", args=[member.pk]), edit_data(member, work_unit="研究室"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.work_unit == "研究室"
    assert pii.read_id_card(member) == old_id and pii.read_phone(member) == old_phone
    audit_row = AuditEvent.objects.get(action="members.update", object_id=str(member.pk))
    assert audit_row.changes == {"work_unit": ["办公厅", "研究室"]}


def test_edit_form_shows_masked_placeholders_not_clear_values(world, login):
    body = login(world.admin).get(reverse("members:edit", args=[world.member.pk])).content.decode()
    assert world.member.id_card_masked in body
    assert pii.read_id_card(world.member) not in body and pii.read_phone(world.member) not in body


def test_edit_of_a_member_no_longer_on_roll_is_refused(world, login):
    actions.record_status_event(
        world.member, actor=world.admin, kind=MemberEventKind.DECEASED, date=timezone.localdate()
    )
    url = reverse("members:edit", args=[world.member.pk])
    response = login(world.admin).post(url, edit_data(world.member, work_unit="研究室"))
    assert response.status_code == 302
    assert "不能修改" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert Member.objects.get(pk=world.member.pk).work_unit == "办公厅"


def test_edit_shows_action_errors_on_fields(world, login):
    response = login(world.admin).post(
        reverse("members:edit", args=[world.member.pk]), edit_data(world.member, confirmed_on="2010-12-01")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["confirmed_on"]
    assert not AuditEvent.objects.filter(action="members.update").exists()


# --- Transfer and status ------------------------------------------------------------------------------------------


def test_transfer_moves_the_member_and_is_audited(world, login):
    url = reverse("members:transfer", args=[world.member.pk])
    form = login(world.admin).get(url).context["form"]
    assert world.a1 not in form.fields["to_org"].queryset and world.a2 in form.fields["to_org"].queryset
    response = login(world.admin).post(
        url, {"to_org": world.a2.pk, "date": timezone.localdate().isoformat(), "reason": "工作调动", "doc_no": "组1"}
    )
    assert response.status_code == 302
    member = Member.objects.get(pk=world.member.pk)
    assert member.org == world.a2 and member.group is None
    assert AuditEvent.objects.filter(action="members.transfer", object_id=str(member.pk), reason="工作调动").exists()


def test_secretary_cannot_transfer_outside_their_branch(world, login):
    response = login(world.secretary).post(
        reverse("members:transfer", args=[world.member.pk]),
        {"to_org": world.a2.pk, "date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200 and response.context["form"].errors["to_org"]
    assert Member.objects.get(pk=world.member.pk).org == world.a1


def test_status_event_is_recorded_and_audited(world, login):
    response = login(world.admin).post(
        reverse("members:status", args=[world.member.pk]),
        {"kind": MemberEventKind.SUSPENDED, "date": timezone.localdate().isoformat(), "reason": "长期失联"},
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=world.member.pk).state == MemberState.SUSPENDED
    assert AuditEvent.objects.filter(action="members.status", object_id=str(world.member.pk)).exists()


def test_status_errors_are_shown_on_fields(world, login):
    response = login(world.admin).post(
        reverse("members:status", args=[world.member.pk]),
        {"kind": MemberEventKind.LEFT, "date": timezone.localdate().isoformat(), "reason": ""},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["reason"] and errors["leave_reason"]
    assert Member.objects.get(pk=world.member.pk).state == MemberState.ACTIVE
    assert not AuditEvent.objects.filter(action="members.status").exists()


def test_status_offers_five_kinds_in_order_and_leaves_transfer_out_to_the_transfers(world, login):
    client = login(world.admin)
    form = client.get(reverse("members:status", args=[world.member.pk])).context["form"]
    labels = [label for value, label in form.fields["kind"].choices if value]
    assert labels == ["转正", "停止党籍", "恢复党籍", "出党", "去世"]
    response = client.post(reverse("members:status", args=[world.member.pk]),
                           {"kind": "transfer_out", "date": "2025-01-02", "reason": "调动"})
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert Member.objects.get(pk=world.member.pk).state == MemberState.ACTIVE


# --- Reveal -------------------------------------------------------------------------------------------------------


def test_reveal_needs_a_verified_session(world, login):
    url = reverse("members:reveal", args=[world.member.pk])
    response = login(world.admin).post(url, {"field": "id_card", "reason": "核对身份信息"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "动态口令" in body and reverse("accounts:otp_setup") in body
    assert pii.read_id_card(world.member) not in body
    assert not AuditEvent.objects.filter(action="members.reveal").exists()


def test_reveal_needs_a_reason(world, login):
    url = reverse("members:reveal", args=[world.member.pk])
    response = login(world.admin, verified=True).post(url, {"field": "id_card", "reason": "看"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert pii.read_id_card(world.member) not in response.content.decode()
    assert not AuditEvent.objects.filter(action="members.reveal").exists()


def test_reveal_shows_the_value_once_and_audits_without_it(world, login):
    number = pii.read_id_card(world.member)
    url = reverse("members:reveal", args=[world.member.pk])
    response = login(world.admin, verified=True).post(url, {"field": "id_card", "reason": "核对身份信息"})
    assert response.status_code == 200
    assert number in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    row = AuditEvent.objects.get(action="members.reveal", object_id=str(world.member.pk))
    assert row.reason == "核对身份信息" and row.changes == {"field": "身份证号"}
    assert number not in str(row.changes) and number not in row.reason


def test_reveal_of_the_phone(world, login):
    url = reverse("members:reveal", args=[world.member.pk])
    response = login(world.admin, verified=True).post(url, {"field": "phone", "reason": "联系本人核实"})
    assert pii.read_phone(world.member) in response.content.decode()


def test_secretary_without_the_reveal_right_gets_404(world, login):
    url = reverse("members:reveal", args=[world.member.pk])
    response = login(world.secretary, verified=True).post(url, {"field": "id_card", "reason": "核对身份信息"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="members.reveal").exists()


def test_the_org_filter_is_a_picker_that_accepts_any_visible_org(world, login):
    """A national tree has 10⁵ orgs: the filter lists none of them; any visible org filters, shown with its path."""
    from dangjian.orgs.actions import create_org
    from dangjian.orgs.models import OrgKind

    unit = create_org(actor=world.admin, parent=world.root, name="直属单位党委", kind=OrgKind.COMMITTEE)
    general = create_org(actor=world.admin, parent=unit, name="直属总支", kind=OrgKind.GENERAL_BRANCH)
    deep = create_org(actor=world.admin, parent=general, name="深层党支部", kind=OrgKind.BRANCH)
    world.make_member(deep, name="深层党员")
    client = login(world.admin)
    page = client.get(reverse("members:list")).content.decode()
    assert "直属总支" not in page and 'data-url="/orgs/pick/"' in page
    filtered = client.get(reverse("members:list"), {"org": deep.pk}).content.decode()
    assert "深层党员" in filtered and "李党员" not in filtered
    assert "已选：机关党委 › 直属单位党委 › 直属总支 › 深层党支部" in filtered


def test_the_list_count_comes_from_the_kept_totals_when_only_an_org_is_chosen(world, login):
    """No COUNT over the subtree's members for the plain list; the figure is the org's kept total."""
    from dangjian.members.filters import MemberFilter

    world.make_member(world.a2, name="计数")
    admin_filter = MemberFilter({"org": world.general.pk}, queryset=Member.objects.visible_to(world.admin),
                                user=world.admin)
    assert admin_filter.known_count(world.admin) == admin_filter.qs.count() == 3
    searching = MemberFilter({"org": world.general.pk, "q": "计"}, queryset=Member.objects.visible_to(world.admin),
                             user=world.admin)
    assert searching.known_count(world.admin) is None
    own = MemberFilter({"org": world.a1.pk}, queryset=Member.objects.visible_to(world.member_user),
                       user=world.member_user)
    assert own.known_count(world.member_user) is None and own.qs.count() == 1
    page = login(world.admin).get(reverse("members:list"), {"org": world.general.pk}).content.decode()
    assert "共 3 条" in page
