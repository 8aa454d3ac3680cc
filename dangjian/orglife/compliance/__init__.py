"""Compliance of organizational life with its rules (a sub-feature of orglife).

- `statuses`: the pure part — periods of each rule, cell statuses, 红黄绿, silence, the rules in force.
- `counts`: set-based counting over an org QuerySet the caller scoped (one GROUP BY per question).
- `queries`: the pages' and API's reads for a user (scope, then count or ask the measures).
- `views`, `api`: the pages under /orglife/compliance/ and /api/v1/compliance/.
The registered measures (`orglife.meetings.rate`, `.overdue`, `.pending`, `.status`, `orglife.silent`) are in
`dangjian.orglife.measures`. The names below are the sub-feature's public surface.
"""

from dangjian.lib.periods import MONTH, QUARTER, YEAR, Period, periods_between, periods_of_year
from dangjian.orglife.compliance.counts import (
    Cell,
    LevelRate,
    MonthlyCounts,
    Obligation,
    Pending,
    RateCell,
    Rollup,
    Statuses,
    counts,
    has_committee_q,
    meeting_rates,
    overdue_of,
    pending_of,
    rollup_of,
    silent_of,
    statuses_of,
)
from dangjian.orglife.compliance.queries import (
    BranchHealth,
    Matrix,
    MatrixRow,
    branch_health,
    drill_down_url,
    list_url,
    matrix,
    matrix_orgs,
    rollup,
    silent_branches,
    subtree_orgs,
)
from dangjian.orglife.compliance.statuses import (
    BRANCH_KINDS,
    COLOUR_CSS,
    COLOUR_LABELS,
    KINDS,
    OWNER_KIND,
    PERIOD_KINDS,
    PERIOD_LABELS,
    STATUS_CSS,
    STATUS_LABELS,
    Config,
    Status,
    applies,
    colour_for,
    existed_on,
    health_window,
    is_silent,
    load_config,
    period_containing,
    rule_applies,
    status_for,
)

__all__ = [
    "BRANCH_KINDS", "COLOUR_CSS", "COLOUR_LABELS", "KINDS", "MONTH", "OWNER_KIND", "PERIOD_KINDS", "PERIOD_LABELS",
    "QUARTER", "STATUS_CSS", "STATUS_LABELS", "YEAR", "BranchHealth", "Cell", "Config", "LevelRate", "Matrix",
    "MatrixRow", "MonthlyCounts", "Obligation", "Pending", "Period", "RateCell", "Rollup", "Status", "Statuses", "applies", "branch_health",
    "colour_for", "counts", "drill_down_url", "existed_on", "has_committee_q", "health_window", "is_silent",
    "list_url", "load_config", "matrix", "matrix_orgs", "meeting_rates", "overdue_of", "period_containing",
    "pending_of", "periods_between", "periods_of_year", "rollup", "rollup_of", "rule_applies", "silent_branches", "silent_of",
    "status_for", "statuses_of", "subtree_orgs",
]
