"""The actions of 组织关系转接, 流动党员 and 失联党员 on the test world, with frozen time: who may do what, the
time rules at their boundaries, bad input answered with a message naming the field or rule and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from dangjian.core.models import AuditEvent
from dangjian.core.scoping import scope_for
from dangjian.members import pii
from dangjian.members.choices import LeaveReason, MemberEventKind, MemberState
from dangjian.members.models import Member, MemberEvent
from dangjian.orgs.actions import create_org, dissolve_org
from dangjian.orgs.models import OrgKind
from dangjian.transfers import actions
from dangjian.transfers.choices import LostOutcome, TransferKind, TransferStatus
from dangjian.transfers.models import FloatingMember, LostContact, Transfer
from tests.world import member_data

from .conftest import at

D = dt.date
TODAY = D(2025, 6, 15)


def request(world, member=None, to_org=None, **kw):
    kw.setdefault("issued_on", TODAY)
    return actions.request_transfer(member or world.member, actor=kw.pop("actor", world.secretary),
                                    to_org=to_org if to_org is not None else world.b, **kw)


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- within the system ------------------------------------------------------------------------------------------


def test_request_keeps_the_member_on_the_sending_roll_until_the_receiving_branch_accepts(world, frozen):
    transfer = request(world, reason="工作调动")
    member = Member.objects.get(pk=world.member.pk)
    assert transfer.status == TransferStatus.PENDING and transfer.kind == TransferKind.INTERNAL
    assert member.org == world.a1 and member.state == MemberState.ACTIVE
    assert (transfer.from_org, transfer.to_org) == (world.a1, world.b)

    actions.accept_transfer(transfer, actor=world.outsider, date=TODAY)
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.org == world.b and member.group is None
    assert transfer.status == TransferStatus.ACCEPTED and transfer.decided_by == world.outsider
    event = MemberEvent.objects.get(member=member, kind=MemberEventKind.TRANSFER)
    assert (event.from_org, event.to_org, event.date) == (world.a1, world.b, TODAY)
    assert AuditEvent.objects.filter(action="transfers.accept", actor=world.outsider).exists()
    assert AuditEvent.objects.filter(action="members.transfer", actor=world.outsider).exists()


def test_accepting_leaves_the_receiving_users_scope_as_it_was(world, frozen):
    transfer = request(world)
    before = list(scope_for(world.outsider).change_roots)
    actions.accept_transfer(transfer, actor=world.outsider, date=TODAY)
    assert scope_for(world.outsider).change_roots == before == [world.b.path]


def test_only_the_receiving_side_accepts_or_returns_and_only_the_sending_side_cancels(world, frozen):
    transfer = request(world)
    for actor in (world.secretary, world.viewer, world.member_user):
        with pytest.raises(Http404):
            actions.accept_transfer(transfer, actor=actor, date=TODAY)
        with pytest.raises(Http404):
            actions.return_transfer(transfer, actor=actor, reason="不接收")
    with pytest.raises(Http404):
        actions.cancel_transfer(transfer, actor=world.outsider)
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.PENDING
    assert AuditEvent.objects.filter(action="auth.denied", reason="transfers.accept_transfer").exists()
    actions.cancel_transfer(transfer, actor=world.secretary, reason="本人暂不调动")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED and transfer.decision_reason == "本人暂不调动"
    assert Member.objects.get(pk=world.member.pk).org == world.a1


def test_a_return_needs_a_reason_naming_the_rule_and_keeps_the_member(world, frozen):
    transfer = request(world)
    with pytest.raises(ValidationError) as excinfo:
        actions.return_transfer(transfer, actor=world.outsider, reason="  ")
    assert "第二十五条" in errors_of(excinfo)["reason"][0] and "拒转拒接" in errors_of(excinfo)["reason"][0]
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.PENDING
    actions.return_transfer(transfer, actor=world.outsider, reason="该同志未到本单位报到")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RETURNED and transfer.decision_reason == "该同志未到本单位报到"
    assert Member.objects.get(pk=world.member.pk).org == world.a1
    with pytest.raises(ValidationError) as excinfo:
        actions.accept_transfer(transfer, actor=world.outsider, date=TODAY)
    assert "已退回" in errors_of(excinfo)["status"][0]


def test_receiving_branch_must_exist_be_a_branch_and_be_active(world, frozen):
    empty = create_org(actor=world.admin, parent=world.root, name="临时撤销支部", kind=OrgKind.BRANCH)
    dissolve_org(empty, actor=world.admin, date=TODAY, doc_no="机党〔2025〕1号")
    cases = {
        999999: "所选党组织不存在",
        world.general.pk: "组织关系只能转入党支部，“第一党总支”是党总支",
        world.a1_group.pk: "是党小组",
        empty.pk: "已撤销，不能接收组织关系",
        world.a1.pk: "接收党支部与现所在党支部相同",
    }
    for to_org, message in cases.items():
        with pytest.raises(ValidationError) as excinfo:
            request(world, to_org=to_org)
        assert message in errors_of(excinfo)["to_org"][0]
    with pytest.raises(ValidationError) as excinfo:
        request(world, to_org="")
    assert errors_of(excinfo)["to_org"] == ["请选择接收党支部"]
    assert not Transfer.objects.exists()


def test_a_member_with_an_open_transfer_cannot_get_another(world, frozen):
    request(world)
    with pytest.raises(ValidationError) as excinfo:
        request(world, to_org=world.a2)
    assert "已有未办结的组织关系转接" in errors_of(excinfo)["member"][0]
    with pytest.raises(ValidationError):
        actions.issue_external_transfer(world.member, actor=world.secretary, outside_org="某省委组织部",
                                        letter_no="No.1", issued_on=TODAY)
    assert Transfer.objects.count() == 1


def test_dates_in_the_future_or_before_joining_are_refused(world, frozen):
    with pytest.raises(ValidationError) as excinfo:
        request(world, issued_on=TODAY + dt.timedelta(days=1))
    assert errors_of(excinfo)["issued_on"] == ["转出日期不能晚于今天"]
    with pytest.raises(ValidationError) as excinfo:
        request(world, issued_on=D(2009, 1, 1))
    assert "不能早于入党日期" in errors_of(excinfo)["issued_on"][0]
    transfer = request(world, issued_on=D(2025, 6, 10))
    with pytest.raises(ValidationError) as excinfo:
        actions.accept_transfer(transfer, actor=world.outsider, date=D(2025, 6, 16))
    assert errors_of(excinfo)["date"] == ["接收日期不能晚于今天"]
    with pytest.raises(ValidationError) as excinfo:
        actions.accept_transfer(transfer, actor=world.outsider, date=D(2025, 6, 9))
    assert "接收日期不能早于转出日期" in errors_of(excinfo)["date"][0]
    assert Member.objects.get(pk=world.member.pk).org == world.a1


def test_a_viewer_cannot_request_and_an_off_roll_member_cannot_move(world, frozen):
    with pytest.raises(Http404):
        request(world, actor=world.viewer)
    from dangjian.members.actions import record_status_event

    record_status_event(world.a2_member, actor=world.admin, kind=MemberEventKind.DECEASED, date=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        request(world, member=world.a2_member, actor=world.admin)
    assert "不在册" in errors_of(excinfo)["member"][0]


def test_accept_is_refused_when_the_member_was_moved_meanwhile(world, frozen):
    from dangjian.members.actions import transfer_member

    transfer = request(world)
    transfer_member(world.member, actor=world.admin, to_org=world.a2, date=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        actions.accept_transfer(transfer, actor=world.outsider, date=TODAY)
    assert "请由转出党支部撤回" in errors_of(excinfo)["member"][0]
    assert Member.objects.get(pk=world.member.pk).org == world.a2


# --- across systems ---------------------------------------------------------------------------------------------


def test_a_transfer_out_of_the_system_stays_open_until_the_receipt_then_the_member_leaves_the_roll(world, frozen):
    transfer = actions.issue_external_transfer(
        world.member, actor=world.secretary, outside_org="中共某省某市委组织部", letter_no="ZZ2025-017",
        issued_on=D(2025, 6, 1), reason="调往外省工作",
    )
    assert transfer.status == TransferStatus.PENDING and transfer.status_label == "待回执"
    assert Member.objects.get(pk=world.member.pk).state == MemberState.ACTIVE
    with pytest.raises(Http404):
        actions.record_receipt(transfer, actor=world.outsider, receipt_on=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        actions.record_receipt(transfer, actor=world.secretary, receipt_on=D(2025, 5, 31))
    assert "回执日期不能早于介绍信开具日期" in errors_of(excinfo)["receipt_on"][0]
    with pytest.raises(ValidationError) as excinfo:
        actions.record_receipt(transfer, actor=world.secretary, receipt_on=D(2025, 6, 16))
    assert errors_of(excinfo)["receipt_on"] == ["回执日期不能晚于今天"]

    actions.record_receipt(transfer, actor=world.secretary, receipt_on=D(2025, 6, 12))
    member = Member.objects.get(pk=world.member.pk)
    transfer.refresh_from_db()
    assert member.state == MemberState.TRANSFERRED_OUT
    assert transfer.status == TransferStatus.ACCEPTED and transfer.receipt_on == D(2025, 6, 12)
    event = MemberEvent.objects.get(member=member, kind=MemberEventKind.TRANSFER_OUT)
    assert (event.outside_org, event.letter_no, event.date) == ("中共某省某市委组织部", "ZZ2025-017", D(2025, 6, 12))


def test_a_transfer_out_needs_the_letter_number_and_the_destination(world, frozen):
    with pytest.raises(ValidationError) as excinfo:
        actions.issue_external_transfer(world.member, actor=world.secretary, outside_org=" ", letter_no="",
                                        issued_on=None)
    errors = errors_of(excinfo)
    assert errors["outside_org"] == ["请填写转往的系统外党组织"]
    assert errors["letter_no"] == ["请填写介绍信编号"]
    assert errors["issued_on"] == ["请填写介绍信开具日期"]
    assert not Transfer.objects.exists()


def test_a_transfer_in_from_outside_registers_the_member_through_create_member(world, frozen):
    data = member_data(world.a1, name="陈转入", joined_on=D(2015, 7, 1), confirmed_on=D(2016, 7, 1))
    transfer = actions.receive_external_transfer(
        actor=world.secretary, data=data, outside_org="中共某大学委员会组织部", letter_no="DX-88",
        issued_on=D(2025, 6, 3), arrived_on=D(2025, 6, 10),
    )
    member = transfer.member
    assert member.org == world.a1 and member.name == "陈转入" and member.state == MemberState.ACTIVE
    assert transfer.kind == TransferKind.IN and transfer.status == TransferStatus.ACCEPTED
    assert transfer.status_label == "已转入"
    event = MemberEvent.objects.get(member=member, kind=MemberEventKind.TRANSFER_IN)
    assert (event.outside_org, event.letter_no, event.date) == ("中共某大学委员会组织部", "DX-88", D(2025, 6, 10))


def test_a_transfer_in_with_bad_input_writes_nothing(world, frozen):
    before = Member.objects.count()
    data = member_data(world.a1, name="陈转入", id_card="123")
    with pytest.raises(ValidationError) as excinfo:
        actions.receive_external_transfer(actor=world.secretary, data=data, outside_org="某党委", letter_no="",
                                          issued_on=D(2025, 7, 1))
    errors = errors_of(excinfo)
    assert errors["letter_no"] == ["请填写介绍信编号"] and "id_card" in errors
    assert errors["issued_on"] == ["介绍信开具日期不能晚于今天"]
    # Only the letter is wrong: the member, valid on its own, is not kept either.
    with pytest.raises(ValidationError):
        actions.receive_external_transfer(actor=world.secretary, data=member_data(world.a1, name="陈转入"),
                                          outside_org="某党委", letter_no="", issued_on=D(2025, 6, 1))
    assert Member.objects.count() == before and not Transfer.objects.exists()
    with pytest.raises(Http404):
        actions.receive_external_transfer(actor=world.outsider, data=member_data(world.a1), outside_org="某党委",
                                          letter_no="X1", issued_on=D(2025, 6, 1))


# --- 流动党员 ---------------------------------------------------------------------------------------------------


def floating(world, **overrides):
    data = {"left_on": D(2025, 1, 15), "place": "深圳市南山区", "fixed_place": True, "reason": "挂职锻炼",
            "expected_return": D(2026, 1, 15), "phone": "13900001234", "host_org": "南山区某街道党工委",
            "certificate_no": "LD-2025-03"}
    data.update(overrides)
    return actions.record_floating(world.member, actor=world.secretary, data=data)


def test_floating_record_keeps_the_contact_encrypted_and_masked(world, frozen):
    record = floating(world)
    assert record.phone_masked == "139****1234" and "13900001234" not in record.phone_cipher
    assert pii.read_phone(record) == "13900001234"
    assert not any("13900001234" in str(e.changes) for e in AuditEvent.objects.all())


def test_floating_bad_input_and_a_second_open_record_are_refused(world, frozen):
    with pytest.raises(ValidationError) as excinfo:
        floating(world, left_on=D(2025, 6, 16), place="", expected_return=D(2025, 1, 1))
    errors = errors_of(excinfo)
    assert errors["left_on"] == ["外出日期不能晚于今天"] and errors["place"] == ["请填写外出地点"]
    assert not FloatingMember.objects.exists()
    record = floating(world)
    with pytest.raises(ValidationError) as excinfo:
        floating(world)
    assert "已有未结束的外出登记" in errors_of(excinfo)["member"][0]
    with pytest.raises(Http404):
        actions.end_floating(record, actor=world.outsider, returned_on=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        actions.end_floating(record, actor=world.secretary, returned_on=D(2025, 1, 1))
    assert "不能早于外出日期" in errors_of(excinfo)["returned_on"][0]
    actions.end_floating(record, actor=world.secretary, returned_on=TODAY, note="已返回原单位")
    record.refresh_from_db()
    assert record.returned_on == TODAY and not record.is_open


def test_update_floating_changes_only_an_open_record(world, frozen):
    record = floating(world)
    actions.update_floating(record, actor=world.secretary, data={"certificate_no": "LD-2025-99", "phone": "13700007777"})
    record.refresh_from_db()
    assert record.certificate_no == "LD-2025-99" and record.phone_masked == "137****7777"
    with pytest.raises(ValidationError):
        actions.update_floating(record, actor=world.secretary, data={"place": ""})
    actions.end_floating(record, actor=world.secretary, returned_on=TODAY)
    with pytest.raises(ValidationError):
        actions.update_floating(record, actor=world.secretary, data={"place": "广州"})


def test_accepting_a_transfer_ends_the_members_time_away(world, frozen):
    record = floating(world)
    actions.accept_transfer(request(world), actor=world.outsider, date=TODAY)
    record.refresh_from_db()
    assert record.returned_on == TODAY and "第三党支部" in record.end_note


# --- 失联党员 ---------------------------------------------------------------------------------------------------


LAST_CONTACT = D(2024, 12, 15)


def lost(world, last_contact_on=LAST_CONTACT):
    with at(TODAY):
        return actions.record_lost_contact(world.member, actor=world.secretary, last_contact_on=last_contact_on,
                                           search_notes="电话、微信、原单位均无法联系")


def test_suspension_only_from_six_months_after_the_last_contact(world):
    case = lost(world)  # last contact 15 December 2024: six months end on 15 June 2025
    with at(D(2025, 6, 14)), pytest.raises(ValidationError) as excinfo:
        actions.suspend_lost_member(case, actor=world.secretary, date=D(2025, 6, 14), doc_no="支〔2025〕3号")
    message = errors_of(excinfo)["date"][0]
    assert "6个月以上方可停止党籍" in message and "第二十四条" in message and "2025年6月15日起" in message
    assert Member.objects.get(pk=world.member.pk).state == MemberState.ACTIVE
    with at(D(2025, 6, 15)):
        actions.suspend_lost_member(case, actor=world.secretary, date=D(2025, 6, 15), doc_no="支〔2025〕3号")
    case.refresh_from_db()
    member = Member.objects.get(pk=world.member.pk)
    assert member.state == MemberState.SUSPENDED
    assert case.suspension.kind == MemberEventKind.SUSPENDED and case.suspension.doc_no == "支〔2025〕3号"
    assert case.suspension.date == D(2025, 6, 15) and case.is_open


def test_suspension_needs_its_document_number(world):
    case = lost(world, D(2024, 1, 1))
    with at(TODAY), pytest.raises(ValidationError) as excinfo:
        actions.suspend_lost_member(case, actor=world.secretary, date=TODAY, doc_no=" ")
    assert errors_of(excinfo)["doc_no"] == ["停止党籍须填写决定文号"]
    assert not MemberEvent.objects.filter(kind=MemberEventKind.SUSPENDED).exists()


def test_removal_only_two_years_after_suspension_as_self_lapsed(world):
    case = lost(world, D(2022, 1, 10))
    with at(TODAY):
        actions.suspend_lost_member(case, actor=world.secretary, date=D(2023, 6, 15), doc_no="支〔2023〕5号")
    with at(D(2025, 6, 14)), pytest.raises(ValidationError) as excinfo:
        actions.remove_lapsed_member(world.member, actor=world.secretary, date=D(2025, 6, 14), doc_no="机党〔2025〕9号")
    message = errors_of(excinfo)["date"][0]
    assert "停止党籍2年后" in message and "第二十四条" in message
    with at(D(2025, 6, 15)), pytest.raises(ValidationError) as excinfo:
        actions.remove_lapsed_member(world.member, actor=world.secretary, date=D(2025, 6, 15), doc_no="")
    assert errors_of(excinfo)["doc_no"] == ["除名须填写决定文号"]
    with at(D(2025, 6, 15)):
        event = actions.remove_lapsed_member(world.member, actor=world.secretary, date=D(2025, 6, 15),
                                             doc_no="机党〔2025〕9号")
    member = Member.objects.get(pk=world.member.pk)
    case.refresh_from_db()
    assert member.state == MemberState.LEFT
    assert event.kind == MemberEventKind.LEFT and event.leave_reason == LeaveReason.SELF_LAPSED
    assert event.doc_no == "机党〔2025〕9号" and "按照自行脱党予以除名" in event.reason
    assert case.outcome == LostOutcome.REMOVED and case.removal == event and case.closed_on == D(2025, 6, 15)


def test_removal_of_a_member_who_is_not_suspended_is_refused(world, frozen):
    with pytest.raises(ValidationError) as excinfo:
        actions.remove_lapsed_member(world.member, actor=world.secretary, date=TODAY, doc_no="X")
    assert "只有停止党籍的党员" in errors_of(excinfo)["member"][0]


def test_contact_restored_closes_the_case(world, frozen):
    case = lost(world)
    with pytest.raises(ValidationError) as excinfo:
        actions.record_contact_restored(case, actor=world.secretary, found_on=D(2024, 12, 1))
    assert "不能早于最后联系日期" in errors_of(excinfo)["found_on"][0]
    with pytest.raises(Http404):
        actions.record_contact_restored(case, actor=world.outsider, found_on=TODAY)
    actions.record_contact_restored(case, actor=world.secretary, found_on=TODAY, note="本人主动联系支部")
    case.refresh_from_db()
    assert case.outcome == LostOutcome.FOUND and not case.is_open
    with pytest.raises(ValidationError):
        actions.suspend_lost_member(case, actor=world.secretary, date=TODAY, doc_no="X")


def test_a_member_suspended_elsewhere_can_be_recorded_lost_with_that_decision(world, frozen):
    from dangjian.members.actions import record_status_event

    event = record_status_event(world.member, actor=world.admin, kind=MemberEventKind.SUSPENDED, date=D(2024, 3, 1),
                                reason="失去联系", doc_no="支〔2024〕1号")
    with pytest.raises(ValidationError) as excinfo:
        actions.record_lost_contact(world.member, actor=world.secretary, last_contact_on=D(2024, 5, 1))
    assert "最后联系日期不能晚于此日" in errors_of(excinfo)["last_contact_on"][0]
    case = actions.record_lost_contact(world.member, actor=world.secretary, last_contact_on=D(2023, 8, 1))
    assert case.suspension == event
    with pytest.raises(ValidationError) as excinfo:
        actions.record_lost_contact(world.member, actor=world.secretary, last_contact_on=D(2023, 8, 1))
    assert "已有未结案的失联登记" in errors_of(excinfo)["member"][0]
    assert LostContact.objects.count() == 1


def test_a_later_last_contact_restarts_the_six_months_until_suspension(world):
    case = lost(world)
    with at(TODAY):
        actions.update_lost_contact(case, actor=world.secretary, last_contact_on=D(2025, 3, 1),
                                    search_notes="3月1日曾接通电话，此后再未联系上")
        with pytest.raises(ValidationError) as excinfo:
            actions.suspend_lost_member(case, actor=world.secretary, date=TODAY, doc_no="支〔2025〕3号")
        assert "2025年9月1日起" in errors_of(excinfo)["date"][0]
        with pytest.raises(ValidationError) as excinfo:
            actions.update_lost_contact(case, actor=world.secretary, last_contact_on=D(2025, 6, 16), search_notes="")
        assert errors_of(excinfo)["last_contact_on"] == ["最后联系日期不能晚于今天"]
        with pytest.raises(Http404):
            actions.update_lost_contact(case, actor=world.outsider, last_contact_on=D(2025, 3, 1), search_notes="")
    case.refresh_from_db()
    assert case.last_contact_on == D(2025, 3, 1) and "3月1日" in case.search_notes
    assert AuditEvent.objects.filter(action="transfers.lost_update").count() == 1
    with at(D(2025, 9, 1)):
        actions.suspend_lost_member(case, actor=world.secretary, date=D(2025, 9, 1), doc_no="支〔2025〕3号")
        with pytest.raises(ValidationError) as excinfo:
            actions.update_lost_contact(case, actor=world.secretary, last_contact_on=D(2025, 3, 1), search_notes="x")
    assert "已停止党籍" in errors_of(excinfo)["last_contact_on"][0]
