"""党费欠缴 reminders: raised at 3 months behind, worded for the 6-month flag, handed to the branch's managers
only, closed when the member pays."""

from __future__ import annotations

import datetime as dt

from dangjian.dues import actions
from dangjian.dues.reminders import arrears_items
from dangjian.reminders.generate import generate
from dangjian.reminders.models import Reminder, ReminderKind
from tests.dues.conftest import beijing


def _setup(world):
    with beijing(dt.date(2025, 1, 10)):
        actions.set_base(actor=world.admin, member=world.member,
                         data={"month_from": "2025-01", "basis": "wage", "income": "6000.00"})
        actions.record_payments(actor=world.admin, member=world.member, months=["2025-01"])


def test_items_appear_at_three_months_and_say_so_at_six(world):
    _setup(world)
    assert arrears_items(dt.date(2025, 4, 30)) == []
    [(path, item)] = arrears_items(dt.date(2025, 5, 1))
    assert path == world.a1.path and item.kind == ReminderKind.DUES_ARREARS
    assert "连续3个月" in item.title and "督促" in item.title
    [(_, item)] = arrears_items(dt.date(2025, 8, 1))
    assert "连续6个月" in item.title and "自行脱党" in item.title


def test_the_job_hands_them_to_the_branchs_managers_and_closes_them_on_payment(world):
    _setup(world)
    with beijing(dt.date(2025, 5, 3)):
        generate(dt.date(2025, 5, 3))
        mine = Reminder.objects.filter(kind=ReminderKind.DUES_ARREARS, resolved_at__isnull=True)
        assert set(mine.values_list("user__username", flat=True)) == {"secretary", "admin"}
        actions.record_payments(actor=world.secretary, member=world.member, months=["2025-02"])
        generate(dt.date(2025, 5, 3))
    assert not Reminder.objects.filter(kind=ReminderKind.DUES_ARREARS, resolved_at__isnull=True).exists()
