"""The time and count rules of 发展党员 as data (architecture.md, pattern 3), and the pure functions that apply them.

Sources and statuses from /work/shared/domain/regulations.md §3.2; the rule page is docs/rules/recruitment.md.
Rules already declared by the member registry are not repeated here: the age at 入党 (MIN_AGE_AT_ADMISSION)
and the one-year probation (PROBATION_YEARS, MAX_PROBATION_YEARS) come from dangjian.members.validation.

Every function below is pure: it takes the rule values (a `Limits`) and dates, and returns the due date or
the message naming the rule. The actions, the reminders and the list's due/overdue filter all call them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dangjian.core.models import RuleStatus
from dangjian.core.rules import Rule, register, values
from dangjian.lib.dates import add_years, cn_date
from dangjian.lib.periods import add_months
from dangjian.members.validation import MAX_PROBATION_YEARS, MIN_AGE_AT_ADMISSION, PROBATION_YEARS

DETAILED = "《中国共产党发展党员工作细则》"
CONSTITUTION = "《中国共产党章程》"
LOCAL = "本单位做法，可配置"

TALK_MONTHS = "recruitment.talk_months"
ASSESSMENT_MONTHS = "recruitment.assessment_months"
ACTIVIST_MIN_YEARS = "recruitment.activist_min_years"
MENTORS_MIN = "recruitment.mentors_min"
MENTORS_MAX = "recruitment.mentors_max"
INTRODUCERS = "recruitment.introducers"
TRAINING_MIN_DAYS = "recruitment.training_min_days"
TRAINING_MIN_HOURS = "recruitment.training_min_hours"
APPROVAL_MONTHS = "recruitment.approval_months"
APPROVAL_MAX_MONTHS = "recruitment.approval_max_months"
EXTENSION_MIN_MONTHS = "recruitment.extension_min_months"
DUE_SOON_DAYS = "recruitment.due_soon_days"

ALL_KEYS = [
    TALK_MONTHS, ASSESSMENT_MONTHS, ACTIVIST_MIN_YEARS, MENTORS_MIN, MENTORS_MAX, INTRODUCERS, TRAINING_MIN_DAYS,
    TRAINING_MIN_HOURS, APPROVAL_MONTHS, APPROVAL_MAX_MONTHS, EXTENSION_MIN_MONTHS, DUE_SOON_DAYS,
]

register(
    Rule(TALK_MONTHS, "接到入党申请书后派人谈话的期限（月）", 1, DETAILED, "条款号待核实（2014年修订新增）",
         RuleStatus.PARTIAL, "党组织接到入党申请书后，应当在一个月内派人同入党申请人谈话", minimum=1, tighter="lower"),
    Rule(ASSESSMENT_MONTHS, "党支部考察入党积极分子的间隔（月）", 6, DETAILED, "第十一条（转引）", RuleStatus.PARTIAL,
         "党支部每半年对入党积极分子进行一次考察", minimum=1, tighter="lower"),
    Rule(ACTIVIST_MIN_YEARS, "列为发展对象前的培养教育和考察期（年）", 1, DETAILED, "第十三条", RuleStatus.CENTRAL,
         "经过一年以上培养教育和考察、基本具备党员条件的入党积极分子，可列为发展对象",
         maximum=5, tighter="higher"),
    Rule(MENTORS_MIN, "培养联系人人数下限", 1, DETAILED, "第十条（旗帜微平台流程）", RuleStatus.CENTRAL,
         "一至两名正式党员", unit="人"),
    Rule(MENTORS_MAX, "培养联系人人数上限", 2, DETAILED, "第十条（旗帜微平台流程）", RuleStatus.CENTRAL,
         "一至两名正式党员", unit="人"),
    Rule(INTRODUCERS, "入党介绍人人数", 2, CONSTITUTION, "第五条", RuleStatus.CENTRAL,
         "要有两名正式党员作介绍人", unit="人"),
    Rule(TRAINING_MIN_DAYS, "发展对象集中培训天数下限", 3, DETAILED, "第十七条", RuleStatus.CENTRAL,
         "培训时间一般不少于三天（或不少于二十四个学时）；地方可以从严", maximum=30, tighter="higher", unit="天"),
    Rule(TRAINING_MIN_HOURS, "发展对象集中培训学时下限", 24, DETAILED, "第十七条", RuleStatus.CENTRAL,
         "培训时间一般不少于三天（或不少于二十四个学时）；地方可以从严", maximum=240, tighter="higher", unit="学时"),
    Rule(APPROVAL_MONTHS, "基层党委审批接收预备党员、预备党员转正的期限（月）", 3, DETAILED,
         "第二十七条、第三十四条（条款号待核实）", RuleStatus.PARTIAL, "党委对党支部上报的决议，应当在三个月内审批", minimum=1, tighter="lower"),
    Rule(APPROVAL_MAX_MONTHS, "特殊情况下审批接收预备党员的最长期限（月）", 6, DETAILED, "第二十七条（条款号待核实）",
         RuleStatus.PARTIAL, "如遇特殊情况可适当延长审批时间，但是不得超过六个月", minimum=1, tighter="lower"),
    Rule(EXTENSION_MIN_MONTHS, "延长预备期的最短期限（月）", 6, DETAILED, "第三十二条", RuleStatus.CENTRAL,
         "可以延长一次预备期，延长时间不能少于半年，最长不超过一年"),
    Rule(DUE_SOON_DAYS, "发展党员待办提前提醒（天）", 14, LOCAL, "", RuleStatus.LOCAL,
         "谈话、考察、审批、转正等到期前提醒党支部", minimum=0, maximum=90),
)


@dataclass(frozen=True)
class Limits:
    """The rule values in force on one day, read once and handed to the pure functions."""

    talk_months: int = 1
    assessment_months: int = 6
    activist_min_years: int = 1
    mentors_min: int = 1
    mentors_max: int = 2
    introducers: int = 2
    training_min_days: float = 3
    training_min_hours: float = 24
    approval_months: int = 3
    approval_max_months: int = 6
    extension_min_months: int = 6
    due_soon_days: int = 14
    min_age: int = MIN_AGE_AT_ADMISSION
    probation_years: int = PROBATION_YEARS

    @property
    def extension_max_months(self) -> int:
        """一年: the longest probation (MAX_PROBATION_YEARS) less the normal one."""
        return (MAX_PROBATION_YEARS - self.probation_years) * 12


def load(on: dt.date | None = None) -> Limits:
    """The limits in force on `on` (today when omitted): one query for all of them."""
    v: dict[str, Any] = values(ALL_KEYS, on)
    return Limits(
        talk_months=int(v[TALK_MONTHS]), assessment_months=int(v[ASSESSMENT_MONTHS]),
        activist_min_years=int(v[ACTIVIST_MIN_YEARS]), mentors_min=int(v[MENTORS_MIN]),
        mentors_max=int(v[MENTORS_MAX]), introducers=int(v[INTRODUCERS]),
        training_min_days=float(v[TRAINING_MIN_DAYS]), training_min_hours=float(v[TRAINING_MIN_HOURS]),
        approval_months=int(v[APPROVAL_MONTHS]), approval_max_months=int(v[APPROVAL_MAX_MONTHS]),
        extension_min_months=int(v[EXTENSION_MIN_MONTHS]), due_soon_days=int(v[DUE_SOON_DAYS]),
    )


# --- due dates -------------------------------------------------------------------------------------------------


def talk_due(applied_on: dt.date, limits: Limits) -> dt.date:
    """The last day of the month after the application on which the talk is on time (same day a month later)."""
    return add_months(applied_on, limits.talk_months)


def assessment_due(last_assessed_on: dt.date, limits: Limits) -> dt.date:
    """The next half-yearly 考察 of an activist, from the activist date or the last 考察."""
    return add_months(last_assessed_on, limits.assessment_months)


def candidate_earliest(activist_on: dt.date, limits: Limits) -> dt.date:
    """The first day an activist may be made a 发展对象: one whole year (and more) after the activist date."""
    return add_years(activist_on, limits.activist_min_years)


def approval_due(meeting_on: dt.date, limits: Limits) -> dt.date:
    return add_months(meeting_on, limits.approval_months)


def approval_limit(meeting_on: dt.date, limits: Limits) -> dt.date:
    return add_months(meeting_on, limits.approval_max_months)


def probation_end(admitted_on: dt.date, extension_months: int, limits: Limits) -> dt.date:
    """The day the probation is complete: one year from the admission meeting (党章 第七条), plus an extension."""
    return add_months(add_years(admitted_on, limits.probation_years), extension_months)


# --- checks: each returns the message naming the rule, or None ------------------------------------------------


def age_error(birth_date: dt.date, on: dt.date, limits: Limits) -> str | None:
    if add_years(birth_date, limits.min_age) > on:
        return f"申请入党须年满{limits.min_age}周岁（党章第一条、发展党员工作细则第五条）"
    return None


def talk_flag(applied_on: dt.date, talked_on: dt.date, limits: Limits) -> str | None:
    """A talk later than the month allows is recorded, with this note (the organisation was late, not the person)."""
    due = talk_due(applied_on, limits)
    if talked_on > due:
        return f"谈话晚于规定期限（{cn_date(due)}）：党组织应在接到入党申请书后{limits.talk_months}个月内派人谈话（发展党员工作细则）"
    return None


def assessment_flag(previous_on: dt.date, assessed_on: dt.date, limits: Limits) -> str | None:
    due = assessment_due(previous_on, limits)
    if assessed_on > due:
        return f"考察间隔超过{limits.assessment_months}个月（应于{cn_date(due)}前考察）：党支部每半年对入党积极分子进行一次考察（发展党员工作细则第十一条）"
    return None


def candidate_error(activist_on: dt.date, candidate_on: dt.date, limits: Limits) -> str | None:
    earliest = candidate_earliest(activist_on, limits)
    if candidate_on < earliest:
        return (f"确定为发展对象须经过{limits.activist_min_years}年以上培养教育和考察（发展党员工作细则第十三条）："
                f"确定为入党积极分子的日期是{cn_date(activist_on)}，最早可于{cn_date(earliest)}列为发展对象")
    return None


def training_error(days: float, hours: float, limits: Limits) -> str | None:
    if days >= limits.training_min_days or hours >= limits.training_min_hours:
        return None
    return (f"发展对象集中培训时间一般不少于{limits.training_min_days:g}天或{limits.training_min_hours:g}学时"
            f"（发展党员工作细则第十七条），已记录{days:g}天、{hours:g}学时")


def approval_check(meeting_on: dt.date, approved_on: dt.date, reason: str, limits: Limits) -> tuple[str | None, str | None]:
    """(error, flag) of an approval: within the months allowed; later only with a reason and never beyond the
    maximum (细则: 三个月内审批，特殊情况不得超过六个月)."""
    due, limit = approval_due(meeting_on, limits), approval_limit(meeting_on, limits)
    if approved_on > limit:
        return (f"基层党委审批不得超过支部大会通过后{limits.approval_max_months}个月（{cn_date(limit)}）"
                "（发展党员工作细则第二十七条）", None)
    if approved_on > due:
        if not reason.strip():
            return (f"审批晚于支部大会通过后{limits.approval_months}个月（{cn_date(due)}），须填写延长审批的特殊情况"
                    "（发展党员工作细则第二十七条）", None)
        return None, f"审批期限延长至{limits.approval_months}个月以上，原因：{reason.strip()}"
    return None, None


def extension_error(months: int | None, extended_before: bool, limits: Limits) -> str | None:
    if extended_before:
        return "预备期只能延长一次（发展党员工作细则第三十二条）"
    if months is None or not limits.extension_min_months <= months <= limits.extension_max_months:
        return (f"延长预备期不能少于{limits.extension_min_months}个月，最长不超过{limits.extension_max_months}个月"
                "（发展党员工作细则第三十二条）")
    return None


# --- what is due next ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """A recorded step as the due-date function needs it."""

    number: int
    date: dt.date
    outcome: str = ""
    extension_months: int | None = None


@dataclass(frozen=True)
class Due:
    next_step: int | None
    due_on: dt.date | None = None
    rule: str = ""


def admitted_on(facts: list[Fact]) -> dt.date | None:
    """The date of the admission meeting (支部大会通过), from which the probation and 党籍 count."""
    return next((f.date for f in facts if f.number == 15), None)


def extension_months(facts: list[Fact]) -> int:
    """The probation extension approved by the 上级党委 (step 24 with outcome 延长预备期), 0 when none."""
    return sum(f.extension_months or 0 for f in facts if f.number == 24 and f.outcome == "extend")


def current_probation_end(facts: list[Fact], limits: Limits) -> dt.date | None:
    start = admitted_on(facts)
    return probation_end(start, extension_months(facts), limits) if start else None


def next_due(facts: list[Fact], limits: Limits) -> Due:
    """The next step and, where a rule sets one, the day it is due by, from the steps recorded so far (in order).

    申请后谈话: 1 month; 积极分子考察: every 6 months from the activist date or the last 考察; 审批: 3 months after
    the 支部大会; 转正: when the probation (with an approved extension) ends. Steps without a time rule have no
    due date.
    """
    from dangjian.recruitment.steps import allowed_next

    allowed = allowed_next([(f.number, f.outcome) for f in facts])
    if not allowed:
        return Due(None)
    last = facts[-1]
    following = allowed[-1]
    if last.number == 1:
        return Due(2, talk_due(last.date, limits), f"收到入党申请书后{limits.talk_months}个月内派人谈话")
    if 3 <= last.number <= 6:
        base = max(f.date for f in facts if f.number in (3, 6))
        return Due(following, assessment_due(base, limits), f"每{limits.assessment_months}个月考察一次入党积极分子")
    if last.number in (15, 16):
        meeting = admitted_on(facts)
        assert meeting is not None
        return Due(following, approval_due(meeting, limits), f"支部大会通过后{limits.approval_months}个月内审批")
    if last.number == 23:
        return Due(24, approval_due(last.date, limits), f"支部大会讨论转正后{limits.approval_months}个月内审批")
    if following in (22, 23):  # in the probation, an extended one included (after 24 "extend" comes 21 or 22)
        end = current_probation_end(facts, limits)
        return Due(following, end, "预备期满及时讨论转正")
    return Due(following)
