"""The read side: arrears at the 3- and 6-month boundaries (frozen time), quarterly payers and exemptions, the
collection sheet, the statement and the remittance summary — set-based, with bounded query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from dangjian.dues import actions, calc, ledgers, remittance
from dangjian.dues.choices import ArrearsLevel
from dangjian.dues.measures import months_behind
from tests.dues.conftest import beijing

D = Decimal
CONFIG = calc.Config.defaults()


def _setup(world, member=None, income="6000.00", quarterly=False, month="2025-01"):
    with beijing(dt.date(2025, 1, 5)):
        actions.set_base(actor=world.admin, member=member or world.member,
                         data={"month_from": month, "basis": "wage", "income": income, "quarterly": quarterly})
        actions.record_payments(actor=world.admin, member=member or world.member, months=["2025-01"])


def _levels(world, today):
    rows = list(ledgers.arrears_rows(world.root.path, today, CONFIG))
    return {r.member_id: ("flagged" if r.flagged else "warned") for r in rows}, \
        {r.member.pk: r for r in ledgers.describe_arrears(ledgers.arrears_rows(world.root.path, today, CONFIG), today, CONFIG)}


@pytest.mark.parametrize(("today", "expected", "months"), [
    (dt.date(2025, 4, 30), None, 2),          # owed Feb–Mar: 2 months
    (dt.date(2025, 5, 1), "warned", 3),       # owed Feb–Apr: 3 months
    (dt.date(2025, 7, 31), "warned", 5),
    (dt.date(2025, 8, 1), "flagged", 6),      # owed Feb–Jul: 6 months
])
def test_arrears_are_warned_at_three_months_and_flagged_at_six(world, today, expected, months):
    _setup(world)  # paid January only
    levels, described = _levels(world, today)
    assert levels.get(world.member.pk) == expected
    if expected:
        row = described[world.member.pk]
        assert row.months == months
        assert row.level == {"warned": ArrearsLevel.WARNED, "flagged": ArrearsLevel.FLAGGED}[expected]


def test_a_quarterly_payer_owes_only_completed_quarters(world):
    _setup(world, quarterly=True)
    assert _levels(world, dt.date(2025, 6, 30))[0] == {}           # owes Feb–Mar only
    assert _levels(world, dt.date(2025, 7, 1))[0] == {world.member.pk: "warned"}  # owes Feb–Jun: 5
    assert _levels(world, dt.date(2025, 10, 1))[0] == {world.member.pk: "flagged"}  # Feb–Sep: 8


def test_an_exemption_and_a_recent_payment_stop_the_count(world):
    _setup(world)
    with beijing(dt.date(2025, 5, 2)):
        actions.grant_relief(actor=world.admin, member=world.member, data={
            "kind": "exempt", "month_from": "2025-04", "month_to": "2025-12", "reason": "重病",
            "approved_by": "机关党委", "approval_no": "1号", "approved_on": dt.date(2025, 5, 1)})
    assert _levels(world, dt.date(2025, 8, 1))[0] == {}
    other = world.make_member(world.a1, name="王五")
    _setup(world, member=other)
    with beijing(dt.date(2025, 7, 20)):
        actions.record_payments(actor=world.admin, member=other, months=["2025-06"])
    assert _levels(world, dt.date(2025, 8, 1))[0] == {}
    assert _levels(world, dt.date(2025, 10, 1))[0] == {other.pk: "warned"}


def test_arrears_count_from_the_first_base_not_from_long_ago(world):
    with beijing(dt.date(2025, 3, 2)):
        actions.set_base(actor=world.admin, member=world.member,
                         data={"month_from": "2025-03", "basis": "wage", "income": "6000.00"})
    assert _levels(world, dt.date(2025, 5, 31))[0] == {}
    assert _levels(world, dt.date(2025, 6, 1))[0] == {world.member.pk: "warned"}


def _sheet(org, month, today):
    return ledgers.branch_sheet(org, month, months_behind(org, today))


def test_the_collection_sheet_shows_each_members_due_and_payment(world, django_assert_num_queries):
    other = world.make_member(world.a1, name="王五")
    _setup(world)
    _setup(world, member=other, income="2000.00")
    with beijing(dt.date(2025, 2, 10)):
        actions.record_payments(actor=world.admin, member=world.member, months=["2025-02"])
        # Four queries for the sheet, two for the months behind (dues.arrears.months: its rules, then one query).
        with django_assert_num_queries(6):
            sheet = _sheet(world.a1, dt.date(2025, 2, 1), dt.date(2025, 2, 10))
    assert sheet.due_total == D("100.00") and sheet.paid_total == D("90.00")
    assert (sheet.paid_count, sheet.unpaid_count) == (1, 1)


def test_the_collection_sheet_reads_months_behind_in_the_same_queries_for_more_members(
    world, django_assert_num_queries
):
    _setup(world)
    for name in ("王甲", "王乙", "王丙"):
        _setup(world, member=world.make_member(world.a1, name=name), income="2000.00")
    with beijing(dt.date(2025, 6, 10)), django_assert_num_queries(6):
        sheet = _sheet(world.a1, dt.date(2025, 6, 1), dt.date(2025, 6, 10))
    assert len(sheet.rows) == 4
    assert {row.arrears for row in sheet.rows} == {4}


def test_the_statement_lists_the_months_of_the_year_from_joining(world):
    _setup(world)
    rows = ledgers.statement(world.member, 2025, dt.date(2025, 4, 15))
    assert [r.status for r in rows[:5]] == ["已交", "欠缴", "欠缴", "未到期", "未到期"]
    assert rows[0].due == D("90.00")


def test_the_remittance_summary_rolls_up_by_child_with_bounded_queries(world, django_assert_max_num_queries):
    _setup(world)
    _setup(world, member=world.b_member, income="12000.00")
    _setup(world, member=world.a2_member, income="1000.00")
    with django_assert_max_num_queries(12):
        s = remittance.summary(world.admin, world.root, dt.date(2025, 1, 1), dt.date(2025, 5, 10), CONFIG)
    by_name = {r.org.name: r for r in s.rows}
    assert by_name["第一党总支"].due == D("95.00") and by_name["第一党总支"].collected == D("95.00")
    assert by_name["第三党支部"].due == D("240.00")
    assert s.total.due == D("335.00") and s.total.paid_count == 3
    assert s.total.warned == 3 and s.total.flagged == 0
    with pytest.raises(Http404):
        remittance.summary(world.outsider, world.root, dt.date(2025, 1, 1), dt.date(2025, 5, 10), CONFIG)


def test_the_summary_deducts_approved_reliefs(world):
    _setup(world, member=world.b_member, income="12000.00")
    _setup(world, member=world.a2_member, income="1000.00")
    with beijing(dt.date(2025, 2, 2)):
        actions.grant_relief(actor=world.admin, member=world.b_member, data={
            "kind": "reduce", "amount": "40.00", "month_from": "2025-02", "month_to": "2025-04", "reason": "困难",
            "approved_by": "机关党委", "approval_no": "2号", "approved_on": dt.date(2025, 2, 1)})
    s = remittance.summary(world.admin, world.root, dt.date(2025, 3, 1), dt.date(2025, 3, 10), CONFIG)
    assert {r.org.name: r.due for r in s.rows}["第三党支部"] == D("40.00")
    assert s.total.due == D("45.00")


def test_a_branchs_summary_is_its_own_row_without_its_groups(world):
    _setup(world)
    s = remittance.summary(world.secretary, world.a1, dt.date(2025, 1, 1), dt.date(2025, 1, 10), CONFIG)
    assert [r.org.pk for r in s.rows] == [world.a1.pk]
    assert (s.rows[0].members, s.rows[0].due, s.total.collected) == (1, D("90.00"), D("90.00"))


def test_the_arrears_per_subtree_equal_the_arrears_list_for_both_frequencies_an_exemption_and_a_moved_member(world):
    """`arrears_by_prefix` in both shapes (bounds per row; one statement per payment frequency, constant bounds)
    counts what `arrears_rows` lists: monthly and quarterly payers, warned and flagged, an exempt member, and a
    member who moved to another branch in the year (counted where they are now)."""
    from dangjian.members.actions import transfer_member

    quarterly = world.make_member(world.a2, name="季交")
    exempt = world.make_member(world.a1, name="免交")
    _setup(world)                                    # 李党员: monthly, paid January only
    _setup(world, member=world.a2_member)            # monthly, pays through March below
    _setup(world, member=quarterly, quarterly=True)  # quarterly, paid January only
    _setup(world, member=exempt)
    _setup(world, member=world.b_member)             # monthly, paid January only
    with beijing(dt.date(2025, 4, 2)):
        actions.record_payments(actor=world.admin, member=world.a2_member, months=["2025-02", "2025-03"])
        actions.grant_relief(actor=world.admin, member=exempt, data={
            "kind": "exempt", "month_from": "2025-02", "month_to": "2025-12", "reason": "重病",
            "approved_by": "机关党委", "approval_no": "2号", "approved_on": dt.date(2025, 4, 1)})
    with beijing(dt.date(2025, 6, 30)):
        transfer_member(world.b_member, actor=world.admin, to_org=world.a1, date=dt.date(2025, 6, 30))
    width = len(world.root.path) + 4
    for today in (dt.date(2025, 6, 30), dt.date(2025, 7, 1), dt.date(2025, 8, 1), dt.date(2025, 10, 1)):
        levels, _described = _levels(world, today)
        listed: dict[str, tuple[int, int]] = {}
        for base in ledgers.arrears_rows(world.root.path, today, CONFIG).select_related("member__org"):
            prefix = base.member.org.path[:width]
            n, f = listed.get(prefix, (0, 0))
            listed[prefix] = (n + 1, f + (levels[base.member_id] == "flagged"))
        for set_based in (False, True):
            assert ledgers.arrears_by_prefix(world.root.path, width, today, CONFIG, set_based=set_based) == listed
        assert exempt.pk not in levels
    # On 1 October: 李党员 and 钱三支 (now in 第一党支部) Feb–Sep, the quarterly payer Feb–Sep: flagged; 赵二支
    # Apr–Sep: flagged.
    oct_1, aug_1 = dt.date(2025, 10, 1), dt.date(2025, 8, 1)
    assert ledgers.arrears_by_prefix(world.root.path, width, oct_1, CONFIG, set_based=True) == {world.general.path: (4, 4)}
    # On 1 August: the monthly payers of January Feb–Jul (6): flagged; the quarterly payer (Feb–Jun: 5) and 赵二支
    # (Apr–Jul: 4) warned.
    assert ledgers.arrears_by_prefix(world.root.path, width, aug_1, CONFIG, set_based=True) == {world.general.path: (4, 2)}
