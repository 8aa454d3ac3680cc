"""Demo data of 学习培训: a year of study records over the demo organ, so totals and shortfall lists show something.

Runs after the demo meetings exist. Deterministic for a seed; set-based (bulk_create), a handful of queries:
- about 60% of the submitted 党课 and 主题党日 of the past year become study sessions (党支部集中学习 or 第一议题,
  2–3 学时); their participants are the members marked present, exactly as `actions.create_from_meeting` does;
- each 党委 holds a 党校 course twice a year (16 and 24 学时) for the secretaries and committee members of its
  subtree and some other members, and one 专题培训 (8 学时);
- each 党总支 holds a 读书班 (6 学时);
- each 党支部 follows two to four online courses (4–10 学时), each member completing some or all of them.
Totals land around the 32 学时 target, so some members are short and a few secretaries lack a 集中培训.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q

from dangjian.leadership.models import COMMITTEE_POSTS, PostHolding
from dangjian.learning.choices import SessionKind
from dangjian.learning.models import Participation, StudySession, Trainee
from dangjian.lib.demo.registry import register
from dangjian.members.choices import MemberState
from dangjian.members.models import Member
from dangjian.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus
from dangjian.orglife.models import Attendance, Meeting, MeetingKindTag
from dangjian.orgs.models import Organization, OrgKind, OrgStatus

ONLINE_TITLES = [
    "习近平新时代中国特色社会主义思想专题网络课程", "党章党规党纪网络专题", "新修订《中国共产党纪律处分条例》解读",
    "机关党建业务知识网络培训", "党的创新理论学习网络课程", "保密知识网络培训",
]
SCHOOL_TITLES = ["党校春季专题轮训班", "党校秋季党支部书记培训班"]


def _half(value: float) -> Decimal:
    """A number of 学时 rounded to half an hour, at least 0.5."""
    return max(Decimal("0.5"), Decimal(round(value * 2)) / 2)


@register(order=50)
def load(*, seed: int, today: dt.date) -> str:
    rng = random.Random(seed * 7 + 4)  # nosec B311 # seeded generator for reproducible demo data, not a secret
    start = today - dt.timedelta(days=364)
    sessions: list[StudySession] = []
    plans: list[list[tuple[int, Decimal]]] = []

    # 1. From meetings: the submitted 党课 and 主题党日 of the past year, about 60% of them.
    tagged = MeetingKindTag.objects.filter(
        kind__in=[MeetingKind.PARTY_LECTURE, MeetingKind.THEME_DAY], submitted=True,
    ).values("meeting_id")
    meetings = list(
        Meeting.objects.filter(pk__in=tagged, status=MeetingStatus.SUBMITTED, held_on__gte=start, held_on__lte=today,
                               study_session__isnull=True)
        .order_by("pk").values("pk", "org_id", "held_on", "title", "lecture_topic", "place")
    )
    chosen = [m for m in meetings if rng.random() < 0.6]
    present: dict[int, list[int]] = {}
    for meeting_id, member_id in (
        Attendance.objects.filter(meeting_id__in=[m["pk"] for m in chosen], status=AttendanceStatus.PRESENT,
                                  member__state=MemberState.ACTIVE)
        .values_list("meeting_id", "member_id")
    ):
        present.setdefault(meeting_id, []).append(member_id)
    for m in chosen:
        hours = rng.choice([Decimal("2"), Decimal("2.5"), Decimal("3")])
        kind = SessionKind.FIRST_TOPIC if rng.random() < 0.25 else SessionKind.BRANCH_STUDY
        sessions.append(StudySession(
            org_id=m["org_id"], kind=kind, title=m["lecture_topic"] or m["title"], held_on=m["held_on"], hours=hours,
            place=m["place"], meeting_id=m["pk"],
        ))
        plans.append([(member_id, hours) for member_id in present.get(m["pk"], [])])
    from_meetings = len(sessions)

    # Members per branch, and each org's subtree members, for the sessions that are not meetings.
    orgs = list(Organization.objects.filter(status=OrgStatus.ACTIVE).exclude(kind=OrgKind.GROUP).order_by("path")
                .values("pk", "path", "kind"))
    members = list(
        Member.objects.filter(state=MemberState.ACTIVE, joined_on__lte=start).order_by("pk").values("pk", "org__path")
    )
    leaders = set(
        PostHolding.objects.filter(post__in=COMMITTEE_POSTS, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=start)).values_list("member_id", flat=True)
    )

    def day_between(first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=rng.randrange(max(1, (last - first).days)))

    def subtree(path: str) -> list[int]:
        return [m["pk"] for m in members if m["org__path"].startswith(path)]

    for org in orgs:
        inside = subtree(org["path"])
        if not inside:
            continue
        if org["kind"] == OrgKind.COMMITTEE:
            # 2. 党校 courses (集中培训): leaders attend most of them; other members now and then.
            for title, length in zip(SCHOOL_TITLES, (Decimal("16"), Decimal("24")), strict=True):
                rows = []
                for member_id in inside:
                    chance = 0.7 if member_id in leaders else 0.08
                    if rng.random() < chance:
                        rows.append((member_id, length if rng.random() < 0.85 else _half(float(length) * 0.75)))
                if rows:
                    sessions.append(StudySession(
                        org_id=org["pk"], kind=SessionKind.PARTY_SCHOOL, title=title, hours=length,
                        held_on=day_between(start, today), place="党校", provider="市委党校",
                    ))
                    plans.append(rows)
            # 3. A 专题培训 for part of the subtree.
            rows = [(member_id, Decimal("8")) for member_id in inside if rng.random() < 0.25]
            if rows:
                sessions.append(StudySession(
                    org_id=org["pk"], kind=SessionKind.SPECIAL_TRAINING, title="学习贯彻党的创新理论专题培训",
                    hours=Decimal("8"), held_on=day_between(start, today), place="机关报告厅",
                ))
                plans.append(rows)
        elif org["kind"] == OrgKind.GENERAL_BRANCH:
            # 4. A 读书班.
            rows = [(member_id, Decimal("6")) for member_id in inside if rng.random() < 0.4]
            if rows:
                sessions.append(StudySession(
                    org_id=org["pk"], kind=SessionKind.READING_CLASS, title="党员读书班", hours=Decimal("6"),
                    held_on=day_between(start, today), place="图书室",
                ))
                plans.append(rows)
        elif org["kind"] == OrgKind.BRANCH:
            # 5. Online courses: each member completes some or all of each.
            for title in rng.sample(ONLINE_TITLES, rng.randint(2, 4)):
                length = Decimal(rng.choice([4, 6, 8, 10]))
                rows = []
                for member_id in inside:
                    if rng.random() < 0.7:
                        done = length if rng.random() < 0.6 else _half(float(length) * rng.uniform(0.3, 0.95))
                        rows.append((member_id, min(done, length)))
                if rows:
                    sessions.append(StudySession(
                        org_id=org["pk"], kind=SessionKind.ONLINE, title=title, hours=length,
                        held_on=day_between(start, today), place="党员教育网络平台",
                    ))
                    plans.append(rows)

    created = StudySession.objects.bulk_create(sessions, batch_size=1000)
    participations = [
        Participation(session_id=s.pk, member_id=member_id, hours=hours, held_on=s.held_on)
        for s, rows in zip(created, plans, strict=True) for member_id, hours in rows
    ]
    Participation.objects.bulk_create(participations, batch_size=5000)
    trainees = _candidate_course(today)
    return (f"学习培训 {len(created)} 次（其中由组织生活记录生成 {from_meetings} 次），"
            f"参学记录 {len(participations)} 条；发展对象培训班学员 {trainees} 名。")


def _candidate_course(today: dt.date) -> int:
    """The 机关党委's 发展对象培训班 (细则 第十七条): the 发展对象 who have not yet had their training recorded attend
    it, so their admission check reads the 学时 from here (`recruitment.training`)."""
    from dangjian.recruitment.models import Applicant, ApplicantStatus
    from dangjian.recruitment.steps import TRAINING, Stage

    top = Organization.objects.filter(depth=1).order_by("path").first()
    candidates = list(
        Applicant.objects.filter(status=ApplicantStatus.IN_PROGRESS, stage=Stage.CANDIDATE, step__lt=TRAINING)
        .values_list("pk", flat=True)
    )
    if top is None or not candidates:
        return 0
    session = StudySession.objects.create(
        org=top, kind=SessionKind.PARTY_SCHOOL, title="发展对象培训班", hours=Decimal("24"),
        held_on=today - dt.timedelta(days=10), place="机关党校", provider="机关党委",
    )
    Trainee.objects.bulk_create(
        [Trainee(session=session, applicant_id=pk, hours=Decimal("24"), held_on=session.held_on) for pk in candidates]
    )
    return len(candidates)
