"""What a meeting's attendance sheet shows about expected members who are 外出流动 or 失联 on its day
(registered with orglife.hooks.roll_note_source by TransfersConfig.ready).

A 流动党员 away at a relatively fixed place for the 第二十五条 period or longer, who should have moved their
组织关系 and has not, is one of the cases the election rules allow to be left out of 应到会 at a 党员大会
(regulations.md §2, 5th case) — the note carries that basis. 失联 is not among those cases: the member stays in
应到, shown apart, with 失联 as the default reason for not attending.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from dangjian.core import rules as rule_registry
from dangjian.lib.dates import cn_date
from dangjian.orglife.hooks import RollNote
from dangjian.transfers import rules
from dangjian.transfers.models import FloatingMember, LostContact


def roll_notes(member_ids: list[int], day: dt.date) -> dict[int, RollNote]:
    """Notes for those of `member_ids` away (外出流动) or out of contact (失联) on `day`: two queries."""
    if not member_ids:
        return {}
    found: dict[int, RollNote] = {}
    config = rule_registry.values([rules.FLOATING_TRANSFER_MONTHS, rules.FLOATING_QUORUM_EXCLUSION], day)
    months = int(config[rules.FLOATING_TRANSFER_MONTHS])
    lost = LostContact.objects.filter(member_id__in=member_ids, last_contact_on__lte=day).filter(
        Q(outcome="") | Q(closed_on__gt=day)
    )
    for member_id, last in lost.order_by("last_contact_on").values_list("member_id", "last_contact_on"):
        found.setdefault(member_id, RollNote(note=f"失联（最后联系{cn_date(last)}）", reason="失联"))
    away = FloatingMember.objects.filter(member_id__in=member_ids, left_on__lte=day).filter(
        Q(returned_on__isnull=True) | Q(returned_on__gt=day)
    )
    for member_id, left_on, place, fixed in away.values_list("member_id", "left_on", "place", "fixed_place"):
        basis = ""
        if config[rules.FLOATING_QUORUM_EXCLUSION] and rules.must_transfer(left_on, fixed, day, months):
            basis = rules.FLOATING_EXCLUSION_BASIS.format(months=months, since=cn_date(left_on))
        found.setdefault(member_id, RollNote(note=f"外出流动：{place}（{cn_date(left_on)}起）", reason="外出流动",
                                             exclusion_basis=basis))
    return found
