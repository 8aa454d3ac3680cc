"""The vote arithmetic's edges that its main tests leave open: full attendance, the error paths, and the reasons a
decision carries (a passing vote carries none)."""

from __future__ import annotations

import pytest

from dangjian.lib.votes import assembly_vote, elected, election_quorum


@pytest.mark.parametrize("counts", [
    {"entitled": -1, "present": 0, "yes": 0},
    {"entitled": 10, "present": -1, "yes": 0},
    {"entitled": 10, "present": 6, "yes": -1},
    {"entitled": 10, "present": 6, "yes": 6, "written_yes": -1},
])
def test_a_negative_count_is_refused(counts):
    with pytest.raises(ValueError, match="negative"):
        assembly_vote(**counts)


def test_every_entitled_member_present_is_a_valid_meeting():
    decision = assembly_vote(entitled=10, present=10, yes=10)
    assert decision.quorum and decision.passed


def test_a_passing_vote_carries_no_reason():
    assert assembly_vote(entitled=10, present=8, yes=6).reasons == []
    assert assembly_vote(entitled=10, present=6, yes=5, written_yes=1).reasons == []


def test_a_failed_vote_names_the_yes_votes_written_ones_included():
    decision = assembly_vote(entitled=10, present=6, yes=3, written_yes=1)
    assert decision.quorum and not decision.passed
    assert decision.reasons == ["赞成4票，未超过应到会有表决权党员10人的半数"]


def test_a_meeting_without_quorum_gives_only_that_reason():
    assert assembly_vote(entitled=10, present=5, yes=1).reasons == [
        "到会有表决权的党员5人，未超过应到会10人的半数，不能表决"]


def test_an_election_with_everyone_present_is_valid():
    decision = election_quorum(eligible=50, excluded=5, present=45)
    assert decision.quorum and decision.passed and decision.reasons == []


def test_an_election_of_one_expected_voter():
    assert election_quorum(eligible=1, excluded=0, present=1).quorum
    assert not election_quorum(eligible=1, excluded=0, present=0).quorum


def test_an_invalid_election_names_the_counts():
    decision = election_quorum(eligible=50, excluded=0, present=40)
    assert not decision.passed
    assert decision.reasons == ["到会40人，未超过应到会50人的五分之四，选举无效"]


@pytest.mark.parametrize("counts", [
    {"eligible": 5, "excluded": 5, "present": 0},  # nobody expected
    {"eligible": 5, "excluded": 6, "present": 0},
    {"eligible": 50, "excluded": 0, "present": -1},
    {"eligible": 50, "excluded": 5, "present": 46},  # more present than expected
])
def test_inconsistent_election_counts_are_refused(counts):
    with pytest.raises(ValueError, match="inconsistent"):
        election_quorum(**counts)


def test_without_a_tie_at_the_cut_the_seats_are_filled_by_the_most_votes():
    assert elected({"甲": 30, "乙": 26, "丙": 20}, seats=2, base=30) == (["甲", "乙"], 0)
