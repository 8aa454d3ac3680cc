"""Demo 组织关系转接, 流动党员 and 失联党员: requests waiting in and out of the demo 支部书记's branch, one returned
with its reason and some accepted; 介绍信 out of the system waiting for their 回执 (one late) and one completed;
members arrived from outside; 流动党员 away for a few weeks and for more than six months (the must-transfer flag);
失联 cases at every stage (lost, 停止党籍 due, suspended, 除名 due).

Recorded through the actions (by the demo 党务管理员), so member events, subtree totals, history, audit entries and
reminders are exactly what real use produces. Deterministic for a seed and a "today"; a few dozen records.
"""

from __future__ import annotations

import datetime as dt
import random

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.lib import idcard
from dangjian.lib.dates import add_years
from dangjian.lib.demo.names import full_name
from dangjian.lib.demo.registry import register
from dangjian.lib.periods import add_months
from dangjian.members.choices import MemberState, PartyStatus, PersonCategory
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind, OrgStatus, UnitCategory
from dangjian.transfers import actions
from dangjian.transfers.choices import TransferStatus
from dangjian.transfers.models import FloatingMember, LostContact, Transfer

REASONS = ["工作调动", "交流任职", "退休后回居住地", "借调期满转入", "随配偶调动"]
OUTSIDE = ["中共某省委组织部", "中共某市直属机关工作委员会", "中共某大学委员会组织部", "中共某区委组织部"]
PLACES = [("深圳市南山区", "挂职锻炼", "南山区某街道党工委"), ("雄安新区", "援建项目", "雄安新区某项目临时党支部"),
          ("新疆和田地区", "援疆", "和田地区某县委组织部"), ("上海市浦东新区", "学习进修", "某培训中心临时党支部"),
          ("成都市", "外出工作", ""), ("多地", "流动执法检查", "")]


