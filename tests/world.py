"""The fixed test world: a small org tree and named personas (tests/conftest.py builds it for each test).

    机关党委 (root)                       admin: 党务管理员 here — sees and manages everything
    ├── 第一党总支                         viewer: 上级查看 here — reads A1 and A2, changes nothing
    │   ├── 第一党支部 (A1)                secretary: 支部书记 here — manages only A1
    │   │   └── 第一党小组                 member: 党员 in A1 — sees own record and A1's public page
    │   └── 第二党支部 (A2)
    └── 第三党支部 (B)                     outsider: 支部书记 of B — must never see anything under 第一党总支
    sysadmin / secadmin / auditor: the 三员 — no business data at all
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from dangjian.accounts.actions import bootstrap_user, grant_role
from dangjian.accounts.models import User
from dangjian.accounts.roles import Role
from dangjian.lib import idcard
from dangjian.members.actions import create_member
from dangjian.members.models import Member
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import Organization, OrgKind

PASSWORD = "Ceshi#Kouling2026"
_sequence = itertools.count(1)


def make_id_card(birth: dt.date = dt.date(1985, 3, 12), male: bool = True) -> str:
    n = next(_sequence) % 500
    seq = n * 2 + (1 if male else 0)
    return idcard.make("110101", birth, seq % 1000)


def member_data(org: Organization, **overrides: Any) -> dict[str, Any]:
    birth = overrides.pop("birth_date", dt.date(1985, 3, 12))
    sex = overrides.pop("sex", "M")
    data: dict[str, Any] = {
        "org": org,
        "name": "张三",
        "sex": sex,
        "ethnicity": "汉族",
        "birth_date": birth,
        "id_card": make_id_card(birth, male=sex == "M"),
        "phone": "13812345678",
        "education": "bachelor",
        "occupation": "civil_servant",
        "work_unit": "办公厅",
        "post": "科员",
        "person_category": "employed",
        "party_status": "full",
        "joined_on": dt.date(2010, 7, 1),
        "confirmed_on": dt.date(2011, 7, 1),
    }
    data.update(overrides)
    return data


@dataclass
class World:
    root: Organization
    general: Organization
    a1: Organization
    a1_group: Organization
    a2: Organization
    b: Organization
    admin: User
    viewer: User
    secretary: User
    member_user: User
    outsider: User
    nobody: User
    sysadmin: User
    secadmin: User
    auditor: User
    member: Member
    a2_member: Member
    b_member: Member

    def make_member(self, org: Organization, **overrides: Any) -> Member:
        return create_member(actor=self.admin, data=member_data(org, **overrides))


def _user(username: str, name: str, member: Member | None = None) -> User:
    return bootstrap_user(
        username=username, password=PASSWORD, display_name=name, member=member, must_change_password=False
    )


def build_world() -> World:
    sysadmin = _user("sysadmin", "系统管理员")
    grant_role(sysadmin, actor=None, role=Role.SYSADMIN, org=None, bootstrap=True)
    root = create_org(actor=sysadmin, parent=None, name="机关党委", kind=OrgKind.COMMITTEE, founded_on=dt.date(2000, 1, 1))
    admin = _user("admin", "王管理")
    grant_role(admin, actor=None, role=Role.ORG_ADMIN, org=root, bootstrap=True)
    general = create_org(actor=admin, parent=root, name="第一党总支", kind=OrgKind.GENERAL_BRANCH)
    a1 = create_org(actor=admin, parent=general, name="第一党支部", kind=OrgKind.BRANCH)
    a1_group = create_org(actor=admin, parent=a1, name="第一党小组", kind=OrgKind.GROUP)
    a2 = create_org(actor=admin, parent=general, name="第二党支部", kind=OrgKind.BRANCH)
    b = create_org(actor=admin, parent=root, name="第三党支部", kind=OrgKind.BRANCH)
    member = create_member(actor=admin, data=member_data(a1, name="李党员", group=a1_group))
    a2_member = create_member(actor=admin, data=member_data(a2, name="赵二支"))
    b_member = create_member(actor=admin, data=member_data(b, name="钱三支"))
    viewer = _user("viewer", "孙查看")
    grant_role(viewer, actor=None, role=Role.VIEWER, org=general, bootstrap=True)
    secretary = _user("secretary", "周书记")
    grant_role(secretary, actor=None, role=Role.SECRETARY, org=a1, bootstrap=True)
    member_user = _user("member", "李党员", member=member)
    grant_role(member_user, actor=None, role=Role.MEMBER, org=a1, bootstrap=True)
    outsider = _user("outsider", "吴外支")
    grant_role(outsider, actor=None, role=Role.SECRETARY, org=b, bootstrap=True)
    nobody = _user("nobody", "郑无权")
    secadmin = _user("secadmin", "安全管理员")
    grant_role(secadmin, actor=None, role=Role.SECADMIN, org=None, bootstrap=True)
    auditor = _user("auditor", "审计管理员")
    grant_role(auditor, actor=None, role=Role.AUDITOR, org=None, bootstrap=True)
    return World(
        root=root, general=general, a1=a1, a1_group=a1_group, a2=a2, b=b, admin=admin, viewer=viewer,
        secretary=secretary, member_user=member_user, outsider=outsider, nobody=nobody, sysadmin=sysadmin,
        secadmin=secadmin, auditor=auditor, member=member, a2_member=a2_member, b_member=b_member,
    )
