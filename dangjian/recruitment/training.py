"""The one place that says how much 集中培训 a 发展对象 has had (发展党员工作细则 第十七条).

Training is recorded in two ways that add up: as step 11 of the applicant's path (days, 学时 and the certificate,
for courses outside the system), and as 学时 of study sessions the applicant attended (`learning.Trainee`, for a
党校 course or 专题培训 recorded in the system). The admission check (actions, step 15) and the pages only ever
call `training_hours`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum

if TYPE_CHECKING:
    from dangjian.recruitment.models import Applicant


@dataclass(frozen=True)
class Training:
    days: Decimal
    hours: Decimal


def training_hours(applicant: Applicant) -> Training:
    """Days and 学时 of 集中培训 recorded for the applicant: the step's, plus the sessions' 学时 (zero when none)."""
    from dangjian.recruitment.steps import TRAINING

    totals = applicant.steps.filter(number=TRAINING).aggregate(days=Sum("training_days"), hours=Sum("training_hours"))
    # learning.Trainee points at the applicant (learning sits above recruitment), so read it through that relation.
    sessions = applicant.trainings.aggregate(hours=Sum("hours"))["hours"] or Decimal(0)
    return Training(days=totals["days"] or Decimal(0), hours=(totals["hours"] or Decimal(0)) + sessions)
