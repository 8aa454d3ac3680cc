"""The account rules as data (architecture.md, pattern 3): how long an account may go unused before it is
disabled (SEC-08). Read with `dangjian.core.rules.value(DORMANT_DAYS, today)`; applied by `accounts.dormancy`."""

from __future__ import annotations

from dangjian.core.models import RuleStatus
from dangjian.core.rules import Rule, register

DORMANT_DAYS = "accounts.dormant_days"

register(
    Rule(DORMANT_DAYS, "账号连续未使用即停用的天数（天）", 90,
         "GB/T 22239-2019《信息安全技术 网络安全等级保护基本要求》；本系统安全要求 SEC-08", "8.1.4.2 c)",
         RuleStatus.LOCAL,
         "等保三级要求“应及时删除或停用多余的、过期的账户”，未定天数；本系统取90天（security.md SEC-08），"
         "自最近一次登录、账号创建或重新启用之日起算",
         minimum=30, maximum=180),
)
