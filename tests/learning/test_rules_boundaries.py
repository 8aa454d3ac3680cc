"""A member's 学时 standing at its boundaries: the target met exactly, one tenth short, and a leader with more
集中培训 than required (nothing is then owed, never a negative count)."""

from __future__ import annotations

from decimal import Decimal

from dangjian.learning.rules import Targets, standing

TARGETS = Targets(member_hours=Decimal("32"), leader_hours=Decimal("56"), leader_centralized=1,
                  centralized_kinds=("centralized",))


def test_a_member_at_exactly_the_target_has_met_it_and_one_tenth_less_has_not() -> None:
    met = standing(Decimal("32.0"), is_leader=False, centralized=0, targets=TARGETS)
    short = standing(Decimal("31.9"), is_leader=False, centralized=0, targets=TARGETS)
    assert (met.short_by, met.met) == (Decimal("0"), True)
    assert (short.short_by, short.met) == (Decimal("0.1"), False)


def test_a_leader_with_more_centralized_training_than_required_owes_none() -> None:
    for centralized in (1, 2, 3):
        result = standing(Decimal("56"), is_leader=True, centralized=centralized, targets=TARGETS)
        assert result.needs_centralized == 0
        assert result.met


def test_a_leader_without_centralized_training_owes_one_and_a_member_owes_none() -> None:
    assert standing(Decimal("56"), is_leader=True, centralized=0, targets=TARGETS).needs_centralized == 1
    assert standing(Decimal("40"), is_leader=False, centralized=0, targets=TARGETS).needs_centralized == 0
