"""The demo's year of organizational life, 班子 and 届次: realistic, consistent with the rules, and visible in
the compliance figures, the 换届 board and the to-do lists on first start."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from dangjian.accounts.models import User
from dangjian.leadership.models import Post, PostHolding, Term
from dangjian.leadership.rules import TermState, term_state
from dangjian.members import counters
from dangjian.members.membership import members_on
from dangjian.orglife.choices import MeetingKind
from dangjian.orglife.compliance import silent_branches
from dangjian.orglife.models import Attendance, Meeting, MeetingKindTag
from dangjian.orgs.models import Organization, OrgKind
from dangjian.reminders.models import Reminder

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def demo(db: None) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 15, 4, tzinfo=dt.UTC), tick=False):
        call_command("demo", "--orgs", "40", "--members", "300", "--today", TODAY.isoformat(),
                     stdout=StringIO(), stderr=StringIO())


def test_meetings_fit_their_orgs_and_attendance_their_members(demo: None) -> None:
    assert Meeting.objects.count() > 100
    for tag in MeetingKindTag.objects.select_related("org", "meeting")[:300]:
        assert tag.held_on == tag.meeting.held_on and tag.held_on < TODAY
        expected_kind = OrgKind.GROUP if tag.kind == MeetingKind.GROUP_MEETING else OrgKind.BRANCH
        assert tag.org.kind == expected_kind
    meeting = Meeting.objects.filter(org__kind=OrgKind.BRANCH, kind_tags__kind=MeetingKind.THEME_DAY).first()
    assert meeting is not None
    expected = {m.pk for m in members_on(meeting.org_id, meeting.held_on)}
    attended = set(Attendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    assert attended and attended <= expected


def test_some_branches_slip_and_some_fall_silent(demo: None) -> None:
    admin = User.objects.get(username="admin")
    root = Organization.objects.get(depth=1)
    assert silent_branches(admin, root, today=TODAY).exists()
    branches = Organization.objects.filter(kind=OrgKind.BRANCH).count()
    with_theme_day_last_month = MeetingKindTag.objects.filter(
        kind=MeetingKind.THEME_DAY, held_on__gte=dt.date(2026, 5, 1), held_on__lte=dt.date(2026, 5, 31)
    ).values("org_id").distinct().count()
    assert 0.3 * branches < with_theme_day_last_month < branches


def test_terms_include_due_and_overdue_ones_and_the_demo_secretary_holds_the_post(demo: None) -> None:
    states = {term_state(t.due_on, t.closed_on, TODAY, 6) for t in Term.objects.all()}
    assert {TermState.OVERDUE, TermState.DUE_SOON} <= states
    secretary = User.objects.get(username="secretary")
    assert PostHolding.objects.filter(member_id=secretary.member_id, post=Post.SECRETARY, ends_on__isnull=True).exists()
    assert counters.mismatches() == []


def test_the_first_reminder_run_gives_the_secretary_a_to_do_list(demo: None) -> None:
    assert Reminder.objects.filter(user__username__in=["secretary", "admin"]).exists()
    assert not Reminder.objects.filter(user__username__in=["sysadmin", "secadmin", "auditor"]).exists()


def test_this_years_talks_show_branches_done_behind_and_not_started(demo: None) -> None:
    from dangjian.orglife import talks
    from dangjian.orglife.compliance import Status

    admin = User.objects.get(username="admin")
    root = Organization.objects.get(depth=1)
    rows = talks.coverage(list(talks.branches(admin, root, TODAY.year)), TODAY.year, TODAY,
                          talks.load_config(TODAY))
    statuses = {r.status for r in rows}
    assert Status.DONE in statuses and Status.OPEN in statuses
    assert any(r.owed and r.covered == 0 for r in rows)
    assert any(0 < r.covered < r.owed for r in rows)
