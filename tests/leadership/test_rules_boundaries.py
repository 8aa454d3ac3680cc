"""The pure 班子 rules at their boundaries: how a limit in months is worded, and when a 书记 or 副书记 is one too many."""

from __future__ import annotations

import pytest

from dangjian.leadership.models import Post
from dangjian.leadership.rules import months_label, vacancies
from dangjian.orgs.models import OrgKind


@pytest.mark.parametrize(
    ("months", "label"),
    [(6, "6个月"), (11, "11个月"), (12, "1年"), (13, "13个月"), (22, "22个月"), (24, "2年"), (132, "11年")],
)
def test_a_limit_in_whole_years_is_worded_in_years_and_any_other_in_months(months: int, label: str) -> None:
    assert months_label(months) == label


def test_one_secretary_is_right_and_a_second_is_one_too_many() -> None:
    assert vacancies(OrgKind.BRANCH, [Post.SECRETARY], max_deputies=1) == []
    assert vacancies(OrgKind.BRANCH, [Post.SECRETARY, Post.SECRETARY], max_deputies=1) == ["书记2名，只能设1名"]
    assert vacancies(OrgKind.BRANCH, [], max_deputies=1) == ["书记空缺"]


def test_deputies_up_to_the_limit_pass_and_one_more_is_reported() -> None:
    two = [Post.SECRETARY, Post.DEPUTY, Post.DEPUTY]
    assert vacancies(OrgKind.BRANCH, two, max_deputies=2) == []
    assert vacancies(OrgKind.BRANCH, two, max_deputies=1) == ["副书记2名，一般不超过1名"]


def test_a_group_needs_only_its_leader() -> None:
    assert vacancies(OrgKind.GROUP, [], max_deputies=1) == ["党小组组长空缺"]
    assert vacancies(OrgKind.GROUP, [Post.GROUP_LEADER], max_deputies=0) == []
