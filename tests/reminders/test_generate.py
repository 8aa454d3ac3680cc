"""The reminder job on the test world, with frozen time: who gets which reminder, each source at its boundary,
idempotence and the unique key, summaries above the threshold, and a query count flat in the number of branches."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.core.models import RuleParameter, RuleStatus
from dangjian.core.reminders import rules
from dangjian.core.rules import REGISTRY
from dangjian.leadership.models import Post, PostHolding, Term
from dangjian.lib.periods import add_months
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.models import Meeting, MeetingKindTag
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import OrgKind
from dangjian.reminders.generate import generate
from dangjian.reminders.models import Reminder, ReminderKind

D = dt.date
R = ReminderKind
APRIL_25 = D(2025, 4, 25)


def at(day: dt.date, hour: int = 10):
    """Freeze the clock at `hour` o'clock Beijing time on `day`."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour - 8, tzinfo=dt.UTC), tick=False)


def run(day: dt.date):
    with at(day):
        return generate(day)


def meeting(org, day, *kinds, submitted=True):
    """A meeting with its kind tags, written directly (the meetings actions belong to another module)."""
    status = MeetingStatus.SUBMITTED if submitted else MeetingStatus.DRAFT
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    m = Meeting.objects.create(org=org, title="主题党日活动", starts_at=starts, held_on=day, status=status)
    for kind in kinds:
        MeetingKindTag.objects.create(meeting=m, kind=kind, org=org, held_on=day, submitted=submitted)
    return m


def open_keys(user, kind=None):
    qs = Reminder.objects.filter(user=user, resolved_at__isnull=True)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return set(qs.values_list("key", flat=True))


def theme_key(org, which, period):
    return f"{which}:{org.pk}:{MeetingKind.THEME_DAY}:{period}"


def set_rule(key, value):
    """A deployment's own value for a rule, in force from 2000."""
    rule = REGISTRY[key]
    RuleParameter.objects.create(key=key, label=rule.label, value=value, default=rule.default, source=rule.source,
                                 status=RuleStatus.LOCAL, effective_from=D(2000, 1, 1))


def test_missing_theme_day_is_due_soon_for_secretary_and_admin_not_outsider_then_overdue_next_month(world):
    meeting(world.a2, D(2025, 4, 10), MeetingKind.THEME_DAY)
    run(APRIL_25)
    due_a1 = theme_key(world.a1, R.MEETING_DUE_SOON, "2025-04")
    assert due_a1 in open_keys(world.secretary)
    assert due_a1 in open_keys(world.admin)
    assert due_a1 not in open_keys(world.outsider)
    assert theme_key(world.b, R.MEETING_DUE_SOON, "2025-04") in open_keys(world.outsider)
    assert theme_key(world.a2, R.MEETING_DUE_SOON, "2025-04") not in open_keys(world.admin)  # a2 held it
    assert open_keys(world.viewer) == set()  # 上级查看 changes nothing
    row = Reminder.objects.get(user=world.secretary, key=due_a1)
    assert row.due_on == D(2025, 4, 30) and row.org == world.a1 and "第一党支部2025年4月的主题党日尚未召开" in row.title
    assert row.url == f"/orglife/new/?org={world.a1.pk}"

    run(D(2025, 5, 1))
    overdue = theme_key(world.a1, R.MEETING_OVERDUE, "2025-04")
    assert overdue in open_keys(world.secretary) and overdue in open_keys(world.admin)
    assert overdue not in open_keys(world.outsider)
    assert due_a1 not in open_keys(world.secretary)
    assert Reminder.objects.get(user=world.secretary, key=due_a1).resolved_at == timezone.make_aware(
        dt.datetime(2025, 5, 1, 10))


def test_not_due_soon_before_the_last_seven_days(world):
    run(D(2025, 4, 22))
    assert theme_key(world.a1, R.MEETING_DUE_SOON, "2025-04") not in open_keys(world.secretary)
    run(D(2025, 4, 23))
    assert theme_key(world.a1, R.MEETING_DUE_SOON, "2025-04") in open_keys(world.secretary)


def test_running_twice_creates_no_duplicates(world):
    first = run(APRIL_25)
    total = Reminder.objects.count()
    assert total > 0 and first.inserted == total
    second = run(APRIL_25)
    assert Reminder.objects.count() == total
    assert second.inserted == 0 and second.resolved == 0
    assert second.counts == first.counts


