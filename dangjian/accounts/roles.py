"""Roles and what each may do. Roles held on an org node apply to its whole subtree.

The 三员 (系统管理员, 安全管理员, 审计管理员) are mutually exclusive and hold no business-data rights (SEC-25).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from dangjian.core.scoping import Scope, collapse_roots

if TYPE_CHECKING:
    from dangjian.accounts.models import User


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", "党务管理员"
    SECRETARY = "secretary", "支部书记"
    ORGANIZER = "organizer", "组织委员"
    MEMBER = "member", "党员"
    VIEWER = "viewer", "上级查看"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


# Roles held on an org node (need an org) and the 三员 (hold none).
ORG_ROLES = frozenset({Role.ORG_ADMIN, Role.SECRETARY, Role.ORGANIZER, Role.MEMBER, Role.VIEWER})
SYSTEM_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})

VIEW_ROLES = frozenset({Role.ORG_ADMIN, Role.SECRETARY, Role.ORGANIZER, Role.VIEWER})
CHANGE_ROLES = frozenset({Role.ORG_ADMIN, Role.SECRETARY, Role.ORGANIZER})
STRUCTURE_ROLES = frozenset({Role.ORG_ADMIN})
# Who may reveal a full 身份证号 or phone (with a reason, audited) and export without masks.
REVEAL_ROLES = frozenset({Role.ORG_ADMIN})
# Who can export personal data in bulk (rosters, lists and ledgers of people over a subtree): a second factor is
# mandatory for them before any export (SEC-05: "mandatory for all admin roles and for any role that can reveal
# or export personal data"). A plain 党员 exports only their own records.
BULK_EXPORT_ROLES = VIEW_ROLES


def build_scope(user: User) -> Scope:
    """The user's role assignments with their org paths, folded into a Scope: one query, and one more for a user
    linked to a 党员 record (that record and its branch)."""
    view: set[str] = set()
    change: set[str] = set()
    structure: set[str] = set()
    reveal: set[str] = set()
    system: set[str] = set()
    for role, path in user.role_assignments.values_list("role", "org__path"):
        if role in SYSTEM_ROLES:
            system.add(role)
            continue
        if path is None:
            continue
        if role in VIEW_ROLES:
            view.add(path)
        if role in CHANGE_ROLES:
            change.add(path)
        if role in STRUCTURE_ROLES:
            structure.add(path)
        if role in REVEAL_ROLES:
            reveal.add(path)
    member_id = user.member_id
    own_org_id = None
    own_org_path = None
    if member_id is not None and not system:
        from dangjian.members.models import Member

        # The member row itself (with its branch), kept as the user's `member`: the pages that show the member's own
        # figures (我的主页) read it from there rather than asking again.
        own = Member.objects.select_related("org").filter(pk=member_id).first()
        if own is not None:
            own_org_id = own.org_id
            own_org_path = own.org.path
            user.member = own
    return Scope(
        view_roots=collapse_roots(view) if not system else [],
        change_roots=collapse_roots(change) if not system else [],
        structure_roots=collapse_roots(structure) if not system else [],
        reveal_roots=collapse_roots(reveal) if not system else [],
        own_member_id=member_id if not system else None,
        own_org_id=own_org_id,
        own_org_path=own_org_path,
        system_roles=system,
    )
