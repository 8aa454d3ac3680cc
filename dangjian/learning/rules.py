"""The rules of 学习培训 and 学时, declared once as data (architecture.md, pattern 3).

Statuses follow /work/shared/domain/regulations.md §4: the 32 and 56 学时 figures were seen only in translated
summaries of the 2019 条例 (reportedly 第二十条) and of the 2019—2023 规划, never in Chinese (open item 3 and 4),
so they are PARTIAL (🟡) and shown as such on the pages. Which session kinds count as 集中培训, which meeting
kinds a session may be created from and when the shortfall reminder starts are this deployment's practice (⚙).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dangjian.core.models import RuleStatus
from dangjian.core.rules import Rule, register
from dangjian.core.rules import values as values_in_force
from dangjian.learning.choices import SessionKind
from dangjian.orglife.choices import MeetingKind

EDU_RULES = "《中国共产党党员教育管理工作条例》；《2019—2023年全国党员教育培训工作规划》"
PLAN = "《2019—2023年全国党员教育培训工作规划》"
LOCAL = "本单位做法，可配置"

MEMBER_MIN_HOURS = "learning.member_min_hours"
LEADER_MIN_HOURS = "learning.leader_min_hours"
LEADER_MIN_CENTRALIZED = "learning.leader_min_centralized"
CENTRALIZED_KINDS = "learning.centralized_kinds"
MEETING_KINDS = "learning.meeting_kinds"
REMINDER_FROM_MONTH = "learning.reminder_from_month"
MEETING_DEFAULT_HOURS = "learning.meeting_default_hours"

TARGET_KEYS = [MEMBER_MIN_HOURS, LEADER_MIN_HOURS, LEADER_MIN_CENTRALIZED, CENTRALIZED_KINDS]
ALL_KEYS = [*TARGET_KEYS, MEETING_KINDS, REMINDER_FROM_MONTH, MEETING_DEFAULT_HOURS]

register(
    Rule(MEMBER_MIN_HOURS, "党员每年集中学习培训学时下限", 32, EDU_RULES, "第二十条（条款号及中文原文待核实）",
         RuleStatus.PARTIAL, "党员每年参加集中培训和集体学习时间一般不少于32学时", unit="学时"),
    Rule(LEADER_MIN_HOURS, "基层党组织书记和班子成员每年学时下限", 56, PLAN, "中文原文待核实", RuleStatus.PARTIAL,
         "基层党组织书记和班子成员每年不少于56学时", unit="学时"),
    Rule(LEADER_MIN_CENTRALIZED, "基层党组织书记和班子成员每年参加集中培训次数下限", 1, PLAN, "中文原文待核实",
         RuleStatus.PARTIAL, "其中至少参加1次集中培训", unit="次"),
    Rule(CENTRALIZED_KINDS, "计为集中培训的学习形式",
         [SessionKind.READING_CLASS.value, SessionKind.SPECIAL_TRAINING.value, SessionKind.PARTY_SCHOOL.value],
         LOCAL, "", RuleStatus.LOCAL, "规划未列举集中培训的形式：读书班、专题培训、党校培训为本单位做法",
         choices=tuple(SessionKind.choices)),
    Rule(MEETING_KINDS, "可生成学习记录的组织生活类型",
         [MeetingKind.PARTY_LECTURE.value, MeetingKind.THEME_DAY.value, MeetingKind.BRANCH_ASSEMBLY.value,
          MeetingKind.GROUP_MEETING.value],
         LOCAL, "", RuleStatus.LOCAL, "党课、主题党日，以及以党员大会、党小组会形式开展的集中学习",
         choices=tuple(MeetingKind.choices)),
    Rule(MEETING_DEFAULT_HOURS, "登记组织生活时预填的学时（党课、主题党日等集体学习）", 2, LOCAL, "", RuleStatus.LOCAL,
         "登记时可改；提交记录时按出席情况计入每位出席党员", minimum=1, maximum=24, unit="学时"),
    Rule(REMINDER_FROM_MONTH, "学时不足提醒起始月份", 10, LOCAL, "", RuleStatus.LOCAL, "第四季度起提醒未达标的党员", unit="月"),
)


TENTH = Decimal("0.1")
ZERO = Decimal("0.0")


# --- pure functions of 学时 (the measures in dangjian.learning.measures read them) ---------------------------------


@dataclass(frozen=True)
class Targets:
    """The yearly targets in force (rule values): plain data for the pure functions."""

    member_hours: Decimal
    leader_hours: Decimal
    leader_centralized: int
    centralized_kinds: tuple[str, ...]


@dataclass(frozen=True)
class Standing:
    """Where one member stands for the year."""

    hours: Decimal
    target: Decimal
    is_leader: bool
    centralized: int
    short_by: Decimal  # 学时 still missing (0 when the hours are met)
    needs_centralized: int  # 集中培训 still missing (leaders only)

    @property
    def met(self) -> bool:
        return self.short_by == 0 and self.needs_centralized == 0

    def __str__(self) -> str:
        return "达标" if self.met else f"未达标（差{self.short_by}学时）"

    def as_json(self) -> dict[str, Any]:
        return {"hours": str(self.hours), "target": str(self.target), "is_leader": self.is_leader,
                "centralized": self.centralized, "short_by": str(self.short_by),
                "needs_centralized": self.needs_centralized, "met": self.met}


def round_hours(value: Any) -> Decimal:
    """A total as shown and compared: one decimal, from whatever the database summed."""
    return Decimal(str(value or 0)).quantize(TENTH, rounding=ROUND_HALF_UP)


def target_for(is_leader: bool, targets: Targets) -> Decimal:
    """32 学时 for every member; 56 for a secretary or committee member (the higher target, not the sum)."""
    return targets.leader_hours if is_leader else targets.member_hours


def standing(hours: Any, *, is_leader: bool, centralized: int, targets: Targets) -> Standing:
    """A member's standing: the target, how many 学时 are missing, how many 集中培训 a leader still needs."""
    total = round_hours(hours)
    target = target_for(is_leader, targets)
    short = max(ZERO, target - total)
    needs = max(0, targets.leader_centralized - centralized) if is_leader else 0
    return Standing(total, target, is_leader, centralized, short, needs)


def hours_errors(hours: Any, session_hours: Any) -> list[str]:
    """Why a participant's completed 学时 cannot be recorded for a session of `session_hours` (empty: fine)."""
    if hours is None:
        return ["请填写完成学时"]
    value = Decimal(str(hours))
    if value != value.quantize(TENTH):
        return ["学时最多保留一位小数"]
    if value <= 0:
        return [f"完成学时须大于0（填写的是{value}）"]
    if value > Decimal(str(session_hours)):
        return [f"完成学时{value}超过本次学习培训的学时{session_hours}：个人学时不能超过学习培训时长"]
    return []


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def load_targets(year: int) -> Targets:
    """The targets in force at the end of `year` (one query)."""
    values = values_in_force(TARGET_KEYS, dt.date(year, 12, 31))
    return Targets(
        member_hours=Decimal(str(values[MEMBER_MIN_HOURS])),
        leader_hours=Decimal(str(values[LEADER_MIN_HOURS])),
        leader_centralized=int(values[LEADER_MIN_CENTRALIZED]),
        centralized_kinds=tuple(values[CENTRALIZED_KINDS]),
    )
