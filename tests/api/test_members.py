"""/api/v1/members/: list with the UI's filters, detail, register, correct and transfer — all through the actions."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.core.models import AuditEvent
from dangjian.members import pii
from dangjian.members.actions import record_status_event
from dangjian.members.choices import MemberEventKind, MemberState
from dangjian.members.models import Member, MemberEvent
from tests.api.conftest import fresh, member_payload
from tests.world import make_id_card

LIST = "/api/v1/members/"
LOOKUP = "/api/v1/members/lookup/"


def detail(member: Member) -> str:
    return f"/api/v1/members/{member.pk}/"


def names(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {row["name"] for row in response.json()["results"]}


# --- Reading ----------------------------------------------------------------------------------------------


def test_list_shows_the_admins_members_with_masked_personal_data_only(world, api):
    response = api(world.admin).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert names(response) == {"李党员", "赵二支", "钱三支"}
    row = next(r for r in body["results"] if r["name"] == "李党员")
    assert row["org"] == world.a1.pk and row["org_name"] == "第一党支部" and row["group"] == world.a1_group.pk
    assert row["id_card_masked"] == world.member.id_card_masked and "*" in row["id_card_masked"]
    assert "id_card" not in row and "phone" not in row
    assert pii.read_id_card(world.member) not in response.content.decode()


def test_detail_has_the_documented_fields_iso_dates_and_party_years(world, api):
    response = api(world.admin).get(detail(world.member))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "id", "name", "name_pinyin", "sex", "ethnicity", "birth_date", "id_card_masked", "phone_masked",
        "education", "occupation", "work_unit", "post", "person_category", "party_status", "joined_on",
        "confirmed_on", "party_post", "state", "org", "org_name", "group", "party_years",
    }
    assert body["birth_date"] == "1985-03-12" and body["confirmed_on"] == "2011-07-01"
    assert isinstance(body["party_years"], int) and body["party_years"] >= 13


def test_probationary_member_has_no_party_years(world, api):
    probationary = world.make_member(world.a1, name="预备", party_status="probationary", confirmed_on=None)
    assert api(world.admin).get(detail(probationary)).json()["party_years"] is None


def test_member_no_longer_on_roll_still_has_a_detail_but_leaves_the_default_list(world, api):
    record_status_event(world.a2_member, actor=world.admin, kind=MemberEventKind.DECEASED, date=dt.date(2024, 1, 2))
    client = api(world.admin)
    assert "赵二支" not in names(client.get(LIST))
    assert "赵二支" in names(client.get(LIST, {"state": "all"}))
    assert client.get(detail(world.a2_member)).json()["state"] == MemberState.DECEASED


# --- Filters (the UI's MemberFilter) ----------------------------------------------------------------------


def test_filter_q_by_name_and_by_pinyin_initials(world, api):
    client = api(world.admin)
    assert names(client.get(LIST, {"q": "赵二"})) == {"赵二支"}
    assert names(client.get(LIST, {"q": "qsz"})) == {"钱三支"}


def test_filter_q_shaped_like_an_id_number_is_a_400_pointing_to_the_lookup(world, api):
    response = api(world.admin).get(LIST, {"q": pii.read_id_card(world.b_member)})
    assert response.status_code == 400
    assert "POST /api/v1/members/lookup/" in response.json()["q"][0]


def test_lookup_takes_the_number_by_post_and_answers_the_member_masked(world, api):
    number = pii.read_id_card(world.b_member)
    response = api(world.admin).post(LOOKUP, {"id_card": number}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "钱三支" and number not in response.content.decode()
    event = AuditEvent.objects.get(action="members.lookup")
    assert event.changes == {"id_card": world.b_member.id_card_masked, "found": True}


def test_lookup_answers_404_outside_the_scope_and_400_for_a_bad_number(world, api):
    number = pii.read_id_card(world.member)
    assert api(world.outsider).post(LOOKUP, {"id_card": number}, format="json").status_code == 404
    assert AuditEvent.objects.get(action="members.lookup").changes["found"] is False
    bad = api(world.admin).post(LOOKUP, {"id_card": "12345"}, format="json")
    assert bad.status_code == 400 and "id_card" in bad.json()
    assert api(world.admin).get(LOOKUP).status_code == 405


def test_filter_org_takes_the_whole_subtree(world, api):
    client = api(world.admin)
    assert names(client.get(LIST, {"org": world.general.pk})) == {"李党员", "赵二支"}
    assert names(client.get(LIST, {"org": world.a2.pk})) == {"赵二支"}


def test_filter_party_status(world, api):
    world.make_member(world.b, name="预备", party_status="probationary", confirmed_on=None)
    client = api(world.admin)
    assert names(client.get(LIST, {"party_status": "probationary"})) == {"预备"}
    assert "预备" not in names(client.get(LIST, {"party_status": "full"}))


def test_filter_org_outside_the_callers_scope_is_refused_not_answered(world, api):
    """The org choices are limited to what the caller sees (MemberFilter gets user=), so B's secretary cannot
    even name A1 in a filter."""
    response = api(world.outsider).get(LIST, {"org": world.a1.pk})
    assert response.status_code == 400
    assert "org" in response.json()


def test_bad_filter_value_is_a_400_naming_the_filter(world, api):
    response = api(world.admin).get(LIST, {"party_status": "nonsense"})
    assert response.status_code == 400
    assert "party_status" in response.json()


# --- Create -----------------------------------------------------------------------------------------------


def test_admin_registers_a_member_through_create_member(world, api):
    response = api(world.admin).post(LIST, member_payload(world.a2, name="孙新人"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    created = Member.objects.get(pk=body["id"])
    assert created.org == world.a2 and created.name == "孙新人" and created.name_pinyin == body["name_pinyin"]
    assert body["id_card_masked"] == created.id_card_masked and "id_card" not in body
    assert AuditEvent.objects.filter(action="members.create", object_id=str(created.pk), actor=world.admin).exists()
    assert MemberEvent.objects.filter(member=created, kind=MemberEventKind.JOINED).exists()


def test_secretary_registers_a_member_in_their_own_branch_with_a_group(world, api):
    payload = member_payload(world.a1, name="周组员", group=world.a1_group.pk)
    response = api(world.secretary).post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    assert Member.objects.get(pk=response.json()["id"]).group == world.a1_group


def test_unknown_fields_are_refused_by_name(world, api):
    payload = {**member_payload(world.a1), "nickname": "小张", "state": "left"}
    response = api(world.admin).post(LIST, payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"nickname": ["未知字段"], "state": ["未知字段"]}
    assert not Member.objects.filter(name="张三").exists()


def test_missing_required_fields_are_reported_per_field(world, api):
    response = api(world.admin).post(LIST, {}, format="json")
    assert response.status_code == 400
    errors = response.json()
    for field in ("org", "name", "sex", "birth_date", "id_card", "education", "occupation", "person_category",
                  "party_status", "joined_on"):
        assert field in errors, field
    assert errors["name"] == ["该字段是必填项。"]


def test_bad_id_number_is_a_400_on_id_card(world, api):
    good = make_id_card()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = api(world.admin).post(LIST, member_payload(world.a1, id_card=bad), format="json")
    assert response.status_code == 400
    assert response.json() == {"id_card": ["身份证号校验位不正确"]}


def test_rule_errors_from_the_action_come_back_per_field_in_chinese(world, api):
    payload = member_payload(world.a1, party_status="full", confirmed_on=None, phone="12345")
    response = api(world.admin).post(LIST, payload, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["confirmed_on"] == ["正式党员须填写转正日期"]
    assert errors["phone"] == ["手机号应为11位手机号码或带区号的固定电话"]


def test_duplicate_id_number_on_roll_is_refused(world, api):
    payload = member_payload(world.a2, id_card=pii.read_id_card(world.member))
    response = api(world.admin).post(LIST, payload, format="json")
    assert response.status_code == 400
    assert response.json()["id_card"] == ["已有相同身份证号的在册党员"]


def test_malformed_date_is_a_400_on_that_field(world, api):
    response = api(world.admin).post(LIST, member_payload(world.a1, joined_on="2010年7月1日"), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["joined_on"]


OUT_OF_SCOPE = {"org": ["所选党组织不存在或不在您的管理范围内"]}


def test_org_outside_the_change_scope_is_a_400_on_org(world, api):
    response = api(world.secretary).post(LIST, member_payload(world.a2), format="json")
    assert response.status_code == 400
    assert response.json() == OUT_OF_SCOPE


def test_nonexistent_org_gets_the_same_answer_as_a_forbidden_one(world, api):
    response = api(world.secretary).post(LIST, {**member_payload(world.a1), "org": 987654}, format="json")
    assert response.status_code == 400
    assert response.json() == OUT_OF_SCOPE


def test_org_that_is_not_an_integer_is_a_400(world, api):
    response = api(world.admin).post(LIST, {**member_payload(world.a1), "org": "第一党支部"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"org": ["请填写党组织的编号（整数）"]}


def test_a_committee_cannot_take_members_directly(world, api):
    response = api(world.admin).post(LIST, member_payload(world.root), format="json")
    assert response.status_code == 400
    assert response.json() == {"org": ["党员只能编入党支部，不能直接编入党委"]}


def test_group_of_another_branch_is_refused(world, api):
    response = api(world.admin).post(LIST, member_payload(world.a2, group=world.a1_group.pk), format="json")
    assert response.status_code == 400
    assert response.json() == {"group": ["党小组须属于所选党支部"]}


def test_form_encoded_bodies_are_not_accepted(world, api):
    response = api(world.admin).post(LIST, member_payload(world.a1), format="multipart")
    assert response.status_code == 415


# --- Update -----------------------------------------------------------------------------------------------


def test_patch_corrects_a_field_through_update_member(world, api):
    response = api(world.secretary).patch(detail(world.member), {"post": "副处长"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["post"] == "副处长"
    world.member.refresh_from_db()
    assert world.member.post == "副处长"
    event = AuditEvent.objects.get(action="members.update", object_id=str(world.member.pk))
    assert event.changes["post"] == ["科员", "副处长"]


def test_patch_can_correct_the_id_number_and_phone_which_are_stored_encrypted(world, api):
    number = make_id_card()
    payload = {"id_card": number, "phone": "13900001111"}
    response = api(world.admin).patch(detail(world.a2_member), payload, format="json")
    assert response.status_code == 200, response.json()
    world.a2_member.refresh_from_db()
    assert pii.read_id_card(world.a2_member) == number and pii.read_phone(world.a2_member) == "13900001111"
    assert response.json()["phone_masked"] == world.a2_member.phone_masked != "13900001111"


def test_put_replaces_the_plain_fields_without_resending_the_id_number(world, api):
    payload = member_payload(world.a1, name="李党员", post="处长")
    for key in ("org", "id_card"):
        payload.pop(key)
    response = api(world.admin).put(detail(world.member), payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["post"] == "处长"


def test_put_without_required_fields_is_a_400_per_field(world, api):
    response = api(world.admin).put(detail(world.member), {"post": "处长"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json() and "joined_on" in response.json()


def test_org_cannot_change_by_update(world, api):
    response = api(world.admin).patch(detail(world.member), {"org": world.a2.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"org": ["所在党支部不能在此修改，请使用组织关系转接"]}
    world.member.refresh_from_db()
    assert world.member.org == world.a1


def test_patch_with_an_unknown_field_is_refused(world, api):
    response = api(world.admin).patch(detail(world.member), {"nickname": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"nickname": ["未知字段"]}


def test_patch_with_a_bad_id_number_is_a_400_on_id_card(world, api):
    response = api(world.admin).patch(detail(world.member), {"id_card": "110101198503120001"}, format="json")
    assert response.status_code == 400
    assert "id_card" in response.json()


def test_record_no_longer_on_roll_cannot_be_corrected(world, api):
    record_status_event(world.a2_member, actor=world.admin, kind=MemberEventKind.DECEASED, date=dt.date(2024, 1, 2))
    response = api(world.admin).patch(detail(world.a2_member), {"post": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["已不在册的党员记录不能修改"]}


def test_members_are_never_deleted(world, api):
    response = api(world.admin).delete(detail(world.member))
    assert response.status_code == 405
    assert Member.objects.filter(pk=world.member.pk).exists()


# --- Transfer ---------------------------------------------------------------------------------------------


def transfer(member: Member) -> str:
    return f"/api/v1/members/{member.pk}/transfer/"


def test_transfer_moves_the_member_through_transfer_member(world, api):
    payload = {"to_org": world.a2.pk, "date": "2024-03-01", "reason": "工作调动", "doc_no": "机党〔2024〕3号"}
    response = api(world.admin).post(transfer(world.member), payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["org"] == world.a2.pk and response.json()["group"] is None
    world.member.refresh_from_db()
    assert world.member.org == world.a2
    event = MemberEvent.objects.get(member=world.member, kind=MemberEventKind.TRANSFER)
    assert event.from_org == world.a1 and event.doc_no == "机党〔2024〕3号" and event.date == dt.date(2024, 3, 1)
    assert AuditEvent.objects.filter(action="members.transfer", object_id=str(world.member.pk)).exists()


def test_transfer_to_a_branch_outside_the_change_scope_is_a_400(world, api):
    response = api(world.secretary).post(
        transfer(world.member), {"to_org": world.a2.pk, "date": "2024-03-01"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"to_org": ["所选党组织不存在或不在您的管理范围内"]}
    world.member.refresh_from_db()
    assert world.member.org == world.a1


def test_transfer_to_a_committee_is_refused_by_the_action(world, api):
    payload = {"to_org": world.root.pk, "date": "2024-03-01"}
    response = api(world.admin).post(transfer(world.member), payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"to_org": ["党员只能编入党支部，不能直接编入党委"]}


def test_transfer_needs_a_date_and_refuses_unknown_fields(world, api):
    client = api(world.admin)
    missing = client.post(transfer(world.member), {"to_org": world.a2.pk}, format="json")
    assert missing.status_code == 400 and list(missing.json()) == ["date"]
    unknown = client.post(transfer(world.member), {"to_org": world.a2.pk, "date": "2024-03-01", "x": 1}, format="json")
    assert unknown.status_code == 400 and unknown.json() == {"x": ["未知字段"]}


def test_transfer_date_in_the_future_is_refused(world, api):
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = api(world.admin).post(transfer(world.member), {"to_org": world.a2.pk, "date": future}, format="json")
    assert response.status_code == 400
    assert response.json() == {"date": ["转接日期不能晚于今天"]}


@pytest.mark.parametrize("extra", [0, 25])
def test_list_query_count_does_not_grow_with_rows(world, api, django_assert_max_num_queries, extra):
    """Scope, count and page, whatever the number of members: org_name comes by select_related."""
    for i in range(extra):
        world.make_member(world.a1 if i % 2 else world.b, name=f"党员{'甲乙丙丁戊己庚辛壬癸'[i % 10]}")
    client = fresh(api, world.admin)
    with django_assert_max_num_queries(3):
        response = client.get(LIST, {"page_size": 50})
    assert response.json()["count"] == 3 + extra


def test_filtered_list_query_count_is_bounded_too(world, api, django_assert_max_num_queries):
    for _ in range(10):
        world.make_member(world.a2, name="王五")
    client = fresh(api, world.admin)
    with django_assert_max_num_queries(4):  # + the org filter's lookup of the chosen org
        response = client.get(LIST, {"org": world.general.pk, "q": "王", "page_size": 50})
    assert response.json()["count"] == 10
