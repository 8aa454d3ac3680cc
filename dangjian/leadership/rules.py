"""The 班子 and 换届 rules: their parameters as data (architecture.md, pattern 3) and the pure functions that
apply them. Term lengths, the reminder lead time, the limit on extending or advancing a 换届 and the committee
composition rules are declared once here (their keys keep the "orgs." prefix they were stored under) and read
with `values_in_force(...)`; the pure functions take the values as arguments, so each is tested at its
boundaries with plain dates.

Sources and statuses follow ../shared/domain/regulations.md §1.4, §2 and §6. The 1998/2010 机关条例 values
(2-year branch terms, 3- or 4-year committee terms) are outdated and deliberately not used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from dangjian.core import rules as rule_registry
from dangjian.core.models import RuleStatus
from dangjian.core.rules import Rule, register
from dangjian.leadership.models import ElectionStepKind, Post
from dangjian.lib.periods import add_months
from dangjian.orgs.models import OrgKind

if TYPE_CHECKING:
    from dangjian.members.models import Member

# Rule keys, one per rule, so callers never spell them twice.
TERM_YEARS_COMMITTEE = "orgs.term_years.committee"
TERM_YEARS_GENERAL_BRANCH = "orgs.term_years.general_branch"
TERM_YEARS_BRANCH = "orgs.term_years.branch"
TERM_REMINDER_MONTHS = "orgs.term_reminder_months"
TERM_ADJUST_MAX_MONTHS = "orgs.term_adjust_max_months"
SECRETARY_MIN_PARTY_YEARS = "orgs.secretary_min_party_years"
MAX_DEPUTY_SECRETARIES = "orgs.max_deputy_secretaries"
ELECTION_WIN_BASE = "leadership.election_win_base"
ELECTION_CANDIDATE_MARGIN = "leadership.election_candidate_margin_percent"

# Who counts as the base of "more than half" when a candidate is elected.
WIN_BASE_EXPECTED = "expected"
WIN_BASE_PRESENT = "present"

# Which rule gives the term length of each org kind; a 党小组 has no elected committee and so no term.
TERM_YEARS_BY_KIND: dict[str, str] = {
    OrgKind.COMMITTEE: TERM_YEARS_COMMITTEE,
    OrgKind.GENERAL_BRANCH: TERM_YEARS_GENERAL_BRANCH,
    OrgKind.BRANCH: TERM_YEARS_BRANCH,
}

# Every key the leadership functions read, for one `rules.values(...)` call.
ALL_KEYS = [
    TERM_YEARS_COMMITTEE, TERM_YEARS_GENERAL_BRANCH, TERM_YEARS_BRANCH, TERM_REMINDER_MONTHS,
    TERM_ADJUST_MAX_MONTHS, SECRETARY_MIN_PARTY_YEARS, MAX_DEPUTY_SECRETARIES, ELECTION_WIN_BASE,
    ELECTION_CANDIDATE_MARGIN,
]

register(
    Rule(
        key=TERM_YEARS_COMMITTEE, label="机关党委每届任期（年）", default=5,
        source="《中国共产党党和国家机关基层组织工作条例》(2019)", article="第五条", status=RuleStatus.CENTRAL,
        note="“每届任期一般为5年”；旧版条例的3年、4年已废止，不得使用",
    ),
    Rule(
        key=TERM_YEARS_GENERAL_BRANCH, label="机关党总支每届任期（年）", default=3,
        source="《中国共产党党和国家机关基层组织工作条例》(2019)", article="第六条", status=RuleStatus.CENTRAL,
        note="“每届任期一般为3年”",
    ),
    Rule(
        key=TERM_YEARS_BRANCH, label="机关党支部每届任期（年）", default=3,
        source="《中国共产党党和国家机关基层组织工作条例》(2019)；《中国共产党支部工作条例（试行）》",
        article="第七条；支部工作条例第二十一条", status=RuleStatus.CENTRAL,
        note="“每届任期一般为3年”；旧版条例的2年已废止，不得使用",
    ),
    Rule(
        key=TERM_REMINDER_MONTHS, label="任期届满前提醒换届（月）", default=6,
        source="《中国共产党支部工作条例（试行）》（按期换届提醒督促机制）", article="条款号待核实",
        status=RuleStatus.PARTIAL, note="“一般提前6个月……提醒做好换届准备”",
    ),
    Rule(
        key=TERM_ADJUST_MAX_MONTHS, label="延期或提前换届的最长期限（月）", default=12,
        source="《中国共产党基层组织选举工作条例》(2020)", article="第三条", status=RuleStatus.CENTRAL,
        note="“延长或者提前期限一般不超过1年”，须报上级党组织批准",
    ),
    Rule(
        key=SECRETARY_MIN_PARTY_YEARS, label="党支部书记党龄（年）", default=1,
        source="《中国共产党支部工作条例（试行）》", article="第二十三条", status=RuleStatus.CENTRAL,
        note="“一般应当具有1年以上党龄”：不满时提示，不阻止任职",
    ),
    Rule(
        key=MAX_DEPUTY_SECRETARIES, label="副书记人数上限", default=1,
        source="《中国共产党支部工作条例（试行）》", article="第二十条", status=RuleStatus.CENTRAL,
        note="“必要时可以设1名副书记”",
    ),
    Rule(
        key=ELECTION_WIN_BASE, label="当选所需赞成票的计算基数", default=WIN_BASE_EXPECTED,
        source="《中国共产党基层组织选举工作暂行条例》(1990)；2020年条例条文待核实", article="待核实",
        status=RuleStatus.LOCAL,
        choices=((WIN_BASE_EXPECTED, "超过应到会有选举权党员人数的半数"),
                 (WIN_BASE_PRESENT, "超过实到会有选举权党员人数的半数")),
        note="依据尚未核实：1990年暂行条例的转述为“基层组织为实到会”，另有解读为“应到会”；默认取从严的应到会，"
             "可按上级党组织的规定调整",
    ),
    Rule(
        key=ELECTION_CANDIDATE_MARGIN, label="委员候选人差额比例（%）", default=20,
        source="《中国共产党基层组织选举工作条例》(2020)", article="第十三条", status=RuleStatus.PARTIAL,
        minimum=20, maximum=100, tighter="higher",
        note="“委员候选人的差额不少于应选人数的20%”（条文来自转载页，待核实）",
    ),
)


def values_in_force(on: dt.date) -> dict[str, Any]:
    """All leadership rule values in force on `on`, in one query."""
    return rule_registry.values(ALL_KEYS, on)


def in_office_q(day: dt.date) -> Q:
    """Holdings in office on `day`: started by then and not yet ended (the end day is the first day out)."""
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gt=day))


# The 换届 procedure in its order; extension and advance are not steps of it but approvals (adjust_term).
PROCEDURE: tuple[str, ...] = (
    ElectionStepKind.REMINDED,
    ElectionStepKind.REQUESTED,
    ElectionStepKind.APPROVED_PLAN,
    ElectionStepKind.ELECTED,
    ElectionStepKind.REPORTED,
    ElectionStepKind.CONFIRMED,
)
ADJUSTMENTS: tuple[str, ...] = (ElectionStepKind.EXTENDED, ElectionStepKind.ADVANCED)


class TermState(models.TextChoices):
    """Where a 届 stands on a given day (the board's tabs)."""

    DONE = "done", "已换届"
    OVERDUE = "overdue", "已逾期"
    DUE_SOON = "due_soon", "半年内到期"
    NORMAL = "normal", "正常"


MISSING_LABEL = "未录入届次"


def win_base(expected: int, present: int, values: dict[str, Any]) -> int:
    """The number a candidate's yes votes must exceed half of: 应到会 or 实到会, by the rule in force."""
    return present if values[ELECTION_WIN_BASE] == WIN_BASE_PRESENT else expected


def term_years(kind: str, values: dict[str, Any]) -> int | None:
    """The term length of an org kind from the rule values; None for a 党小组, which has no elected committee."""
    key = TERM_YEARS_BY_KIND.get(kind)
    return int(values[key]) if key is not None else None


def reminder_date(due_on: dt.date, reminder_months: int) -> dt.date:
    """The day the higher organisation should start reminding: `reminder_months` before the term is due."""
    return add_months(due_on, -reminder_months)


def term_state(due_on: dt.date, closed_on: dt.date | None, today: dt.date, reminder_months: int) -> TermState:
    """已换届 once a new 届 closed this one; 已逾期 from the day after the due date; 半年内到期 from the reminder
    date up to and including the due date itself (the 届 is still in office that day); else 正常."""
    if closed_on is not None:
        return TermState.DONE
    if today > due_on:
        return TermState.OVERDUE
    if today >= reminder_date(due_on, reminder_months):
        return TermState.DUE_SOON
    return TermState.NORMAL


def due_soon_limit(today: dt.date, reminder_months: int) -> dt.date:
    """The latest due date that is already inside its reminder window on `today`.

    The SQL form of `term_state`'s 半年内到期 test: `today <= due_on <= due_soon_limit(today, months)` selects
    exactly the days for which `reminder_date(due_on) <= today`, month-end clamping included (a term due on
    31 August is reminded from 28 February, so on 28 February it is due soon).
    """
    limit = add_months(today, reminder_months)
    while reminder_date(limit + dt.timedelta(days=1), reminder_months) <= today:
        limit += dt.timedelta(days=1)
    return limit


def months_label(months: int) -> str:
    """12 → "1年", 6 → "6个月": how the regulations word the limits."""
    return f"{months // 12}年" if months % 12 == 0 else f"{months}个月"


def vacancies(kind: str, posts: Iterable[str], max_deputies: int) -> list[str]:
    """What is missing or too many in an org's 班子, from the posts in office.

    Every org that has a committee or a secretary needs one 书记 (支部工作条例 第二十条、第二十一条: vacancies are
    filled promptly); a 党小组 needs its 组长; deputies are limited to `max_deputies`.
    """
    held = list(posts)
    found: list[str] = []
    if kind == OrgKind.GROUP:
        if Post.GROUP_LEADER not in held:
            found.append("党小组组长空缺")
        return found
    secretaries = held.count(Post.SECRETARY)
    if secretaries == 0:
        found.append("书记空缺")
    elif secretaries > 1:
        found.append(f"书记{secretaries}名，只能设1名")
    deputies = held.count(Post.DEPUTY)
    if deputies > max_deputies:
        found.append(f"副书记{deputies}名，一般不超过{max_deputies}名")
    return found


def secretary_warnings(holder: Member, today: dt.date, min_party_years: int) -> list[str]:
    """Eligibility notes on a secretary (支部工作条例 第二十三条, "一般": a warning, never a block).

    党龄 counts in whole years from 转正 (Member.party_years), so 364 days after 转正 is still 0 years.
    """
    years = holder.party_years(today)
    if years is None:
        return ["书记为预备党员"]
    if years < min_party_years:
        return [f"书记党龄不满{min_party_years}年"]
    return []
