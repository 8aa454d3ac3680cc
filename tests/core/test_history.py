"""core.history.edit_history: the versions of a record newest first, each with what it changed (by label), the
oldest shown still compared with the version before it, hidden fields left out."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.core.history import edit_history
from dangjian.orglife import actions
from dangjian.orglife.choices import MeetingKind
from dangjian.orglife.models import Meeting


def label(field: str) -> str:
    return str(Meeting._meta.get_field(field).verbose_name)


def test_versions_come_newest_first_with_their_changes_by_label(world):
    meeting = actions.record_meeting(actor=world.admin, org=world.a1, data={
        "kinds": [MeetingKind.BRANCH_ASSEMBLY], "starts_at": timezone.now() - dt.timedelta(days=2)})
    actions.update_meeting(meeting, actor=world.admin, data={"place": "党员活动室"})
    actions.update_meeting(meeting, actor=world.admin, data={"agenda": "学习党章"})
    rows = edit_history(meeting)
    assert [r["created"] for r in rows] == [False, False, True]
    assert label("agenda") in rows[0]["changed"] and label("place") in rows[1]["changed"] and rows[2]["changed"] == []
    assert rows[0]["user"] == world.admin and rows[0]["date"] >= rows[1]["date"]

    shown = edit_history(meeting, limit=2)
    assert len(shown) == 2 and label("place") in shown[1]["changed"]  # compared with the version not shown
    assert label("place") not in edit_history(meeting, hidden=["place"])[1]["changed"]
