"""Demo organizational life: a year of meetings with realistic gaps, and every org's 班子 and 届次.

Deterministic for a seed and a "today". Written in bulk after the orgs and members exist, so that on first
start the compliance matrix, 静默支部, the 换届 board and the to-do lists show something real: most branches
meet regularly, some slip, a few fall silent, some terms are due or overdue, a few secretaries are missing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dangjian.leadership.models import Post, PostHolding, Term
from dangjian.lib.dates import add_years
from dangjian.lib.demo.registry import register
from dangjian.members.choices import ON_ROLL_STATES, PartyStatus
from dangjian.members.models import Member
from dangjian.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus
from dangjian.orglife.models import Attendance, HeartTalk, Meeting, MeetingKindTag, year_month
from dangjian.orgs.models import Organization, OrgKind, OrgStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
TERM_YEARS = {OrgKind.COMMITTEE: 5, OrgKind.GENERAL_BRANCH: 3, OrgKind.BRANCH: 3}
THEMES = [
    "学习贯彻党的二十届四中全会精神", "重温入党誓词", "党纪学习教育专题学习", "“我为群众办实事”志愿服务",
    "学习《中国共产党支部工作条例（试行）》", "观看警示教育片", "红色教育基地参观学习", "学习习近平总书记重要讲话精神",
    "廉政教育专题党课", "“一月一课一片一实践”主题活动", "主题党日：走进社区", "学习新修订的纪律处分条例",
]
LEAVE_REASONS = ["出差", "病假", "参加上级会议", "外出培训", "事假", "下乡调研"]
PLACES = ["第一会议室", "党员活动室", "第三会议室", "支部活动室", "机关党校教室"]


@dataclass
class OrglifeResult:
    meetings: int = 0
    attendance: int = 0
    terms: int = 0
    posts: int = 0
    talks: int = 0
    timings: dict[str, float] = field(default_factory=dict)


@register(order=10, timing="组织生活与换届", reminders_after=True)
def load(*, seed: int, today: dt.date) -> str:
    """The demo step of this app: the 班子, 届次, meetings and talks (load_orglife), as the report's line."""
    life = load_orglife(seed=seed, today=today)
    return (f"组织生活记录 {life.meetings} 条（出席记录 {life.attendance} 条），届次 {life.terms} 个，"
            f"班子成员 {life.posts} 名，谈心谈话 {life.talks} 次。")


def _day_in_month(rng: random.Random, year: int, month: int, latest: dt.date) -> dt.date | None:
    day = dt.date(year, month, rng.randint(3, 26))
    return day if day < latest else None


def load_orglife(*, seed: int, today: dt.date) -> OrglifeResult:
    """Terms and posts for every active org, then twelve months of meetings for branches and groups."""
    rng = random.Random(f"orglife-{seed}")  # nosec B311 # seeded generator for reproducible demo data, not a secret
    result = OrglifeResult()
    orgs = list(Organization.objects.filter(status=OrgStatus.ACTIVE).order_by("path"))
    members_by_org: dict[int, list[Member]] = defaultdict(list)
    for m in Member.objects.filter(state__in=ON_ROLL_STATES).order_by("org_id", "name_pinyin", "pk").only(
        "pk", "org_id", "group_id", "joined_on", "confirmed_on", "party_status", "name"
    ):
        members_by_org[m.org_id].append(m)
    members_by_group: dict[int, list[Member]] = defaultdict(list)
    for ms in members_by_org.values():
        for m in ms:
            if m.group_id:
                members_by_group[m.group_id].append(m)
    from dangjian.accounts.models import User

    demo_secretary = User.objects.filter(username="secretary").values_list("member_id", flat=True).first()
    secretary_of = _load_leadership(rng, today, orgs, members_by_org, result, demo_secretary)
    _load_meetings(rng, today, orgs, members_by_org, members_by_group, secretary_of, result)
    _load_talks(rng, today, orgs, members_by_org, result)
    return result


TALK_TOPICS = ["思想和工作情况", "学习心得交流", "工作中的困难和建议", "家庭和生活情况", "转正前谈话", "廉洁自律提醒",
               "岗位调整后的思想动态", "组织生活会前征求意见"]


def _load_talks(rng: random.Random, today: dt.date, orgs: list[Organization],
                members_by_org: dict[int, list[Member]], result: OrglifeResult) -> None:
    """This year's 谈心谈话 of each branch's 支委 with the members: most branches well on the way, some behind,
    a few not started — so the coverage page shows every status."""
    committee: dict[int, list[int]] = defaultdict(list)
    for org_id, member_id in PostHolding.objects.filter(org__kind=OrgKind.BRANCH, ends_on__isnull=True).values_list(
        "org_id", "member_id"
    ):
        committee[org_id].append(member_id)
    start = dt.date(today.year, 1, 1)
    span = max((today - start).days, 0)
    talks: list[HeartTalk] = []
    for org in orgs:
        if org.kind != OrgKind.BRANCH or org.pk not in committee:
            continue
        share = rng.choice([1.0, 1.0, 0.9, 0.8, 0.6, 0.3, 0.0])
        roll = [m.pk for m in members_by_org.get(org.pk, []) if m.joined_on <= today]
        pairs = sorted({(min(c, m), max(c, m)) for c in committee[org.pk] for m in roll if c != m})
        for a, b in pairs:
            if rng.random() >= share:
                continue
            first, second = (a, b) if a in committee[org.pk] else (b, a)
            talks.append(HeartTalk(org=org, held_on=start + dt.timedelta(days=rng.randint(0, span)),
                                   initiator_id=first, counterpart_id=second, topic=rng.choice(TALK_TOPICS)))
    HeartTalk.objects.bulk_create(talks, batch_size=2000)
    result.talks = len(talks)


