"""Subtree counts for the tree and org pages, read from the totals each org keeps (orgs.counters)."""

from __future__ import annotations

from collections.abc import Iterable

from dangjian.orgs.models import Organization


def subtree_counts(orgs: Iterable[Organization]) -> dict[int, dict[str, int]]:
    """{org id: {"branches": active 党支部 in the subtree, "members": on-roll members in the subtree}}.

    One query whatever the tree's size: the totals are kept exact by the actions (orgs.counters).
    """
    ids = [o.pk for o in orgs]
    rows = Organization.objects.filter(pk__in=ids).values_list("pk", "subtree_branches", "subtree_members")
    return {pk: {"branches": b, "members": m} for pk, b, m in rows}
