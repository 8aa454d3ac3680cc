"""Recording 党费: bases (mid-year change from the month of the new wage, yearly re-basing), reliefs, payments —
every time rule at its boundary with frozen time; bad input answered with a message and nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from dangjian.core.models import AuditEvent
from dangjian.dues import actions
from dangjian.dues.models import DuesBase, DuesPayment, DuesRelief
from tests.dues.conftest import beijing

D = Decimal


def _base(world, member=None, month="2025-01", income="6000.00", **extra):
    return actions.set_base(actor=world.admin, member=member or world.member,
                            data={"month_from": month, "basis": extra.pop("basis", "wage"), "income": income, **extra})


def test_setting_a_base_computes_rate_and_amount_and_is_audited(world):
    with beijing(dt.date(2025, 1, 10)):
        base = _base(world)
    assert (base.rate, base.amount, base.month_to) == (D("0.015"), D("90.00"), None)
    assert AuditEvent.objects.filter(action="dues.base_set", object_id=str(world.member.pk)).exists()


def test_a_mid_year_wage_change_counts_from_the_month_of_the_new_wage(world):
    with beijing(dt.date(2025, 7, 10)):
        _base(world, month="2025-01", income="4800.00")
        _base(world, month="2025-07", income="5200.00")
        assert actions.due_for(world.member.pk, dt.date(2025, 6, 1))[0] == D("48.00")
        assert actions.due_for(world.member.pk, dt.date(2025, 7, 1))[0] == D("78.00")
    first = DuesBase.objects.get(member=world.member, month_from=dt.date(2025, 1, 1))
    assert first.month_to == dt.date(2025, 6, 1)


def test_a_base_may_not_start_before_the_latest_one_nor_before_joining(world):
    with beijing(dt.date(2025, 7, 10)):
        _base(world, month="2025-07")
        with pytest.raises(ValidationError) as exc:
            _base(world, month="2025-06")
        assert "第十条" in exc.value.message_dict["month_from"][0]
        late = world.make_member(world.a1, name="新党员", party_status="probationary", joined_on=dt.date(2025, 5, 20),
                                 confirmed_on=None)
        with pytest.raises(ValidationError) as exc:
            _base(world, member=late, month="2025-04")
        assert "入党" in exc.value.message_dict["month_from"][0]
    assert DuesBase.objects.count() == 1


def test_a_negative_base_is_refused_with_the_field_named_and_nothing_written(world):
    with pytest.raises(ValidationError) as exc:
        _base(world, income="-1.00")
    assert exc.value.message_dict["income"] == ["计算基数不能为负数"]
    with pytest.raises(ValidationError) as exc:
        _base(world, income=3000.5)
    assert "浮点数" in exc.value.message_dict["income"][0]
    assert not DuesBase.objects.exists()
    assert not AuditEvent.objects.filter(action="dues.base_set").exists()


def test_the_basis_must_fit_the_members_category(world):
    student = world.make_member(world.a1, name="学生党员", person_category="student")
    with pytest.raises(ValidationError) as exc:
        _base(world, member=student, basis="wage")
    assert "学生" in exc.value.message_dict["basis"][0]
    base = _base(world, member=student, basis="student", income="")
    assert base.amount == D("0.20")
    retired = world.make_member(world.a1, name="退休党员", person_category="retired")
    assert _base(world, member=retired, basis="pension", income="5000.01").amount == D("50.00")
    farmer = world.make_member(world.a1, name="农民党员", person_category="farmer")
    with pytest.raises(ValidationError) as exc:
        _base(world, member=farmer, basis="farmer", income="", fixed_amount="1.50")
    assert "第六条" in exc.value.message_dict["fixed_amount"][0]
    assert _base(world, member=farmer, basis="farmer", income="", fixed_amount="0.50").amount == D("0.50")


def test_yearly_rebasing_is_all_or_nothing_with_errors_on_the_members_row(world):
    other = world.make_member(world.a1, name="王五")
    with beijing(dt.date(2026, 1, 5)):
        with pytest.raises(ValidationError) as exc:
            actions.rebase_branch(actor=world.secretary, org=world.a1, month_from="2026-01", entries=[
                {"member": world.member.pk, "basis": "wage", "income": "9000.00"},
                {"member": other.pk, "basis": "wage", "income": "-5"},
            ])
        assert f"{other.pk}.income" in exc.value.message_dict
        assert not DuesBase.objects.exists()
        written = actions.rebase_branch(actor=world.secretary, org=world.a1, month_from="2026-01", entries=[
            {"member": world.member.pk, "basis": "wage", "income": "9000.00"},
            {"member": other.pk, "basis": "wage", "income": "2500.00"},
        ])
    assert sorted(b.amount for b in written) == [D("12.50"), D("135.00")]


def test_a_payment_at_the_due_amount_and_one_that_differs_needs_a_reason(world):
    with beijing(dt.date(2025, 3, 10)):
        _base(world)
        actions.record_payments(actor=world.secretary, member=world.member, months=["2025-03"])
        with pytest.raises(ValidationError) as exc:
            actions.record_payments(actor=world.secretary, member=world.member, months=["2025-02"], amount="100.00")
        assert "与应交90.00元不符" in exc.value.message_dict["reason"][0]
        actions.record_payments(actor=world.secretary, member=world.member, months=["2025-02"], amount="100.00",
                                reason="自愿多交")
    assert sorted(DuesPayment.objects.values_list("amount", flat=True)) == [D("90.00"), D("100.00")]


def test_a_month_already_paid_is_refused_and_nothing_else_of_the_batch_is_written(world):
    with beijing(dt.date(2025, 3, 10)):
        _base(world)
        actions.record_payments(actor=world.secretary, member=world.member, months=["2025-02"])
        with pytest.raises(ValidationError) as exc:
            actions.record_payments(actor=world.secretary, member=world.member, months=["2025-01", "2025-02"])
    assert "已交纳" in exc.value.message_dict["month"][0]
    assert DuesPayment.objects.count() == 1


def test_a_probationary_member_pays_from_the_month_of_admission_not_before(world):
    newcomer = world.make_member(world.a1, name="预备党员", party_status="probationary",
                                 joined_on=dt.date(2025, 4, 28), confirmed_on=None)
    with beijing(dt.date(2025, 5, 10)):
        _base(world, member=newcomer, month="2025-04")
        with pytest.raises(ValidationError) as exc:
            actions.record_payments(actor=world.secretary, member=newcomer, months=["2025-03"])
        assert "入党" in exc.value.message_dict["month"][0]
        actions.record_payments(actor=world.secretary, member=newcomer, months=["2025-04"])
    assert DuesPayment.objects.filter(member=newcomer).count() == 1


@pytest.mark.parametrize(("today", "month", "ok"), [
    (dt.date(2025, 7, 31), "2025-01", True),   # 6 months back
    (dt.date(2025, 8, 1), "2025-01", False),   # 7 months back
    (dt.date(2025, 7, 1), "2026-01", True),    # 6 months ahead
    (dt.date(2025, 6, 30), "2026-01", False),  # 7 months ahead
])
def test_back_and_advance_payments_reach_six_months_and_no_further(world, today, month, ok):
    with beijing(dt.date(2024, 12, 1)):
        _base(world, month="2024-12")
    with beijing(today):
        if ok:
            actions.record_payments(actor=world.secretary, member=world.member, months=[month])
        else:
            with pytest.raises(ValidationError) as exc:
                actions.record_payments(actor=world.secretary, member=world.member, months=[month])
            assert "不得超过6个月" in exc.value.message_dict["month"][0]
    assert DuesPayment.objects.count() == (1 if ok else 0)


def test_no_base_no_payment(world):
    with beijing(dt.date(2025, 3, 10)), pytest.raises(ValidationError) as exc:
        actions.record_payments(actor=world.secretary, member=world.member, months=["2025-03"])
    assert "尚无党费基数" in exc.value.message_dict["month"][0]


def test_collection_sheet_ticks_record_each_due_and_ticking_twice_is_harmless(world):
    other = world.make_member(world.a1, name="王五")
    with beijing(dt.date(2025, 3, 10)):
        _base(world)
        _base(world, member=other, income="2000.00")
        made = actions.collect(actor=world.secretary, org=world.a1, month="2025-03", member_ids=[world.member.pk, other.pk])
        again = actions.collect(actor=world.secretary, org=world.a1, month="2025-03", member_ids=[world.member.pk])
    assert sorted(p.amount for p in made) == [D("10.00"), D("90.00")] and again == []


def test_an_approved_exemption_makes_the_due_zero_and_needs_the_approval(world):
    with beijing(dt.date(2025, 3, 10)):
        _base(world)
        with pytest.raises(ValidationError) as exc:
            actions.grant_relief(actor=world.secretary, member=world.member, data={
                "kind": "exempt", "month_from": "2025-03", "month_to": "2025-08", "reason": "重病"})
        assert {"approved_by", "approval_no", "approved_on"} <= set(exc.value.message_dict)
        actions.grant_relief(actor=world.secretary, member=world.member, data={
            "kind": "exempt", "month_from": "2025-03", "month_to": "2025-08", "reason": "重病",
            "approved_by": "机关党委", "approval_no": "机党〔2025〕3号", "approved_on": dt.date(2025, 3, 1)})
        assert actions.due_for(world.member.pk, dt.date(2025, 3, 1))[0] == D("0.00")
        assert actions.due_for(world.member.pk, dt.date(2025, 9, 1))[0] == D("90.00")
        with pytest.raises(ValidationError) as exc:
            actions.grant_relief(actor=world.secretary, member=world.member, data={
                "kind": "reduce", "amount": "5.00", "month_from": "2025-08", "month_to": "2025-09", "reason": "困难",
                "approved_by": "机关党委", "approval_no": "4号", "approved_on": dt.date(2025, 3, 1)})
        assert "重叠" in exc.value.message_dict["month_from"][0]
    assert DuesRelief.objects.count() == 1


def test_outsiders_and_viewers_change_nothing(world):
    for user in (world.outsider, world.viewer, world.member_user):
        with pytest.raises(Http404):
            _base_as(world, user)
        with pytest.raises(Http404):
            actions.collect(actor=user, org=world.a1, month="2025-03", member_ids=[world.member.pk])
    assert not DuesBase.objects.exists()
    assert AuditEvent.objects.filter(action="auth.denied").count() >= 6


def test_a_member_records_only_their_own_self_service_payment(world):
    with beijing(dt.date(2025, 3, 10)):
        _base(world)
        _base(world, member=world.a2_member)
        with pytest.raises(Http404):
            actions.record_payments(actor=world.member_user, member=world.member, months=["2025-03"])
        with pytest.raises(Http404):
            actions.record_payments(actor=world.member_user, member=world.a2_member, months=["2025-03"],
                                    method="self")
        actions.record_payments(actor=world.member_user, member=world.member, months=["2025-03"], method="self")
    assert DuesPayment.objects.get().method == "self"


def _base_as(world, user):
    return actions.set_base(actor=user, member=world.member, data={"month_from": "2025-01", "basis": "wage",
                                                                   "income": "6000.00"})


def test_revoking_a_mistaken_tick_needs_a_reason(world):
    with beijing(dt.date(2025, 3, 10)):
        _base(world)
        [payment] = actions.record_payments(actor=world.secretary, member=world.member, months=["2025-03"])
        with pytest.raises(ValidationError):
            actions.revoke_payment(payment, actor=world.secretary, reason=" ")
        actions.revoke_payment(payment, actor=world.secretary, reason="误勾选")
    assert not DuesPayment.objects.exists()
    event = AuditEvent.objects.get(action="dues.revoke")
    assert event.changes["amount"] == "90.00" and event.reason == "误勾选"

