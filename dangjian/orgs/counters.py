"""Subtree totals on each org (on-roll members, active 党支部), kept exact by the actions that change them.

Every action that adds or removes an on-roll member or an active branch, or moves a subtree, calls
`shift(path, members=…, branches=…)`, which adds the change to the org at `path` and all its ancestors in
one UPDATE. Counting the totals afresh needs the member rows, so it lives one floor up, in
`dangjian.members.counters` (`recount`, `mismatches`, the `recount` command).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F

from dangjian.orgs.models import Organization


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


def shift_many(members_by_path: dict[str, int]) -> None:
    """`shift(path, members=n)` for many orgs at once: one UPDATE per org touched, each ancestor summed once.

    An import into 50 branches under one 党委 changes that 党委's total once by the sum, not 50 times.
    """
    totals: dict[str, int] = {}
    for path, n in members_by_path.items():
        for ancestor in ancestor_paths(path):
            totals[ancestor] = totals.get(ancestor, 0) + n
    changes = [(n, path) for path, n in sorted(totals.items()) if n]
    if not changes:
        return
    table = connection.ops.quote_name(Organization._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET subtree_members = subtree_members + %s WHERE path = %s", changes)  # nosec B608 # table and column names from the model, never user input
