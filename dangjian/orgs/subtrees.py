"""Figures over org subtrees from one GROUP BY over the path prefix, whatever the number or depth of the orgs.

A measure "over the subtree" of each org asked (members, dues, rounds of the org and everything below it) groups the
rows of the smallest subtree holding all the orgs by the prefix of their org path, cut at the deepest org's width,
and adds the groups up to each org asked: an org's own path is a prefix of every group below it. Orgs at several
depths (a root and its children) cost one run, not one per depth.

Where a page needs several figures of one org set in few queries, the correlated form does it in one SELECT over the
orgs: `count_under` / `sum_under` give, per org, a subquery over the rows of its subtree (a path range).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat

from dangjian.core.scoping import ALPHABET
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


# --- the correlated form: one SELECT over the orgs asked, a subquery per figure -----------------------------------

# The greatest path: every path in the subtree of P lies between P and P followed by it (paths are ALPHABET strings).
_TOP = ALPHABET[-1] * Organization._meta.get_field("path").max_length  # type: ignore[operator]


def in_outer_subtree(path_field: str) -> Q:
    """Rows whose org path `path_field` lies in the subtree of the outer query's org (`OuterRef("path")`): the
    correlated form of `core.scoping.subtree_q`, a range the path index serves."""
    return Q(**{f"{path_field}__gte": OuterRef("path"), f"{path_field}__lte": Concat(OuterRef("path"), Value(_TOP))})


def count_under(rows: QuerySet[Any], path_field: str) -> Coalesce:
    """For `orgs.annotate(...)`: how many of `rows` lie in each org's subtree (0 when none)."""
    counted = (rows.filter(in_outer_subtree(path_field)).order_by()
               .annotate(v=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("v"))
    return Coalesce(Subquery(counted), 0)


def sum_under(rows: QuerySet[Any], path_field: str, field: str) -> Coalesce:
    """For `orgs.annotate(...)`: the sum of `field` over the `rows` in each org's subtree (0 when none)."""
    summed = (rows.filter(in_outer_subtree(path_field)).order_by()
              .annotate(v=Func(F(field), function="SUM", output_field=IntegerField())).values("v"))
    return Coalesce(Subquery(summed), 0)
