"""One trip: a meeting that counts as study gives its study record and 学时 when it is submitted, with no second
page. Registered with orglife's hooks by LearningConfig.ready:

- `policy(day)`: the meeting kinds that may give a study record (rule learning.meeting_kinds) and the 学时 the
  meeting form proposes (rule learning.meeting_default_hours);
- `create_on_submit(meeting, actor)`: inside the submission's transaction, `actions.create_from_meeting` with the
  学时 recorded on the meeting — the present members get them, nothing is typed twice. A meeting without 学时
  (left empty, or not a study kind) gives none here; a study record can still be made from it later.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dangjian.core import rules as rule_registry
from dangjian.learning import actions, rules
from dangjian.learning.choices import SessionKind
from dangjian.learning.models import StudySession
from dangjian.orglife.hooks import StudyPolicy
from dangjian.orglife.models import Meeting


def policy(day: dt.date) -> StudyPolicy:
    config = rule_registry.values([rules.MEETING_KINDS, rules.MEETING_DEFAULT_HOURS], day)
    return StudyPolicy(kinds=tuple(config[rules.MEETING_KINDS]),
                       default_hours=Decimal(str(config[rules.MEETING_DEFAULT_HOURS])))


def create_on_submit(meeting: Meeting, actor: Any) -> None:
    if meeting.study_hours is None or StudySession.objects.filter(meeting=meeting).exists():
        return
    actions.create_from_meeting(actor=actor, meeting=meeting,
                                data={"kind": SessionKind.BRANCH_STUDY, "hours": meeting.study_hours})
