"""The 发展党员 demo: applicants at every one of the 25 steps, some due soon and some overdue, an extension, a
cancellation and a stop — all through the actions, so members and reminders follow."""

from __future__ import annotations

import datetime as dt

from dangjian.accounts.models import User
from dangjian.members.choices import MemberEventKind
from dangjian.recruitment import demo
from dangjian.recruitment.models import Applicant, ApplicantStatus
from dangjian.reminders.generate import generate
from dangjian.reminders.models import Reminder, ReminderKind


def test_demo_holds_applicants_at_every_step_due_and_overdue(world):
    User.objects.filter(pk=world.admin.pk).update(username="admin")
    for name in ("甲正式", "乙正式", "丙正式", "丁正式"):
        world.make_member(world.a1, name=name)
    today = dt.date(2026, 11, 20)
    line = demo.load(seed=7, today=today)
    assert line.startswith("发展党员：入党申请人 36 名")
    assert set(Applicant.objects.values_list("step", flat=True)) == set(range(1, 26))
    open_ = Applicant.objects.open()
    assert open_.filter(due_on__lt=today).exists()
    assert open_.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=14)).exists()
    assert Applicant.objects.filter(status=ApplicantStatus.CONFIRMED).exists()
    assert Applicant.objects.filter(status=ApplicantStatus.CANCELLED).count() == 1
    assert Applicant.objects.filter(status=ApplicantStatus.STOPPED).count() == 1
    extended = Applicant.objects.get(member__events__kind=MemberEventKind.PROBATION_EXTENDED)
    assert extended.status == ApplicantStatus.PROBATION and extended.next_step == 22
    # Every admitted applicant has exactly one member record, a 预备党员 from the meeting's date.
    for a in Applicant.objects.filter(step__gte=17).exclude(status=ApplicantStatus.STOPPED):
        assert a.member.joined_on == a.steps.get(number=15).date
    generate(today)
    assert Reminder.objects.filter(kind=ReminderKind.RECRUITMENT_OVERDUE, user=world.admin).exists()


def test_the_study_demo_trains_the_candidates_not_yet_trained(world):
    from decimal import Decimal

    from dangjian.learning import demo as learning_demo
    from dangjian.learning.models import Trainee
    from dangjian.recruitment.steps import TRAINING, Stage
    from dangjian.recruitment.training import training_hours

    User.objects.filter(pk=world.admin.pk).update(username="admin")
    for name in ("甲正式", "乙正式", "丙正式", "丁正式"):
        world.make_member(world.a1, name=name)
    today = dt.date(2026, 11, 20)
    demo.load(seed=7, today=today)
    waiting = Applicant.objects.filter(status=ApplicantStatus.IN_PROGRESS, stage=Stage.CANDIDATE, step__lt=TRAINING)
    assert waiting.exists()
    line = learning_demo.load(seed=7, today=today)
    assert f"发展对象培训班学员 {waiting.count()} 名" in line
    for applicant in waiting:
        assert training_hours(applicant).hours >= Decimal("24")
    assert Trainee.objects.count() == waiting.count()
