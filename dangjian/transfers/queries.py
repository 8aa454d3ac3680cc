"""The lists of 组织关系转接, 流动党员 and 失联党员, as scoped querysets with the time rules applied in SQL.

One place for what the pages, the exports, the API and the reminder job read, so they never disagree. The
rules' day arithmetic becomes index-friendly cut-off dates (`rules.latest_start`), so "away six months or more"
is `left_on <= cutoff`, exact at month ends and leap days, and a flag is one CASE per row, never a query per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When

from dangjian.core import rules as rule_registry
from dangjian.core.scoping import scope_for, subtree_q
from dangjian.members.choices import MemberEventKind, MemberState
from dangjian.members.models import Member, MemberEvent
from dangjian.orgs.models import Organization
from dangjian.transfers import rules
from dangjian.transfers.choices import LostStage, TransferKind, TransferStatus
from dangjian.transfers.models import FloatingMember, LostContact, Transfer


@dataclass(frozen=True)
class Cutoffs:
    """The rule values in force on `today` and the cut-off dates they give."""

    today: dt.date
    floating_months: int
    lost_months: int
    suspension_years: int
    receipt_days: int

    @classmethod
    def on(cls, today: dt.date) -> Cutoffs:
        values = rule_registry.values(rules.ALL_KEYS, today)
        return cls(today, int(values[rules.FLOATING_TRANSFER_MONTHS]), int(values[rules.LOST_CONTACT_MONTHS]),
                   int(values[rules.SUSPENSION_YEARS]), int(values[rules.RECEIPT_DAYS]))

    @property
    def floating_left_by(self) -> dt.date:
        """Away since this day or earlier: must transfer today."""
        return rules.latest_start(self.today, lambda d: rules.floating_transfer_due(d, self.floating_months))

    @property
    def lost_since_by(self) -> dt.date:
        """Last contact on this day or earlier: 停止党籍 may be decided today."""
        return rules.latest_start(self.today, lambda d: rules.suspension_due(d, self.lost_months))

    @property
    def suspended_by(self) -> dt.date:
        """Suspended on this day or earlier: 除名 may be decided today."""
        return rules.latest_start(self.today, lambda d: rules.removal_due(d, self.suspension_years))

    @property
    def receipt_issued_before(self) -> dt.date:
        """A 介绍信 issued before this day whose 回执 is still missing is late."""
        return self.today - dt.timedelta(days=self.receipt_days)


# --- 组织关系转接 -------------------------------------------------------------------------------------------------

DIRECTIONS = {"in": "转入", "out": "转出"}


def transfers_for(user: Any, action: str = "view") -> QuerySet[Transfer]:
    return Transfer.objects.visible_to(user, action).select_related("member", "from_org", "to_org")


def with_receipt_late(qs: QuerySet[Transfer], cut: Cutoffs) -> QuerySet[Transfer]:
    """`receipt_late`: a transfer out of the system still without its 回执 after the configured days."""
    return qs.annotate(receipt_late=Case(
        When(kind=TransferKind.OUT, status=TransferStatus.PENDING, issued_on__lt=cut.receipt_issued_before,
             then=Value(True)),
        default=Value(False), output_field=BooleanField(),
    ))


def direction_q(direction: str, roots: list[str]) -> Q:
    """Transfers coming into (or going out of) one of the subtrees at `roots`."""
    field = "to_org__path" if direction == "in" else "from_org__path"
    q = Q(pk__in=[])
    for root in roots:
        q |= subtree_q(root, field)
    return q


def pending_counts(user: Any, cut: Cutoffs, org: Organization | None = None) -> dict[str, int]:
    """Open transfers into and out of the user's subtrees (or one org's), and late 回执 among those out: one query."""
    roots = [org.path] if org is not None else scope_for(user).view_roots
    out = direction_q("out", roots)
    return Transfer.objects.visible_to(user).filter(status=TransferStatus.PENDING).aggregate(
        incoming=Count("pk", filter=direction_q("in", roots)),
        outgoing=Count("pk", filter=out),
        late=Count("pk", filter=out & Q(kind=TransferKind.OUT, issued_on__lt=cut.receipt_issued_before)),
    )


# --- 流动党员 ---------------------------------------------------------------------------------------------------


def floating_for(user: Any, cut: Cutoffs, action: str = "view") -> QuerySet[FloatingMember]:
    """外出 records the user may see, each with `must_transfer` (open, at a fixed place, away long enough) and
    `transfer_open` (a transfer of the member is already under way)."""
    return (
        FloatingMember.objects.visible_to(user, action).select_related("member__org")
        .annotate(
            must_transfer=Case(
                When(returned_on__isnull=True, fixed_place=True, left_on__lte=cut.floating_left_by, then=Value(True)),
                default=Value(False), output_field=BooleanField(),
            ),
            transfer_open=Exists(Transfer.objects.filter(member_id=OuterRef("member_id"), status=TransferStatus.PENDING)),
        )
    )


# --- 失联党员 and 停止党籍 -----------------------------------------------------------------------------------------


def _latest_suspension(member_ref: str) -> Subquery:
    return Subquery(
        MemberEvent.objects.filter(member_id=OuterRef(member_ref), kind=MemberEventKind.SUSPENDED)
        .order_by("-date", "-id").values("date")[:1]
    )


def lost_for(user: Any, cut: Cutoffs, action: str = "view") -> QuerySet[LostContact]:
    """失联 cases the user may see, with `suspended_on` (the member's current 停止党籍) and `stage` (LostStage)."""
    return (
        LostContact.objects.visible_to(user, action).select_related("member__org", "suspension", "removal")
        .annotate(suspended_on=Case(When(member__state=MemberState.SUSPENDED, then=_latest_suspension("member_id"))))
        .annotate(stage=Case(
            When(~Q(outcome=""), then=Value(LostStage.CLOSED.value)),
            When(member__state=MemberState.ACTIVE, last_contact_on__lte=cut.lost_since_by,
                 then=Value(LostStage.SUSPEND_DUE.value)),
            When(member__state=MemberState.ACTIVE, then=Value(LostStage.LOST.value)),
            When(member__state=MemberState.SUSPENDED, suspended_on__lte=cut.suspended_by,
                 then=Value(LostStage.REMOVE_DUE.value)),
            When(member__state=MemberState.SUSPENDED, then=Value(LostStage.SUSPENDED.value)),
            default=Value(LostStage.CLOSED.value), output_field=CharField(),
        ))
    )


def suspended_for(user: Any, cut: Cutoffs, action: str = "view") -> QuerySet[Member]:
    """停止党籍 members the user may see, however they were suspended, with `suspended_on`, `removal_due` (two
    years passed: candidate for 除名) and `lost_case` (the open 失联 case, if any)."""
    open_case = LostContact.objects.filter(member_id=OuterRef("pk"), outcome="").values("pk")[:1]
    return (
        Member.objects.visible_to(user, action).filter(state=MemberState.SUSPENDED).select_related("org")
        .annotate(suspended_on=_latest_suspension("pk"), lost_case=Subquery(open_case))
        .annotate(removal_due=Case(When(suspended_on__lte=cut.suspended_by, then=Value(True)),
                                   default=Value(False), output_field=BooleanField()))
    )


def receiving_branches(query: str, include: str = "", limit: int = 20) -> list[Organization]:
    """Active 党支部 of the whole system whose name contains `query` (at least two characters), plus the one
    already chosen (`include`, an id): the directory a sending branch picks the receiving one from — a transfer
    goes to any branch, not only within the sender's scope. Names only; the action checks the choice."""
    from dangjian.orgs.models import OrgKind, OrgStatus

    branches = Organization.objects.filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE).select_related("parent")
    query = query.strip()
    found = list(branches.filter(name__contains=query).order_by("path")[:limit]) if len(query) >= 2 else []
    if include.isdigit() and not any(str(b.pk) == include for b in found):
        found = [*branches.filter(pk=int(include)), *found]
    return found
