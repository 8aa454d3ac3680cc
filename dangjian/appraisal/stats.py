"""党内统计 of 民主评议党员 (第八表 民主评议党员情况) for an org subtree and a year, computed from the records.

Only confirmed rounds are statistics (a draft is work in progress). A round counts for the branch that held it
(党内统计: 民主评议党员情况由负责组织开展民主评议党员工作的党组织进行统计), even if a member has moved since.
Every figure set is one aggregate over the subtree's path range (architecture.md, pattern 5): a fixed number of
queries whatever the number of branches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from dangjian.appraisal import rules
from dangjian.appraisal.actions import awaiting_followup
from dangjian.appraisal.choices import FollowUpKind, FollowUpOutcome, Rating, RoundStatus
from dangjian.appraisal.models import AppraisalResult, AppraisalRound, FollowUp
from dangjian.core import rules as rule_registry
from dangjian.core.scoping import subtree_q
from dangjian.orgs.models import Organization, OrgKind, OrgStatus


@dataclass
class Summary:
    org: Organization
    year: int
    branches: int = 0  # active branches with members on the roll in the subtree
    held: int = 0  # confirmed rounds
    drafts: int = 0  # rounds begun, not yet confirmed
    appraised: int = 0  # members appraised in confirmed rounds
    participants: int = 0  # took part in the 民主测评
    by_rating: dict[str, int] = field(default_factory=dict)
    unqualified_pending: int = 0  # 不合格, still on the roll, with no 组织处置 yet
    followups: dict[str, dict[str, int]] = field(default_factory=dict)  # kind → total / open / closed
    left: int = 0  # 处置 that ended in 出党 (劝退 accepted, 除名)
    over_share: int = 0  # confirmed rounds above the 优秀 share

    @property
    def unqualified(self) -> int:
        return self.by_rating.get(Rating.UNQUALIFIED, 0)

    @property
    def handled(self) -> int:
        return self.unqualified - self.unqualified_pending

    @property
    def held_percent(self) -> str:
        return f"{self.held * 100 / self.branches:.1f}%" if self.branches else "—"

    @property
    def participation_percent(self) -> str:
        return f"{self.participants * 100 / self.appraised:.1f}%" if self.appraised else "—"

    def rating_rows(self) -> list[tuple[str, int, str]]:
        """(grade, count, share of the appraised) in the order of the grades."""
        return [
            (str(label), self.by_rating.get(value, 0),
             f"{self.by_rating.get(value, 0) * 100 / self.appraised:.1f}%" if self.appraised else "—")
            for value, label in Rating.choices
        ]

    def followup_rows(self) -> list[tuple[str, int, int, int]]:
        rows = []
        for value, label in FollowUpKind.choices:
            cell = self.followups.get(value, {})
            rows.append((str(label), cell.get("total", 0), cell.get("open", 0), cell.get("closed", 0)))
        return rows


def confirmed_rounds(org: Organization, year: int) -> QuerySet[AppraisalRound]:
    return AppraisalRound.objects.filter(subtree_q(org.path, "org__path"), year=year, status=RoundStatus.CONFIRMED)


def round_rows(org: Organization, year: int) -> QuerySet[AppraisalRound]:
    """The confirmed rounds of the subtree with their counts per grade (one query; paginate or stream it)."""
    counts = {f"n_{value}": Count("results", filter=Q(results__rating=value)) for value in Rating.values}
    return (
        confirmed_rounds(org, year).select_related("org").annotate(n_appraised=Count("results"), **counts)
        .order_by("org__path")
    )


def share_for(year: int) -> Any:
    """The 优秀 share in force at the end of the year (the rule value a deployment may have tightened)."""
    return rule_registry.value(rules.EXCELLENT_MAX_SHARE, dt.date(year, 12, 31))


def summary(org: Organization, year: int) -> Summary:
    """The figures for `org`'s subtree and `year`: six queries."""
    result = Summary(org=org, year=year)
    result.branches = Organization.objects.filter(
        subtree_q(org.path), kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE, subtree_members__gt=0
    ).count()
    for row in (AppraisalRound.objects.filter(subtree_q(org.path, "org__path"), year=year)
                .values("status").annotate(n=Count("id"), p=Sum("participants")).order_by()):
        if row["status"] == RoundStatus.CONFIRMED:
            result.held, result.participants = row["n"], row["p"] or 0
        else:
            result.drafts = row["n"]
    results = AppraisalResult.objects.filter(
        subtree_q(org.path, "round__org__path"), round__year=year, round__status=RoundStatus.CONFIRMED
    )
    result.by_rating = {r["rating"]: r["n"] for r in results.values("rating").annotate(n=Count("id")).order_by()}
    result.appraised = sum(result.by_rating.values())
    result.unqualified_pending = awaiting_followup(results).count()
    followups = FollowUp.objects.filter(
        subtree_q(org.path, "result__round__org__path"), result__round__year=year,
        result__round__status=RoundStatus.CONFIRMED,
    )
    for row in followups.values("kind", "outcome").annotate(n=Count("id")).order_by():
        cell = result.followups.setdefault(row["kind"], {"total": 0, "open": 0, "closed": 0})
        cell["total"] += row["n"]
        cell["open" if row["outcome"] == "" else "closed"] += row["n"]
        if row["outcome"] in (FollowUpOutcome.LEFT, FollowUpOutcome.REMOVED):
            result.left += row["n"]
    share = share_for(year)
    result.over_share = sum(
        1 for r in round_rows(org, year).values("n_appraised", f"n_{Rating.EXCELLENT}")
        if rules.check_excellent(r[f"n_{Rating.EXCELLENT}"], r["n_appraised"], share).over
    )
    return result


SUMMARY_HEADER = ["项目", "数值"]
ROWS_HEADER = ["党支部", "评议日期", "参加评议党员", "参加民主测评", "优秀", "合格", "基本合格", "不合格", "优秀超过比例"]


def summary_sheets(org: Organization, year: int) -> list[tuple[str, list[str], Any]]:
    """The workbook of the statistics page: the figures, then one row per confirmed round."""
    s = summary(org, year)
    figures: list[list[Any]] = [
        ["党组织", org.name], ["年度", year], ["应开展的党支部（有在册党员）", s.branches],
        ["已确认民主评议的党支部", s.held], ["开展率", s.held_percent], ["尚未确认的民主评议", s.drafts],
        ["参加评议的党员", s.appraised], ["参加民主测评人数", s.participants], ["参与率", s.participation_percent],
    ]
    figures += [[f"评定为{label}", n] for label, n, _share in s.rating_rows()]
    figures += [["不合格党员已作出组织处置", s.handled], ["不合格党员尚未作出组织处置", s.unqualified_pending]]
    for label, total, open_, closed in s.followup_rows():
        figures.append([f"{label}（办结/进行中）", f"{total}（{closed}/{open_}）"])
    figures += [["因组织处置出党", s.left], ["优秀比例超过规定的党支部", s.over_share]]
    share = share_for(year)

    def rows() -> Any:
        row: Any
        for row in round_rows(org, year).iterator(chunk_size=2000):
            r = row
            excellent = getattr(r, f"n_{Rating.EXCELLENT}")
            over = rules.check_excellent(excellent, r.n_appraised, share).over
            yield [r.org.name, r.held_on, r.n_appraised, r.participants, excellent, getattr(r, f"n_{Rating.QUALIFIED}"),
                   getattr(r, f"n_{Rating.BASIC}"), getattr(r, f"n_{Rating.UNQUALIFIED}"), "是" if over else ""]

    return [("汇总", SUMMARY_HEADER, figures), ("各党支部", ROWS_HEADER, rows())]
