"""State changes of the 党组织 tree. Each is transactional, checks scope, records history and audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.scoping import require, scope_for
from dangjian.core.validation import too_long
from dangjian.lib.text import hidden_characters_message
from dangjian.orgs import counters, hooks
from dangjian.orgs.models import ALLOWED_PARENTS, Organization, OrgEvent, OrgEventKind, OrgKind, OrgStatus

# Fields of an org that a plain edit may change (tree position, status and kind have their own actions).
# The longest list of units a 联合党支部 covers, in characters (SEC-14: every text field has a limit).
JOINT_UNITS_LIMIT = 2000

EDITABLE_FIELDS = (
    "short_name", "code", "unit_category", "sort_order", "founded_on", "is_temporary", "temporary_task",
    "temporary_start", "temporary_end", "is_joint", "joint_units",
)


def _require(org: Organization | None, user: Any, action: str = "structure") -> None:
    """Refuse (as not found, audited by records_denials) an org outside the user's scope for this action."""
    if org is not None:
        require(user, org.path, action, org)


def check_placement(kind: str, parent: Organization | None) -> None:
    """A 党小组 sits under a 党支部; a 党支部 holds no other branches; dissolved orgs take no children."""
    parent_kind = parent.kind if parent is not None else None
    if parent_kind not in ALLOWED_PARENTS[kind]:
        label = OrgKind(kind).label
        if parent is None:
            raise ValidationError({"parent": f"{label}必须有上级党组织"})
        raise ValidationError({"parent": f"{label}不能设在{OrgKind(parent.kind).label}之下"})
    if parent is not None and not parent.is_active:
        raise ValidationError({"parent": "上级党组织已撤销"})


def check_sibling_name(name: str, parent: Organization | None, exclude_pk: int | None = None) -> None:
    if not name.strip():
        raise ValidationError({"name": "请填写名称"})
    hidden = hidden_characters_message(name, "名称")
    if hidden:
        raise ValidationError({"name": hidden})
    siblings = Organization.objects.filter(parent=parent, status=OrgStatus.ACTIVE, name=name.strip())
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if siblings.exists():
        raise ValidationError({"name": "同一上级党组织下已有同名的党组织"})


def _check_temporary_and_joint(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if data.get("is_temporary"):
        if not (data.get("temporary_task") or "").strip():
            errors["temporary_task"] = "临时党组织须填写承担的任务"
        if not data.get("temporary_start"):
            errors["temporary_start"] = "临时党组织须填写开始日期"
        start, end = data.get("temporary_start"), data.get("temporary_end")
        if start and end and end < start:
            errors["temporary_end"] = "结束日期不能早于开始日期"
    joint_units = data.get("joint_units") or ""
    if len(joint_units) > JOINT_UNITS_LIMIT:
        errors["joint_units"] = too_long("联合单位", JOINT_UNITS_LIMIT, len(joint_units))
    elif data.get("is_joint"):
        units = [u for u in joint_units.splitlines() if u.strip()]
        if len(units) < 2:
            errors["joint_units"] = "联合党支部须填写所覆盖的单位（至少2个，每行一个）"
        if data.get("kind", OrgKind.BRANCH) != OrgKind.BRANCH:
            errors["is_joint"] = "只有党支部可以是联合党支部"
    founded = data.get("founded_on")
    if founded and founded > timezone.localdate():
        errors["founded_on"] = "成立日期不能晚于今天"
    if errors:
        raise ValidationError(errors)


def _snapshot(org: Organization) -> dict[str, Any]:
    return {f: (v.isoformat() if isinstance(v := getattr(org, f), dt.date) else v) for f in ("name", *EDITABLE_FIELDS)}


@audit.records_denials
@transaction.atomic
def create_org(
    *, actor: Any, parent: Organization | None, name: str, kind: str, doc_no: str = "", **fields: Any
) -> Organization:
    """Set up a 党组织 under `parent` (党小组 may be set up by the branch's secretary or organizer)."""
    if parent is None:
        if not scope_for(actor).system_roles & {"sysadmin"}:
            raise ValidationError({"parent": "请选择上级党组织"})
    else:
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
        _require(parent, actor, "change" if kind == OrgKind.GROUP else "structure")
    check_placement(kind, parent)
    check_sibling_name(name, parent)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: "未知字段" for f in unknown})
    _check_temporary_and_joint({**fields, "kind": kind})
    org = Organization(name=name.strip(), kind=kind, parent=parent, **fields)
    if parent is None:
        org = Organization.objects.add_root(instance=org)
    else:
        org = Organization.objects.add_child(parent, instance=org)
    if kind == OrgKind.BRANCH:
        counters.shift(org.path, branches=1)
    OrgEvent.objects.create(
        org=org, kind=OrgEventKind.CREATED, date=org.founded_on or timezone.localdate(), doc_no=doc_no,
        actor=actor if actor and actor.is_authenticated else None, data={"parent": parent.name if parent else ""},
    )
    audit.record("orgs.create", actor=actor, obj=org, org=org, changes=_snapshot(org))
    return org


