"""民主评议党员 measures: whether a branch held (or began) its round of the year, how many of its members were rated
不合格 and still await a 组织处置, and each member's rating. One query each, whatever the number of orgs or members.

A round counts for the org that held it (党内统计), and only a confirmed round is a result; a draft is a round begun.
Discovered by `dangjian.core.measures` at start-up.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from dangjian.appraisal import rules
from dangjian.appraisal.actions import awaiting_followup, has_round
from dangjian.appraisal.choices import RoundStatus
from dangjian.appraisal.models import AppraisalResult, AppraisalRound
from dangjian.core.measures import MEMBER, register
from dangjian.lib.periods import YEAR, Period
from dangjian.members.choices import ON_ROLL_STATES
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind


def owing_branches(orgs: QuerySet[Organization]) -> QuerySet[Organization]:
    """The branches among `orgs` that owe a round: those with members on the roll."""
    return orgs.filter(kind=OrgKind.BRANCH).filter(
        Exists(Member.objects.filter(org_id=OuterRef("pk"), state__in=ON_ROLL_STATES)))


@register(
    "appraisal.round.done", label="民主评议已开展", unit="是/否", periods=(YEAR,),
    rules=(rules.ROUND_REMINDER_MONTH,),
    description="有在册党员的党支部本年度是否已确认民主评议党员结果（草稿不算）。",
)
def round_done(orgs: QuerySet[Organization], period: Period) -> dict[int, bool]:
    """{branch id: a confirmed round for the year}."""
    confirmed = AppraisalRound.objects.filter(org_id=OuterRef("pk"), year=period.start.year,
                                              status=RoundStatus.CONFIRMED)
    return dict(owing_branches(orgs).annotate(done=Exists(confirmed)).values_list("pk", "done").order_by())


@register(
    "appraisal.round.begun", label="民主评议已启动", unit="是/否", periods=(YEAR,),
    rules=(rules.ROUND_REMINDER_MONTH,),
    description="有在册党员的党支部本年度是否已开始民主评议党员（含尚未确认的草稿）；年末前提醒尚未开始的党支部。",
)
def round_begun(orgs: QuerySet[Organization], period: Period) -> dict[int, bool]:
    """{branch id: a round (draft or confirmed) for the year}."""
    return dict(owing_branches(orgs).annotate(begun=has_round(period.start.year)).values_list("pk", "begun")
                .order_by())


@register(
    "appraisal.unqualified.pending", label="不合格党员待处置", unit="人", higher_is_better=False, periods=(YEAR,),
    description="在本组织本年度已确认的民主评议中被评定为不合格、仍在册、尚未作出组织处置的党员人数。",
)
def unqualified_pending(orgs: QuerySet[Organization], period: Period) -> dict[int, int]:
    """{org id: members rated 不合格 awaiting a 组织处置} for the orgs that held rounds in the year."""
    results = AppraisalResult.objects.filter(round__org__in=orgs.values("pk"), round__year=period.start.year)
    return dict(awaiting_followup(results).values("round__org_id").annotate(n=Count("id"))
                .values_list("round__org_id", "n").order_by())


@register(
    "appraisal.rating", label="民主评议等次", unit="等次", subject=MEMBER, higher_is_better=None, periods=(YEAR,),
    rules=(rules.EXCELLENT_MAX_SHARE,),
    description="党员在本年度已确认的民主评议中被评定的等次（优秀、合格、基本合格、不合格）；未参加评议的没有取值。",
)
def rating(members: QuerySet[Member], period: Period) -> dict[int, str]:
    """{member id: the rating of the year's confirmed round}."""
    return dict(AppraisalResult.objects.filter(Q(member__in=members.values("pk")), round__year=period.start.year,
                                               round__status=RoundStatus.CONFIRMED)
                .exclude(rating="").values_list("member_id", "rating").order_by())
