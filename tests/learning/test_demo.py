"""The demo's year of study records: sessions from the submitted 党课/主题党日 with their present members, 党校
courses, online courses; every participation within its session's length, the same result for the same seed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db.models import F

from dangjian.learning import demo
from dangjian.learning.choices import SessionKind
from dangjian.learning.models import Participation, StudySession
from dangjian.orglife.choices import MeetingKind
from tests.learning.conftest import NOW, submitted_meeting

pytestmark = pytest.mark.usefixtures("world")


@time_machine.travel(NOW, tick=False)
def test_the_demo_holds_sessions_from_meetings_and_courses_within_their_lengths(world):
    absent = world.make_member(world.a1, name="缺席人")
    meetings = [
        submitted_meeting(world, world.a1, dt.date(2025, month, 10), {absent.pk: "absent"},
                          kinds=(MeetingKind.THEME_DAY,))
        for month in range(1, 7)
    ]
    line = demo.load(seed=7, today=dt.date(2025, 6, 30))
    assert "学习培训" in line
    from_meetings = StudySession.objects.filter(meeting__in=meetings)
    assert 0 < from_meetings.count() <= len(meetings)
    assert not Participation.objects.filter(session__in=from_meetings, member=absent).exists()
    assert StudySession.objects.filter(kind=SessionKind.ONLINE).exists()
    assert StudySession.objects.filter(kind=SessionKind.PARTY_SCHOOL, org=world.root).exists()
    assert not Participation.objects.filter(hours__gt=F("session__hours")).exists()
    assert not Participation.objects.exclude(held_on=F("session__held_on")).exists()
    assert not StudySession.objects.filter(held_on__gt=dt.date(2025, 6, 30)).exists()
