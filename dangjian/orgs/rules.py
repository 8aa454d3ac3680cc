"""The 组织设置 rules as data (architecture.md, pattern 3): how many members a 党支部 needs and may have, when it
must elect a committee and how large, when a 机关 sets up a 党总支 or a 党委, how many units a 联合党支部 may
cover, and whether an ended 临时党组织 is flagged. Declared once here and read with
`dangjian.core.rules.values(SETUP_KEYS, ...)` by the 组织设置 checks (dangjian.leadership.checks), which need
the members and post holders above this app.

Each rule names its regulation, article and status as /work/shared/domain/regulations.md gives them.
"""

from __future__ import annotations

from dangjian.core.models import RuleStatus
from dangjian.core.rules import Rule, register

BRANCH_RULES = "《中国共产党支部工作条例（试行）》"
ORGAN_RULES = "《中国共产党党和国家机关基层组织工作条例》"

SETUP_KEYS = [
    "orgs.setup.branch_min_full_members",
    "orgs.setup.branch_max_members",
    "orgs.setup.committee_required_full_members",
    "orgs.setup.committee_min_size",
    "orgs.setup.committee_max_size",
    "orgs.setup.organ_committee_min_members",
    "orgs.setup.organ_general_min_members",
    "orgs.setup.joint_max_units",
    "orgs.setup.temporary_end_warns",
]
# The deputy-secretary limit (第二十条) is declared once, with the 班子 rules: dangjian.leadership.rules.

register(
    Rule("orgs.setup.branch_min_full_members", "单独设立党支部的正式党员人数下限", 3, BRANCH_RULES, "第四条",
         RuleStatus.CENTRAL, "正式党员3人以上的，应当成立党支部", unit="人"),
    Rule("orgs.setup.branch_max_members", "党支部党员人数上限", 50, BRANCH_RULES, "第四条", RuleStatus.CENTRAL,
         "党支部党员人数一般不超过50人", unit="人"),
    Rule("orgs.setup.committee_required_full_members", "应当设立支部委员会的正式党员人数", 7, BRANCH_RULES, "第二十条",
         RuleStatus.CENTRAL, "有正式党员7人以上的党支部，应当设立党支部委员会", unit="人"),
    Rule("orgs.setup.committee_min_size", "支部委员会人数下限", 3, BRANCH_RULES, "第二十条", RuleStatus.CENTRAL,
         "由3至5人组成", unit="人"),
    Rule("orgs.setup.committee_max_size", "支部委员会人数上限", 7, BRANCH_RULES, "第二十条", RuleStatus.CENTRAL,
         "一般不超过7人", unit="人"),
    Rule("orgs.setup.organ_committee_min_members", "机关设立党的基层委员会的党员人数", 100, ORGAN_RULES, "第五条",
         RuleStatus.CENTRAL, "机关党员100人以上的，设立党的基层委员会", unit="人"),
    Rule("orgs.setup.organ_general_min_members", "机关设立党总支的党员人数", 50, ORGAN_RULES, "第六条",
         RuleStatus.CENTRAL, "机关党员50人以上、100人以下的，设立党的总支部委员会", unit="人"),
    Rule("orgs.setup.joint_max_units", "联合党支部覆盖单位数上限", 5, BRANCH_RULES, "第五条", RuleStatus.CENTRAL,
         "联合党支部覆盖单位一般不超过5个", unit="个"),
    Rule("orgs.setup.temporary_end_warns", "临时党组织任务结束后提示撤销", True, BRANCH_RULES, "第五条",
         RuleStatus.PARTIAL, "为期6个月以上的工程、工作项目等成立党支部；任务结束后撤销为通行做法"),
)
