"""Who belonged to a branch on a day: transfers, leaving and suspension at their dates."""

from __future__ import annotations

import datetime as dt

import time_machine

from dangjian.members import actions
from dangjian.members.choices import MemberEventKind
from dangjian.members.membership import members_on

NOW = dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
def test_a_member_transferred_mid_month_belongs_to_the_old_branch_before_and_the_new_after(world):
    actions.transfer_member(world.member, actor=world.admin, to_org=world.a2, date=dt.date(2025, 6, 15))
    assert world.member in members_on(world.a1.pk, dt.date(2025, 6, 14))
    assert world.member not in members_on(world.a1.pk, dt.date(2025, 6, 15))
    assert world.member in members_on(world.a2.pk, dt.date(2025, 6, 15))
    assert world.member not in members_on(world.a2.pk, dt.date(2025, 6, 14))


@time_machine.travel(NOW, tick=False)
def test_members_who_left_or_were_suspended_are_not_expected(world):
    actions.record_status_event(world.a2_member, actor=world.admin, kind=MemberEventKind.SUSPENDED,
                                date=dt.date(2025, 3, 1), reason="失联")
    assert world.a2_member in members_on(world.a2.pk, dt.date(2025, 2, 28))
    assert world.a2_member not in members_on(world.a2.pk, dt.date(2025, 3, 1))
    actions.record_status_event(world.b_member, actor=world.admin, kind=MemberEventKind.DECEASED,
                                date=dt.date(2025, 5, 1))
    assert world.b_member in members_on(world.b.pk, dt.date(2025, 4, 30))
    assert members_on(world.b.pk, dt.date(2025, 5, 1)) == []


@time_machine.travel(NOW, tick=False)
def test_members_admitted_later_or_transferred_in_later_are_not_expected(world):
    late = world.make_member(world.a2, name="后入", party_status="probationary", joined_on=dt.date(2025, 6, 1),
                             confirmed_on=None)
    assert late not in members_on(world.a2.pk, dt.date(2025, 5, 31))
    assert late in members_on(world.a2.pk, dt.date(2025, 6, 1))
    incoming = world.make_member(world.a2, name="转来", outside_org="某省委", transfer_date=dt.date(2025, 6, 20))
    assert incoming not in members_on(world.a2.pk, dt.date(2025, 6, 19))
    assert incoming in members_on(world.a2.pk, dt.date(2025, 6, 20))
    assert [m.name for m in members_on(world.a1.pk, dt.date(2025, 6, 20), group_id=world.a1_group.pk)] == ["李党员"]
