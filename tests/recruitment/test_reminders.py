"""发展党员 reminders: a step due within `recruitment.due_soon_days` is 待办, a passed due date is 逾期 — at the
boundaries, for the branch's secretary and the admin above, never for an outsider; one query for all applicants."""

from __future__ import annotations

import datetime as dt

from dangjian.recruitment import actions
from dangjian.recruitment.reminders import recruitment_items
from dangjian.reminders.generate import generate
from dangjian.reminders.models import Reminder, ReminderKind
from tests.recruitment.conftest import applicant_data, beijing_noon, walk

K = ReminderKind


def kinds_on(frozen, day):
    frozen.move_to(beijing_noon(day))
    return [item.kind for _path, item in recruitment_items(day)]


def test_talk_reminder_boundaries(world, frozen):
    # Applied on 1 November: the talk is due on 1 December; 待办 from 17 November (14 days), 逾期 from 2 December.
    actions.create_applicant(actor=world.secretary, data=applicant_data(world, applied_on=dt.date(2026, 11, 1)))
    assert kinds_on(frozen, dt.date(2026, 11, 16)) == []
    assert kinds_on(frozen, dt.date(2026, 11, 17)) == [K.RECRUITMENT_DUE]
    assert kinds_on(frozen, dt.date(2026, 12, 1)) == [K.RECRUITMENT_DUE]
    assert kinds_on(frozen, dt.date(2026, 12, 2)) == [K.RECRUITMENT_OVERDUE]


def test_approval_reminder_three_months_after_the_meeting(world, frozen):
    applicant = walk(world, actions.create_applicant(actor=world.secretary, data=applicant_data(world)), 16)
    assert applicant.next_step == 17 and applicant.due_on == dt.date(2025, 10, 20)
    items = recruitment_items(dt.date(2026, 11, 20))
    assert [(i.kind, i.title) for _p, i in items] == [(
        K.RECRUITMENT_OVERDUE, "第一党支部陈申请的“17. 上级党委审批”已于2025年10月20日到期（支部大会通过后3个月内审批）",
    )]


def test_generate_hands_reminders_to_the_branch_and_above_only(world, frozen, django_assert_max_num_queries):
    actions.create_applicant(actor=world.secretary, data=applicant_data(world))
    actions.create_applicant(actor=world.admin, data=applicant_data(world, org=world.a2, name="赵新申",
                                                                    applied_on=dt.date(2026, 11, 1)))
    with django_assert_max_num_queries(2):
        recruitment_items(dt.date(2026, 11, 20))
    generate(dt.date(2026, 11, 20))
    mine = Reminder.objects.filter(kind__in=[K.RECRUITMENT_DUE, K.RECRUITMENT_OVERDUE])
    assert set(mine.filter(user=world.secretary).values_list("kind", flat=True)) == {K.RECRUITMENT_OVERDUE}
    assert set(mine.filter(user=world.admin).values_list("kind", flat=True)) == {K.RECRUITMENT_OVERDUE, K.RECRUITMENT_DUE}
    assert not mine.filter(user=world.outsider).exists()


def test_stopped_and_finished_applicants_are_not_reminded(world, frozen):
    applicant = actions.create_applicant(actor=world.secretary, data=applicant_data(world))
    actions.stop_applicant(applicant, actor=world.secretary, reason="本人撤回申请")
    assert recruitment_items(dt.date(2026, 11, 20)) == []


def test_a_member_admitted_through_recruitment_is_reminded_of_confirmation_by_recruitment_only(world, frozen):
    # Admitted on 20 July 2025 (approved 1 September): the probation ends on 20 July 2026, long past on NOW.
    applicant = walk(world, actions.create_applicant(actor=world.secretary, data=applicant_data(world)), 20)
    assert applicant.member is not None and applicant.member.party_status == "probationary"
    generate(dt.date(2026, 11, 20))
    mine = Reminder.objects.filter(user=world.secretary, resolved_at__isnull=True)
    assert not mine.filter(kind=K.CONFIRMATION_DUE).exists()
    assert mine.filter(kind__in=[K.RECRUITMENT_DUE, K.RECRUITMENT_OVERDUE]).exists()
