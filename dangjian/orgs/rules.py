"""The 班子 and 换届 rules as data (architecture.md, pattern 3): term lengths, the reminder lead time, the limit on
extending or advancing a 换届, and the committee composition rules. Declared once here; read with
`dangjian.core.rules.values(...)` and passed into the pure functions of `dangjian.orgs.leadership`.

Sources and statuses follow ../shared/domain/regulations.md §1.4, §2 and §6. The 1998/2010 机关条例 values
(2-year branch terms, 3- or 4-year committee terms) are outdated and deliberately not used.
"""

from __future__ import annotations

from dangjian.core.models import RuleStatus
from dangjian.core.rules import Rule, register
from dangjian.orgs.models import OrgKind

# Rule keys, one per rule, so callers never spell them twice.
TERM_YEARS_COMMITTEE = "orgs.term_years.committee"
TERM_YEARS_GENERAL_BRANCH = "orgs.term_years.general_branch"
TERM_YEARS_BRANCH = "orgs.term_years.branch"
TERM_REMINDER_MONTHS = "orgs.term_reminder_months"
TERM_ADJUST_MAX_MONTHS = "orgs.term_adjust_max_months"
SECRETARY_MIN_PARTY_YEARS = "orgs.secretary_min_party_years"
MAX_DEPUTY_SECRETARIES = "orgs.max_deputy_secretaries"

# Which rule gives the term length of each org kind; a 党小组 has no elected committee and so no term.
TERM_YEARS_BY_KIND: dict[str, str] = {
    OrgKind.COMMITTEE: TERM_YEARS_COMMITTEE,
    OrgKind.GENERAL_BRANCH: TERM_YEARS_GENERAL_BRANCH,
    OrgKind.BRANCH: TERM_YEARS_BRANCH,
}

# Every key the leadership functions read, for one `rules.values(...)` call.
ALL_KEYS = [
    TERM_YEARS_COMMITTEE, TERM_YEARS_GENERAL_BRANCH, TERM_YEARS_BRANCH, TERM_REMINDER_MONTHS,
    TERM_ADJUST_MAX_MONTHS, SECRETARY_MIN_PARTY_YEARS, MAX_DEPUTY_SECRETARIES,
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
)
