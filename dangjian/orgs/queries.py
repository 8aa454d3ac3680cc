"""Reads of the 党组织 tree for a user, shared by every app's pages and API: which org a subtree page opens
on, one org by id within the user's scope, and the orgs offered in list filters."""

from __future__ import annotations

from typing import Any

from dangjian.core.scoping import get_for_user, scope_for
from dangjian.orgs.models import Organization

# Org choices in list filters stop here; a national tree has 10⁵ orgs.
FILTER_ORG_LIMIT = 500


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


def filter_orgs_for(user: Any) -> list[Organization]:
    """Org choices for a list filter: the user's view roots and two levels below, in tree order."""
    scope = scope_for(user)
    if not scope.view_roots:
        return []
    visible = Organization.objects.visible_to(user).filter(path__in=scope.view_roots)
    depth = min((len(p) // Organization.steplen for p in scope.view_roots), default=1)
    below = Organization.objects.visible_to(user).filter(depth__lte=depth + 2)
    return list((visible | below).order_by("path")[:FILTER_ORG_LIMIT])
