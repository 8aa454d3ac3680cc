"""谈心谈话 compliance (支部工作条例 第十九条): in each 党支部, every 支委 should talk at least once a year with each
other 支委 and with each member. The pairs owed are the branch's 支委 (committee posts in office, 书记 included)
with everyone on its roll; a pair is covered by talks recorded at the branch in the year, in either direction.

Talks between two ordinary members are recorded too but not checked pair by pair (a branch of 50 would owe 1,225).
Pure functions take sets and numbers; `coverage` reads a page of branches in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from dangjian.core import measures, rules
from dangjian.core.scoping import subtree_q
from dangjian.leadership.models import COMMITTEE_POSTS, PostHolding
from dangjian.leadership.rules import in_office_q
from dangjian.lib.periods import Period, reference_day
from dangjian.members.choices import ON_ROLL_STATES
from dangjian.members.models import Member
from dangjian.orglife import rules as orglife_rules
from dangjian.orglife.compliance.counts import _existed_in_year_q
from dangjian.orglife.compliance.statuses import Status
from dangjian.orglife.models import HeartTalk
from dangjian.orgs.models import Organization, OrgKind

Pair = tuple[int, int]


def pair(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def required_pairs(committee: set[int], roll: set[int]) -> set[Pair]:
    """Every 支委 with every other 支委 and with every member on the roll, each unordered pair once."""
    return {pair(c, m) for c in committee for m in roll | committee if c != m}


def covered_pairs(talk_counts: dict[Pair, int], owed: set[Pair], minimum: int) -> set[Pair]:
    return {p for p in owed if talk_counts.get(p, 0) >= minimum}


def status_of(owed: int, covered: int, year: int, today: dt.date, remind_month: int) -> Status:
    """Done when every pair is covered; after the year, the rest is overdue; from `remind_month` on, due soon."""
    if owed == 0:
        return Status.NOT_APPLICABLE
    if covered >= owed:
        return Status.DONE
    if year < today.year:
        return Status.OVERDUE
    if year > today.year:
        return Status.FUTURE
    return Status.DUE_SOON if today.month >= remind_month else Status.OPEN


@dataclass
class BranchTalks:
    """One branch's 谈心谈话 figures for a year."""

    org: Organization
    committee: int
    roll: int
    owed: int
    covered: int
    talks: int
    status: Status

    @property
    def rate(self) -> int | None:
        return None if self.owed == 0 else round(100 * self.covered / self.owed)

    def __str__(self) -> str:
        return "—" if self.rate is None else f"{self.rate}%"

    def as_json(self) -> dict[str, Any]:
        return {"committee": self.committee, "roll": self.roll, "owed": self.owed, "covered": self.covered,
                "talks": self.talks, "rate": self.rate, "status": self.status.value}


@dataclass
class Config:
    minimum: int
    remind_month: int


def load_config(on: dt.date) -> Config:
    values = rules.values([orglife_rules.HEART_TALK_MIN, orglife_rules.HEART_TALK_REMIND_MONTH], on)
    return Config(int(values[orglife_rules.HEART_TALK_MIN]), int(values[orglife_rules.HEART_TALK_REMIND_MONTH]))


def branches(user: Any, root: Organization, year: int) -> QuerySet[Organization]:
    """The 党支部 of the subtree the user may view that existed in `year`, in tree order."""
    return (
        Organization.objects.visible_to(user)
        .filter(subtree_q(root.path), _existed_in_year_q(year), kind=OrgKind.BRANCH)
        .order_by("path")
    )


def _committees(org_ids: list[int], day: dt.date) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for org_id, member_id in PostHolding.objects.filter(
        in_office_q(day), org_id__in=org_ids, post__in=COMMITTEE_POSTS
    ).values_list("org_id", "member_id"):
        found[org_id].add(member_id)
    return found


def _rolls(org_ids: list[int], year: int) -> dict[int, set[int]]:
    """Who is on each branch's roll now and had joined by the end of the year. (Past rolls are not rebuilt: the
    same simplification as 党小组 membership, noted in docs/rules.md.)"""
    found: dict[int, set[int]] = defaultdict(set)
    for org_id, member_id in Member.objects.filter(
        org_id__in=org_ids, state__in=ON_ROLL_STATES, joined_on__lte=dt.date(year, 12, 31)
    ).values_list("org_id", "id"):
        found[org_id].add(member_id)
    return found


def _talk_counts(org_ids: list[int], year: int) -> dict[int, Counter[Pair]]:
    found: dict[int, Counter[Pair]] = defaultdict(Counter)
    for org_id, a, b, n in (
        HeartTalk.objects.filter(org_id__in=org_ids, held_on__gte=dt.date(year, 1, 1), held_on__lte=dt.date(year, 12, 31))
        .values_list("org_id", "initiator_id", "counterpart_id").annotate(n=Count("id")).order_by()
    ):
        found[org_id][pair(a, b)] += n
    return found


def coverage(orgs: list[Organization], year: int, today: dt.date, config: Config) -> list[BranchTalks]:
    """The figures for the given branches: three queries whatever their number."""
    ids = [o.pk for o in orgs]
    committees = _committees(ids, reference_day(year, today))
    rolls = _rolls(ids, year)
    counts = _talk_counts(ids, year)
    result = []
    for org in orgs:
        owed = required_pairs(committees.get(org.pk, set()), rolls.get(org.pk, set()))
        covered = covered_pairs(counts.get(org.pk, Counter()), owed, config.minimum)
        result.append(BranchTalks(
            org=org, committee=len(committees.get(org.pk, set())), roll=len(rolls.get(org.pk, set())),
            owed=len(owed), covered=len(covered), talks=sum(counts.get(org.pk, Counter()).values()),
            status=status_of(len(owed), len(covered), year, today, config.remind_month),
        ))
    return result


def coverage_of(orgs: list[Organization], year: int) -> list[BranchTalks]:
    """The registered measure `orglife.talks.coverage` for a page of branches, in their order."""
    found = measures.get("orglife.talks.coverage")(Organization.objects.filter(pk__in=[o.pk for o in orgs]),
                                                   Period.year(year))
    return [found[o.pk] for o in orgs]


def missing(org: Organization, year: int, today: dt.date, config: Config) -> list[tuple[Member, Member]]:
    """The pairs of one branch still owed a talk in the year, 支委 first, by name."""
    committees = _committees([org.pk], reference_day(year, today)).get(org.pk, set())
    owed = required_pairs(committees, _rolls([org.pk], year).get(org.pk, set()))
    left = owed - covered_pairs(_talk_counts([org.pk], year).get(org.pk, Counter()), owed, config.minimum)
    people = Member.objects.in_bulk({i for p in left for i in p})

    def ordered(p: Pair) -> tuple[Member, Member]:
        a, b = people[p[0]], people[p[1]]
        return (a, b) if a.pk in committees else (b, a)

    return sorted((ordered(p) for p in left), key=lambda ab: (ab[0].name_pinyin, ab[1].name_pinyin))
