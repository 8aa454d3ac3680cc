"""Vote arithmetic at its boundaries (支部工作条例 第十一条, 发展党员工作细则, 基层组织选举工作条例)."""

from __future__ import annotations

import pytest

from dangjian.lib.votes import assembly_vote, committee_quorum, elected, election_quorum, minimum_candidates


@pytest.mark.parametrize(("entitled", "present", "quorum"), [(10, 5, False), (10, 6, True), (9, 5, True), (9, 4, False)])
def test_quorum_needs_more_than_half_of_those_entitled(entitled, present, quorum):
    assert bool(assembly_vote(entitled=entitled, present=present, yes=present).quorum) is quorum


def test_passing_counts_against_those_entitled_not_those_present():
    assert not assembly_vote(entitled=10, present=8, yes=5).passed
    assert assembly_vote(entitled=10, present=8, yes=6).passed
    decision = assembly_vote(entitled=10, present=8, yes=5)
    assert decision.quorum and "未超过应到会有表决权党员10人的半数" in decision.reasons[0]


def test_written_opinions_count_as_votes_but_not_for_the_quorum():
    assert assembly_vote(entitled=10, present=6, yes=5, written_yes=1).passed
    assert not assembly_vote(entitled=10, present=5, yes=5, written_yes=3).quorum


def test_without_quorum_nothing_passes():
    decision = assembly_vote(entitled=10, present=5, yes=5, written_yes=5)
    assert not decision.passed and "不能表决" in decision.reasons[0]


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError):
        assembly_vote(entitled=5, present=6, yes=1)
    with pytest.raises(ValueError):
        assembly_vote(entitled=10, present=6, yes=7)


def test_committee_quorum():
    assert not committee_quorum(members=5, present=2) and committee_quorum(members=5, present=3)
    assert not committee_quorum(members=4, present=2) and committee_quorum(members=4, present=3)


@pytest.mark.parametrize(("excluded", "present", "quorum"), [(0, 40, False), (0, 41, True), (5, 37, True), (5, 36, False)])
def test_election_needs_more_than_four_fifths(excluded, present, quorum):
    assert bool(election_quorum(eligible=50, excluded=excluded, present=present).quorum) is quorum


def test_candidates_exceed_seats_by_a_fifth():
    assert [minimum_candidates(s) for s in (1, 3, 5, 7, 10)] == [2, 4, 6, 9, 12]


def test_winners_need_more_than_half_of_the_base_and_ties_at_the_cut_leave_a_seat():
    votes = {"甲": 30, "乙": 26, "丙": 26, "丁": 20}
    winners, remaining = elected(votes, seats=3, base=50)
    assert set(winners) == {"甲", "乙", "丙"} and remaining == 0
    assert elected(votes, seats=2, base=50) == (["甲"], 1)
    assert elected({"甲": 25, "乙": 26}, seats=2, base=50) == (["乙"], 1)