def test_an_existing_row_for_the_same_key_is_skipped_by_the_unique_key_not_duplicated(world):
    """What a second node does when the first inserted meanwhile: the insert meets the unique key and is ignored.
    A dismissed row is such a row that this run does not read as open, so its insert must be ignored too."""
    key = theme_key(world.a1, R.MEETING_DUE_SOON, "2025-04")
    dismissed = Reminder.objects.create(user=world.secretary, kind=R.MEETING_DUE_SOON, key=key, title="已忽略",
                                        resolved_at=timezone.make_aware(dt.datetime(2025, 4, 24, 9)))
    run(APRIL_25)
    rows = Reminder.objects.filter(user=world.secretary, key=key)
    assert list(rows) == [dismissed]
    assert rows.get().resolved_at is not None  # a dismissed reminder stays dismissed
    assert key in open_keys(world.admin)


def test_concurrent_runs_insert_each_reminder_once(world, monkeypatch):
    """Two nodes that both read "no open rows" before either wrote: the second's inserts all hit the key."""
    run(APRIL_25)
    total = Reminder.objects.count()
    from dangjian.reminders import generate as job

    class Blind:
        """The open rows as the second node saw them: none yet."""

        def __init__(self, manager):
            self.manager = manager

        def filter(self, *args, **kwargs):
            if kwargs == {"resolved_at__isnull": True}:
                return Reminder.objects.none()
            return self.manager.filter(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self.manager, name)

    monkeypatch.setattr(job.Reminder, "objects", Blind(Reminder.objects))
    with at(APRIL_25):
        result = job.generate(APRIL_25)
    monkeypatch.undo()
    assert result.inserted == total
    assert Reminder.objects.count() == total


def test_more_than_twenty_of_a_kind_become_one_summary_for_the_admin(world):
    # The world has 3 branches; 17 more make 20 (no summary), an 18th makes 21.
    for i in range(17):
        create_org(actor=world.admin, parent=world.root, name=f"新党支部{i}", kind=OrgKind.BRANCH)
    run(APRIL_25)
    assert len(open_keys(world.admin, R.MEETING_DUE_SOON)) == 20 + 1  # 20 branches and the group (党小组会)
    create_org(actor=world.admin, parent=world.root, name="新党支部17", kind=OrgKind.BRANCH)
    result = run(APRIL_25)
    summary_key = f"{R.MEETING_DUE_SOON}:summary:{MeetingKind.THEME_DAY}:2025-04"
    admin_due = open_keys(world.admin, R.MEETING_DUE_SOON)
    assert summary_key in admin_due
    assert not any(k.endswith(f":{MeetingKind.THEME_DAY}:2025-04") and ":summary:" not in k for k in admin_due)
    summary = Reminder.objects.get(user=world.admin, key=summary_key)
    assert summary.title == "本月有21个党支部即将到期未召开主题党日"
    assert summary.url == "/orglife/compliance/?year=2025" and summary.org is None
    assert result.resolved >= 21  # the admin's 21 single theme-day reminders were closed
    # The secretary of one branch still gets the single reminder.
    assert theme_key(world.a1, R.MEETING_DUE_SOON, "2025-04") in open_keys(world.secretary)
    # The summary keeps its row while the count changes; the wording follows.
    create_org(actor=world.admin, parent=world.root, name="新党支部18", kind=OrgKind.BRANCH)
    run(APRIL_25)
    again = Reminder.objects.get(user=world.admin, key=summary_key)
    assert again.pk == summary.pk and again.title == "本月有22个党支部即将到期未召开主题党日"


def test_term_due_in_six_months_is_reminded_but_not_one_day_later(world):
    Term.objects.create(org=world.a1, number=1, starts_on=D(2022, 10, 25), planned_end=add_months(APRIL_25, 6))
    Term.objects.create(org=world.a2, number=1, starts_on=D(2022, 10, 26),
                        planned_end=add_months(APRIL_25, 6) + dt.timedelta(days=1))
    Term.objects.create(org=world.b, number=1, starts_on=D(2022, 4, 24), planned_end=D(2025, 4, 24))
    run(APRIL_25)
    due = open_keys(world.admin, R.TERM_DUE)
    assert due == {f"{R.TERM_DUE}:{world.a1.pk}:{Term.objects.get(org=world.a1).pk}:2025-10-25"}
    assert open_keys(world.secretary, R.TERM_DUE) == due
    overdue = open_keys(world.admin, R.TERM_OVERDUE)
    assert overdue == {f"{R.TERM_OVERDUE}:{world.b.pk}:{Term.objects.get(org=world.b).pk}:2025-04-24"}
    assert open_keys(world.outsider, R.TERM_OVERDUE) == overdue
    assert open_keys(world.secretary, R.TERM_OVERDUE) == set()
    row = Reminder.objects.get(user=world.outsider, kind=R.TERM_OVERDUE)
    assert row.title == "第三党支部第1届任期已于2025年4月24日届满，尚未换届"
    assert row.url == f"/orgs/leadership/org/{world.b.pk}/"


