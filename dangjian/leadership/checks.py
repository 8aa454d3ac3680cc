"""组织设置 checks: whether each 党组织 is set up as the regulations ask, from its members and its post holders.

The thresholds are rules declared in dangjian.orgs.rules (支部工作条例 第四、五、二十条; 机关基层组织工作条例
第五、六条) and read once per call; `warnings_from` is the pure function that applies them to one org's facts.
The facts come set-based: one GROUP BY of on-roll members per org and one of post holders per org for a whole
subtree (members sit in branches; a 党总支's or 党委's total is the sum over its subtree, added up by path).

These are warnings for the 机关党委 to act on, never refusals: "一般" in the regulations leaves room for approved
exceptions (e.g. a 党委 under 100 members "经上级党组织批准").

They live here rather than in orgs because they read members and post holders, both above orgs; the org page
gets them through the hook in dangjian.orgs.checks, which this app's AppConfig fills.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Length, Replace
from django.utils import timezone

from dangjian.core import rules
from dangjian.core.scoping import require, subtree_q
from dangjian.leadership.models import COMMITTEE_POSTS, Post, PostHolding
from dangjian.leadership.rules import MAX_DEPUTY_SECRETARIES
from dangjian.members.choices import ON_ROLL_STATES, PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind, OrgStatus, UnitCategory
from dangjian.orgs.rules import SETUP_KEYS

# Committee posts a branch without a committee does not have (it has a 书记 and perhaps one 副书记).
COMMITTEE_ONLY_POSTS = (Post.ORGANIZATION, Post.PROPAGANDA, Post.DISCIPLINE, Post.COMMITTEE_MEMBER)

WARNING_TYPES: dict[str, str] = {
    "too_few_full": "正式党员不足",
    "too_many_members": "党员人数超过上限",
    "committee_missing": "应设未设支委会",
    "committee_too_large": "支委会人数过多",
    "committee_not_needed": "不足7人设支委会",
    "no_secretary": "未配备书记",
    "too_many_secretaries": "书记多于1名",
    "too_many_deputies": "副书记超过上限",
    "should_be_committee": "应设立党委",
    "joint_too_many_units": "联合党支部覆盖单位过多",
    "temporary_ended": "临时党组织任务已结束",
}


@dataclass(frozen=True)
class SetupWarning:
    """One finding: its type (a WARNING_TYPES key), the message shown, and the rule key it comes from (empty for
    the plain 第二十条 structure: one secretary)."""

    code: str
    message: str
    rule: str

    @property
    def type_label(self) -> str:
        return WARNING_TYPES[self.code]


@dataclass(frozen=True)
class OrgFacts:
    """What the checks need to know about one org; built from rows, so the rules can be tested without a DB."""

    kind: str
    unit_category: str = UnitCategory.ORGAN
    full: int = 0
    total: int = 0
    secretaries: int = 0
    deputies: int = 0
    committee: int = 0
    committee_only: int = 0
    is_joint: bool = False
    joint_units: int = 0
    is_temporary: bool = False
    temporary_end: dt.date | None = None


def load_limits(on: dt.date | None = None) -> dict[str, Any]:
    """The 组织设置 rules in force on `on`, one query (with the 班子 rule on deputies, declared in leadership.rules)."""
    return rules.values([*SETUP_KEYS, MAX_DEPUTY_SECRETARIES], on)


def _limit(limits: dict[str, Any], name: str) -> Any:
    """One 组织设置 rule value by its short name."""
    return limits[f"orgs.setup.{name}"]


def warnings_from(facts: OrgFacts, limits: dict[str, Any], today: dt.date) -> list[SetupWarning]:
    """The setup warnings of one org from its facts and the rule values (pure)."""
    found: list[SetupWarning] = []

    def warn(code: str, message: str, rule: str) -> None:
        """Record one finding with the key of the rule it applies."""
        found.append(SetupWarning(code, message, rule))

    min_full = _limit(limits, "branch_min_full_members")
    max_members = _limit(limits, "branch_max_members")
    committee_at = _limit(limits, "committee_required_full_members")
    committee_min, committee_max = _limit(limits, "committee_min_size"), _limit(limits, "committee_max_size")
    to_committee = _limit(limits, "organ_committee_min_members")
    to_general = _limit(limits, "organ_general_min_members")
    organ = facts.unit_category == UnitCategory.ORGAN
    if facts.kind == OrgKind.BRANCH:
        if facts.full < min_full:
            warn("too_few_full", f"正式党员{facts.full}人，不足{min_full}人，不符合单独设立党支部的条件"
                 "（可与相邻单位成立联合党支部）", "orgs.setup.branch_min_full_members")
        if facts.total > max_members:
            advice = "，应分设党支部或调整组织设置"
            if organ and facts.total >= to_committee:
                advice = f"；机关党员{to_committee}人以上的，应当设立党的基层委员会"
            elif organ and facts.total >= to_general:
                advice = f"；机关党员{to_general}人以上、{to_committee}人以下的，应当设立党的总支部委员会"
            warn("too_many_members", f"党员{facts.total}人，党支部党员人数一般不超过{max_members}人{advice}",
                 "orgs.setup.branch_max_members")
        if facts.full >= committee_at and facts.committee < committee_min:
            warn("committee_missing", f"正式党员{facts.full}人（{committee_at}人以上），应当设立党支部委员会"
                 f"（现有委员{facts.committee}人，一般由{committee_min}至5人组成）", "orgs.setup.committee_required_full_members")
        if facts.full < committee_at and facts.committee_only:
            warn("committee_not_needed", f"正式党员不足{committee_at}人，一般设1名书记，必要时设1名副书记，"
                 "不设支部委员会", "orgs.setup.committee_required_full_members")
        if facts.committee > committee_max:
            warn("committee_too_large", f"支部委员会{facts.committee}人，一般不超过{committee_max}人",
                 "orgs.setup.committee_max_size")
        if facts.deputies > limits[MAX_DEPUTY_SECRETARIES]:
            warn("too_many_deputies", f"副书记{facts.deputies}名，必要时可以设{limits[MAX_DEPUTY_SECRETARIES]}名",
                 MAX_DEPUTY_SECRETARIES)
        if facts.is_joint and facts.joint_units > _limit(limits, "joint_max_units"):
            warn("joint_too_many_units", f"联合党支部覆盖{facts.joint_units}个单位，一般不超过"
                 f"{_limit(limits, 'joint_max_units')}个", "orgs.setup.joint_max_units")
    if facts.kind == OrgKind.GENERAL_BRANCH and organ and facts.total >= to_committee:
        warn("should_be_committee", f"党员{facts.total}人，机关党员{to_committee}人以上的，应当设立党的基层委员会",
             "orgs.setup.organ_committee_min_members")
    if facts.kind != OrgKind.GROUP:
        if facts.secretaries == 0:
            warn("no_secretary", "未配备书记（职务空缺应当及时补选）", "")
        elif facts.secretaries > 1:
            warn("too_many_secretaries", f"在任书记{facts.secretaries}名，应为1名", "")
    if (facts.is_temporary and facts.temporary_end is not None and facts.temporary_end < today
            and _limit(limits, "temporary_end_warns")):
        warn("temporary_ended", f"临时党组织任务已于{facts.temporary_end.year}年{facts.temporary_end.month}月"
             f"{facts.temporary_end.day}日结束，应当及时撤销", "orgs.setup.temporary_end_warns")
    return found


# --- facts from the database ------------------------------------------------------------------------------------


def _holding_counts(q: Q, today: dt.date) -> dict[int, dict[str, int]]:
    """{org id: post-holder counts} for the holdings in office on `today` matching `q`: one GROUP BY."""
    rows = (
        PostHolding.objects.filter(q, Q(starts_on__lte=today), Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        .values("org_id")
        .annotate(
            secretaries=Count("id", filter=Q(post=Post.SECRETARY)),
            deputies=Count("id", filter=Q(post=Post.DEPUTY)),
            committee=Count("member_id", distinct=True, filter=Q(post__in=COMMITTEE_POSTS)),
            committee_only=Count("id", filter=Q(post__in=COMMITTEE_ONLY_POSTS)),
        )
        .order_by()
    )
    return {r.pop("org_id"): r for r in rows}


def _facts(org: Organization, members: tuple[int, int], holdings: dict[str, int]) -> OrgFacts:
    """OrgFacts from an org row, its (full, total) member counts and its post-holder counts."""
    return OrgFacts(
        kind=org.kind, unit_category=org.unit_category, full=members[0], total=members[1],
        secretaries=holdings.get("secretaries", 0), deputies=holdings.get("deputies", 0),
        committee=holdings.get("committee", 0), committee_only=holdings.get("committee_only", 0),
        is_joint=org.is_joint, joint_units=len(org.joint_unit_list), is_temporary=org.is_temporary,
        temporary_end=org.temporary_end,
    )


_MEMBER_COUNTS = {
    "full": Count("id", filter=Q(party_status=PartyStatus.FULL)),
    "total": Count("id"),
}


def _count(rows: Any, field: str = "id", *, distinct: bool = False) -> Coalesce:
    """SQL: how many of `rows` (filtered on OuterRef("pk")) there are, 0 when none."""
    counted = rows.order_by().values("org_id").annotate(n=Count(field, distinct=distinct)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_facts(orgs: QuerySet[Organization], today: dt.date) -> QuerySet[Organization]:
    """`orgs` annotated with what `warnings_from` reads, as SQL: `full` (on-roll 正式党员 of a branch, who sit in
    branches), `total` (the kept subtree total, orgs.counters), the post-holder counts in office on `today` and
    `joint_count` (the joint units, one per line as Organization.save() keeps them)."""
    holders = PostHolding.objects.filter(
        Q(starts_on__lte=today), Q(ends_on__isnull=True) | Q(ends_on__gt=today), org_id=OuterRef("pk"),
    )
    full = Member.objects.filter(org_id=OuterRef("pk"), state__in=ON_ROLL_STATES, party_status=PartyStatus.FULL)
    lines = Length("joint_units") - Length(Replace("joint_units", Value("\n"), Value(""))) + 1
    return orgs.annotate(
        full=_count(full), total=F("subtree_members"),
        secretaries=_count(holders.filter(post=Post.SECRETARY)),
        deputies=_count(holders.filter(post=Post.DEPUTY)),
        committee=_count(holders.filter(post__in=COMMITTEE_POSTS), "member_id", distinct=True),
        committee_only=_count(holders.filter(post__in=COMMITTEE_ONLY_POSTS)),
        joint_count=Case(When(joint_units="", then=Value(0)), default=lines, output_field=IntegerField()),
    )


def warning_q(code: str, limits: dict[str, Any], today: dt.date) -> Q:
    """Over `with_facts` rows: the orgs `warnings_from` gives a warning of type `code` — the same conditions in SQL
    (tests hold the two to each other), so a subtree's findings are filtered and paged in the database."""
    branch, organ = Q(kind=OrgKind.BRANCH), Q(unit_category=UnitCategory.ORGAN)
    min_full = _limit(limits, "branch_min_full_members")
    committee_at = _limit(limits, "committee_required_full_members")
    # Each condition reads the org's own columns first and the counted facts last, the member count (the dearest)
    # after the post holders, so the database stops early for most orgs.
    conditions = {
        "too_many_members": branch & Q(total__gt=_limit(limits, "branch_max_members")),
        "should_be_committee": Q(kind=OrgKind.GENERAL_BRANCH) & organ
        & Q(total__gte=_limit(limits, "organ_committee_min_members")),
        "temporary_ended": Q(is_temporary=True, temporary_end__lt=today)
        if _limit(limits, "temporary_end_warns") else Q(pk__in=[]),
        "joint_too_many_units": branch & Q(is_joint=True, joint_count__gt=_limit(limits, "joint_max_units")),
        "no_secretary": ~Q(kind=OrgKind.GROUP) & Q(secretaries=0),
        "too_many_secretaries": ~Q(kind=OrgKind.GROUP) & Q(secretaries__gt=1),
        "too_many_deputies": branch & Q(deputies__gt=limits[MAX_DEPUTY_SECRETARIES]),
        "committee_too_large": branch & Q(committee__gt=_limit(limits, "committee_max_size")),
        "committee_missing": branch & Q(total__gte=committee_at) & Q(committee__lt=_limit(limits, "committee_min_size"))
        & Q(full__gte=committee_at),
        "committee_not_needed": branch & Q(committee_only__gt=0) & Q(full__lt=committee_at),
        "too_few_full": branch & Q(full__lt=min_full),
    }
    return conditions[code]


