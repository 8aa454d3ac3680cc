"""The rules of organizational life, declared once as data (architecture.md, pattern 3).

Each rule names its regulation, article and status as /work/shared/domain/regulations.md gives them: CENTRAL for
a text seen with its article (✅), PARTIAL when the wording is confirmed but not the article (🟡 or "art. no. not
seen"), LOCAL for this deployment's practice (⚙). Compliance, reminders and evaluation read the
values through `dangjian.core.rules.values(...)` and hand them to pure functions.

Meeting frequencies are period names ("month", "quarter", "year"); a deployment may tighten a local rule (for
example 党课 monthly) by recording a RuleParameter.
"""

from __future__ import annotations

from dangjian.core.models import RuleStatus
from dangjian.core.rules import PERIOD_CHOICES, Rule, register
from dangjian.orglife.choices import MeetingKind
from dangjian.orgs.rules import BRANCH_RULES

LOCAL = "本单位做法，可配置"

# Meeting kind → the key of the rule giving its frequency. Only these kinds are obligations.
PERIOD_RULES: dict[str, str] = {
    MeetingKind.BRANCH_ASSEMBLY: "orglife.assembly_period",
    MeetingKind.COMMITTEE_MEETING: "orglife.committee_meeting_period",
    MeetingKind.GROUP_MEETING: "orglife.group_meeting_period",
    MeetingKind.THEME_DAY: "orglife.theme_day_period",
    MeetingKind.PARTY_LECTURE: "orglife.lecture_period",
    MeetingKind.LIFE_MEETING: "orglife.life_meeting_period",
    MeetingKind.MEMBER_REVIEW: "orglife.member_review_period",
}

HEART_TALK_MIN = "orglife.heart_talk_min_per_year"
HEART_TALK_REMIND_MONTH = "orglife.heart_talk_remind_month"

COMPLIANCE_KEYS = [
    *PERIOD_RULES.values(),
    "orglife.life_meeting_window_month",
    "orglife.silent_days",
    "orglife.due_soon_days",
    "orglife.count_submitted_only",
    HEART_TALK_MIN,
    HEART_TALK_REMIND_MONTH,
]

register(
    Rule("orglife.assembly_period", "党支部党员大会召开周期", "quarter", BRANCH_RULES, "第十一条", RuleStatus.CENTRAL,
         "一般每季度召开1次",
         choices=PERIOD_CHOICES, tighter="lower"),
    Rule("orglife.committee_meeting_period", "党支部委员会会议召开周期（设支委会的党支部）", "month", BRANCH_RULES,
         "第十二条", RuleStatus.CENTRAL, "一般每月召开1次",
         choices=PERIOD_CHOICES, tighter="lower"),
    Rule("orglife.group_meeting_period", "党小组会召开周期（每个党小组）", "month", BRANCH_RULES, "第十三条",
         RuleStatus.CENTRAL, "一般每月召开1次",
         choices=PERIOD_CHOICES, tighter="lower"),
    Rule("orglife.theme_day_period", "主题党日开展周期", "month", BRANCH_RULES, "条款号待核实", RuleStatus.PARTIAL,
         "党支部每月相对固定1天开展主题党日",
         choices=PERIOD_CHOICES, tighter="lower"),
    Rule("orglife.lecture_period", "党支部党课周期", "quarter", LOCAL, "", RuleStatus.LOCAL,
         "《条例》未规定党支部党课频次，每季度1次为本单位做法",
         choices=PERIOD_CHOICES, tighter="lower"),
    Rule("orglife.life_meeting_period", "组织生活会召开周期", "year", BRANCH_RULES, "第十七条", RuleStatus.CENTRAL,
         "每年至少召开1次",
         choices=PERIOD_CHOICES, tighter="lower"),
    Rule("orglife.life_meeting_window_month", "组织生活会提醒起始月份", 10, BRANCH_RULES, "第十七条",
         RuleStatus.CENTRAL, "一般安排在第四季度", minimum=1, maximum=12, unit="月"),
    Rule("orglife.member_review_period", "民主评议党员周期", "year", BRANCH_RULES, "条款号待核实",
         RuleStatus.PARTIAL, "一般每年开展1次",
         choices=PERIOD_CHOICES, tighter="lower"),
    Rule("orglife.silent_days", "静默支部：连续未提交组织生活记录的天数", 30, LOCAL, "", RuleStatus.LOCAL, unit="天"),
    Rule("orglife.due_soon_days", "即将到期提醒：距周期结束的天数", 7, LOCAL, "", RuleStatus.LOCAL, unit="天"),
    Rule("orglife.count_submitted_only", "只统计已提交的记录（草稿不计）", True, LOCAL, "", RuleStatus.LOCAL),
    Rule(HEART_TALK_MIN, "谈心谈话：支委之间、支委和党员之间每年不少于（次）", 1, BRANCH_RULES, "第十九条",
         RuleStatus.CENTRAL, "“每年谈心谈话一般不少于1次”；党员和党员之间的谈话同样登记，但不逐对核对",
         minimum=1, tighter="higher"),
    Rule(HEART_TALK_REMIND_MONTH, "谈心谈话：从几月起提示尚未谈到的对象", 10, LOCAL, "", RuleStatus.LOCAL,
         minimum=1, maximum=12, unit="月"),
)