@register(order=30)
def load(*, seed: int, today: dt.date) -> str:
    rng = random.Random(f"transfers-{seed}")  # nosec B311 # seeded generator for reproducible demo data, not a secret
    admin = User.objects.get(username="admin")
    # Working members of working units only: a retiree's branch is a 离退休 one, and stays so.
    branches = list(Organization.objects.filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE, is_temporary=False)
                    .exclude(unit_category=UnitCategory.RETIRED).order_by("path"))
    own = (RoleAssignment.objects.filter(user__username="secretary", role=Role.SECRETARY)
           .values_list("org_id", flat=True).first())
    home = next((b for b in branches if b.pk == own), branches[0])
    others = [b for b in branches if b.pk != home.pk]
    linked = set(User.objects.exclude(member__isnull=True).values_list("member_id", flat=True))
    settled = add_years(today, -5)
    pool = [m for m in Member.objects.filter(state=MemberState.ACTIVE, party_status=PartyStatus.FULL, party_post="",
                                             person_category=PersonCategory.EMPLOYED, joined_on__lte=settled,
                                             org__in=branches).order_by("pk")
            if m.pk not in linked]
    rng.shuffle(pool)
    at_home = [m for m in pool if m.org_id == home.pk]
    elsewhere = [m for m in pool if m.org_id != home.pk]
    if len(at_home) < 4 or len(elsewhere) < 24 or not others:
        return "组织关系转接：党员人数太少，未生成。"

    def day(days_ago: int) -> dt.date:
        return today - dt.timedelta(days=days_ago)

    def transfer(member: Member, to_org: Organization, days_ago: int) -> Transfer:
        return actions.request_transfer(member, actor=admin, to_org=to_org, issued_on=day(days_ago),
                                        reason=rng.choice(REASONS), today=today)

    # Within the system: one coming into the demo branch, one leaving it, two elsewhere; one returned, two accepted.
    transfer(elsewhere.pop(), home, 6)
    transfer(at_home.pop(), rng.choice(others), 12)
    for days_ago in (3, 20):
        member = elsewhere.pop()
        transfer(member, rng.choice([b for b in branches if b.pk != member.org_id]), days_ago)
    returned = transfer(at_home.pop(), rng.choice(others), 40)
    actions.return_transfer(returned, actor=admin, reason="经核实，该同志尚未到本单位报到，暂不接收", today=today)
    for days_ago in (90, 150):
        member = elsewhere.pop()
        t = transfer(member, rng.choice([b for b in branches if b.pk != member.org_id]), days_ago)
        actions.accept_transfer(t, actor=admin, date=day(days_ago - 7), today=today)

    # Across systems: a letter just issued, one whose 回执 is late, one completed; two members arrived from outside.
    letters = iter(range(1, 100))

    def letter_out(member: Member, days_ago: int) -> Transfer:
        return actions.issue_external_transfer(
            member, actor=admin, outside_org=rng.choice(OUTSIDE), letter_no=f"机党转〔{day(days_ago).year}〕{next(letters)}号",
            issued_on=day(days_ago), reason=rng.choice(REASONS), today=today)

    letter_out(at_home.pop(), 10)
    letter_out(elsewhere.pop(), 130)
    completed = letter_out(elsewhere.pop(), 200)
    actions.record_receipt(completed, actor=admin, receipt_on=day(170), today=today)
    for i in range(2):
        male = i == 0
        birth = dt.date(1986 + 3 * i, 4 + i, 9 + i)
        joined = dt.date(2012 + i, 6, 20)
        actions.receive_external_transfer(
            actor=admin, outside_org=rng.choice(OUTSIDE), letter_no=f"外转〔{day(30).year}〕{20 + i}号",
            issued_on=day(35 + 10 * i), arrived_on=day(30 + 10 * i), today=today,
            data={"org": home if i == 0 else rng.choice(others), "name": full_name(rng, male, birth.year),
                  "sex": "M" if male else "F", "ethnicity": "汉族", "birth_date": birth,
                  "id_card": idcard.make("650102", birth, 700 + 2 * i + (1 if male else 0)),
                  "phone": f"139{rng.randint(10_000_000, 99_999_999)}", "education": "bachelor",
                  "occupation": "civil_servant", "person_category": "employed", "work_unit": "机关",
                  "post": "一级主任科员", "party_status": PartyStatus.FULL, "joined_on": joined,
                  "confirmed_on": add_years(joined, 1)},
        )

    # 流动党员: three away more than six months at a fixed place (one in the demo branch), one away long but
    # moving about, two away a few weeks, one back.
    spells = [(at_home, 8, True), (elsewhere, 7, True), (elsewhere, 10, True), (elsewhere, 9, False),
              (elsewhere, 1, True), (at_home, 2, True), (elsewhere, 5, True)]
    for i, (source, months, fixed) in enumerate(spells):
        member = source.pop()
        left = add_months(today, -months) - dt.timedelta(days=rng.randint(0, 20))
        place, why, host = PLACES[i % len(PLACES)]
        record = actions.record_floating(member, actor=admin, today=today, data={
            "left_on": left, "place": place, "fixed_place": fixed, "reason": why, "host_org": host,
            "expected_return": add_months(left, 12), "phone": f"138{rng.randint(10_000_000, 99_999_999)}",
            "certificate_no": f"流动证{left.year}{i + 1:03d}" if months < 6 else "",
        })
        if i == len(spells) - 1:
            actions.end_floating(record, actor=admin, returned_on=day(15), note="已返回原单位", today=today)

    # 失联: lost four months ago; lost over six months (two, one in the demo branch): 停止党籍 due; suspended a
    # year ago; suspended over two years ago: 除名 due.
    notes = "多次电话联系未接通，经原单位、户籍地及亲属查找，仍未取得联系"
    for source, months in ((elsewhere, 4), (at_home, 8), (elsewhere, 11)):
        actions.record_lost_contact(source.pop(), actor=admin, last_contact_on=add_months(today, -months),
                                    search_notes=notes, today=today)
    for months_lost, suspended_ago in ((20, 365), (40, 760)):
        case = actions.record_lost_contact(elsewhere.pop(), actor=admin, last_contact_on=add_months(today, -months_lost),
                                           search_notes=notes, today=today)
        actions.suspend_lost_member(case, actor=admin, date=day(suspended_ago), today=today,
                                    doc_no=f"机党〔{day(suspended_ago).year}〕{rng.randint(10, 60)}号")

    pending = Transfer.objects.filter(status=TransferStatus.PENDING).count()
    return (f"组织关系转接 {Transfer.objects.count()} 件（未办结 {pending} 件，含待回执的转出系统外介绍信），"
            f"流动党员 {FloatingMember.objects.count()} 名，失联党员 {LostContact.objects.count()} 名（含停止党籍、待除名）。")

