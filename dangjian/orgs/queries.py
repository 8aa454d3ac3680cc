"""Reads of the 党组织 tree for a user, shared by every app's pages and API: which org a subtree page opens
on and one org by id within the user's scope (the org pickers are orgs.pickers)."""

from __future__ import annotations

from typing import Any

from dangjian.core.scoping import get_for_user, scope_for
from dangjian.orgs.models import Organization


def default_root(user: Any) -> Organization | None:
    """The org a subtree page (compliance, 学时, 党费…) opens on when none is asked for: the first of the user's
    view roots in tree order; None for a user with no view scope."""
    roots = scope_for(user).view_roots
    if not roots:
        return None
    return Organization.objects.get(path=min(roots))


def get_org_for_user(user: Any, pk: Any, action: str = "view") -> Organization:
    """One org by id if the user holds `action` on it (404 for both missing and forbidden)."""
    return get_for_user(Organization.objects.get_queryset(), user, action, pk=pk)
