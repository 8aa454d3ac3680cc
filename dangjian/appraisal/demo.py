"""Demo 民主评议党员: one confirmed round for last year in every active branch with members, held at the
branch's December 民主评议党员 meeting where the demo has one (linked, its 实到 as the participants), else on a
December day. Realistic grades: mostly 合格, some 优秀 (within 1/3), a very few 基本合格, one 不合格 with a
限期改正 in progress — and one branch over the 1/3 优秀 line, to show the warning.

Deterministic for a seed and a "today"; bulk writes after the orgs, members and meetings exist. Who is appraised
comes from the same roll as the pages (dangjian.appraisal.actions.roll), so the demo cannot disagree with them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from dangjian.appraisal import rules
from dangjian.appraisal.actions import roll
from dangjian.appraisal.choices import FollowUpKind, Rating, RoundStatus
from dangjian.appraisal.models import AppraisalResult, AppraisalRound, FollowUp
from dangjian.lib.demo.registry import register
from dangjian.members.choices import ON_ROLL_STATES
from dangjian.members.models import Member
from dangjian.orglife.choices import AttendanceStatus, MeetingKind
from dangjian.orglife.models import Meeting
from dangjian.orgs.models import Organization, OrgKind, OrgStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
PEER_OPINIONS = [
    "工作认真负责，积极参加组织生活", "政治立场坚定，业务能力强", "服务意识强，群众评价好", "能够发挥先锋模范作用",
    "学习主动性有待加强", "团结同志，乐于助人", "严守纪律规矩，作风扎实", "参加志愿服务积极",
]
# The share of the 测评 votes a member gets for the grade the branch gave them.
MAIN_SHARE: dict[str, tuple[float, float]] = {
    Rating.EXCELLENT: (0.55, 0.9), Rating.QUALIFIED: (0.7, 0.95), Rating.BASIC: (0.45, 0.7), Rating.UNQUALIFIED: (0.5, 0.75),
}
WEAK_OPINIONS = ["参加组织生活不够经常，理论学习不够深入", "工作主动性不足，需进一步改进"]


def _votes(rng: random.Random, rating: str, participants: int) -> dict[str, int]:
    """民主测评 votes for a member rated `rating`: most for that grade, a few elsewhere, some not cast."""
    cast = participants - rng.randint(0, min(2, participants // 5))
    low, high = MAIN_SHARE[rating]
    main = round(cast * rng.uniform(low, high))
    rest = cast - main
    votes = dict.fromkeys(Rating.values, 0)
    votes[rating] = main
    # The rest goes to the neighbouring grade (优秀 ↔ 合格 ↔ 基本合格 ↔ 不合格).
    order = list(Rating.values)
    i = order.index(rating)
    neighbour = order[i + 1] if rating == Rating.EXCELLENT else order[i - 1]
    votes[neighbour] = rest
    return votes


@register(order=60)
def load(*, seed: int, today: dt.date) -> str:
    rng = random.Random(f"appraisal-{seed}")  # nosec B311 # seeded generator for reproducible demo data, not a secret
    year = today.year - 1
    branches = list(
        Organization.objects.filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lt=dt.date(year, 12, 1)))
        .filter(pk__in=Member.objects.filter(state__in=ON_ROLL_STATES).values("org_id"))
        .order_by("path")
    )
    meetings: dict[int, Meeting] = {}
    for meeting in (Meeting.objects.filter(kind_tags__kind=MeetingKind.MEMBER_REVIEW, held_on__year=year,
                                           org__in=branches, status="submitted")
                    .annotate(n_present=Count("attendance", filter=Q(attendance__dual=False,
                                                                    attendance__status=AttendanceStatus.PRESENT)))
                    .order_by("org_id", "held_on")):
        meetings[meeting.org_id] = meeting  # the latest of the year
    rounds: list[AppraisalRound] = []
    sheets: list[list[Member]] = []
    for org in branches:
        linked = meetings.get(org.pk)
        held_on = linked.held_on if linked is not None else dt.date(year, 12, rng.randint(8, 28))
        members = roll(org, held_on)
        if not members:
            continue
        present = getattr(linked, "n_present", 0) if linked is not None else 0
        participants = present or max(1, len(members) - rng.randint(0, max(1, len(members) // 8)))
        confirmed_at = dt.datetime.combine(held_on + dt.timedelta(days=rng.randint(1, 5)), dt.time(10), tzinfo=SHANGHAI)
        rounds.append(AppraisalRound(
            org=org, year=year, held_on=held_on, meeting=linked, participants=min(participants, len(members)),
            status=RoundStatus.CONFIRMED, confirmed_at=confirmed_at,
            note="结合组织生活会开展，按个人自评、党员互评、民主测评程序进行",
        ))
        sheets.append(members)
    if not rounds:
        return "民主评议党员：没有可评议的党支部。"
    AppraisalRound.objects.bulk_create(rounds, batch_size=500)
    # One branch with enough members goes over the 1/3 优秀 line; one member somewhere is rated 不合格.
    big = [i for i, members in enumerate(sheets) if len(members) >= 9]
    over_index = rng.choice(big) if big else 0
    unqualified_index = rng.choice([i for i in range(len(sheets)) if i != over_index] or [0])
    from dangjian.accounts.models import User

    with_login = set(User.objects.filter(member__isnull=False).values_list("member_id", flat=True))
    results: list[AppraisalResult] = []
    unqualified: AppraisalResult | None = None
    counts: Counter[str] = Counter()
    for i, (appraisal, members) in enumerate(zip(rounds, sheets, strict=True)):
        n = len(members)
        cap = rules.excellent_cap(n, "1/3")
        wanted = cap + 1 if i == over_index else min(cap, round(n * rng.uniform(0.12, 0.28)))
        order = rng.sample(range(n), n)
        grades = [Rating.QUALIFIED] * n
        for k in order[:wanted]:
            grades[k] = Rating.EXCELLENT
        for k in order[wanted:]:
            if rng.random() < 0.012:
                grades[k] = Rating.BASIC
        if i == unqualified_index:
            # Someone without a demo login, so the personas' own records stay ordinary.
            chosen = next((k for k in reversed(order)
                           if members[k].pk not in with_login and grades[k] == Rating.QUALIFIED), None)
            if chosen is not None:
                grades[chosen] = Rating.UNQUALIFIED
        for member, grade in zip(members, grades, strict=True):
            votes = _votes(rng, grade, appraisal.participants)
            weak = grade in (Rating.BASIC, Rating.UNQUALIFIED)
            result = AppraisalResult(
                round=appraisal, member=member, rating=grade,
                self_rating=Rating.QUALIFIED if grade != Rating.EXCELLENT or rng.random() < 0.6 else Rating.EXCELLENT,
                peer_opinion=rng.choice(WEAK_OPINIONS if weak else PEER_OPINIONS),
                votes_excellent=votes[Rating.EXCELLENT], votes_qualified=votes[Rating.QUALIFIED],
                votes_basic=votes[Rating.BASIC], votes_unqualified=votes[Rating.UNQUALIFIED],
                reason=("全年多次无故不参加组织生活，经教育仍未改正" if grade == Rating.UNQUALIFIED
                        else "对照合格党员标准还有差距，帮助改进提高" if grade == Rating.BASIC else ""),
            )
            results.append(result)
            counts[grade] += 1
            if grade == Rating.UNQUALIFIED:
                unqualified = result
    AppraisalResult.objects.bulk_create(results, batch_size=2000)
    if unqualified is not None:
        decided = unqualified.round.held_on + dt.timedelta(days=7)
        deadline = max(rules.default_deadline(decided, 12), today + dt.timedelta(days=20))
        FollowUp.objects.create(
            result=unqualified, kind=FollowUpKind.CORRECTION, decided_on=decided, deadline=deadline,
            doc_no=f"{unqualified.round.org.short_name or '支部'}〔{year}〕{rng.randint(2, 9)}号",
            note="经支部党员大会讨论，给予限期改正，由支部书记谈心谈话、党小组帮助督促",
        )
    over = rounds[over_index].org.name
    return (f"民主评议党员：{year}年度{len(rounds)}个党支部已确认，评议党员{sum(counts.values())}名（优秀{counts[Rating.EXCELLENT]}、"
            f"合格{counts[Rating.QUALIFIED]}、基本合格{counts[Rating.BASIC]}、不合格{counts[Rating.UNQUALIFIED]}，"
            f"限期改正进行中{1 if unqualified is not None else 0}人）；{over}优秀比例超过1/3（提示）。")
