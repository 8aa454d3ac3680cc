"""`dangjian demo`: the demo data obeys the registry's own rules, the demo logins work, and runs repeat exactly."""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.accounts.roles import Role
from dangjian.demo.loader import DEMO_PASSWORD, DEMO_USERNAMES
from dangjian.lib import idcard, pinyin
from dangjian.lib.dates import add_years, whole_years
from dangjian.members import counters, pii
from dangjian.members.choices import ON_ROLL_STATES, MemberEventKind, MemberState, PartyStatus
from dangjian.members.demo import IdAllocator, branch_members
from dangjian.members.models import Member, MemberEvent
from dangjian.members.validation import check_member_data
from dangjian.orgs.demo import PROVINCE_THRESHOLD, build_plan
from dangjian.orgs.models import ALLOWED_PARENTS, Organization, OrgEvent, OrgKind

TODAY = dt.date(2026, 6, 15)
SEED = 1921


def run_demo(*extra: str) -> str:
    out = StringIO()
    call_command(
        "demo", "--orgs", "40", "--members", "300", "--today", TODAY.isoformat(), *extra, stdout=out, stderr=StringIO()
    )
    return out.getvalue()


@pytest.fixture
def demo(db: None) -> str:
    return run_demo()


def registry_members() -> list[Member]:
    """The members the registry loader generated: not admitted through 发展党员 and not transferred in from
    outside by the lifecycle demos that run after it."""
    transferred_in = MemberEvent.objects.filter(kind=MemberEventKind.TRANSFER_IN).values("member_id")
    return list(
        Member.objects.filter(applicant__isnull=True).exclude(pk__in=transferred_in).select_related("org", "group")
    )


def test_tree_is_consistent_and_obeys_placement_rules(demo: str) -> None:
    assert Organization.objects.count() == 40
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    by_path = {o.path: o for o in Organization.objects.all()}
    for org in by_path.values():
        parent = by_path.get(org.path[:-Organization.steplen]) if org.depth > 1 else None
        assert org.parent_id == (parent.pk if parent else None), org.name
        assert (parent.kind if parent else None) in ALLOWED_PARENTS[org.kind], org.name
        assert org.numchild == sum(1 for o in by_path.values() if o.parent_id == org.pk)
    names = [(o.parent_id, o.name) for o in by_path.values()]
    assert len(names) == len(set(names)), "sibling names must be unique"
    assert OrgEvent.objects.filter(kind="created").count() == 40
    assert counters.mismatches() == [], "subtree totals as orgs.counters keeps them"
    kinds = {o.kind for o in by_path.values()}
    assert kinds == {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.GROUP}
    temporary = Organization.objects.get(is_temporary=True)
    assert temporary.temporary_task and temporary.temporary_start <= TODAY < temporary.temporary_end
    joint = Organization.objects.get(is_joint=True)
    assert joint.kind == OrgKind.BRANCH and len(joint.joint_unit_list) >= 2
    assert Organization.objects.get(depth=1).name == "国家示范部机关党委"


