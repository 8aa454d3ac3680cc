"""Scoping: which org subtrees a user may see or change. The only place permission filters are built.

A role held on an org node applies to that node's whole subtree (architecture.md, pattern 1). Subtrees are
selected by an index range on the materialized path (`subtree_q`), never by LIKE, which SQLite cannot index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from dangjian.accounts.models import User

# treebeard's default alphabet: digits then upper-case letters, which sort the same bytewise and in any
# collation the databases use for such strings.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# treebeard's default step length: each level of the tree adds this many characters to a path
# (orgs.Organization keeps the default; tests/core/test_floors.py checks that the two agree).
STEPLEN = 4


def path_upper_bound(path: str) -> str | None:
    """The smallest string greater than every path that starts with `path` (None: no upper bound)."""
    stripped = path.rstrip(ALPHABET[-1])
    if not stripped:
        return None
    last = stripped[-1]
    return stripped[:-1] + ALPHABET[ALPHABET.index(last) + 1]


def subtree_q(path: str, field: str = "path") -> Q:
    """Rows whose `field` lies in the subtree rooted at `path` (the node itself included)."""
    upper = path_upper_bound(path)
    q = Q(**{f"{field}__gte": path})
    if upper is not None:
        q &= Q(**{f"{field}__lt": upper})
    return q


def collapse_roots(paths: set[str]) -> list[str]:
    """Drop paths that lie inside another path of the set, so each subtree is filtered once."""
    roots: list[str] = []
    for p in sorted(paths):
        if not any(p.startswith(r) for r in roots):
            roots.append(p)
    return roots


@dataclass
class Scope:
    """What one user may reach, computed once per request from their role assignments."""

    view_roots: list[str] = field(default_factory=list)
    change_roots: list[str] = field(default_factory=list)
    structure_roots: list[str] = field(default_factory=list)
    reveal_roots: list[str] = field(default_factory=list)
    own_member_id: int | None = None
    own_org_id: int | None = None
    own_org_path: str | None = None
    system_roles: set[str] = field(default_factory=set)

    def roots(self, action: str) -> list[str]:
        return {
            "view": self.view_roots,
            "change": self.change_roots,
            "structure": self.structure_roots,
            "reveal": self.reveal_roots,
        }[action]

    def covers(self, path: str, action: str = "view") -> bool:
        return any(path.startswith(r) for r in self.roots(action))

    def own_org_viewed(self) -> bool:
        """The user's own branch lies inside a subtree they view, so their own rows (record, 党费, branch) are
        already visible and a model's `extra_visible_q` need not add them: the OR it would add joins the path
        range with a primary key, which no index serves (a secretary's 党员名册 scanned every member)."""
        return self.own_org_path is not None and self.covers(self.own_org_path, "view")


ScopeBuilder = Callable[[Any], Scope]
_builder: ScopeBuilder | None = None


def register_scope_builder(builder: ScopeBuilder) -> ScopeBuilder:
    """Declare the function that turns a user's roles into their Scope. The app that owns roles (accounts)
    registers it when it is ready, so this ground floor never imports the roles above it. One builder only:
    a second, different one is a configuration error."""
    global _builder
    if _builder is not None and _builder is not builder:
        raise ImproperlyConfigured(f"scope builder already registered: {_builder!r}")
    _builder = builder
    return builder


def scope_for(user: User | Any) -> Scope:
    """The user's scope, cached on the user object for the length of a request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_dangjian_scope", None)
    if cached is not None:
        return cached
    if _builder is None:
        raise ImproperlyConfigured("no scope builder registered (the accounts app registers it when ready)")
    scope = _builder(user)
    setattr(user, "_dangjian_scope", scope)  # noqa: B010
    return scope


M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M], Generic[M]):
    """A queryset that knows which path field places its rows in the org tree.

    Models set `scope_path_field` ("path" on Organization, "org__path" on Member) and may extend
    `extra_visible_q` for what a plain 党员 sees beyond managed subtrees (their own record, their branch).
    """

    def visible_to(self, user: User | Any, action: str = "view") -> ScopedQuerySet[M]:
        scope = scope_for(user)
        path_field: str = getattr(self.model, "scope_path_field")  # noqa: B009
        q = Q(pk__in=[])
        for root in scope.roots(action):
            q |= subtree_q(root, path_field)
        if action == "view":
            extra = getattr(self.model, "extra_visible_q", None)
            if extra is not None:
                q |= extra(scope)  # nosec B610 # a Q object from the model, not QuerySet.extra()
        return self.filter(q)


class OutOfScope(Http404):
    """Raised when a user reaches for an object outside their scope; answered as 404, audited as a denial."""

    def __init__(self, user: Any, obj: models.Model | None, action: str) -> None:
        super().__init__("未找到该记录")
        self.user = user
        self.obj = obj
        self.action = action


def require(user: Any, path: str, action: str = "change", obj: models.Model | None = None) -> None:
    """Raise OutOfScope unless `path` lies inside the user's scope for `action`."""
    if not scope_for(user).covers(path, action):
        raise OutOfScope(user, obj, action)


def require_some_subtree(user: Any, action: str = "view") -> None:
    """404, as for a page that does not exist, for a user who manages no org subtree for `action`: the lists are
    for those who view some subtree, the "new record" pages (the org chosen on the form) for those who change one."""
    if not scope_for(user).roots(action):
        raise Http404("未找到该页面")


def get_for_user(queryset: ScopedQuerySet[M], user: User | Any, action: str = "view", **lookup: Any) -> M:
    """One object the user may reach, or 404 — the same answer for missing and forbidden (SEC-07).

    A forbidden (existing but out-of-scope) object is recorded as an authorization failure (SEC-10).
    """
    try:
        return queryset.visible_to(user, action).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        try:
            obj = queryset.filter(**lookup).first()
        except (ValueError, TypeError):
            obj = None
        if obj is not None:
            from dangjian.core import audit

            audit.record(
                "auth.denied", actor=user, obj=obj, result="denied",
                reason=f"{queryset.model._meta.label_lower}.{action}",
            )
        raise Http404("未找到该记录") from exc
