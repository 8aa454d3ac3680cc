"""Demo 发展党员: applicants at every one of the 25 steps, some with a step due soon, some overdue, one whose
probation was extended, one cancelled, one stopped — recorded through the actions, so the member records,
votes, events, audit entries and reminders are exactly what real use produces.

Deterministic for a seed and a "today". Each applicant follows the usual calendar of the 细则 (talk three weeks
after the application, activist after about two months, 考察 every half year, 发展对象 after a year, admission
about a year and a half after the application, 转正 a year later), started far enough back that the target step
was reached `lag` days ago; the lag decides whether the next step is due soon or overdue.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.lib import idcard
from dangjian.lib.demo.names import full_name
from dangjian.lib.demo.registry import register
from dangjian.members.choices import MemberState, PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind, OrgStatus
from dangjian.recruitment import actions
from dangjian.recruitment.models import Applicant, ApplicantStatus

# Days from the application to each step of the usual path (step 6 twice).
CALENDAR: list[tuple[int, int]] = [
    (2, 20), (3, 70), (4, 80), (5, 85), (6, 250), (6, 420), (7, 440), (8, 450), (9, 455), (10, 470), (11, 480),
    (12, 490), (13, 500), (14, 505), (15, 510), (16, 520), (17, 550), (18, 560), (19, 565), (20, 570), (21, 700),
    (22, 860), (23, 880), (24, 905), (25, 920),
]
# Days since the last step: a fresh one, one whose next step is due soon, and overdue ones.
LAGS = (5, 12, 45, 130)
EDUCATION = ["postgraduate", "postgraduate", "bachelor", "bachelor", "bachelor", "college"]
HANDLERS = ["党支部书记", "组织委员", "党支部副书记", "培养联系人"]


def _offset(target: int) -> int:
    return 0 if target == 1 else max(days for n, days in CALENDAR if n == target)


@register(order=20)
def load(*, seed: int, today: dt.date) -> str:
    rng = random.Random(f"recruitment-{seed}")  # nosec B311 # seeded generator for reproducible demo data, not a secret
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return "发展党员：未找到演示管理员账号，未生成。"
    branches = list(
        Organization.objects.filter(status=OrgStatus.ACTIVE, kind=OrgKind.BRANCH).order_by("path")
    )
    full: dict[int, list[Member]] = defaultdict(list)
    for m in Member.objects.filter(state=MemberState.ACTIVE, party_status=PartyStatus.FULL, org__in=branches,
                                   confirmed_on__lte=today - dt.timedelta(days=1200)).order_by("org_id", "pk"):
        full[m.org_id].append(m)
    branches = [b for b in branches if len(full[b.pk]) >= 4]
    if not branches:
        return "发展党员：没有足够正式党员的党支部，未生成。"
    own = (RoleAssignment.objects.filter(user__username="secretary", role=Role.SECRETARY)
           .values_list("org_id", flat=True).first())
    secretary_branch = next((b for b in branches if b.pk == own), branches[0])
    scenarios: list[tuple[int, int, str]] = [(t, LAGS[t % len(LAGS)], "") for t in range(1, 26)]
    # Due within the reminder window (talk, 考察, approval, 转正) and overdue ones (talk, approval, 转正).
    scenarios += [(1, 20, ""), (6, 172, ""), (16, 78, ""), (22, 8, ""), (1, 45, ""), (16, 130, ""), (22, 60, ""),
                  (11, 30, "")]
    scenarios += [(24, 10, "extend"), (24, 12, "cancel"), (4, 30, "stop")]
    for i, (target, lag, twist) in enumerate(scenarios):
        branch = secretary_branch if i % 4 == 0 else branches[rng.randrange(len(branches))]
        applied = today - dt.timedelta(days=_offset(target) + lag)
        male = rng.random() < 0.55
        birth = dt.date(rng.randint(1988, 2003), rng.randint(1, 12), rng.randint(1, 28))
        if birth.replace(year=birth.year + 18) > applied:
            birth = birth.replace(year=applied.year - 23)
        data: dict[str, Any] = {
            "org": branch, "name": full_name(rng, male, birth.year), "sex": "M" if male else "F", "ethnicity": "汉族",
            "birth_date": birth, "id_card": idcard.make("110114", birth, ((i + 1) * 2 + (1 if male else 0)) % 1000),
            "phone": f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
            "education": rng.choice(EDUCATION), "occupation": "civil_servant", "person_category": "employed",
            "work_unit": branch.name.replace("党支部", "") or "机关", "post": rng.choice(["科员", "一级科员", "主任科员"]),
            "applied_on": applied, "handled_by": rng.choice(HANDLERS),
        }
        applicant = actions.create_applicant(actor=admin, data=data, today=today)
        _walk(applicant, admin, applied, target, twist, full[branch.pk], rng, today)
    counts = {s: Applicant.objects.filter(status=s).count() for s in ApplicantStatus.values}
    overdue = Applicant.objects.open().filter(due_on__lt=today).count()
    return (f"发展党员：入党申请人 {sum(counts.values())} 名（培养发展中 {counts['in_progress']}，预备期 {counts['probation']}，"
            f"已转正 {counts['confirmed']}），覆盖全部25个步骤，其中 {overdue} 名的下一步已逾期。")


def _walk(applicant: Applicant, actor: Any, applied: dt.date, target: int, twist: str, people: list[Member],
          rng: random.Random, today: dt.date) -> None:
    entitled = len(people) + 1
    tally = {"entitled": entitled, "present": entitled - 1, "yes": entitled - 1, "no": 0, "abstain": 0}
    for number, days in CALENDAR:
        if number > target:
            break
        data: dict[str, Any] = {"date": applied + dt.timedelta(days=days), "handled_by": rng.choice(HANDLERS)}
        if number == 5:
            data["people"] = people[:1]
        elif number == 9:
            data["people"] = people[1:3]
        elif number == 11:
            data.update(training_days=3, training_hours=24, handled_by="机关党校")
        elif number in (15, 23):
            data.update(tally)
        if number == 23:
            data["outcome"] = twist if twist in ("extend", "cancel") else "confirm"
            if twist == "extend":
                data["extension_months"] = 6
        if number in (17, 24):
            data["doc_no"] = f"机党发〔{data['date'].year}〕{rng.randint(1, 60)}号"
        actions.record_step(applicant, actor=actor, number=number, data=data, today=today)
    if twist == "stop":
        actions.stop_applicant(applicant, actor=actor, reason="本人工作调动，申请暂缓")