@audit.records_denials
@transaction.atomic
def update_org(org: Organization, *, actor: Any, **fields: Any) -> Organization:
    """Edit an org's descriptive fields; its name, place and status have their own actions."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    _require(org, actor, "change")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: "未知字段" for f in unknown})
    before = _snapshot(org)
    _check_temporary_and_joint({**_snapshot_raw(org), **fields, "kind": org.kind})
    for key, value in fields.items():
        setattr(org, key, value)
    org.save()
    changes = audit.diff(before, _snapshot(org))
    if changes:
        OrgEvent.objects.create(
            org=org, kind=OrgEventKind.UPDATED, date=timezone.localdate(), actor=actor, data={"changes": changes}
        )
        audit.record("orgs.update", actor=actor, obj=org, org=org, changes=changes)
    return org


def _move_subtree(org: Organization, new_parent: Organization) -> None:
    """Move `org` and its subtree under `new_parent`, carrying its totals from the old ancestors to the new."""
    org = Organization.objects.get(pk=org.pk)
    members, branches = org.subtree_members, org.subtree_branches
    old_parent_path = org.path[: -Organization.steplen]
    if old_parent_path:
        counters.shift(old_parent_path, members=-members, branches=-branches)
    Organization.objects.move(org, Organization.objects.get(pk=new_parent.pk), "last-child")
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    counters.shift(Organization.objects.get(pk=new_parent.pk).path, members=members, branches=branches)


def _snapshot_raw(org: Organization) -> dict[str, Any]:
    return {f: getattr(org, f) for f in EDITABLE_FIELDS}


@audit.records_denials
@transaction.atomic
def rename_org(org: Organization, *, actor: Any, name: str, date: dt.date, doc_no: str = "") -> Organization:
    org = Organization.objects.select_for_update().get(pk=org.pk)
    _require(org, actor)
    if not org.is_active:
        raise ValidationError({"name": "已撤销的党组织不能更名"})
    check_sibling_name(name, org.parent, exclude_pk=org.pk)
    old = org.name
    org.name = name.strip()
    org.save(update_fields=["name", "name_initials", "updated_at"])
    OrgEvent.objects.create(
        org=org, kind=OrgEventKind.RENAMED, date=date, doc_no=doc_no, actor=actor, data={"from": old, "to": org.name}
    )
    audit.record("orgs.rename", actor=actor, obj=org, org=org, changes={"name": [old, org.name]})
    return org


@audit.records_denials
@transaction.atomic
def move_org(
    org: Organization, *, actor: Any, new_parent: Organization, date: dt.date, doc_no: str = ""
) -> Organization:
    """Move a subtree (with its members, who follow their orgs) under another parent in the actor's scope."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
    _require(org, actor)
    _require(new_parent, actor)
    if not org.is_active:
        raise ValidationError({"new_parent": "已撤销的党组织不能调整隶属关系"})
    if new_parent.path.startswith(org.path):
        raise ValidationError({"new_parent": "不能移动到本组织或其下级组织之下"})
    if org.parent_id == new_parent.pk:
        raise ValidationError({"new_parent": "该党组织已在所选上级之下"})
    check_placement(org.kind, new_parent)
    check_sibling_name(org.name, new_parent, exclude_pk=org.pk)
    old_parent = org.parent
    old_path = org.path
    _move_subtree(org, new_parent)
    org.refresh_from_db()
    OrgEvent.objects.create(
        org=org, kind=OrgEventKind.MOVED, date=date, doc_no=doc_no, actor=actor,
        data={"from": old_parent.name if old_parent else "", "to": new_parent.name},
    )
    audit.record(
        "orgs.move", actor=actor, obj=org, org=org,
        changes={"parent": [old_parent.name if old_parent else "", new_parent.name], "path": [old_path, org.path]},
    )
    return org


