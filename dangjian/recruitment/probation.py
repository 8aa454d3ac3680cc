"""When a 预备党员's probation ends: one year from 入党 (党章 第七条) plus the extension the 上级党委 approved
(发展党员 step 24 with the outcome 延长预备期, 细则 第三十二条; `rules.extension_months`).

The extension lives only on the 发展党员 steps (the member's 延长预备期 event carries it as words), so everything
that asks "when does this probation end" reads it here: the home page's 预备期届满 list (`due_for_confirmation`),
the 发展党员 list (`extensions_of`) and the registered measure `recruitment.probation.ends_on`
(`ends_on_by_member`). Each is one query, whatever the number of members.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from dangjian.lib.dates import add_years
from dangjian.lib.periods import add_months
from dangjian.members.choices import MemberState, PartyStatus
from dangjian.members.models import Member
from dangjian.recruitment import rules
from dangjian.recruitment.models import Step
from dangjian.recruitment.steps import ADMISSION_MEETING, CONFIRMATION_APPROVAL, Outcome

EXTENSION = "probation_extension"


def _approved_extensions(member_ref: Any, on: dt.date | None = None) -> Coalesce:
    """SQL: the months of probation extension approved for the member (0 when none; it is granted once only)."""
    steps = Step.objects.filter(applicant__member=member_ref, number=CONFIRMATION_APPROVAL, outcome=Outcome.EXTEND)
    if on is not None:
        steps = steps.filter(date__lte=on)
    months = Subquery(steps.order_by().values("extension_months")[:1], output_field=IntegerField())
    return Coalesce(months, Value(0), output_field=IntegerField())


def with_extension(members: QuerySet[Member], on: dt.date | None = None) -> QuerySet[Member]:
    """The members annotated with `probation_extension`: the approved months (by `on` when given)."""
    return members.annotate(**{EXTENSION: _approved_extensions(OuterRef("pk"), on)})


def probation_ends_on(joined_on: dt.date, extension: int, limits: rules.Limits) -> dt.date:
    """The last day of the probation of a member who joined on `joined_on`, with `extension` months approved."""
    return rules.probation_end(joined_on, extension, limits)


def latest_joined(horizon: dt.date, extension: int, limits: rules.Limits) -> dt.date:
    """The latest 入党 date whose probation (with `extension` months) ends by `horizon`. The end date only moves
    forward with the 入党 date (29 February and month ends fall back, never forward), so "ends by the horizon" is
    "joined on or before this day"."""
    day = add_months(add_years(horizon, -limits.probation_years), -extension)  # a first guess, then exact
    while probation_ends_on(day, extension, limits) > horizon:
        day -= dt.timedelta(days=1)
    while probation_ends_on(day + dt.timedelta(days=1), extension, limits) <= horizon:
        day += dt.timedelta(days=1)
    return day


def ends_by_q(horizon: dt.date, limits: rules.Limits) -> Q:
    """Over members annotated `with_extension`: those whose probation ends on or before `horizon`, exactly, as one
    condition per possible extension (none, or the months the rules allow)."""
    condition = Q()
    for months in range(0, limits.extension_max_months + 1):
        condition |= Q(**{EXTENSION: months, "joined_on__lte": latest_joined(horizon, months, limits)})
    return condition


def due_for_confirmation(members: QuerySet[Member], horizon: dt.date, limits: rules.Limits) -> QuerySet[Member]:
    """预备党员 on the roll among `members` whose probation, an approved extension included, ends by `horizon`,
    annotated with `probation_extension`, by 入党 date. One query."""
    probationary = members.filter(
        # No extension ends soonest, so its latest 入党 date bounds them all: a range on the (state, status, 入党)
        # index, walked in 入党 order, instead of every 预备党员 with the extension subquery.
        state=MemberState.ACTIVE, party_status=PartyStatus.PROBATIONARY,
        joined_on__lte=latest_joined(horizon, 0, limits),
    )
    return with_extension(probationary).filter(ends_by_q(horizon, limits)).order_by("joined_on", "pk")


def ends_on_by_member(members: QuerySet[Member], on: dt.date, limits: rules.Limits) -> dict[int, dt.date]:
    """{member id: the day the probation ends} for the 预备党员 among `members`, with the extensions approved by
    `on`. One query."""
    rows = (with_extension(members.filter(party_status=PartyStatus.PROBATIONARY, joined_on__isnull=False), on)
            .values_list("pk", "joined_on", EXTENSION).order_by())
    return {pk: probation_ends_on(joined, extension, limits) for pk, joined, extension in rows}


@dataclass(frozen=True)
class Extension:
    """An approved extension of an applicant's probation: how many months, and the day it now ends."""

    months: int
    ends_on: dt.date | None


def extensions_of(applicant_ids: Iterable[int], limits: rules.Limits) -> dict[int, Extension]:
    """{applicant id: Extension} for the applicants (a list page's rows) whose probation was extended. One query."""
    facts: dict[int, list[rules.Fact]] = defaultdict(list)
    rows = (Step.objects.filter(applicant_id__in=list(applicant_ids), number__in=(ADMISSION_MEETING,
                                                                                   CONFIRMATION_APPROVAL))
            .values_list("applicant_id", "number", "date", "outcome", "extension_months").order_by("date", "id"))
    for applicant_id, number, date, outcome, months in rows:
        facts[applicant_id].append(rules.Fact(number, date, outcome, months))
    found = {}
    for applicant_id, steps in facts.items():
        months = rules.extension_months(steps)
        if months:
            found[applicant_id] = Extension(months, rules.current_probation_end(steps, limits))
    return found
