"""Figures over org subtrees from one GROUP BY over the path prefix, whatever the number or depth of the orgs.

A measure "over the subtree" of each org asked (members, dues, rounds of the org and everything below it) groups the
rows of the smallest subtree holding all the orgs by the prefix of their org path, cut at the deepest org's width,
and adds the groups up to each org asked: an org's own path is a prefix of every group below it. Orgs at several
depths (a root and its children) cost one run, not one per depth.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet

from dangjian.orgs.models import Organization

V = TypeVar("V")


def common_root(paths: list[str]) -> str:
    """The path of the deepest org that is an ancestor (or self) of all `paths`; "" when they share no root."""
    common = os.path.commonprefix(paths)
    return common[: len(common) // Organization.steplen * Organization.steplen]


def by_subtree(orgs: QuerySet[Organization], per_prefix: Callable[[str, int], dict[str, V]],
               add: Callable[[V, V], V] | None = None) -> dict[int, V]:
    """{org id: value over its subtree}: one call of `per_prefix(common root path, width)`, the GROUP BY over the
    path prefix of the deepest org's width inside the smallest subtree holding them all, its groups added up to
    every org asked (`add`, default `+`). Orgs with no group are absent."""
    paths: dict[str, int] = dict(orgs.values_list("path", "pk").order_by())
    if not paths:
        return {}
    combine: Callable[[Any, Any], Any] = add or (lambda a, b: a + b)
    width = max(len(p) for p in paths)
    step = Organization.steplen
    found: dict[int, V] = {}
    for prefix, value in per_prefix(common_root(list(paths)), width).items():
        for end in range(step, len(prefix) + 1, step):  # the prefix's own org and each org above it
            pk = paths.get(prefix[:end])
            if pk is not None:
                found[pk] = combine(found[pk], value) if pk in found else value
    return found
