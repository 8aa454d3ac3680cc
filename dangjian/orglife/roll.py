"""The roll of a sitting — who is expected (应到), the notes on those who may not be able to attend (外出流动, 失联),
and who is left out of 应到 — read alike by the attendance sheet and the QR sign-in count, so the two never show
different 应到 for the same meeting.

A member is left out of 应到 when their recorded attendance row says so (with its basis), or, before anything is
recorded for them, when the sitting allows it (a 党员大会, `actions.excludable`) and their roll note carries the
rule allowing it (`transfers.floating_quorum_exclusion`) — the default the sheet starts from.
"""

from __future__ import annotations

from dataclasses import dataclass

from dangjian.members.models import Member
from dangjian.orglife import actions, hooks
from dangjian.orglife.hooks import RollNote
from dangjian.orglife.models import Meeting


def excluded_by_default(note: RollNote | None, excludable: bool) -> bool:
    """Whether a member not yet recorded starts out of 应到: only at a sitting that allows it, on the note's basis."""
    return excludable and note is not None and bool(note.exclusion_basis)


@dataclass(frozen=True)
class Roll:
    """应到 of one sitting: the expected members (in pinyin order), their roll notes, whether the sitting may leave
    anyone out, and the ids left out (recorded, or by default)."""

    kinds: list[str]
    members: list[Member]
    notes: dict[int, RollNote]
    excludable: bool
    excluded_ids: frozenset[int]

    @property
    def expected(self) -> int:
        """应到 as counted: the expected members less those left out on a basis."""
        return len(self.members) - len(self.excluded_ids)


def roll_of(meeting: Meeting) -> Roll:
    """The roll of `meeting` on its day: the members, their notes (two queries per source), the recorded rows."""
    kinds = actions.meeting_kinds(meeting)
    members = actions.expected_members(meeting.org, meeting.held_on, kinds)
    ids = [m.pk for m in members]
    notes = hooks.roll_notes(sorted(ids), meeting.held_on)
    excludable = actions.excludable(kinds)
    recorded = {row.member_id: row.excluded for row in meeting.attendance.all() if not row.dual}
    excluded = frozenset(
        pk for pk in ids
        if (recorded[pk] if pk in recorded else excluded_by_default(notes.get(pk), excludable))
    )
    return Roll(kinds, members, notes, excludable, excluded)
