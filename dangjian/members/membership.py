"""Who belonged to an org on a given day, reconstructed from the member events (transfers, leaving the roll,
suspension). Meetings use it for their expected attendance (应到), so a member transferred mid-month is
expected where they belonged on the meeting's date, not where they are today."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from dangjian.members.choices import MemberEventKind
from dangjian.members.models import Member, MemberEvent

# Events after which a person is no longer on this system's roll (until a later RESTORED, for suspension).
_OFF_ROLL = (MemberEventKind.TRANSFER_OUT, MemberEventKind.LEFT, MemberEventKind.DECEASED)


def members_on(org_id: int, day: dt.date, *, group_id: int | None = None) -> list[Member]:
    """Members of the branch `org_id` on `day` (on the roll, not suspended), in pinyin order.

    With `group_id`, only those currently in that 党小组 (group membership has no history yet).
    """
    later_transfers = MemberEvent.objects.filter(kind=MemberEventKind.TRANSFER, date__gt=day).filter(
        Q(from_org_id=org_id) | Q(to_org_id=org_id)
    )
    candidate_ids = set(
        Member.objects.filter(org_id=org_id, joined_on__lte=day).values_list("pk", flat=True)
    ) | set(later_transfers.values_list("member_id", flat=True))
    if not candidate_ids:
        return []
    # Where each candidate was on `day`: the origin of their first transfer after it, else their org now.
    first_after: dict[int, int | None] = {}
    for member_id, from_org_id in (
        MemberEvent.objects.filter(kind=MemberEventKind.TRANSFER, date__gt=day, member_id__in=candidate_ids)
        .order_by("member_id", "date", "id")
        .values_list("member_id", "from_org_id")
    ):
        first_after.setdefault(member_id, from_org_id)
    status_events = (
        MemberEvent.objects.filter(member_id__in=candidate_ids, date__lte=day)
        .filter(kind__in=[*_OFF_ROLL, MemberEventKind.SUSPENDED, MemberEventKind.RESTORED, MemberEventKind.TRANSFER_IN])
        .order_by("member_id", "date", "id")
        .values_list("member_id", "kind")
    )
    arrived_later = set(
        MemberEvent.objects.filter(member_id__in=candidate_ids, kind=MemberEventKind.TRANSFER_IN, date__gt=day)
        .values_list("member_id", flat=True)
    )
    last_status: dict[int, str] = {}
    for member_id, kind in status_events:
        last_status[member_id] = kind
    members = Member.objects.filter(pk__in=candidate_ids, joined_on__lte=day).order_by("name_pinyin", "pk")
    if group_id is not None:
        members = members.filter(group_id=group_id)
    result = []
    for m in members:
        org_then = first_after.get(m.pk, m.org_id)
        if org_then != org_id or m.pk in arrived_later:
            continue
        if last_status.get(m.pk) in (*_OFF_ROLL, MemberEventKind.SUSPENDED):
            continue
        result.append(m)
    return result
