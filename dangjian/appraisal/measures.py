"""民主评议党员 measures: whether a branch held (or began) its round of the year, how many of its members were rated
不合格 and still await a 组织处置, and each member's rating. One query each, whatever the number of orgs or members.

The figures of the statistics page (党内统计, 第八表) are measures over each org's subtree: the rounds owed, confirmed
and drafted with their participants, the members by rating, 不合格 awaiting 处置, the 组织处置 by kind, and the
confirmed rounds above the 优秀 share. Each is one SELECT over the orgs asked with a subquery per figure over the
org's path range (`dangjian.orgs.subtrees.count_under`); the last reads the rule value and the rounds as well.

A round counts for the org that held it (党内统计), and only a confirmed round is a result; a draft is a round begun.
Discovered by `dangjian.core.measures` at start-up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from dangjian.appraisal import rules
from dangjian.appraisal.actions import awaiting_followup, has_round
from dangjian.appraisal.choices import FollowUpKind, FollowUpOutcome, Rating, RoundStatus
from dangjian.appraisal.models import AppraisalResult, AppraisalRound, FollowUp
from dangjian.core import rules as rule_registry
from dangjian.core.measures import MEMBER, register
from dangjian.core.scoping import subtree_q
from dangjian.lib.periods import YEAR, Period
from dangjian.members.choices import ON_ROLL_STATES
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind, OrgStatus
from dangjian.orgs.subtrees import common_root, count_under, sum_under


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


# --- over each org's subtree: the statistics page ---------------------------------------------------------------


def _confirmed(year: int) -> QuerySet[AppraisalRound]:
    return AppraisalRound.objects.filter(year=year, status=RoundStatus.CONFIRMED)


def _confirmed_results(year: int) -> QuerySet[AppraisalResult]:
    return AppraisalResult.objects.filter(round__year=year, round__status=RoundStatus.CONFIRMED)


@dataclass(frozen=True)
class Rounds:
    """民主评议开展情况 over a subtree: branches that owe a round (active, members on the roll), rounds confirmed
    (each counts, even two of one branch), rounds still drafts, and those who took part in the confirmed ones."""

    owing: int = 0
    confirmed: int = 0
    drafts: int = 0
    participants: int = 0

    @property
    def percent(self) -> str:
        """开展率 as the page shows it: confirmed rounds over branches owing one."""
        return f"{self.confirmed * 100 / self.owing:.1f}%" if self.owing else "—"

    def __str__(self) -> str:
        return str(self.confirmed)

    def as_json(self) -> dict[str, Any]:
        return {"owing": self.owing, "confirmed": self.confirmed, "drafts": self.drafts,
                "participants": self.participants}


@register(
    "appraisal.rounds.confirmed", label="已确认的民主评议", unit="次", periods=(YEAR,),
    description="党组织（含下级）本年度已确认结果的民主评议次数（草稿不算；一个党支部确认两次算两次），"
                "附应开展的党支部数（现有在册党员的党支部）、尚未确认的草稿数和参加民主测评人数。",
)
def rounds_confirmed(orgs: QuerySet[Organization], period: Period) -> dict[int, Rounds]:
    """{org id: Rounds over its subtree} for every org asked: one SELECT."""
    year = period.start.year
    rounds = AppraisalRound.objects.filter(year=year)
    owing = Organization.objects.filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE, subtree_members__gt=0)
    return {
        r["pk"]: Rounds(r["owing"], r["confirmed"], r["drafts"], r["participants"])
        for r in orgs.order_by().annotate(
            owing=count_under(owing, "path"),
            confirmed=count_under(rounds.filter(status=RoundStatus.CONFIRMED), "org__path"),
            drafts=count_under(rounds.exclude(status=RoundStatus.CONFIRMED), "org__path"),
            participants=sum_under(rounds.filter(status=RoundStatus.CONFIRMED), "org__path", "participants"),
        ).values("pk", "owing", "confirmed", "drafts", "participants")
    }


# The ratings a result may carry, "" being a result not rated (kept so the counts add up to the results).
_RATINGS = (*Rating.values, "")


@dataclass(frozen=True)
class Ratings:
    """Members appraised in confirmed rounds over a subtree, by rating (only the ratings given)."""

    counts: tuple[tuple[str, int], ...] = ()

    @property
    def by_rating(self) -> dict[str, int]:
        return dict(self.counts)

    @property
    def appraised(self) -> int:
        return sum(n for _rating, n in self.counts)

    def __str__(self) -> str:
        labels = dict(Rating.choices)
        return "、".join(f"{labels.get(r, '未评定')}{n}人" for r, n in self.counts) or "0人"

    def as_json(self) -> dict[str, Any]:
        return {"appraised": self.appraised, "by_rating": self.by_rating}


@register(
    "appraisal.ratings", label="民主评议等次人数", unit="人", higher_is_better=None, periods=(YEAR,),
    rules=(rules.EXCELLENT_MAX_SHARE,),
    description="党组织（含下级）本年度已确认的民主评议中参加评议的党员人数，按评定等次（优秀、合格、基本合格、不合格）分列。",
)
def ratings(orgs: QuerySet[Organization], period: Period) -> dict[int, Ratings]:
    """{org id: Ratings over its subtree} for every org asked: one SELECT, a subquery per rating."""
    results = _confirmed_results(period.start.year)
    names = {rating: f"n{i}" for i, rating in enumerate(_RATINGS)}
    annotations = {name: count_under(results.filter(rating=rating), "round__org__path") for rating, name in names.items()}
    return {
        r["pk"]: Ratings(tuple((rating, r[name]) for rating, name in names.items() if r[name]))
        for r in orgs.order_by().annotate(**annotations).values("pk", *names.values())
    }


@register(
    "appraisal.unqualified.pending.subtree", label="不合格党员待处置（含下级）", unit="人", higher_is_better=False,
    periods=(YEAR,),
    description="党组织及其下级本年度已确认的民主评议中被评定为不合格、仍在册、尚未作出组织处置的党员人数"
                "（“不合格党员待处置”只算本组织自己开展的评议）。",
)
def unqualified_pending_subtree(orgs: QuerySet[Organization], period: Period) -> dict[int, int]:
    """{org id: 不合格 awaiting 处置 over its subtree} for every org asked: one SELECT."""
    pending = awaiting_followup(_confirmed_results(period.start.year))
    return dict(orgs.order_by().annotate(n=count_under(pending, "round__org__path")).values_list("pk", "n"))


@dataclass(frozen=True)
class FollowUps:
    """组织处置 of 不合格党员 over a subtree: per kind (only kinds given) how many, how many still open; and how many
    ended with the member leaving the Party (劝退 accepted, 除名)."""

    cells: tuple[tuple[str, int, int], ...] = ()  # (kind, total, open)
    left: int = 0

    @property
    def by_kind(self) -> dict[str, dict[str, int]]:
        """As the page reads it: kind → total / open / closed."""
        return {kind: {"total": total, "open": open_, "closed": total - open_} for kind, total, open_ in self.cells}

    @property
    def total(self) -> int:
        return sum(total for _kind, total, _open in self.cells)

    def __str__(self) -> str:
        return str(self.total)

    def as_json(self) -> dict[str, Any]:
        return {"by_kind": self.by_kind, "left": self.left}


@register(
    "appraisal.followups", label="不合格党员组织处置", unit="件", higher_is_better=None, periods=(YEAR,),
    description="党组织（含下级）本年度已确认的民主评议中对不合格党员作出的组织处置件数，按限期改正、劝退、除名分列"
                "（办结、进行中），附因处置出党的人数。",
)
def followups(orgs: QuerySet[Organization], period: Period) -> dict[int, FollowUps]:
    """{org id: FollowUps over its subtree} for every org asked: one SELECT, two subqueries per kind."""
    rows = FollowUp.objects.filter(result__round__year=period.start.year,
                                   result__round__status=RoundStatus.CONFIRMED)
    path = "result__round__org__path"
    annotations = {"left": count_under(rows.filter(outcome__in=[FollowUpOutcome.LEFT, FollowUpOutcome.REMOVED]), path)}
    for i, kind in enumerate(FollowUpKind.values):
        annotations[f"t{i}"] = count_under(rows.filter(kind=kind), path)
        annotations[f"o{i}"] = count_under(rows.filter(kind=kind, outcome=""), path)
    return {
        r["pk"]: FollowUps(tuple((kind, r[f"t{i}"], r[f"o{i}"]) for i, kind in enumerate(FollowUpKind.values)
                                 if r[f"t{i}"]), r["left"])
        for r in orgs.order_by().annotate(**annotations).values("pk", *annotations)
    }


def share_for(year: int) -> Any:
    """The 优秀 share in force at the end of the year (the rule value a deployment may have tightened)."""
    return rule_registry.value(rules.EXCELLENT_MAX_SHARE, dt.date(year, 12, 31))


@register(
    "appraisal.excellent.over", label="优秀比例超过规定的民主评议", unit="次", higher_is_better=False, periods=(YEAR,),
    rules=(rules.EXCELLENT_MAX_SHARE,),
    description="党组织（含下级）本年度已确认的民主评议中，评定为优秀的人数超过规定比例（一般不超过三分之一）的次数。",
)
def excellent_over(orgs: QuerySet[Organization], period: Period) -> dict[int, int]:
    """{org id: confirmed rounds of its subtree above the 优秀 share}: the rule value, the orgs' paths, and the
    confirmed rounds of the smallest subtree holding them with their counts (three queries); the share is checked
    by `rules.check_excellent`, each round then counted for every org asked above it."""
    year = period.start.year
    share = share_for(year)
    paths: dict[str, int] = dict(orgs.values_list("path", "pk").order_by())
    found: dict[int, int] = defaultdict(int)
    if paths:
        rounds = (_confirmed(year).filter(subtree_q(common_root(list(paths)), "org__path"))
                  .annotate(n=Count("results"), e=Count("results", filter=Q(results__rating=Rating.EXCELLENT)))
                  .values_list("org__path", "n", "e").order_by())
        for org_path, n, e in rounds:
            if rules.check_excellent(e, n, share).over:
                for end in range(Organization.steplen, len(org_path) + 1, Organization.steplen):
                    if org_path[:end] in paths:
                        found[paths[org_path[:end]]] += 1
    return {pk: found[pk] for pk in paths.values()}