def any_warning_q(limits: dict[str, Any], today: dt.date) -> Q:
    """Over `with_facts` rows: the orgs with at least one warning."""
    conditions = [warning_q(code, limits, today) for code in _CHEAP_FIRST]
    found = conditions[0]
    for condition in conditions[1:]:
        found |= condition
    return found


# The order `any_warning_q` asks in: the conditions on the org's own columns first, the member count last.
_CHEAP_FIRST = [
    "too_many_members", "should_be_committee", "temporary_ended", "joint_too_many_units", "no_secretary",
    "too_many_secretaries", "too_many_deputies", "committee_too_large", "committee_missing", "committee_not_needed",
    "too_few_full",
]


@dataclass(frozen=True)
class SubtreeWarnings:
    """The orgs of a subtree with warnings, in tree order, as one SQL statement to page (`orgs`: ordered, nothing
    per row yet); `for_rows(ids)` reads a page's orgs with their facts and `warnings(org)` says what is wrong."""

    orgs: QuerySet[Organization]
    limits: dict[str, Any]
    today: dt.date
    code: str = ""

    def for_rows(self, ids: list[int]) -> list[Organization]:
        """The orgs `ids` (a page) with their facts, in tree order."""
        return list(with_facts(Organization.objects.filter(pk__in=ids), self.today).order_by("path"))

    def __iter__(self) -> Iterator[tuple[Organization, list[SetupWarning]]]:
        """Every org found with its warnings, in tree order (one query; a page reads `for_rows` instead)."""
        return ((org, self.warnings(org)) for org in self.orgs)

    def warnings(self, org: Organization) -> list[SetupWarning]:
        """The warnings of one org read by `for_rows` (of type `code` when given)."""
        found = warnings_from(row_facts(org), self.limits, self.today)
        return [w for w in found if w.code == self.code] if self.code else found


