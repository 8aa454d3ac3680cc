"""The 党员 registry actions: every consistency rule at its boundary, status events, transfer, reveal, audit."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from dangjian.core.models import AuditEvent
from dangjian.members import actions, pii
from dangjian.members.choices import MemberEventKind, MemberState, PartyStatus
from dangjian.members.models import Member
from dangjian.members.validation import check_member_data
from tests.world import make_id_card, member_data

TODAY = dt.date(2025, 6, 30)


def errors_of(data, today=TODAY):
    return check_member_data(data, today=today).errors


# --- Validation at the boundaries -------------------------------------------------------------------------


def test_age_at_admission_boundary(world):
    birth = dt.date(2000, 5, 20)
    day_before = member_data(world.a1, birth_date=birth, joined_on=dt.date(2018, 5, 19), confirmed_on=dt.date(2019, 5, 19))
    on_the_day = member_data(world.a1, birth_date=birth, joined_on=dt.date(2018, 5, 20), confirmed_on=dt.date(2019, 5, 20))
    assert "入党时须年满18周岁" in errors_of(day_before)["joined_on"]
    assert "joined_on" not in errors_of(on_the_day)


def test_confirmation_one_year_boundary(world):
    joined = dt.date(2020, 7, 1)
    too_early = member_data(world.a1, joined_on=joined, confirmed_on=dt.date(2021, 6, 30))
    on_time = member_data(world.a1, joined_on=joined, confirmed_on=dt.date(2021, 7, 1))
    assert "转正日期应在入党日期满一年之后（预备期为一年）" in errors_of(too_early)["confirmed_on"]
    assert "confirmed_on" not in errors_of(on_time)
    late = check_member_data(member_data(world.a1, joined_on=joined, confirmed_on=dt.date(2022, 7, 2)), today=TODAY)
    assert not late.errors and late.warnings


def test_status_and_confirmation_date_must_agree(world):
    assert "正式党员须填写转正日期" in errors_of(member_data(world.a1, confirmed_on=None))["confirmed_on"]
    probationary = member_data(world.a1, party_status="probationary")
    assert "预备党员不应有转正日期" in errors_of(probationary)["confirmed_on"]


def test_dates_in_the_future_are_refused(world):
    errors = errors_of(member_data(world.a1, joined_on=dt.date(2025, 7, 1), confirmed_on=None, party_status="probationary"))
    assert "入党日期不能晚于今天" in errors["joined_on"]
    assert "joined_on" not in errors_of(
        member_data(world.a1, joined_on=TODAY, confirmed_on=None, party_status="probationary")
    )


def test_id_card_must_agree_with_birth_date_and_sex(world):
    data = member_data(world.a1, birth_date=dt.date(1985, 3, 12))
    data["id_card"] = make_id_card(dt.date(1985, 3, 13))
    assert "出生日期与身份证号中的出生日期不一致" in errors_of(data)["birth_date"]
    data = member_data(world.a1)
    data["id_card"] = make_id_card(male=False)
    assert "性别与身份证号不一致" in errors_of(data)["sex"]
    data["id_card"] = "110105194912310021"
    assert errors_of(data)["id_card"] == ["身份证号校验位不正确"]


def test_phone_and_enumerations_are_checked(world):
    errors = errors_of(member_data(world.a1, phone="12345", education="phd", ethnicity="火星族"))
    assert "phone" in errors and "education" in errors and "ethnicity" in errors


# --- Create / update -----------------------------------------------------------------------------------------


def test_it_creates_a_member_with_encrypted_personal_data(world):
    data = member_data(world.a1, name="曾小单")
    member = actions.create_member(actor=world.secretary, data=data)
    assert member.name_pinyin == "zeng xiao dan" and member.name_initials == "zxd"
    assert data["id_card"] not in member.id_card_cipher
    assert pii.read_id_card(member) == data["id_card"]
    assert member.id_card_masked == data["id_card"][:4] + "*" * 10 + data["id_card"][-4:]
    assert pii.read_phone(member) == "13812345678" and member.phone_masked == "138****5678"
    kinds = set(member.events.values_list("kind", flat=True))
    assert kinds == {MemberEventKind.JOINED, MemberEventKind.CONFIRMED}
    event = AuditEvent.objects.get(action="members.create", object_id=str(member.pk))
    assert data["id_card"] not in str(event.changes) and "13812345678" not in str(event.changes)
    assert member.history.count() == 1


def test_it_refuses_a_member_in_a_committee_and_writes_nothing(world):
    before = (Member.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        actions.create_member(actor=world.admin, data=member_data(world.general))
    assert exc.value.message_dict["org"] == ["党员只能编入党支部，不能直接编入党总支"]
    assert (Member.objects.count(), AuditEvent.objects.count()) == before


def test_it_refuses_a_second_on_roll_record_with_the_same_id_card(world):
    data = member_data(world.a2, name="重复")
    actions.create_member(actor=world.admin, data=data)
    with pytest.raises(ValidationError) as exc:
        actions.create_member(actor=world.admin, data={**data, "name": "重复二"})
    assert exc.value.message_dict["id_card"] == ["已有相同身份证号的在册党员"]


def test_a_person_who_left_may_be_registered_again(world):
    data = member_data(world.a2, name="回归")
    old = actions.create_member(actor=world.admin, data=data)
    actions.record_status_event(old, actor=world.admin, kind=MemberEventKind.TRANSFER_OUT, date=TODAY, outside_org="某省委")
    again = actions.create_member(actor=world.admin, data={**data, "outside_org": "某省委", "letter_no": "J-1"})
    assert again.events.get().kind == MemberEventKind.TRANSFER_IN


def test_secretary_cannot_create_outside_their_branch(world):
    with pytest.raises(Http404):
        actions.create_member(actor=world.secretary, data=member_data(world.b))
    assert AuditEvent.objects.filter(action="auth.denied", actor=world.secretary).exists()


def test_update_keeps_history_and_audits_masked_changes(world):
    new_id = make_id_card(dt.date(1985, 3, 12))
    actions.update_member(world.member, actor=world.secretary, data={"post": "副处长", "id_card": new_id})
    member = Member.objects.get(pk=world.member.pk)
    assert member.post == "副处长" and pii.read_id_card(member) == new_id
    event = AuditEvent.objects.filter(action="members.update").latest("id")
    assert event.changes["post"] == ["科员", "副处长"]
    assert new_id not in str(event.changes)
    assert member.history.count() == 2


def test_update_refuses_fields_that_have_their_own_action(world):
    with pytest.raises(ValidationError) as exc:
        actions.update_member(world.member, actor=world.admin, data={"org": world.b, "state": "left"})
    assert set(exc.value.message_dict) == {"org", "state"}


def test_viewer_cannot_update(world):
    with pytest.raises(Http404):
        actions.update_member(world.member, actor=world.viewer, data={"post": "x"})


# --- Transfer and status events ---------------------------------------------------------------------------------


def test_transfer_within_scope(world):
    actions.transfer_member(world.member, actor=world.admin, to_org=world.b, date=TODAY, reason="工作调动")
    member = Member.objects.get(pk=world.member.pk)
    assert member.org == world.b and member.group is None
    event = member.events.get(kind=MemberEventKind.TRANSFER)
    assert (event.from_org, event.to_org) == (world.a1, world.b)
    assert AuditEvent.objects.filter(action="members.transfer", object_id=str(member.pk)).exists()


def test_transfer_to_an_org_outside_scope_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        actions.transfer_member(world.member, actor=world.secretary, to_org=world.b, date=TODAY)
    assert exc.value.message_dict["to_org"] == ["只能转接到您管理范围内的党支部"]
    with pytest.raises(ValidationError):
        actions.transfer_member(world.member, actor=world.admin, to_org=world.general, date=TODAY)


@time_machine.travel(dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC), tick=False)
def test_confirmation_after_a_full_year_of_probation(world):
    joined = dt.date(2024, 7, 1)
    member = world.make_member(world.a2, name="预备", party_status="probationary", joined_on=joined, confirmed_on=None)
    with pytest.raises(ValidationError) as exc:
        actions.record_status_event(member, actor=world.admin, kind=MemberEventKind.CONFIRMED, date=dt.date(2025, 6, 30))
    assert exc.value.message_dict["date"] == ["预备期满一年后方可转正"]
    with time_machine.travel(dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC), tick=False):
        actions.record_status_event(member, actor=world.admin, kind=MemberEventKind.CONFIRMED, date=dt.date(2025, 7, 1))
    member.refresh_from_db()
    assert member.party_status == PartyStatus.FULL and member.confirmed_on == dt.date(2025, 7, 1)
    assert member.party_years(dt.date(2026, 6, 30)) == 0
    assert member.party_years(dt.date(2026, 7, 1)) == 1


def test_suspension_restoration_and_leaving(world):
    member = world.member
    with pytest.raises(ValidationError):
        actions.record_status_event(member, actor=world.admin, kind=MemberEventKind.SUSPENDED, date=TODAY)
    actions.record_status_event(member, actor=world.admin, kind=MemberEventKind.SUSPENDED, date=TODAY, reason="失联")
    assert Member.objects.get(pk=member.pk).state == MemberState.SUSPENDED
    with pytest.raises(ValidationError):
        actions.record_status_event(member, actor=world.admin, kind=MemberEventKind.RESTORED, date=TODAY)
    actions.record_status_event(member, actor=world.admin, kind=MemberEventKind.RESTORED, date=TODAY, doc_no="恢1")
    actions.record_status_event(
        member, actor=world.admin, kind=MemberEventKind.LEFT, date=TODAY, reason="本人申请", leave_reason="withdrew"
    )
    member.refresh_from_db()
    assert member.state == MemberState.LEFT
    assert list(member.events.values_list("kind", flat=True)[:3]) == ["left", "restored", "suspended"]
    # The member's login is disabled when they leave the roll (SEC-08).
    world.member_user.refresh_from_db()
    assert not world.member_user.is_active
    # The record stays, and nothing more can be recorded as on roll.
    with pytest.raises(ValidationError):
        actions.record_status_event(member, actor=world.admin, kind=MemberEventKind.DECEASED, date=TODAY)


# --- Reveal -------------------------------------------------------------------------------------------------------


def test_reveal_needs_the_right_a_reason_and_a_second_factor(world, settings):
    with pytest.raises(Http404):
        actions.reveal(world.member, actor=world.secretary, field="id_card", reason="核对身份信息")
    with pytest.raises(ValidationError):
        actions.reveal(world.member, actor=world.admin, field="id_card", reason="查")
    world.admin.is_verified = lambda: False
    with pytest.raises(ValidationError) as exc:
        actions.reveal(world.member, actor=world.admin, field="id_card", reason="核对身份信息")
    assert "动态口令" in str(exc.value)
    world.admin.is_verified = lambda: True
    value = actions.reveal(world.member, actor=world.admin, field="id_card", reason="核对身份信息")
    assert value == pii.read_id_card(world.member)
    event = AuditEvent.objects.get(action="members.reveal")
    assert event.reason == "核对身份信息" and value not in str(event.changes)
