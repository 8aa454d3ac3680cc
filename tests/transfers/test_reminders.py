"""The reminders of this app in the reminder job, at their boundaries with frozen time: who gets each one, when it
appears, and that it closes once its cause is gone."""

from __future__ import annotations

import datetime as dt

from dangjian.core.models import RuleParameter, RuleStatus
from dangjian.core.rules import REGISTRY
from dangjian.members.actions import record_status_event
from dangjian.members.choices import MemberEventKind
from dangjian.reminders.generate import generate
from dangjian.reminders.models import Reminder, ReminderKind
from dangjian.transfers import actions, rules

from .conftest import at

D = dt.date
K = ReminderKind


def run(day):
    with at(day):
        return generate(day)


def open_keys(user, kind):
    return set(Reminder.objects.filter(user=user, kind=kind, resolved_at__isnull=True).values_list("key", flat=True))


def test_an_incoming_request_is_a_to_do_of_the_receiving_branch_until_decided(world):
    with at(D(2025, 6, 15)):
        t = actions.request_transfer(world.member, actor=world.secretary, to_org=world.b, issued_on=D(2025, 6, 15))
    run(D(2025, 6, 15))
    key = f"{K.TRANSFER_PENDING}:{t.pk}"
    assert key in open_keys(world.outsider, K.TRANSFER_PENDING) and key in open_keys(world.admin, K.TRANSFER_PENDING)
    assert key not in open_keys(world.secretary, K.TRANSFER_PENDING)
    row = Reminder.objects.get(user=world.outsider, key=key)
    assert "第一党支部李党员的组织关系" in row.title and row.url == f"/transfers/{t.pk}/"
    with at(D(2025, 6, 16)):
        actions.accept_transfer(t, actor=world.outsider, date=D(2025, 6, 16))
    run(D(2025, 6, 16))
    assert key not in open_keys(world.outsider, K.TRANSFER_PENDING)


def test_a_missing_receipt_is_reminded_to_the_sending_branch_the_day_after_the_configured_days(world):
    with at(D(2025, 3, 1)):
        t = actions.issue_external_transfer(world.member, actor=world.secretary, outside_org="某省委组织部",
                                            letter_no="L-1", issued_on=D(2025, 3, 1))
    key = f"{K.TRANSFER_PENDING}:receipt:{t.pk}"
    run(D(2025, 5, 30))
    assert key not in open_keys(world.secretary, K.TRANSFER_PENDING)
    run(D(2025, 5, 31))
    assert key in open_keys(world.secretary, K.TRANSFER_PENDING)
    assert key not in open_keys(world.outsider, K.TRANSFER_PENDING)
    assert Reminder.objects.get(user=world.secretary, key=key).due_on == D(2025, 5, 30)
    # A deployment that allows 120 days: not late any more on 31 May.
    rule = REGISTRY[rules.RECEIPT_DAYS]
    RuleParameter.objects.create(key=rule.key, label=rule.label, value=120, default=rule.default, source=rule.source,
                                 status=RuleStatus.LOCAL, effective_from=D(2000, 1, 1))
    run(D(2025, 5, 31))
    assert key not in open_keys(world.secretary, K.TRANSFER_PENDING)


def test_a_floating_member_is_reminded_from_six_months_unless_a_transfer_is_under_way(world):
    with at(D(2025, 1, 15)):
        record = actions.record_floating(world.member, actor=world.secretary,
                                         data={"left_on": D(2025, 1, 15), "place": "成都市", "fixed_place": True})
    key = f"{K.FLOATING_TRANSFER}:{record.pk}"
    run(D(2025, 7, 14))
    assert key not in open_keys(world.secretary, K.FLOATING_TRANSFER)
    run(D(2025, 7, 15))
    assert key in open_keys(world.secretary, K.FLOATING_TRANSFER)
    assert key not in open_keys(world.outsider, K.FLOATING_TRANSFER)
    with at(D(2025, 7, 16)):
        actions.request_transfer(world.member, actor=world.secretary, to_org=world.b, issued_on=D(2025, 7, 16))
    run(D(2025, 7, 16))
    assert key not in open_keys(world.secretary, K.FLOATING_TRANSFER)


def test_lost_contact_reminds_of_suspension_at_six_months_and_of_removal_two_years_after_it(world):
    with at(D(2023, 1, 1)):
        case = actions.record_lost_contact(world.member, actor=world.secretary, last_contact_on=D(2022, 12, 31))
    suspend_key = f"{K.LOST_CONTACT}:{case.pk}:suspend"
    run(D(2023, 6, 29))
    assert suspend_key not in open_keys(world.secretary, K.LOST_CONTACT)
    run(D(2023, 6, 30))  # six months after 31 December: 30 June (the month has no 31st)
    assert suspend_key in open_keys(world.secretary, K.LOST_CONTACT)
    with at(D(2023, 7, 3)):
        actions.suspend_lost_member(case, actor=world.secretary, date=D(2023, 7, 3), doc_no="支〔2023〕9号")
    run(D(2025, 7, 2))
    assert open_keys(world.secretary, K.LOST_CONTACT) == set()
    run(D(2025, 7, 3))
    assert open_keys(world.secretary, K.LOST_CONTACT) == {f"{K.LOST_CONTACT}:{world.member.pk}:remove:2023-07-03"}
    assert open_keys(world.outsider, K.LOST_CONTACT) == set()


def test_any_suspension_counts_for_the_removal_reminder(world):
    with at(D(2023, 3, 1)):
        record_status_event(world.b_member, actor=world.admin, kind=MemberEventKind.SUSPENDED, date=D(2023, 3, 1),
                            reason="失联")
    run(D(2025, 3, 1))
    assert open_keys(world.outsider, K.LOST_CONTACT) == {f"{K.LOST_CONTACT}:{world.b_member.pk}:remove:2023-03-01"}