def test_secretary_vacancy_is_reminded_until_filled_and_again_when_the_post_falls_vacant(world):
    run(APRIL_25)
    first = f"{R.VACANCY}:{world.a1.pk}:none"
    assert first in open_keys(world.secretary)
    holding = PostHolding.objects.create(org=world.a1, member=world.member, post=Post.SECRETARY,
                                         starts_on=D(2024, 1, 1))
    run(APRIL_25)
    assert open_keys(world.secretary, R.VACANCY) == set()
    assert f"{R.VACANCY}:{world.a2.pk}:none" in open_keys(world.admin)
    holding.ends_on = D(2025, 4, 20)
    holding.save()
    run(APRIL_25)
    assert open_keys(world.secretary, R.VACANCY) == {f"{R.VACANCY}:{world.a1.pk}:2025-04-20"}


def test_political_birthday_only_in_its_month_for_the_member_and_the_branch_managers(world):
    key = f"{R.POLITICAL_BIRTHDAY}:{world.member.pk}:2025-07"
    run(D(2025, 6, 30))
    assert open_keys(world.member_user) == set()
    run(D(2025, 7, 1))
    assert open_keys(world.member_user) == {key}  # a plain 党员 gets only their own
    own = Reminder.objects.get(user=world.member_user, key=key)
    assert own.title.startswith("7月1日是您的第15个政治生日（2010年7月1日入党）")
    assert own.url == "/members/mine/" and own.due_on == D(2025, 7, 1)
    assert key in open_keys(world.secretary) and key not in open_keys(world.outsider)
    assert "李党员7月1日过第15个政治生日" in Reminder.objects.get(user=world.secretary, key=key).title
    run(D(2025, 8, 1))
    assert open_keys(world.member_user) == set()


def test_political_birthday_basis_is_configurable(world):
    m = world.make_member(world.a2, name="钱转正", joined_on=D(2015, 3, 10), confirmed_on=D(2016, 5, 20))
    run(D(2025, 3, 5))
    assert f"{R.POLITICAL_BIRTHDAY}:{m.pk}:2025-03" in open_keys(world.admin)
    set_rule(rules.POLITICAL_BIRTHDAY_BASIS, rules.BASIS_CONFIRMED)
    run(D(2025, 3, 6))
    assert f"{R.POLITICAL_BIRTHDAY}:{m.pk}:2025-03" not in open_keys(world.admin)
    run(D(2025, 5, 6))
    assert f"{R.POLITICAL_BIRTHDAY}:{m.pk}:2025-05" in open_keys(world.admin)


def test_drafts_are_reminded_once_older_than_three_days(world):
    draft = meeting(world.a1, D(2025, 4, 1), MeetingKind.THEME_DAY, submitted=False)
    Meeting.objects.filter(pk=draft.pk).update(created_at=timezone.make_aware(dt.datetime(2025, 4, 1, 18)))
    meeting(world.a2, D(2025, 4, 1), MeetingKind.THEME_DAY)  # submitted: never reminded
    run(D(2025, 4, 4))
    assert open_keys(world.secretary, R.DRAFT_UNSUBMITTED) == set()
    run(D(2025, 4, 5))
    assert open_keys(world.secretary, R.DRAFT_UNSUBMITTED) == {f"{R.DRAFT_UNSUBMITTED}:{draft.pk}"}
    assert open_keys(world.admin, R.DRAFT_UNSUBMITTED) == {f"{R.DRAFT_UNSUBMITTED}:{draft.pk}"}
    assert open_keys(world.outsider, R.DRAFT_UNSUBMITTED) == set()
    Meeting.objects.filter(pk=draft.pk).update(status=MeetingStatus.SUBMITTED)
    run(D(2025, 4, 6))
    assert open_keys(world.secretary, R.DRAFT_UNSUBMITTED) == set()