def test_members_sit_in_branches_with_consistent_personal_data(demo: str) -> None:
    members = list(Member.objects.select_related("org", "group"))
    registry = {m.pk for m in registry_members()}
    assert len(registry) == 300 and len(members) > 300  # the lifecycle demos admit and receive some more
    for m in members:
        assert m.org.kind == OrgKind.BRANCH and not m.org.is_temporary
        if m.group is not None:
            assert m.group.kind == OrgKind.GROUP and m.group.parent_id == m.org_id
        number = pii.read_id_card(m)
        card = idcard.parse(number)
        assert (card.birth_date, card.sex) == (m.birth_date, m.sex)
        assert m.id_card_index == pii.id_card_index(number)
        assert m.id_card_masked == number[:4] + "*" * 10 + number[-4:]
        assert whole_years(m.birth_date, m.joined_on) >= 18
        assert m.joined_on <= TODAY
        assert (m.name_pinyin, m.name_initials) == (pinyin.full(m.name), pinyin.initials(m.name))
        if m.party_status == PartyStatus.FULL:
            assert m.confirmed_on is not None and m.confirmed_on <= TODAY
            if m.pk in registry:
                assert m.confirmed_on == add_years(m.joined_on, 1)
        else:
            assert m.confirmed_on is None
            if m.pk in registry:  # 发展党员 has overdue 转正 and an extended probation on purpose
                assert add_years(m.joined_on, 1) > TODAY
        data = {f: getattr(m, f) for f in (
            "name", "sex", "ethnicity", "birth_date", "education", "occupation", "person_category", "party_status",
            "joined_on", "confirmed_on")}
        checked = check_member_data({**data, "id_card": number, "phone": pii.read_phone(m)}, today=TODAY)
        assert checked.errors == {}, (m.name, checked.errors)
    on_roll_numbers = [m.id_card_index for m in members if m.state in ON_ROLL_STATES]
    assert len(on_roll_numbers) == len(set(on_roll_numbers))
    assert Member.objects.values("org").distinct().count() > 20


def test_mix_fits_an_organ(demo: str) -> None:
    members = list(Member.objects.all())
    males = sum(m.sex == "M" for m in members)
    assert 0.45 < males / len(members) < 0.7
    assert sum(m.ethnicity == "汉族" for m in members) > 0.8 * len(members)
    retired = [m for m in members if m.person_category == "retired"]
    assert retired and all(whole_years(m.birth_date, TODAY) >= 55 for m in retired)
    assert all(m.org.unit_category == "retired" for m in Member.objects.filter(person_category="retired"))
    probationary = [m for m in members if m.party_status == PartyStatus.PROBATIONARY]
    assert probationary, "some 预备党员"
    assert any(0 < (add_years(m.joined_on, 1) - TODAY).days <= 30 for m in probationary), "some due within 30 days"
    assert {m.state for m in members} - {MemberState.ACTIVE}, "some members left the roll"


def test_events_record_joining_confirmation_and_leaving(demo: str) -> None:
    for m in registry_members():
        kinds = list(m.events.order_by("date", "id").values_list("kind", flat=True))
        assert kinds[0] == MemberEventKind.JOINED
        assert (MemberEventKind.CONFIRMED in kinds) == (m.party_status == PartyStatus.FULL)
        if m.state != MemberState.ACTIVE:
            expected = {
                MemberState.SUSPENDED: MemberEventKind.SUSPENDED, MemberState.TRANSFERRED_OUT: MemberEventKind.TRANSFER_OUT,
                MemberState.LEFT: MemberEventKind.LEFT, MemberState.DECEASED: MemberEventKind.DECEASED,
            }[MemberState(m.state)]
            assert kinds[-1] == expected
    left = MemberEvent.objects.filter(kind=MemberEventKind.LEFT)
    assert all(e.leave_reason and e.reason for e in left)
    # One creation row in the history per member, whoever created it.
    assert Member.history.filter(history_type="+").count() == Member.objects.count()  # type: ignore[attr-defined]


