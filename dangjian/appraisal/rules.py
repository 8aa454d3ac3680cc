"""The rules of 民主评议党员, declared once as data (architecture.md, pattern 3), and the pure functions that
apply them. Actions, pages, reminders and statistics read the values with `dangjian.core.rules.values(...)`
and hand them to these functions, which need no database.

Sources (/work/shared/domain/regulations.md §1.3, §7.2, §7.3): the yearly obligation itself is
`orglife.member_review_period` (declared with the other meeting frequencies, not repeated here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from dangjian.core.models import RuleStatus
from dangjian.core.rules import Rule, register
from dangjian.lib.periods import add_months

REVIEW_PAGE = "共产党员网《党支部生活·民主评议》专题（中组部）"
BRANCH_RULES = "《中国共产党支部工作条例（试行）》"
LOCAL = "本单位做法，可配置"

EXCELLENT_MAX_SHARE = "appraisal.excellent_max_share"
CORRECTION_MONTHS = "appraisal.correction_months"
CORRECTION_DUE_DAYS = "appraisal.correction_due_days"
ROUND_REMINDER_MONTH = "appraisal.round_reminder_month"

ALL_KEYS = [EXCELLENT_MAX_SHARE, CORRECTION_MONTHS, CORRECTION_DUE_DAYS, ROUND_REMINDER_MONTH]

register(
    Rule(EXCELLENT_MAX_SHARE, "评定为“优秀”的比例上限（占参加评议党员总数）", "1/3", REVIEW_PAGE,
         "专题页，无条款号", RuleStatus.PARTIAL,
         "评定为“优秀”的比例一般不超过党员总数的1/3：超过时提示，不拒绝（“一般”）"),
    Rule(CORRECTION_MONTHS, "限期改正的一般期限（月）", 12, LOCAL, "", RuleStatus.LOCAL,
         "地方规程：限期改正……时间一般为1年（中组部2016年不合格党员组织处置文件原文未见）；超过时提示"),
    Rule(CORRECTION_DUE_DAYS, "限期改正到期前提醒（天）", 30, LOCAL, "", RuleStatus.LOCAL),
    Rule(ROUND_REMINDER_MONTH, "本年度尚未开展民主评议党员的提醒起始月份", 10, BRANCH_RULES, "第十七条、第十八条（条款号待核实）",
         RuleStatus.PARTIAL,
         "民主评议党员一般每年开展1次，可以结合组织生活会一并进行；组织生活会一般安排在第四季度", unit="月"),
)


# --- pure functions -------------------------------------------------------------------------------------------


def parse_share(value: object) -> Fraction:
    """The share rule's value ("1/3", 0.3, …) as an exact fraction between 0 and 1."""
    share = Fraction(str(value))
    if not 0 <= share <= 1:
        raise ValueError(f"{EXCELLENT_MAX_SHARE} must lie between 0 and 1, got {value!r}")
    return share


def excellent_cap(total: int, share: object) -> int:
    """How many of `total` members may be rated 优秀 within the share (⌊total × share⌋)."""
    return int(total * parse_share(share))


@dataclass(frozen=True)
class ExcellentCheck:
    excellent: int
    total: int
    cap: int
    share: str

    @property
    def over(self) -> bool:
        return self.excellent > self.cap

    @property
    def message(self) -> str:
        """The warning as the pages and the API show it (empty when within the share)."""
        if not self.over:
            return ""
        return (f"评定为“优秀”的有{self.excellent}人，超过参加评议党员总数{self.total}人的{self.share}"
                f"（至多{self.cap}人）。该比例为“一般不超过”，可以确认，但请核实评定意见。")


def check_excellent(excellent: int, total: int, share: object) -> ExcellentCheck:
    """优秀 ≤ share × total (exactly 1/3 is within; one more is over) — a warning, never a refusal."""
    return ExcellentCheck(excellent, total, excellent_cap(total, share), str(share))


def votes_within(votes: list[int], participants: int) -> bool:
    """A member's 民主测评 votes (优秀/合格/基本合格/不合格) cannot exceed those who took part."""
    return all(v >= 0 for v in votes) and sum(votes) <= participants


def default_deadline(decided_on: dt.date, months: int) -> dt.date:
    """The deadline a 限期改正 gets unless another is chosen: the general period after the decision."""
    return add_months(decided_on, months)


def deadline_beyond_general(decided_on: dt.date, deadline: dt.date, months: int) -> bool:
    """Whether a 限期改正 deadline lies beyond the general period (a warning)."""
    return deadline > add_months(decided_on, months)


def correction_state(deadline: dt.date, today: dt.date, due_days: int) -> str:
    """An open 限期改正 on `today`: "overdue" once the deadline has passed (the day after it), "due" within
    `due_days` days of it (the deadline itself included), else "running"."""
    if today > deadline:
        return "overdue"
    if (deadline - today).days <= due_days:
        return "due"
    return "running"


def round_year_ok(year: int, held_on: dt.date) -> bool:
    """A year's round is held in that year or, as a 年度 review, in the year after."""
    return year <= held_on.year <= year + 1


def round_due(today: dt.date, from_month: int) -> bool:
    """Whether today's year's round is due for a reminder: from `from_month` to the year's end."""
    return today.month >= from_month
