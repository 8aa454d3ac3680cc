"""Members of one demo 党支部: plausible, internally consistent records, drawn from a seeded generator.

Consistency is what the registry's own checks demand (members.validation): the 身份证号 carries the birth
date and sex of the record, everyone was at least 18 at 入党, 转正 is one year after 入党, dates are not in
the future. The mix fits a 机关: civil servants with degrees in the 司局, professionals in the 事业单位,
older retirees with older-style names in the 离退休 branches, a few 预备党员 (some due for 转正 within
30 days) and a few members who left the roll (停止党籍, 转出, 出党, 去世), each with the event that says so.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from dangjian.lib import idcard
from dangjian.lib.dates import add_years
from dangjian.lib.demo import names, regions
from dangjian.members.choices import (
    Education,
    LeaveReason,
    MemberEventKind,
    MemberState,
    Occupation,
    PartyStatus,
    PersonCategory,
    Sex,
)
from dangjian.orgs.demo import OrgSpec
from dangjian.orgs.models import UnitCategory


@dataclass(slots=True)
class StatusEvent:
    kind: str
    date: dt.date
    reason: str = ""
    leave_reason: str = ""
    outside_org: str = ""
    letter_no: str = ""
    doc_no: str = ""


@dataclass(slots=True)
class Person:
    name: str
    sex: str
    ethnicity: str
    birth_date: dt.date
    id_number: str
    phone: str
    education: str
    occupation: str
    work_unit: str
    post: str
    person_category: str
    party_status: str
    joined_on: dt.date
    confirmed_on: dt.date | None
    party_post: str
    state: str
    group_index: int | None
    event: StatusEvent | None


class Weighted:
    """Draw from fixed (value, weight) pairs with one random number."""

    def __init__(self, pairs: Sequence[tuple[str, float]]) -> None:
        self.values = [v for v, _w in pairs]
        self.cum = list(itertools.accumulate(w for _v, w in pairs))

    def __call__(self, rng: random.Random) -> str:
        return self.values[bisect.bisect_left(self.cum, rng.random() * self.cum[-1])]


class IdAllocator:
    """Hands out 身份证号 sequence numbers so that no two demo members share a number.

    One counter per (region code, birth date) in a compact array (about 15 MB for every day since 1900
    and ~180 region codes); odd sequence numbers for men, even for women, as in the standard.
    """

    EPOCH = dt.date(1900, 1, 1)

    def __init__(self, today: dt.date) -> None:
        self.days = (today - self.EPOCH).days + 1
        self.counts = array("H", bytes(2 * self.days * len(regions.ALL_CODES)))

    def number(self, code: str, birth: dt.date, male: bool) -> str:
        day = (birth - self.EPOCH).days
        start = regions.CODE_INDEX[code]
        for offset in range(len(regions.ALL_CODES)):  # a full (code, day) moves on to the next code
            index = (start + offset) % len(regions.ALL_CODES)
            slot = index * self.days + day
            k = self.counts[slot]
            if k < 499:
                self.counts[slot] = k + 1
                sequence = 2 * k + 1 if male else 2 * k + 2
                return idcard.make(regions.ALL_CODES[index], birth, sequence)
        raise RuntimeError("身份证号顺序码已用尽")


_EDU_YOUNG_CADRE = Weighted([(Education.POSTGRADUATE, 55), (Education.BACHELOR, 42), (Education.COLLEGE, 3)])
_EDU_OLD_CADRE = Weighted([(Education.POSTGRADUATE, 25), (Education.BACHELOR, 60), (Education.COLLEGE, 12),
                           (Education.HIGH_SCHOOL, 3)])
_EDU_WORKER = Weighted([(Education.COLLEGE, 30), (Education.SECONDARY_VOCATIONAL, 30), (Education.HIGH_SCHOOL, 30),
                        (Education.JUNIOR_OR_BELOW, 10)])
_EDU_PROFESSIONAL = Weighted([(Education.POSTGRADUATE, 40), (Education.BACHELOR, 50), (Education.COLLEGE, 10)])
_EDU_MANAGER = Weighted([(Education.POSTGRADUATE, 20), (Education.BACHELOR, 60), (Education.COLLEGE, 20)])
_EDU_RETIRED = Weighted([(Education.POSTGRADUATE, 4), (Education.BACHELOR, 36), (Education.COLLEGE, 25),
                         (Education.SECONDARY_VOCATIONAL, 12), (Education.HIGH_SCHOOL, 15),
                         (Education.JUNIOR_OR_BELOW, 8)])
_EDU_BY_JOB: dict[str, Weighted] = {Occupation.PROFESSIONAL: _EDU_PROFESSIONAL, Occupation.MANAGER: _EDU_MANAGER}
_INSTITUTION_JOBS = Weighted([(Occupation.PROFESSIONAL, 55), (Occupation.MANAGER, 35), (Occupation.WORKER, 10)])
_MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                    "156", "158", "159", "177", "180", "181", "182", "186", "187", "188", "189", "199")
_LEAVE = (
    (LeaveReason.REMOVED, "连续六个月不参加党的组织生活，经教育仍不改正，予以除名"),
    (LeaveReason.REMOVED, "连续六个月不参加党的组织生活，经教育仍不改正，予以除名"),
    (LeaveReason.EXPELLED, "严重违反党的纪律，给予开除党籍处分"),
    (LeaveReason.WITHDREW, "本人申请退党，经支部大会讨论同意"),
    (LeaveReason.SELF_LAPSED, "连续六个月不交纳党费、不参加党的组织生活，按自行脱党处理"),
)
_BRANCH_POSTS = ("书记", "组织委员", "宣传委员", "纪检委员", "副书记")


def _cadre_post(rng: random.Random, age: int, in_ministry: bool) -> str:
    if age < 27:
        return "一级科员"
    if age < 31:
        return "四级主任科员"
    if age < 36:
        return rng.choice(("三级主任科员", "二级主任科员", "副处长"))
    if age < 43:
        return rng.choice(("一级主任科员", "四级调研员", "副处长"))
    if age < 50:
        return rng.choice(("处长", "三级调研员", "二级调研员"))
    return rng.choice(("一级调研员", "处长", "二级巡视员", "副司长" if in_ministry else "副局长"))


def _institution_post(rng: random.Random, age: int, occupation: str) -> str:
    if occupation == Occupation.PROFESSIONAL:
        if age < 30:
            return "助理工程师"
        return "工程师" if age < 40 else rng.choice(("高级工程师", "高级工程师", "正高级工程师"))
    if occupation == Occupation.MANAGER:
        return "科员" if age < 35 else "科长" if age < 45 else rng.choice(("副主任", "主任"))
    return rng.choice(("驾驶员", "技术工人", "高级工", "技师"))


def _phone(rng: random.Random, retired: bool, province: regions.Province) -> str:
    if retired:
        r = rng.random()
        if r < 0.03:
            return ""
        if r < 0.18:
            return f"{province.phone_area}-{rng.randint(6000_0000, 8999_9999)}"
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _status_event(rng: random.Random, start: dt.date, today: dt.date, retired: bool) -> StatusEvent | None:
    """Most members are simply on the roll; a few left it, the retired mostly by death."""
    r = rng.random()
    if retired:
        kind = (MemberEventKind.DECEASED if r < 0.03 else MemberEventKind.TRANSFER_OUT if r < 0.034
                else MemberEventKind.SUSPENDED if r < 0.035 else MemberEventKind.LEFT if r < 0.0355 else None)
    else:
        kind = (MemberEventKind.TRANSFER_OUT if r < 0.012 else MemberEventKind.SUSPENDED if r < 0.0145
                else MemberEventKind.LEFT if r < 0.016 else MemberEventKind.DECEASED if r < 0.0165 else None)
    if kind is None:
        return None
    start = max(start + dt.timedelta(days=30), today - dt.timedelta(days=3650))
    if start >= today:
        return None
    day = start + dt.timedelta(days=rng.randint(0, (today - start).days - 1))
    doc = f"示部机党〔{day.year}〕{rng.randint(1, 90)}号"
    if kind == MemberEventKind.TRANSFER_OUT:
        return StatusEvent(kind, day, reason="工作调动", outside_org=f"{rng.choice(regions.PROVINCES).name[:-1]}委组织部",
                           letter_no=f"{day.year}{rng.randint(1, 99999):05d}")
    if kind == MemberEventKind.SUSPENDED:
        return StatusEvent(kind, day, reason="与党组织失去联系六个月以上", doc_no=doc)
    if kind == MemberEventKind.LEFT:
        leave_reason, reason = rng.choice(_LEAVE)
        return StatusEvent(kind, day, reason=reason, leave_reason=leave_reason, doc_no=doc)
    return StatusEvent(kind, day, reason="因病去世")


_EVENT_STATE: dict[str, str] = {
    MemberEventKind.TRANSFER_OUT: MemberState.TRANSFERRED_OUT,
    MemberEventKind.SUSPENDED: MemberState.SUSPENDED,
    MemberEventKind.LEFT: MemberState.LEFT,
    MemberEventKind.DECEASED: MemberState.DECEASED,
}


def branch_members(
    rng: random.Random, branch: OrgSpec, today: dt.date, ids: IdAllocator, groups: int
) -> list[Person]:
    """`branch.members` people for one branch; the first few hold its 支部委员会 posts."""
    retired_branch = branch.unit_category == UnitCategory.RETIRED
    in_ministry = branch.province is None
    leaders = 3 + (branch.members >= 15) + (branch.members >= 30)
    out: list[Person] = []
    for i in range(branch.members):
        leader = i < leaders
        male = rng.random() < (0.6 if retired_branch else 0.55)
        if retired_branch:
            low = 60 if male else 55
            age = low + int((96 - low) * rng.random() ** 1.8)
        else:
            age = int(rng.triangular(23, (60 if male else 58), 38))
        birth = add_years(today, -age) - dt.timedelta(days=rng.randint(0, 364))
        home = branch.province or regions.PROVINCES[0]
        born_in = regions.organ_birth_province(rng) if in_ministry else regions.local_birth_province(rng, home)
        name = names.full_name(rng, male, birth.year)
        number = ids.number(rng.choice(born_in.codes), birth, male)

        # 入党: most joined at university or early in their career; the retired often later.
        r = rng.random()
        if retired_branch:
            join_age = rng.randint(19, 25) if r < 0.3 else rng.randint(26, 38) if r < 0.8 else rng.randint(39, 50)
        else:
            join_age = rng.randint(19, 23) if r < 0.55 else rng.randint(24, 32) if r < 0.85 else rng.randint(33, 45)
        join_age = max(18, min(join_age, age - 1))
        latest = today - dt.timedelta(days=400)
        joined = min(add_years(birth, join_age) + dt.timedelta(days=rng.randint(0, 364)), latest)
        party_status = PartyStatus.FULL
        if not leader and not retired_branch and rng.random() < 0.03:
            # 预备党员: admitted within the last year; about a third are due for 转正 within 30 days.
            party_status = PartyStatus.PROBATIONARY
            if rng.random() < 0.35:
                joined = add_years(today, -1) + dt.timedelta(days=rng.randint(1, 30))
            else:
                joined = today - dt.timedelta(days=rng.randint(31, 330))
        confirmed = add_years(joined, 1) if party_status == PartyStatus.FULL else None

        occupation: str
        category: str
        if retired_branch:
            occupation, category = Occupation.RETIRED, PersonCategory.RETIRED
            education = _EDU_RETIRED(rng)
            work_unit = rng.choice(branch.former_units) if branch.former_units else branch.unit
            post = "退休干部"
        elif branch.unit_category == UnitCategory.INSTITUTION:
            occupation, category = _INSTITUTION_JOBS(rng), PersonCategory.EMPLOYED
            education = _EDU_BY_JOB.get(occupation, _EDU_WORKER)(rng)
            work_unit, post = branch.unit, _institution_post(rng, age, occupation)
        else:
            worker = rng.random() < 0.07
            occupation = Occupation.WORKER if worker else Occupation.CIVIL_SERVANT
            category = PersonCategory.EMPLOYED
            if worker:
                education, post = _EDU_WORKER(rng), rng.choice(("驾驶员", "技术工人", "打字员"))
            else:
                education = (_EDU_YOUNG_CADRE if birth.year >= 1975 else _EDU_OLD_CADRE)(rng)
                post = _cadre_post(rng, age, in_ministry)
            work_unit = branch.unit

        event = None
        if not leader and party_status == PartyStatus.FULL and confirmed is not None:
            event = _status_event(rng, confirmed, today, retired_branch)
        out.append(Person(
            name=name, sex=Sex.MALE if male else Sex.FEMALE, ethnicity=regions.ethnicity(rng, born_in),
            birth_date=birth, id_number=number, phone=_phone(rng, retired_branch, home), education=education,
            occupation=occupation, work_unit=work_unit, post=post, person_category=category,
            party_status=party_status, joined_on=joined, confirmed_on=confirmed,
            party_post=_BRANCH_POSTS[i] if leader else "",
            state=_EVENT_STATE[event.kind] if event else MemberState.ACTIVE,
            group_index=(i % groups) if groups and not event else None, event=event,
        ))
    return out