def test_confirmation_due_within_thirty_days_of_the_probation_end(world):
    inside = world.make_member(world.a1, name="预备甲", party_status="probationary", joined_on=D(2024, 5, 25),
                               confirmed_on=None)
    outside = world.make_member(world.a1, name="预备乙", party_status="probationary", joined_on=D(2024, 5, 26),
                                confirmed_on=None)
    late = world.make_member(world.b, name="预备丙", party_status="probationary", joined_on=D(2024, 3, 1),
                             confirmed_on=None)
    run(APRIL_25)
    keys = open_keys(world.admin, R.CONFIRMATION_DUE)
    assert f"{R.CONFIRMATION_DUE}:{inside.pk}:2024-05-25" in keys
    assert not any(k.startswith(f"{R.CONFIRMATION_DUE}:{outside.pk}:") for k in keys)
    assert open_keys(world.secretary, R.CONFIRMATION_DUE) == {f"{R.CONFIRMATION_DUE}:{inside.pk}:2024-05-25"}
    assert open_keys(world.outsider, R.CONFIRMATION_DUE) == {f"{R.CONFIRMATION_DUE}:{late.pk}:2024-03-01"}
    assert "预备期已于2025年3月1日届满" in Reminder.objects.get(user=world.outsider, kind=R.CONFIRMATION_DUE).title
    row = Reminder.objects.get(user=world.secretary, kind=R.CONFIRMATION_DUE)
    assert row.due_on == D(2025, 5, 25) and "将于2025年5月25日届满" in row.title
    set_rule(rules.CONFIRMATION_LEAD_DAYS, 31)
    run(APRIL_25)
    assert f"{R.CONFIRMATION_DUE}:{outside.pk}:2024-05-26" in open_keys(world.secretary)


def test_the_three_administrators_and_users_without_roles_get_nothing(world):
    run(D(2025, 7, 1))
    for user in (world.sysadmin, world.secadmin, world.auditor, world.nobody):
        assert not Reminder.objects.filter(user=user).exists()


def test_an_inactive_users_reminders_are_closed(world):
    run(APRIL_25)
    assert open_keys(world.secretary)
    world.secretary.is_active = False
    world.secretary.save()
    run(APRIL_25)
    assert open_keys(world.secretary) == set()


def _branches(world, n):
    for i in range(n):
        org = create_org(actor=world.admin, parent=world.general, name=f"支部{i}", kind=OrgKind.BRANCH)
        world.make_member(org, name="预备" + "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"[i], party_status="probationary", joined_on=D(2024, 5, 1), confirmed_on=None)
        meeting(org, D(2025, 4, 1), MeetingKind.THEME_DAY, submitted=False)
        Term.objects.create(org=org, number=1, starts_on=D(2022, 4, 1), planned_end=D(2025, 4, 1))


def test_query_count_is_the_same_for_5_and_15_branches(world):
    from django.db import transaction

    counted = {}
    for n in (5, 15):
        sid = transaction.savepoint()
        _branches(world, n)
        with at(APRIL_25), CaptureQueriesContext(connection) as ctx:
            generate(APRIL_25)
        counted[n] = len(ctx.captured_queries)
        transaction.savepoint_rollback(sid)
    # A fixed number per source (组织生活, 换届, 班子, 草稿, 转正, 政治生日 and the five member-lifecycle apps'),
    # whatever the number of branches.
    assert counted[5] == counted[15] <= 30


def test_command_runs_the_job_for_a_given_day(world, capsys):
    with at(APRIL_25):
        call_command("reminders", "--today", "2025-04-25")
    out = capsys.readouterr().out
    assert "会议即将到期：" in out and "新增" in out
    assert theme_key(world.a1, R.MEETING_DUE_SOON, "2025-04") in open_keys(world.secretary)


def test_a_yearly_appraisal_not_yet_held_is_labelled_as_such_not_as_a_correction(world):
    key = f"{R.APPRAISAL_FOLLOWUP}:round:{world.a1.pk}:2026"
    # A row written before the kind had its own name: the job relabels it, keeping the row (and a dismissal).
    Reminder.objects.create(user=world.secretary, kind=R.APPRAISAL_FOLLOWUP, key=key, title="旧", url="/")
    run(D(2026, 10, 1))
    row = Reminder.objects.get(user=world.secretary, key=key, resolved_at__isnull=True)
    assert row.kind == R.APPRAISAL_ROUND_DUE and row.get_kind_display() == "民主评议待开展"
    assert row.title.startswith("第一党支部尚未开展2026年度民主评议党员")
    assert not Reminder.objects.filter(kind=R.APPRAISAL_FOLLOWUP, title__contains="尚未开展").exists()
