"""Every refusal of the 党组织 actions names its field, leaves nothing half-written, and edits are recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from dangjian.core.models import AuditEvent
from dangjian.orgs import actions
from dangjian.orgs.models import Organization, OrgEvent, OrgEventKind, OrgKind

D = dt.date(2025, 6, 30)


def _field_error(exc: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    return " ".join(exc.value.message_dict[field])


def test_only_a_system_administrator_creates_a_top_level_org(world):
    with pytest.raises(ValidationError) as exc:
        actions.create_org(actor=world.admin, parent=None, name="另一个党委", kind=OrgKind.COMMITTEE)
    assert _field_error(exc, "parent") == "请选择上级党组织"
    top = actions.create_org(actor=world.sysadmin, parent=None, name="另一个党委", kind=OrgKind.COMMITTEE)
    assert top.is_root() and top.depth == 1


def test_a_group_without_a_parent_is_refused_by_its_placement(world):
    with pytest.raises(ValidationError) as exc:
        actions.create_org(actor=world.sysadmin, parent=None, name="孤立小组", kind=OrgKind.GROUP)
    assert _field_error(exc, "parent") == "党小组必须有上级党组织"


def test_nothing_is_set_up_under_a_dissolved_org_or_with_a_blank_name(world):
    empty = actions.create_org(actor=world.admin, parent=world.root, name="空支部", kind=OrgKind.BRANCH)
    actions.dissolve_org(empty, actor=world.admin, date=D, doc_no="撤1")
    with pytest.raises(ValidationError) as exc:
        actions.create_org(actor=world.admin, parent=empty, name="新小组", kind=OrgKind.GROUP)
    assert _field_error(exc, "parent") == "上级党组织已撤销"
    with pytest.raises(ValidationError) as exc:
        actions.create_org(actor=world.admin, parent=world.root, name="  ", kind=OrgKind.BRANCH)
    assert _field_error(exc, "name") == "请填写名称"


def test_unknown_fields_are_named_and_nothing_is_created(world):
    before = Organization.objects.count()
    with pytest.raises(ValidationError) as exc:
        actions.create_org(actor=world.admin, parent=world.root, name="新支部", kind=OrgKind.BRANCH, colour="红")
    assert _field_error(exc, "colour") == "未知字段"
    with pytest.raises(ValidationError) as exc:
        actions.update_org(world.b, actor=world.admin, colour="红")
    assert _field_error(exc, "colour") == "未知字段"
    assert Organization.objects.count() == before


def test_a_temporary_org_needs_a_start_and_cannot_end_before_it(world):
    with pytest.raises(ValidationError) as exc:
        actions.create_org(actor=world.admin, parent=world.root, name="临时支部", kind=OrgKind.BRANCH,
                           is_temporary=True, temporary_task="专项工作")
    assert set(exc.value.message_dict) == {"temporary_start"}
    with pytest.raises(ValidationError) as exc:
        actions.create_org(actor=world.admin, parent=world.root, name="临时支部", kind=OrgKind.BRANCH,
                           is_temporary=True, temporary_task="专项工作", temporary_start=D,
                           temporary_end=D - dt.timedelta(days=1))
    assert _field_error(exc, "temporary_end") == "结束日期不能早于开始日期"
    same_day = actions.create_org(actor=world.admin, parent=world.root, name="临时支部", kind=OrgKind.BRANCH,
                                  is_temporary=True, temporary_task="专项工作", temporary_start=D, temporary_end=D)
    assert same_day.temporary_end == D


def test_only_a_branch_may_be_joint(world):
    with pytest.raises(ValidationError) as exc:
        actions.create_org(actor=world.admin, parent=world.root, name="联合总支", kind=OrgKind.GENERAL_BRANCH,
                           is_joint=True, joint_units="甲单位\n乙单位")
    assert _field_error(exc, "is_joint") == "只有党支部可以是联合党支部"


def test_an_org_founded_today_is_accepted_and_tomorrow_is_refused(world):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        actions.update_org(world.b, actor=world.admin, founded_on=today + dt.timedelta(days=1))
    assert _field_error(exc, "founded_on") == "成立日期不能晚于今天"
    assert actions.update_org(world.b, actor=world.admin, founded_on=today).founded_on == today


def test_an_edit_is_recorded_once_and_an_edit_that_changes_nothing_is_not(world):
    actions.update_org(world.b, actor=world.admin, short_name="三支")
    actions.update_org(world.b, actor=world.admin, short_name="三支")
    assert OrgEvent.objects.filter(org=world.b, kind=OrgEventKind.UPDATED).count() == 1
    assert AuditEvent.objects.filter(action="orgs.update", object_id=str(world.b.pk)).count() == 1


def test_a_dissolved_org_is_neither_renamed_nor_moved_nor_dissolved_again(world):
    empty = actions.create_org(actor=world.admin, parent=world.general, name="空支部", kind=OrgKind.BRANCH)
    actions.dissolve_org(empty, actor=world.admin, date=D, doc_no="撤1")
    with pytest.raises(ValidationError) as exc:
        actions.rename_org(empty, actor=world.admin, name="新名", date=D)
    assert _field_error(exc, "name") == "已撤销的党组织不能更名"
    with pytest.raises(ValidationError) as exc:
        actions.move_org(empty, actor=world.admin, new_parent=world.root, date=D)
    assert _field_error(exc, "new_parent") == "已撤销的党组织不能调整隶属关系"
    with pytest.raises(ValidationError) as exc:
        actions.dissolve_org(empty, actor=world.admin, date=D, doc_no="撤2")
    assert _field_error(exc, NON_FIELD_ERRORS) == "该党组织已撤销"


def test_a_move_to_its_present_parent_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        actions.move_org(world.a1, actor=world.admin, new_parent=world.general, date=D)
    assert _field_error(exc, "new_parent") == "该党组织已在所选上级之下"


def test_a_merge_is_refused_with_itself_with_a_dissolved_org_and_into_its_own_subtree(world):
    with pytest.raises(ValidationError) as exc:
        actions.merge_org(world.a1, actor=world.admin, target=world.a1, date=D)
    assert _field_error(exc, "target") == "不能与自身合并"
    empty = actions.create_org(actor=world.admin, parent=world.root, name="空支部", kind=OrgKind.BRANCH)
    actions.dissolve_org(empty, actor=world.admin, date=D, doc_no="撤1")
    with pytest.raises(ValidationError) as exc:
        actions.merge_org(world.a1, actor=world.admin, target=empty, date=D)
    assert _field_error(exc, "target") == "已撤销的党组织不能合并"
    outer = actions.create_org(actor=world.admin, parent=world.root, name="二级党委", kind=OrgKind.COMMITTEE)
    inner = actions.create_org(actor=world.admin, parent=outer, name="三级党委", kind=OrgKind.COMMITTEE)
    with pytest.raises(ValidationError) as exc:
        actions.merge_org(outer, actor=world.admin, target=inner, date=D)
    assert _field_error(exc, "target") == "不能并入本组织的下级组织"


def test_a_merge_that_would_make_two_children_share_a_name_is_refused_and_nothing_moves(world):
    other = actions.create_org(actor=world.admin, parent=world.root, name="第二党总支", kind=OrgKind.GENERAL_BRANCH)
    actions.create_org(actor=world.admin, parent=other, name="第一党支部", kind=OrgKind.BRANCH)
    with pytest.raises(ValidationError) as exc:
        actions.merge_org(world.general, actor=world.admin, target=other, date=D)
    assert "第一党支部" in _field_error(exc, "target")
    world.a1.refresh_from_db()
    assert world.a1.parent_id == world.general.pk
    assert Organization.objects.get(pk=world.general.pk).is_active


def test_an_org_with_active_children_is_not_dissolved_nor_before_it_was_founded(world):
    with pytest.raises(ValidationError) as exc:
        actions.dissolve_org(world.general, actor=world.admin, date=D, doc_no="撤1")
    assert "下级组织" in _field_error(exc, NON_FIELD_ERRORS)
    founded = dt.date(2020, 5, 1)
    empty = actions.create_org(actor=world.admin, parent=world.root, name="空支部", kind=OrgKind.BRANCH,
                               founded_on=founded)
    with pytest.raises(ValidationError) as exc:
        actions.dissolve_org(empty, actor=world.admin, date=founded - dt.timedelta(days=1), doc_no="撤1")
    assert _field_error(exc, "date") == "撤销日期不能早于成立日期"
    assert actions.dissolve_org(empty, actor=world.admin, date=founded, doc_no="撤1").dissolved_on == founded
