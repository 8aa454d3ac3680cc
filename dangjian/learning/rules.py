"""The rules of 学习培训 and 学时, declared once as data (architecture.md, pattern 3).

Statuses follow /work/shared/domain/regulations.md §4: the 32 and 56 学时 figures were seen only in translated
summaries of the 2019 条例 (reportedly 第二十条) and of the 2019—2023 规划, never in Chinese (open item 3 and 4),
so they are PARTIAL (🟡) and shown as such on the pages. Which session kinds count as 集中培训, which meeting
kinds a session may be created from and when the shortfall reminder starts are this deployment's practice (⚙).
"""

from __future__ import annotations

from dangjian.core.models import RuleStatus
from dangjian.core.rules import Rule, register
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

TARGET_KEYS = [MEMBER_MIN_HOURS, LEADER_MIN_HOURS, LEADER_MIN_CENTRALIZED, CENTRALIZED_KINDS]
ALL_KEYS = [*TARGET_KEYS, MEETING_KINDS, REMINDER_FROM_MONTH]

register(
    Rule(MEMBER_MIN_HOURS, "党员每年集中学习培训学时下限", 32, EDU_RULES, "第二十条（条款号及中文原文待核实）",
         RuleStatus.PARTIAL, "党员每年参加集中培训和集体学习时间一般不少于32学时"),
    Rule(LEADER_MIN_HOURS, "基层党组织书记和班子成员每年学时下限", 56, PLAN, "中文原文待核实", RuleStatus.PARTIAL,
         "基层党组织书记和班子成员每年不少于56学时"),
    Rule(LEADER_MIN_CENTRALIZED, "基层党组织书记和班子成员每年参加集中培训次数下限", 1, PLAN, "中文原文待核实",
         RuleStatus.PARTIAL, "其中至少参加1次集中培训"),
    Rule(CENTRALIZED_KINDS, "计为集中培训的学习形式",
         [SessionKind.READING_CLASS.value, SessionKind.SPECIAL_TRAINING.value, SessionKind.PARTY_SCHOOL.value],
         LOCAL, "", RuleStatus.LOCAL, "规划未列举集中培训的形式：读书班、专题培训、党校培训为本单位做法"),
    Rule(MEETING_KINDS, "可生成学习记录的组织生活类型",
         [MeetingKind.PARTY_LECTURE.value, MeetingKind.THEME_DAY.value, MeetingKind.BRANCH_ASSEMBLY.value,
          MeetingKind.GROUP_MEETING.value],
         LOCAL, "", RuleStatus.LOCAL, "党课、主题党日，以及以党员大会、党小组会形式开展的集中学习"),
    Rule(REMINDER_FROM_MONTH, "学时不足提醒起始月份", 10, LOCAL, "", RuleStatus.LOCAL, "第四季度起提醒未达标的党员"),
)
