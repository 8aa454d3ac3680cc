"""Subtree totals on each org (on-roll members, active 党支部), kept exact by the actions that change them.

Every action that adds or removes an on-roll member or an active branch, or moves a subtree, calls
`shift(path, members=…, branches=…)`, which adds the change to the org at `path` and all its ancestors in
one UPDATE. `recount()` rebuilds every total from the rows (after bulk loads, or to repair) and
`mismatches()` compares the kept totals with a fresh count (tests, the `recount --check` command).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F

from dangjian.orgs import hooks
from dangjian.orgs.models import Organization, OrgKind, OrgStatus


def ancestor_paths(path: str) -> list[str]:
    """The path itself and every ancestor's path."""
    step = Organization.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def shift(path: str, *, members: int = 0, branches: int = 0) -> None:
    """Add `members` and `branches` to the totals of the org at `path` and of all its ancestors."""
    if not members and not branches:
        return
    Organization.objects.filter(path__in=ancestor_paths(path)).update(
        subtree_members=F("subtree_members") + members, subtree_branches=F("subtree_branches") + branches
    )


def fresh_totals() -> dict[int, tuple[int, int]]:
    """{org id: (members, branches)} counted from the rows: one GROUP BY per table, summed up the paths.

    The members are counted by the source the members app registers (orgs.hooks), which orgs cannot import."""
    direct_members = hooks.member_counts()
    paths = list(Organization.objects.values_list("pk", "path", "kind", "status").order_by())
    pk_by_path = {path: pk for pk, path, _kind, _status in paths}
    members: dict[int, int] = defaultdict(int)
    branches: dict[int, int] = defaultdict(int)
    for pk, path, kind, status in paths:
        n = direct_members.get(pk, 0)
        is_branch = 1 if kind == OrgKind.BRANCH and status == OrgStatus.ACTIVE else 0
        if not n and not is_branch:
            continue
        for ancestor in ancestor_paths(path):
            ancestor_pk = pk_by_path[ancestor]
            members[ancestor_pk] += n
            branches[ancestor_pk] += is_branch
    return {pk: (members.get(pk, 0), branches.get(pk, 0)) for pk, _path, _kind, _status in paths}


def recount(batch_size: int = 2000) -> int:
    """Rebuild every org's totals from the rows; returns how many orgs changed."""
    totals = fresh_totals()
    changed = [
        Organization(pk=pk, subtree_members=m, subtree_branches=b)
        for (pk, kept_m, kept_b) in Organization.objects.values_list("pk", "subtree_members", "subtree_branches")
        if (m := totals[pk][0], b := totals[pk][1]) != (kept_m, kept_b)
    ]
    Organization.objects.bulk_update(changed, ["subtree_members", "subtree_branches"], batch_size=batch_size)
    return len(changed)


def mismatches() -> list[tuple[int, tuple[int, int], tuple[int, int]]]:
    """(org id, kept, fresh) for every org whose kept totals are wrong."""
    totals = fresh_totals()
    return [
        (pk, (m, b), totals[pk])
        for pk, m, b in Organization.objects.values_list("pk", "subtree_members", "subtree_branches")
        if (m, b) != totals[pk]
    ]
