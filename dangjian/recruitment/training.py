"""The one place that says how much 集中培训 a 发展对象 has had (发展党员工作细则 第十七条).

For now the training is recorded as step 11 of the applicant's path (days, 学时 and the certificate). When the
`learning` app records 发展对象 training, the integrator redirects this function there; the admission check
(actions, step 15) and the pages only ever call `training_hours`.
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
    """Days and 学时 of 集中培训 recorded for the applicant (zero when none)."""
    from dangjian.recruitment.steps import TRAINING

    totals = applicant.steps.filter(number=TRAINING).aggregate(days=Sum("training_days"), hours=Sum("training_hours"))
    return Training(days=totals["days"] or Decimal(0), hours=totals["hours"] or Decimal(0))
