"""The reminder rules as data (architecture.md, pattern 3). All are local practice: no regulation fixes when a
政治生日 falls, how early to remind of a 转正, or when a list gets too long to read.

The other windows come from the rules of the records reminded of and are not repeated here: 换届 from
`orgs.term_reminder_months` (支部工作条例, 提前6个月), meetings from `orglife.due_soon_days`.
"""

from __future__ import annotations

from dangjian.core.models import RuleStatus
from dangjian.core.rules import Rule, register

LOCAL = "本单位做法，可配置"

POLITICAL_BIRTHDAY_BASIS = "reminders.political_birthday_basis"
CONFIRMATION_LEAD_DAYS = "reminders.confirmation_lead_days"
DRAFT_DAYS = "reminders.draft_days"
SUMMARY_THRESHOLD = "reminders.summary_threshold"

# The values the basis rule may take: which date of a member's record is their 政治生日.
BASIS_JOINED = "joined"
BASIS_CONFIRMED = "confirmed"
BASES = (BASIS_JOINED, BASIS_CONFIRMED)

ALL_KEYS = [POLITICAL_BIRTHDAY_BASIS, CONFIRMATION_LEAD_DAYS, DRAFT_DAYS, SUMMARY_THRESHOLD]

register(
    Rule(POLITICAL_BIRTHDAY_BASIS, "政治生日的日期依据", BASIS_JOINED,
         "《关于加强党的政治建设的意见》（党员过“政治生日”）；本单位做法", "", RuleStatus.LOCAL,
         "中央未规定以哪一日期为准：默认以支部大会通过接收为预备党员的日期（入党日期）为政治生日",
         choices=((BASIS_JOINED, "入党日期"), (BASIS_CONFIRMED, "转正日期"))),
    Rule(CONFIRMATION_LEAD_DAYS, "预备期满前提醒讨论转正（天）", 30, LOCAL, "", RuleStatus.LOCAL,
         "预备期为一年（党章第七条），到期前提醒支部及时讨论转正"),
    Rule(DRAFT_DAYS, "组织生活记录草稿超过多少天未提交即提醒", 3, LOCAL, "", RuleStatus.LOCAL, unit="天"),
    Rule(SUMMARY_THRESHOLD, "同类提醒超过多少条时合并为一条汇总提醒", 20, LOCAL, "", RuleStatus.LOCAL,
         "管理范围较大的党务管理员收到一条汇总，链接到落实情况或名册", unit="条"),
)