@audit.records_denials
@transaction.atomic
def merge_org(
    source: Organization, *, actor: Any, target: Organization, date: dt.date, doc_no: str = ""
) -> Organization:
    """Merge `source` into `target`: its members and child orgs move to `target`; `source` is dissolved.

    Both must be of the same kind and inside the actor's scope. Member history records the move.
    """
    source = Organization.objects.select_for_update().get(pk=source.pk)
    target = Organization.objects.select_for_update().get(pk=target.pk)
    _require(source, actor)
    _require(target, actor)
    if source.pk == target.pk:
        raise ValidationError({"target": "不能与自身合并"})
    if not source.is_active or not target.is_active:
        raise ValidationError({"target": "已撤销的党组织不能合并"})
    if source.kind != target.kind:
        raise ValidationError({"target": "只能合并同类型的党组织"})
    if target.path.startswith(source.path):
        raise ValidationError({"target": "不能并入本组织的下级组织"})
    moved_members = hooks.run_merge_hooks(source, target, actor=actor, date=date, doc_no=doc_no)
    children = list(Organization.objects.filter(parent=source, status=OrgStatus.ACTIVE).order_by("path"))
    for child in children:
        if Organization.objects.filter(parent=target, status=OrgStatus.ACTIVE, name=child.name).exists():
            raise ValidationError({"target": f"合并后“{child.name}”将与目标组织下的同名组织重名，请先更名"})
        _move_subtree(child, target)
        OrgEvent.objects.create(
            org=child, kind=OrgEventKind.MOVED, date=date, doc_no=doc_no, actor=actor,
            data={"from": source.name, "to": target.name, "merge": True},
        )
    source.refresh_from_db()
    if source.kind == OrgKind.BRANCH:
        counters.shift(source.path, branches=-1)
    source.status = OrgStatus.DISSOLVED
    source.dissolved_on = date
    source.dissolved_doc_no = doc_no
    source.save(update_fields=["status", "dissolved_on", "dissolved_doc_no", "updated_at"])
    OrgEvent.objects.create(
        org=source, kind=OrgEventKind.MERGED_IN, date=date, doc_no=doc_no, actor=actor,
        data={"target": target.name, "members": moved_members, "children": len(children)},
    )
    OrgEvent.objects.create(
        org=target, kind=OrgEventKind.ABSORBED, date=date, doc_no=doc_no, actor=actor,
        data={"source": source.name, "members": moved_members, "children": len(children)},
    )
    audit.record(
        "orgs.merge", actor=actor, obj=source, org=target,
        changes={"target": target.name, "members": moved_members, "children": len(children)},
    )
    target.refresh_from_db()
    return target


@audit.records_denials
@transaction.atomic
def dissolve_org(org: Organization, *, actor: Any, date: dt.date, doc_no: str, note: str = "") -> Organization:
    """Dissolve an org that no longer has members or active child orgs; the row and history stay."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    _require(org, actor)
    if not org.is_active:
        raise ValidationError({NON_FIELD_ERRORS: "该党组织已撤销"})
    if not doc_no.strip():
        raise ValidationError({"doc_no": "请填写撤销文号"})
    if Organization.objects.filter(parent=org, status=OrgStatus.ACTIVE).exists():
        raise ValidationError({NON_FIELD_ERRORS: "该党组织还有下级组织，请先调整或撤销下级组织"})
    for message in hooks.dissolve_blockers(org):
        raise ValidationError({NON_FIELD_ERRORS: message})
    if org.founded_on and date < org.founded_on:
        raise ValidationError({"date": "撤销日期不能早于成立日期"})
    if org.kind == OrgKind.BRANCH:
        counters.shift(org.path, branches=-1)
    org.status = OrgStatus.DISSOLVED
    org.dissolved_on = date
    org.dissolved_doc_no = doc_no.strip()
    org.save(update_fields=["status", "dissolved_on", "dissolved_doc_no", "updated_at"])
    OrgEvent.objects.create(org=org, kind=OrgEventKind.DISSOLVED, date=date, doc_no=doc_no, note=note, actor=actor)
    audit.record("orgs.dissolve", actor=actor, obj=org, org=org, reason=note, changes={"doc_no": doc_no})
    return org