def test_demo_users_have_their_roles_and_log_in(demo: str, client) -> None:  # type: ignore[no-untyped-def]
    assert DEMO_PASSWORD in demo and "http://127.0.0.1:8000/accounts/login/" in demo
    roles = {u: set(User.objects.get(username=u).role_assignments.values_list("role", "org__name"))
             for u in DEMO_USERNAMES}
    assert roles["admin"] == {(Role.ORG_ADMIN, "国家示范部机关党委")}
    assert {r for r, _o in roles["viewer"]} == {Role.VIEWER}
    assert roles["sysadmin"] == {(Role.SYSADMIN, None)}
    assert roles["secadmin"] == {(Role.SECADMIN, None)}
    assert roles["auditor"] == {(Role.AUDITOR, None)}
    secretary = User.objects.get(username="secretary")
    assert secretary.member is not None and secretary.member.party_post == "书记"
    branch = secretary.member.org
    assert roles["secretary"] == {(Role.SECRETARY, branch.name)}
    assert roles["organizer"] == {(Role.ORGANIZER, branch.name)}
    assert roles["member"] == {(Role.MEMBER, branch.name)}
    plain = User.objects.get(username="member")
    assert plain.member is not None and plain.member.org_id == branch.pk and plain.member.state == MemberState.ACTIVE
    viewer_org = User.objects.get(username="viewer").role_assignments.get().org
    assert viewer_org is not None and branch.path.startswith(viewer_org.path)
    for username in DEMO_USERNAMES:
        assert not User.objects.get(username=username).must_change_password
        response = client.post(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.session.get("_auth_user_id") == str(User.objects.get(username=username).pk)
        client.logout()


def test_demo_password_passes_the_policy() -> None:
    from django.contrib.auth.password_validation import validate_password

    for username in DEMO_USERNAMES:
        validate_password(DEMO_PASSWORD, User(username=username))


def test_refuses_a_database_that_already_has_orgs(demo: str) -> None:
    with pytest.raises(CommandError, match="已有党组织"):
        run_demo()


def test_rejects_too_few_orgs(db: None) -> None:
    with pytest.raises(CommandError, match="至少"):
        call_command("demo", "--orgs", "5", stdout=StringIO(), stderr=StringIO())


def test_progress_on_request(db: None) -> None:
    err = StringIO()
    call_command("demo", "--orgs", "20", "--members", "60", "--today", TODAY.isoformat(), "--progress",
                 stdout=StringIO(), stderr=err)
    assert "党员 60/60 (100%)" in err.getvalue()
    assert "党组织 20/20 (100%)" in err.getvalue()


def _generated_names(seed: int, count: int) -> list[str]:
    """The first `count` names the loader would write, straight from the generators."""
    plan = build_plan(seed=seed, today=TODAY, orgs=40, members=300)
    ids = IdAllocator(TODAY)
    names: list[str] = []
    for index, branch in enumerate(plan.branches()):
        if branch.members:
            groups = sum(1 for c in branch.children if c.kind == OrgKind.GROUP)
            people = branch_members(random.Random(seed * 1_000_003 + index), branch, TODAY, ids, groups)
            names += [p.name for p in people]
        if len(names) >= count:
            break
    return names[:count]


def test_generators_are_deterministic() -> None:
    assert _generated_names(SEED, 50) == _generated_names(SEED, 50)
    assert _generated_names(SEED, 50) != _generated_names(SEED + 1, 50)


def test_database_holds_what_the_generators_make(demo: str) -> None:
    """Same seed and date, same data: the loaded names are exactly the generators' output."""
    assert list(Member.objects.order_by("pk").values_list("name", flat=True)[:50]) == _generated_names(SEED, 50)


def test_benchmark_shape_has_31_provincial_subtrees() -> None:
    plan = build_plan(seed=SEED, today=TODAY, orgs=3000, members=60_000)
    assert PROVINCE_THRESHOLD <= plan.org_count == 3000 and plan.member_count == 60_000
    root = plan.roots[0]
    provinces = [c for c in root.children if c.province is not None]
    assert len(provinces) == 31
    sizes = [sum(1 for _ in _walk(p)) for p in provinces]
    assert max(sizes) - min(sizes) <= 1
    for node in plan.walk():
        if node.kind == OrgKind.GROUP:
            assert node.parent is not None and node.parent.kind == OrgKind.BRANCH
        if node.members:
            assert node.kind == OrgKind.BRANCH
    assert max(n.depth for n in plan.walk()) == 5


def _walk(node):  # type: ignore[no-untyped-def]
    yield node
    for c in node.children:
        yield from _walk(c)
