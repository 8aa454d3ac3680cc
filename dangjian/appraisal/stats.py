"""党内统计 of 民主评议党员 (第八表 民主评议党员情况) for an org subtree and a year, computed from the records.

Only confirmed rounds are statistics (a draft is work in progress). A round counts for the branch that held it
(党内统计: 民主评议党员情况由负责组织开展民主评议党员工作的党组织进行统计), even if a member has moved since.
Every figure is a registered measure over the subtree (dangjian.appraisal.measures), one query each whatever the
number of branches; the list of rounds is one aggregate over the subtree's path range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangjian.appraisal import rules
from dangjian.appraisal.choices import FollowUpKind, Rating, RoundStatus
from dangjian.appraisal.measures import FollowUps, Ratings, Rounds, share_for
from dangjian.appraisal.models import AppraisalRound
from dangjian.core import measures
from dangjian.core.scoping import subtree_q
from dangjian.lib.periods import Period
from dangjian.orgs.models import Organization


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


def _read(key: str, org: Organization, year: int, default: Any) -> Any:
    """The value of registered measure `key` for `org` over its subtree. The page takes any year it is given (a
    future one shows nothing yet), so it runs the measure's function without the registry's period check."""
    return measures.get(key).fn(Organization.objects.filter(pk=org.pk), Period.year(year)).get(org.pk, default)


def summary(org: Organization, year: int) -> Summary:
    """The figures for `org`'s subtree and `year`, read from the registered measures over the subtree
    (`appraisal.rounds.confirmed`, `appraisal.ratings`, `appraisal.unqualified.pending.subtree`,
    `appraisal.followups`, `appraisal.excellent.over`): seven queries."""
    rounds = _read("appraisal.rounds.confirmed", org, year, Rounds())
    given = _read("appraisal.ratings", org, year, Ratings())
    done = _read("appraisal.followups", org, year, FollowUps())
    return Summary(
        org=org, year=year, branches=rounds.owing, held=rounds.confirmed, drafts=rounds.drafts,
        participants=rounds.participants, appraised=given.appraised, by_rating=given.by_rating,
        unqualified_pending=_read("appraisal.unqualified.pending.subtree", org, year, 0),
        followups=done.by_kind, left=done.left, over_share=_read("appraisal.excellent.over", org, year, 0),
    )


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
