"""The time rules of 组织关系转接, 流动党员 and 失联党员 as data (architecture.md, pattern 3), and the pure
functions that apply them. Declared once here, read with `dangjian.core.rules.values(ALL_KEYS, today)` and
passed into the functions below, which take plain dates and numbers (testable without a database).

Sources follow ../shared/domain/regulations.md §4.1: 《中国共产党党员教育管理工作条例》(2019) 第二十四条 (失联
6个月 → 停止党籍; 停止党籍2年 → 按照自行脱党予以除名) and 第二十五条 (外出6个月以上且地点相对固定 → 转移组织关系).
How long a 回执 may take to come back is not fixed centrally: local practice, configurable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dangjian.core.models import RuleStatus
from dangjian.core.rules import Rule, register
from dangjian.lib.dates import add_years
from dangjian.lib.periods import add_months

EDU_RULES = "《中国共产党党员教育管理工作条例》"
LOCAL = "本单位做法，可配置"

FLOATING_TRANSFER_MONTHS = "transfers.floating_transfer_months"
LOST_CONTACT_MONTHS = "transfers.lost_contact_months"
SUSPENSION_YEARS = "transfers.suspension_years"
RECEIPT_DAYS = "transfers.receipt_days"
FLOATING_QUORUM_EXCLUSION = "transfers.floating_quorum_exclusion"

ALL_KEYS = [FLOATING_TRANSFER_MONTHS, LOST_CONTACT_MONTHS, SUSPENSION_YEARS, RECEIPT_DAYS, FLOATING_QUORUM_EXCLUSION]
ELECTION_RULES = "《中国共产党基层组织选举工作暂行条例》（1990）相关规定；2020年《选举工作条例》条文待核实"
# Written on an attendance row left out of 应到 (orglife.Attendance.excluded_basis).
FLOATING_EXCLUSION_BASIS = (
    "可不计入应到会人数的情形第5项：外出学习或者工作半年以上等，按规定应转出正式组织关系而没有转出的"
    "（外出满{months}个月且地点相对固定，{since}起；须经上级党组织同意并经党员大会通过）"
)

register(
    Rule(FLOATING_TRANSFER_MONTHS, "外出学习、工作、生活且地点相对固定，应当转移组织关系的期限（月）", 6,
         EDU_RULES, "第二十五条", RuleStatus.CENTRAL,
         "“外出学习、工作、生活6个月以上并且地点相对固定的，应当转移组织关系”：满6个月即提示"),
    Rule(LOST_CONTACT_MONTHS, "与党组织失去联系应予停止党籍的期限（月）", 6, EDU_RULES, "第二十四条",
         RuleStatus.CENTRAL,
         "“对与党组织失去联系6个月以上、通过各种方式查找仍然没有取得联系的党员，予以停止党籍”"),
    Rule(SUSPENSION_YEARS, "停止党籍后确实无法取得联系、按照自行脱党予以除名的期限（年）", 2, EDU_RULES,
         "第二十四条", RuleStatus.CENTRAL, "“停止党籍2年后确实无法取得联系的，按照自行脱党予以除名”"),
    Rule(FLOATING_QUORUM_EXCLUSION, "党员大会：外出半年以上、应转未转组织关系的流动党员可不计入应到会人数", True,
         ELECTION_RULES, "条款号待核实", RuleStatus.PARTIAL,
         "共产党员网问答列举的第5种情形，须经上级党组织同意并经党员大会通过；失联党员不在所列情形之内，仍计入应到"),
    Rule(RECEIPT_DAYS, "转出系统外的组织关系介绍信回执应在多少天内退回", 90, LOCAL, "", RuleStatus.LOCAL,
         "中央未规定回执退回期限：超过该天数仍未登记回执的，提示回执逾期", unit="天"),
)


def months_after(day: dt.date, months: int) -> dt.date:
    """The day `months` after `day` (a day the month lacks falls back to its last day)."""
    return add_months(day, months)


def years_after(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February falls back to 28 February)."""
    return add_years(day, years)


def floating_transfer_due(left_on: dt.date, months: int) -> dt.date:
    """The day a 流动党员 away at a fixed place must transfer: `months` after leaving (第二十五条)."""
    return months_after(left_on, months)


def must_transfer(left_on: dt.date, fixed_place: bool, today: dt.date, months: int) -> bool:
    """Away at a relatively fixed place for `months` or more: the 组织关系 must move (第二十五条)."""
    return fixed_place and today >= floating_transfer_due(left_on, months)


def suspension_due(last_contact_on: dt.date, months: int) -> dt.date:
    """The first day a lost member may be suspended: `months` after the last contact (第二十四条)."""
    return months_after(last_contact_on, months)


def removal_due(suspended_on: dt.date, years: int) -> dt.date:
    """The first day a suspended member who still cannot be reached may be removed: `years` after 停止党籍."""
    return years_after(suspended_on, years)


def receipt_due(issued_on: dt.date, days: int) -> dt.date:
    """The last day the 回执 of a transfer out of the system is on time."""
    return issued_on + dt.timedelta(days=days)


def receipt_late(issued_on: dt.date, today: dt.date, days: int) -> bool:
    return today > receipt_due(issued_on, days)


def latest_start(today: dt.date, shift: Callable[[dt.date], dt.date]) -> dt.date:
    """The latest start day whose shifted day (`shift`, monotonic: months or years later) is on or before `today`.

    Turns "start + 6 months <= today" into the index-friendly "start <= latest_start(...)" for SQL, exactly
    even where a month or 29 February is short: stepping back from the naive answer, then forward while the
    shifted day still fits.
    """
    day = today
    while shift(day) > today:
        day -= dt.timedelta(days=31)
    while shift(day + dt.timedelta(days=1)) <= today:
        day += dt.timedelta(days=1)
    return day
