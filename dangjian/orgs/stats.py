"""Subtree counts for the tree and org pages: one GROUP BY per depth, never a loop per org."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q
from django.db.models.functions import Substr

from dangjian.core.scoping import subtree_q
from dangjian.members.choices import ON_ROLL_STATES
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind, OrgStatus


def _union(paths: Iterable[str], field: str) -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q(p, field)
    return q


def subtree_counts(orgs: Iterable[Organization]) -> dict[int, dict[str, int]]:
    """{org id: {"branches": active 党支部 in the subtree, "members": on-roll members in the subtree}}."""
    by_depth: dict[int, dict[str, int]] = defaultdict(dict)
    for org in orgs:
        by_depth[org.depth][org.path] = org.pk
    result: dict[int, dict[str, int]] = {pk: {"branches": 0, "members": 0} for d in by_depth.values() for pk in d.values()}
    for depth, path_to_pk in by_depth.items():
        length = depth * Organization.steplen
        branch_rows = (
            Organization.objects.filter(_union(path_to_pk, "path"), kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)
            .annotate(prefix=Substr("path", 1, length))
            .values("prefix")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in branch_rows:
            result[path_to_pk[row["prefix"]]]["branches"] = row["n"]
        member_rows = (
            Member.objects.filter(_union(path_to_pk, "org__path"), state__in=ON_ROLL_STATES)
            .annotate(prefix=Substr("org__path", 1, length))
            .values("prefix")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in member_rows:
            result[path_to_pk[row["prefix"]]]["members"] = row["n"]
    return result
