"""Meetings written by the demo generator (in bulk, without history rows) open like any other: issue 9, defect 1
(every demo meeting's page was a server error, because the history reader expected at least one history row)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.orglife.demo import load_orglife
from dangjian.orglife.models import Meeting


@pytest.fixture
def demo_meetings(world) -> list[Meeting]:
    load_orglife(seed=7, today=dt.date.today())
    meetings = list(Meeting.objects.filter(org=world.a1).order_by("pk"))
    assert meetings, "the demo generator wrote no meeting for the branch"
    assert not any(m.history.exists() for m in meetings), "demo meetings are written without history rows"
    return meetings


@pytest.mark.parametrize("persona", ["secretary", "admin"])
def test_every_demo_meeting_of_a_branch_opens_for_its_secretary_and_the_admin(world, login, demo_meetings, persona):
    client = login(getattr(world, persona))
    for meeting in demo_meetings:
        response = client.get(reverse("orglife:detail", args=[meeting.pk]))
        assert response.status_code == 200, meeting.title
        assert response.context["history"] == []