def row_facts(org: Organization) -> OrgFacts:
    """OrgFacts from a `with_facts` row."""
    row: Any = org
    return _facts(org, (row.full, row.total), {
        "secretaries": row.secretaries, "deputies": row.deputies, "committee": row.committee,
        "committee_only": row.committee_only,
    })


def subtree_warnings(user: Any, root: Organization, today: dt.date | None = None, code: str = "") -> SubtreeWarnings:
    """The active orgs of the subtree that have warnings (of type `code` when given), in tree order: set-based, the
    rules' conditions as SQL over each org's facts (`warning_q`), so a page costs the same at any size of tree
    (core.lists: page the ids, then `for_rows`)."""
    require(user, root.path, "view", root)
    today = today or timezone.localdate()
    limits = load_limits(today)
    condition = warning_q(code, limits, today) if code else any_warning_q(limits, today)
    orgs = with_facts(
        Organization.objects.visible_to(user).filter(subtree_q(root.path), status=OrgStatus.ACTIVE), today
    ).filter(condition).order_by("path")
    return SubtreeWarnings(orgs, limits, today, code)


def warnings_for(org: Organization, today: dt.date | None = None) -> list[SetupWarning]:
    """The setup warnings of one org, for its page (three queries: rules, its subtree's members, its holders).

    The caller has already checked that the user may see the org."""
    today = today or timezone.localdate()
    if org.status != OrgStatus.ACTIVE:
        return []
    limits = load_limits(today)
    row = Member.objects.filter(subtree_q(org.path, "org__path"), state__in=ON_ROLL_STATES).aggregate(
        **_MEMBER_COUNTS
    )
    holdings = _holding_counts(Q(org_id=org.pk), today).get(org.pk, {})
    return warnings_from(_facts(org, (row["full"] or 0, row["total"] or 0), holdings), limits, today)
