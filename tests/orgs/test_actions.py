"""The 党组织 tree: placement rules, moves, merges, dissolution, history and subtree counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from dangjian.core.models import AuditEvent
from dangjian.members.models import Member, MemberEvent
from dangjian.orgs import actions
from dangjian.orgs.models import Organization, OrgEvent, OrgEventKind, OrgKind, OrgStatus
from dangjian.orgs.stats import subtree_counts

D = dt.date(2025, 6, 30)


def test_it_refuses_a_group_outside_a_branch(world):
    with pytest.raises(ValidationError) as exc:
        actions.create_org(actor=world.admin, parent=world.general, name="小组", kind=OrgKind.GROUP)
    assert "党小组不能设在党总支之下" in str(exc.value)


def test_it_refuses_a_branch_under_a_branch(world):
    with pytest.raises(ValidationError) as exc:
        actions.create_org(actor=world.admin, parent=world.a1, name="子支部", kind=OrgKind.BRANCH)
    assert "党支部不能设在党支部之下" in str(exc.value)


def test_it_refuses_a_duplicate_sibling_name(world):
    with pytest.raises(ValidationError) as exc:
        actions.create_org(actor=world.admin, parent=world.general, name="第一党支部", kind=OrgKind.BRANCH)
    assert "同名" in str(exc.value)
    # The same name under another parent is fine.
    actions.create_org(actor=world.admin, parent=world.root, name="第一党支部", kind=OrgKind.BRANCH)


def test_it_records_creation_in_history_and_audit(world):
    org = actions.create_org(actor=world.admin, parent=world.root, name="第四党支部", kind=OrgKind.BRANCH, doc_no="党发〔2025〕1号")
    assert org.events.get().kind == OrgEventKind.CREATED
    assert AuditEvent.objects.filter(action="orgs.create", object_id=str(org.pk), actor=world.admin).exists()


def test_secretary_may_add_a_group_but_not_a_branch(world):
    group = actions.create_org(actor=world.secretary, parent=world.a1, name="第二党小组", kind=OrgKind.GROUP)
    assert group.parent == world.a1
    with pytest.raises(Http404):
        actions.create_org(actor=world.secretary, parent=world.general, name="新支部", kind=OrgKind.BRANCH)


def test_outsider_cannot_touch_another_subtree(world):
    with pytest.raises(Http404):
        actions.rename_org(world.a1, actor=world.outsider, name="改名", date=D)
    assert AuditEvent.objects.filter(action="auth.denied", actor=world.outsider).exists()


def test_it_renames_and_keeps_history(world):
    actions.rename_org(world.a1, actor=world.admin, name="综合党支部", date=D, doc_no="文1")
    world.a1.refresh_from_db()
    assert world.a1.name == "综合党支部"
    event = world.a1.events.filter(kind=OrgEventKind.RENAMED).get()
    assert event.data == {"from": "第一党支部", "to": "综合党支部"}


def test_it_moves_a_subtree_with_its_members(world):
    old_path = world.a1.path
    actions.move_org(world.a1, actor=world.admin, new_parent=world.root, date=D)
    a1 = Organization.objects.get(pk=world.a1.pk)
    group = Organization.objects.get(pk=world.a1_group.pk)
    assert a1.parent == world.root and a1.depth == 2 and a1.path != old_path
    assert group.path.startswith(a1.path) and group.depth == 3
    assert Member.objects.get(pk=world.member.pk).org == a1
    counts = subtree_counts([Organization.objects.get(pk=world.general.pk), a1])
    assert counts[a1.pk] == {"branches": 1, "members": 1}
    assert counts[world.general.pk] == {"branches": 1, "members": 1}
    assert a1.events.filter(kind=OrgEventKind.MOVED).exists()


def test_it_refuses_a_move_into_its_own_subtree(world):
    with pytest.raises(ValidationError):
        actions.move_org(world.general, actor=world.admin, new_parent=world.a1, date=D)


def test_it_merges_a_branch_into_another(world):
    extra = world.make_member(world.a1, name="孙合并", birth_date=dt.date(1990, 1, 1))
    target = actions.merge_org(world.a1, actor=world.admin, target=world.a2, date=D, doc_no="并1")
    source = Organization.objects.get(pk=world.a1.pk)
    assert source.status == OrgStatus.DISSOLVED and source.dissolved_on == D
    assert set(Member.objects.filter(org=target).values_list("name", flat=True)) == {"李党员", "孙合并", "赵二支"}
    assert Organization.objects.get(pk=world.a1_group.pk).parent == target
    assert MemberEvent.objects.filter(member=extra, kind="transfer", from_org=source, to_org=target).exists()
    assert OrgEvent.objects.filter(org=source, kind=OrgEventKind.MERGED_IN).exists()
    assert OrgEvent.objects.filter(org=target, kind=OrgEventKind.ABSORBED).exists()
    assert subtree_counts([Organization.objects.get(pk=world.general.pk)])[world.general.pk] == {"branches": 1, "members": 3}


def test_it_refuses_to_merge_different_kinds(world):
    with pytest.raises(ValidationError):
        actions.merge_org(world.a1, actor=world.admin, target=world.general, date=D)


def test_it_dissolves_only_an_empty_org(world):
    with pytest.raises(ValidationError) as exc:
        actions.dissolve_org(world.b, actor=world.admin, date=D, doc_no="撤1")
    assert "在册党员" in str(exc.value)
    empty = actions.create_org(actor=world.admin, parent=world.root, name="空支部", kind=OrgKind.BRANCH)
    with pytest.raises(ValidationError):
        actions.dissolve_org(empty, actor=world.admin, date=D, doc_no="")
    actions.dissolve_org(empty, actor=world.admin, date=D, doc_no="撤1")
    empty.refresh_from_db()
    assert empty.status == OrgStatus.DISSOLVED and Organization.objects.filter(pk=empty.pk).exists()
    # Its name is free again among active siblings.
    actions.create_org(actor=world.admin, parent=world.root, name="空支部", kind=OrgKind.BRANCH)


def test_a_party_group_with_members_on_its_roll_is_not_dissolved(world):
    with pytest.raises(ValidationError) as exc:
        actions.dissolve_org(world.a1_group, actor=world.admin, date=D, doc_no="撤2")
    assert "在册党员" in str(exc.value)


def test_temporary_and_joint_orgs_need_their_details(world):
    with pytest.raises(ValidationError) as exc:
        actions.create_org(actor=world.admin, parent=world.root, name="临时支部", kind=OrgKind.BRANCH, is_temporary=True)
    assert "temporary_task" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.create_org(actor=world.admin, parent=world.root, name="联合支部", kind=OrgKind.BRANCH, is_joint=True,
                           joint_units="甲单位")
    assert "joint_units" in exc.value.message_dict
    org = actions.create_org(actor=world.admin, parent=world.root, name="联合支部", kind=OrgKind.BRANCH, is_joint=True,
                             joint_units="甲单位\n乙单位")
    assert org.joint_unit_list == ["甲单位", "乙单位"]