def _load_leadership(
    rng: random.Random, today: dt.date, orgs: list[Organization], members_by_org: dict[int, list[Member]],
    result: OrglifeResult, demo_secretary: int | None = None,
) -> dict[int, Member]:
    """One open 届 per org with a term (some due within six months, some overdue) and its committee; the
    demo login `secretary` holds the secretary post of their branch."""
    terms: list[Term] = []
    holdings: list[PostHolding] = []
    secretary_of: dict[int, Member] = {}
    subtree_pool: dict[int, list[Member]] = {}
    for org in orgs:
        years = TERM_YEARS.get(org.kind)
        if years is None:
            continue
        roll = rng.random()
        if roll < 0.08:
            ends = today - dt.timedelta(days=rng.randint(10, 200))  # overdue
        elif roll < 0.22:
            ends = today + dt.timedelta(days=rng.randint(5, 180))  # due within six months
        else:
            ends = today + dt.timedelta(days=rng.randint(200, 365 * years - 30))
        starts = add_years(ends, -years)
        founded = org.founded_on or starts
        if starts < founded:
            starts = founded
        term = Term(org=org, number=rng.randint(1, 6), starts_on=starts, planned_end=add_years(starts, years),
                    doc_no=f"党组字〔{starts.year}〕{rng.randint(1, 99)}号")
        terms.append(term)
        if org.kind == OrgKind.BRANCH:
            pool = [m for m in members_by_org.get(org.pk, []) if m.party_status == PartyStatus.FULL]
        else:
            pool = subtree_pool.setdefault(org.pk, [])
        subtree_pool[org.pk] = pool
        own = next((m for m in pool if m.pk == demo_secretary), None) if org.kind == OrgKind.BRANCH else None
        if not pool or (own is None and org.kind == OrgKind.BRANCH and rng.random() < 0.05):
            continue  # 书记空缺
        chosen = rng.sample(pool, k=min(len(pool), 5 if len(pool) >= 7 else 1))
        if own is not None:
            chosen = [own] + [m for m in chosen if m.pk != own.pk][: len(chosen) - 1]
        posts = [Post.SECRETARY, Post.ORGANIZATION, Post.PROPAGANDA, Post.DISCIPLINE, Post.COMMITTEE_MEMBER]
        for member, post in zip(chosen, posts, strict=False):
            holdings.append(PostHolding(org=org, term=term, member=member, post=post, starts_on=term.starts_on,
                                        doc_no=term.doc_no))
        secretary_of[org.pk] = chosen[0]
    # Committees and general branches draw their 班子 from a branch below them.
    by_path = {o.path: o for o in orgs}
    for org in orgs:
        if org.kind == OrgKind.BRANCH and org.pk in secretary_of:
            for depth in range(1, org.depth):
                ancestor = by_path.get(org.path[: depth * Organization.steplen])
                if ancestor is not None and ancestor.pk not in secretary_of and ancestor.kind in TERM_YEARS:
                    secretary_of[ancestor.pk] = secretary_of[org.pk]
    Term.objects.bulk_create(terms, batch_size=1000)
    term_of = {t.org_id: t for t in terms}
    for org in orgs:
        if org.kind != OrgKind.BRANCH and org.pk in secretary_of and org.kind in TERM_YEARS:
            term = term_of[org.pk]
            holdings.append(PostHolding(org=org, term=term, member=secretary_of[org.pk], post=Post.SECRETARY,
                                        starts_on=term.starts_on, doc_no=term.doc_no))
    for h in holdings:
        h.term = term_of[h.org_id]
    PostHolding.objects.bulk_create(holdings, batch_size=1000)
    result.terms, result.posts = len(terms), len(holdings)
    return secretary_of


