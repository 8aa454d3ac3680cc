"""Helpers of the learning tests: a submitted meeting with chosen attendance, and a direct session."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dangjian.learning import actions
from dangjian.learning.choices import SessionKind
from dangjian.orglife import actions as orglife_actions
from dangjian.orglife.choices import MeetingKind

BJ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2025, 6, 30, 4, tzinfo=dt.UTC)  # 30 June 2025, noon in Beijing


@pytest.fixture(autouse=True)
def _totals(totals_stay_exact: None) -> None:
    """Members are created through the actions here too: the kept subtree totals must stay exact."""


def submitted_meeting(world, org, day: dt.date, statuses: dict[int, str], kinds=(MeetingKind.PARTY_LECTURE,)):
    """A submitted meeting of `org` on `day` whose expected members have the given statuses (default present)."""
    meeting = orglife_actions.record_meeting(
        actor=world.admin, org=org,
        data={"kinds": list(kinds), "starts_at": dt.datetime(day.year, day.month, day.day, 15, tzinfo=BJ),
              "lecture_topic": "学习党章", "lecturer": "周书记"},
    )
    expected = orglife_actions.expected_members(org, day, orglife_actions.meeting_kinds(meeting))
    entries = []
    for m in expected:
        status = statuses.get(m.pk, "present")
        entry = {"member": m.pk, "status": status}
        if status == "leave":
            entry["leave_reason"] = "出差"
        entries.append(entry)
    orglife_actions.set_attendance(meeting, actor=world.admin, entries=entries)
    return orglife_actions.submit_meeting(meeting, actor=world.admin)


def direct_session(world, org, day: dt.date, hours: str, participants, kind=SessionKind.PARTY_SCHOOL, actor=None):
    return actions.create_session(
        actor=actor or world.admin, org=org,
        data={"kind": kind, "title": "党校专题班", "held_on": day, "hours": hours},
        participants=participants,
    )


@pytest.fixture
def session_hours() -> tuple[str, str]:
    """学时 of the two sessions of `sessions` (a test module may override this fixture)."""
    return "31.5", "40"


@pytest.fixture
def sessions(world, session_hours):
    """A 党校 session of 第一党支部 with 李党员 and one of 第三党支部 with 钱三支, each completed in full."""
    import time_machine

    a1_hours, b_hours = session_hours
    with time_machine.travel(NOW, tick=False):
        a1 = direct_session(world, world.a1, dt.date(2025, 5, 1), a1_hours, [(world.member.pk, a1_hours)])
        b = direct_session(world, world.b, dt.date(2025, 5, 2), b_hours, [(world.b_member.pk, b_hours)])
    return a1, b
