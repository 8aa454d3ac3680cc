"""The demo holds what the transfer pages are for: pending transfers in and out (one into the demo secretary's
branch), a 介绍信 awaiting its 回执 (one late), 流动党员 over six months, and 失联 members at every stage — recorded
through the actions, so the totals stay exact and the first reminder run has something to say."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from dangjian.accounts.models import RoleAssignment
from dangjian.members import counters
from dangjian.members.choices import MemberState
from dangjian.reminders.models import Reminder, ReminderKind
from dangjian.transfers.choices import LostStage, TransferKind, TransferStatus
from dangjian.transfers.models import Transfer
from dangjian.transfers.queries import Cutoffs, floating_for, lost_for, suspended_for, with_receipt_late

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def demo(db: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo organ with this app's loader alone among the lifecycle demos (the others are tested in their apps)."""
    from dangjian.demo.loader import registered_steps
    from dangjian.demo.management.commands.demo import Command
    from dangjian.transfers import demo as transfers_demo

    monkeypatch.setattr(Command, "_steps", staticmethod(
        lambda: [s for s in registered_steps() if s.reminders_after or s.load is transfers_demo.load]))
    out = StringIO()
    with time_machine.travel(dt.datetime(2026, 6, 15, 4, tzinfo=dt.UTC), tick=False):
        call_command("demo", "--orgs", "40", "--members", "300", "--today", TODAY.isoformat(), stdout=out,
                     stderr=StringIO())
    return out.getvalue()


def test_demo_has_every_situation_of_the_pages(demo: str) -> None:
    from dangjian.accounts.models import User

    assert "组织关系转接" in demo and "流动党员" in demo
    admin = User.objects.get(username="admin")
    cut = Cutoffs.on(TODAY)
    pending = with_receipt_late(Transfer.objects.filter(status=TransferStatus.PENDING), cut)
    home = RoleAssignment.objects.get(user__username="secretary").org
    assert pending.filter(kind=TransferKind.INTERNAL, to_org=home).exists()
    assert pending.filter(kind=TransferKind.INTERNAL, from_org=home).exists()
    assert pending.filter(kind=TransferKind.OUT, receipt_late=True).exists()
    assert pending.filter(kind=TransferKind.OUT, receipt_late=False).exists()
    assert Transfer.objects.filter(status=TransferStatus.RETURNED).exclude(decision_reason="").exists()
    assert Transfer.objects.filter(kind=TransferKind.IN, member__state=MemberState.ACTIVE).count() == 2
    floating = floating_for(admin, cut)
    assert floating.filter(must_transfer=True).count() >= 2
    assert floating.filter(returned_on__isnull=True, must_transfer=False).exists()
    stages = set(lost_for(admin, cut).values_list("stage", flat=True))
    assert {LostStage.LOST, LostStage.SUSPEND_DUE, LostStage.SUSPENDED, LostStage.REMOVE_DUE} <= stages
    assert suspended_for(admin, cut).filter(removal_due=True).exists()
    assert counters.mismatches() == []
    kinds = set(Reminder.objects.filter(user__username="admin").values_list("kind", flat=True))
    assert {ReminderKind.TRANSFER_PENDING, ReminderKind.FLOATING_TRANSFER, ReminderKind.LOST_CONTACT} <= kinds
    assert Reminder.objects.filter(user__username="secretary", kind=ReminderKind.TRANSFER_PENDING).exists()
