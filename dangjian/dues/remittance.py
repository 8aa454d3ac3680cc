"""上缴汇总: the month's 党费 for each child of an org (and the org's own members), over each child's subtree, read
from the registered measures — `dues.collection.rate` (members with a base, due, payments, collected) and the
arrears of `dues.arrears.warned` / `dues.arrears.flagged` — asked once for the root and its children together, so
drilling down goes level by level through the tree at the same cost.

The root's own row is what its subtree holds beyond its children's subtrees (its own members; its 党小组 hold none),
so it needs no measure of its own and no query of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q

from dangjian.core import measures
from dangjian.core.scoping import require
from dangjian.dues import calc
from dangjian.dues.measures import ZERO, Collection, arrears_by_org
from dangjian.lib.periods import Period
from dangjian.members.choices import ON_ROLL_STATES
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind


@dataclass
class SummaryRow:
    """One org's row: its members on the roll and its measures' values."""

    org: Organization
    members: int = 0
    based: int = 0
    due: Decimal = ZERO
    paid_count: int = 0
    collected: Decimal = ZERO
    warned: int = 0
    flagged: int = 0

    @property
    def unpaid(self) -> int:
        return max(0, self.based - self.paid_count)

    @property
    def no_base(self) -> int:
        return max(0, self.members - self.based)

    @property
    def rate(self) -> str:
        return f"{self.collected / self.due * 100:.1f}%" if self.due else "—"


@dataclass
class Summary:
    root: Organization
    month: dt.date
    rows: list[SummaryRow]
    total: SummaryRow


def _row(org: Organization, members: int, collection: Collection, arrears: tuple[int, int]) -> SummaryRow:
    return SummaryRow(org, members, collection.based, collection.due, collection.paid_count, collection.collected,
                      *arrears)


def summary(user: Any, root: Organization, month: dt.date, today: dt.date, config: calc.Config,
            with_arrears: bool = True) -> Summary:
    """上缴汇总: for each child of `root` (and the root's own members), over its whole subtree: members, members
    with a base, the month's due (bases in force, less approved reliefs), payments and amount collected, and
    arrears warned / flagged on `today`.

    The collection figures are `dues.collection.rate`'s function (a month not yet begun is shown too: 预交 is
    collected ahead); the arrears are `arrears_by_org`, which the arrears measures read on the real today."""
    require(user, root.path, "view", root)
    # 党小组 hold no members of their own (members sit in the 党支部), so they are not rows.
    orgs = Organization.objects.filter(Q(pk=root.pk) | (Q(parent=root) & ~Q(kind=OrgKind.GROUP)))
    children = [o for o in orgs.order_by("path") if o.pk != root.pk]
    collection = measures.get("dues.collection.rate").fn(orgs, Period.month(month.year, month.month))
    arrears = arrears_by_org(orgs, today, config) if with_arrears else {}

    def row(org: Organization, members: int) -> SummaryRow:
        return _row(org, members, collection.get(org.pk, Collection()), arrears.get(org.pk, (0, 0)))

    rows = [row(c, c.subtree_members) for c in children]
    total = row(root, root.subtree_members)
    # Members held by the root itself (a 党支部's members; its 党小组 hold none of their own).
    own = SummaryRow(root, members=Member.objects.filter(org=root, state__in=ON_ROLL_STATES).count(),
                     based=total.based - sum(r.based for r in rows), due=total.due - sum((r.due for r in rows), ZERO),
                     paid_count=total.paid_count - sum(r.paid_count for r in rows),
                     collected=total.collected - sum((r.collected for r in rows), ZERO),
                     warned=total.warned - sum(r.warned for r in rows),
                     flagged=total.flagged - sum(r.flagged for r in rows))
    if own.members or own.based or own.paid_count:
        rows.insert(0, own)
    return Summary(root, month, rows, total)
