"""What the apps above orglife add to a meeting's attendance and submission (decisions.md 14: extension by
registry). orglife sits below transfers and learning, so it cannot read 流动/失联 records or write study records
itself; those apps register here at start-up (their AppConfig.ready) and orglife calls them.

- roll notes (transfers): why an expected member may not be able to attend on the day (外出流动, 失联), and,
  where a rule allows it, the basis on which they may be left out of 应到;
- the study policy (learning): which meeting kinds count as study and the 学时 a sitting gives by default;
- after-submit hooks (learning): run inside `submit_meeting`'s transaction, so a study record and its 学时
  are written with the submission or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dangjian.orglife.models import Meeting


@dataclass(frozen=True)
class RollNote:
    """An expected member's situation on the meeting's day: `note` as shown (外出流动：成都市，2026年3月1日起),
    `reason` the default reason for not attending, `exclusion_basis` the rule that allows leaving them out of
    应到 at a 党员大会 ("" when none does: they stay in 应到)."""

    note: str
    reason: str
    exclusion_basis: str = ""


RollNoteSource = Callable[[list[int], dt.date], dict[int, RollNote]]


@dataclass(frozen=True)
class StudyPolicy:
    """Which meeting kinds may give a study record on `day`, and the 学时 one sitting gives by default."""

    kinds: tuple[str, ...]
    default_hours: Decimal


_roll_note_sources: list[RollNoteSource] = []
_study_policy: list[Callable[[dt.date], StudyPolicy]] = []
_after_submit: list[Callable[[Meeting, Any], None]] = []


def roll_note_source(source: RollNoteSource) -> RollNoteSource:
    """Register a source of roll notes (registering the same function twice is a no-op)."""
    if source not in _roll_note_sources:
        _roll_note_sources.append(source)
    return source


def study_policy_source(source: Callable[[dt.date], StudyPolicy]) -> Callable[[dt.date], StudyPolicy]:
    """Register the study policy (one app owns it; a later registration replaces the earlier)."""
    _study_policy[:] = [source]
    return source


def after_submit(hook: Callable[[Meeting, Any], None]) -> Callable[[Meeting, Any], None]:
    """Register a hook run with (meeting, actor) inside the submission's transaction."""
    if hook not in _after_submit:
        _after_submit.append(hook)
    return hook


def roll_notes(member_ids: Iterable[int], day: dt.date) -> dict[int, RollNote]:
    """Every registered source's notes for these members on `day` (the first source to name a member wins)."""
    ids = list(member_ids)
    found: dict[int, RollNote] = {}
    for source in _roll_note_sources:
        for member_id, note in source(ids, day).items():
            found.setdefault(member_id, note)
    return found


def study_policy(day: dt.date) -> StudyPolicy | None:
    """The study policy in force on `day`, or None when no app provides one."""
    return _study_policy[0](day) if _study_policy else None


def run_after_submit(meeting: Meeting, actor: Any) -> None:
    for hook in _after_submit:
        hook(meeting, actor)