def _load_meetings(
    rng: random.Random, today: dt.date, orgs: list[Organization], members_by_org: dict[int, list[Member]],
    members_by_group: dict[int, list[Member]], secretary_of: dict[int, Member], result: OrglifeResult,
) -> None:
    start = dt.date(today.year - 1, today.month, 1)
    months = [(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1) for i in range(13)]
    with_committee = set(
        PostHolding.objects.filter(post__in=[Post.ORGANIZATION, Post.PROPAGANDA, Post.DISCIPLINE])
        .values_list("org_id", flat=True)
    )
    planned: list[tuple[Organization, dt.date, list[MeetingKind], list[Member]]] = []
    for org in orgs:
        if org.kind == OrgKind.BRANCH:
            people = members_by_org.get(org.pk, [])
        elif org.kind == OrgKind.GROUP:
            people = members_by_group.get(org.pk, [])
        else:
            continue
        if not people:
            continue
        diligence = rng.choice([0.97, 0.95, 0.9, 0.85, 0.8, 0.7, 0.55])
        silent_since = today - dt.timedelta(days=rng.randint(35, 80)) if rng.random() < 0.06 else today
        for year, month in months:
            latest = min(today, silent_since)
            if org.kind == OrgKind.GROUP:
                if rng.random() < diligence - 0.05 and (day := _day_in_month(rng, year, month, latest)):
                    planned.append((org, day, [MeetingKind.GROUP_MEETING], people))
                continue
            if rng.random() < diligence and (day := _day_in_month(rng, year, month, latest)):
                kinds: list[MeetingKind] = [MeetingKind.THEME_DAY]
                if month in (3, 6, 9, 12) and rng.random() < 0.4:
                    kinds.append(MeetingKind.PARTY_LECTURE)
                planned.append((org, day, kinds, people))
            if org.pk in with_committee and rng.random() < diligence - 0.05 and (
                day := _day_in_month(rng, year, month, latest)
            ):
                committee = [m for m in people if m.pk in _committee_ids(org.pk)] or people[:3]
                planned.append((org, day, [MeetingKind.COMMITTEE_MEETING], committee))
            if month in (2, 5, 8, 11) and rng.random() < diligence and (
                day := _day_in_month(rng, year, month, latest)
            ):
                planned.append((org, day, [MeetingKind.BRANCH_ASSEMBLY], people))
            if month in (1, 4, 7, 10) and rng.random() < diligence - 0.1 and (
                day := _day_in_month(rng, year, month, latest)
            ):
                planned.append((org, day, [MeetingKind.PARTY_LECTURE], people))
            if month == 12 and rng.random() < diligence and (day := _day_in_month(rng, year, month, latest)):
                planned.append((org, day, [MeetingKind.LIFE_MEETING, MeetingKind.MEMBER_REVIEW,
                                           MeetingKind.BRANCH_ASSEMBLY], people))
    meetings: list[Meeting] = []
    for org, day, kinds, _people in planned:
        local = dt.datetime.combine(day, dt.time(rng.choice([9, 10, 14, 15]), 30), tzinfo=SHANGHAI)
        draft = (today - day).days < 10 and rng.random() < 0.3
        lecture = MeetingKind.PARTY_LECTURE in kinds
        host = secretary_of.get(org.pk) if org.kind == OrgKind.BRANCH else None
        theme = rng.choice(THEMES)
        meetings.append(Meeting(
            org=org, title="、".join(MeetingKind(k).label for k in kinds) + f"：{theme}",
            starts_at=local.astimezone(dt.UTC), held_on=day, place=rng.choice(PLACES), online=rng.random() < 0.05,
            host=host, lecturer=host.name if (lecture and host) else ("支部书记" if lecture else ""),
            lecture_topic=theme if lecture else "", topics=theme, agenda=f"一、{theme}\n二、交流发言\n三、支部工作安排",
            status=MeetingStatus.DRAFT if draft else MeetingStatus.SUBMITTED,
            submitted_at=None if draft else local.astimezone(dt.UTC) + dt.timedelta(days=1),
        ))
    Meeting.objects.bulk_create(meetings, batch_size=1000)
    tags: list[MeetingKindTag] = []
    attendance: list[Attendance] = []
    for meeting, (org, day, kinds, people) in zip(meetings, planned, strict=True):
        for kind in kinds:
            tags.append(MeetingKindTag(meeting=meeting, kind=kind, org=org, held_on=day, month=year_month(day),
                                       submitted=meeting.status == MeetingStatus.SUBMITTED))
        for person in people:
            if person.joined_on > day:
                continue
            roll = rng.random()
            if roll < 0.86:
                attendance.append(Attendance(meeting=meeting, member=person, status=AttendanceStatus.PRESENT))
            elif roll < 0.96:
                attendance.append(Attendance(meeting=meeting, member=person, status=AttendanceStatus.LEAVE,
                                             reason=rng.choice(LEAVE_REASONS)))
            else:
                attendance.append(Attendance(meeting=meeting, member=person, status=AttendanceStatus.ABSENT))
    MeetingKindTag.objects.bulk_create(tags, batch_size=2000)
    Attendance.objects.bulk_create(attendance, batch_size=5000)
    result.meetings, result.attendance = len(meetings), len(attendance)


_COMMITTEE_CACHE: dict[int, set[int]] = {}


def _committee_ids(org_id: int) -> set[int]:
    """Members holding a committee post of the branch (read once per branch)."""
    if org_id not in _COMMITTEE_CACHE:
        _COMMITTEE_CACHE[org_id] = set(
            PostHolding.objects.filter(org_id=org_id, ends_on__isnull=True).values_list("member_id", flat=True)
        )
    return _COMMITTEE_CACHE[org_id]
