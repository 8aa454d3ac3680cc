"""Vote arithmetic for Party meetings: one pure function per question, used by every workflow that votes
(admission, 转正, dispositions, elections). Sources and statuses: docs/rules.md.

支部工作条例 第十一条: a 党员大会 vote needs more than half of the members entitled to vote present, and passes
when more than half of those entitled (应到会有表决权的党员), not of those present, vote yes. 发展党员工作细则:
written opinions submitted before the meeting by entitled members who cannot attend count as votes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Decision:
    quorum: bool
    passed: bool
    reasons: list[str] = field(default_factory=list)


def assembly_vote(*, entitled: int, present: int, yes: int, written_yes: int = 0) -> Decision:
    """A 党员大会 resolution: quorum > entitled/2 present; pass > entitled/2 yes (written yes included)."""
    reasons: list[str] = []
    if min(entitled, present, yes, written_yes) < 0:
        raise ValueError("counts cannot be negative")
    if present > entitled:
        raise ValueError("more present than entitled")
    if yes > present:
        raise ValueError("more yes votes than members present")
    quorum = present * 2 > entitled
    if not quorum:
        reasons.append(f"到会有表决权的党员{present}人，未超过应到会{entitled}人的半数，不能表决")
    passed = quorum and (yes + written_yes) * 2 > entitled
    if quorum and not passed:
        reasons.append(f"赞成{yes + written_yes}票，未超过应到会有表决权党员{entitled}人的半数")
    return Decision(quorum=quorum, passed=passed, reasons=reasons)


def committee_quorum(*, members: int, present: int) -> bool:
    """支部工作条例 第十二条: a 支委会 needs more than half of its members present."""
    return present * 2 > members


def election_quorum(*, eligible: int, excluded: int, present: int) -> Decision:
    """基层组织选举: valid when those present with a vote exceed 4/5 of 应到会 (eligible minus approved exclusions)."""
    expected = eligible - excluded
    if expected <= 0 or present < 0 or present > expected:
        raise ValueError("inconsistent counts")
    ok = present * 5 > expected * 4
    reasons = [] if ok else [f"到会{present}人，未超过应到会{expected}人的五分之四，选举无效"]
    return Decision(quorum=ok, passed=ok, reasons=reasons)


def minimum_candidates(seats: int, margin: float = 0.2) -> int:
    """差额选举: candidates must exceed the seats by at least `margin` of the seats (选举工作条例 第十三条)."""
    return seats + math.ceil(round(seats * margin, 9))


def elected(
    votes: dict[str, int], *, seats: int, base: int
) -> tuple[list[str], int]:
    """Who is elected: more than half of `base` (应到会 by default, or 实到会 where configured), then the most
    votes up to the seats. Returns the elected and how many seats remain for a further round."""
    qualified = sorted((c for c, n in votes.items() if n * 2 > base), key=lambda c: (-votes[c], c))
    winners = qualified[:seats]
    if len(qualified) > seats and votes[qualified[seats - 1]] == votes[qualified[seats]]:
        tied = votes[qualified[seats - 1]]
        winners = [c for c in qualified if votes[c] > tied]
    return winners, seats - len(winners)
