"""The pure 发展党员 rules (recruitment.rules) at their boundaries, without the database: what `next_due` says after
every step of the path, the 12-month extension (the maximum), and each check on the day it is met and the day
after. The actions' own tests (test_rules.py) walk the same rules through the database."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.recruitment import rules
from dangjian.recruitment.rules import Due, Fact

D = dt.date
LIMITS = rules.Limits()

# One applicant's whole path, each step on its own day (so a rule reading the wrong step shows).
PATH = [
    Fact(1, D(2024, 1, 10)), Fact(2, D(2024, 2, 1)), Fact(3, D(2024, 3, 1)), Fact(4, D(2024, 3, 20)),
    Fact(5, D(2024, 4, 2)), Fact(6, D(2024, 8, 15)), Fact(6, D(2025, 2, 10)), Fact(7, D(2025, 3, 5)),
    Fact(8, D(2025, 3, 10)), Fact(9, D(2025, 3, 15)), Fact(10, D(2025, 4, 1)), Fact(11, D(2025, 4, 20)),
    Fact(12, D(2025, 5, 6)), Fact(13, D(2025, 5, 20)), Fact(14, D(2025, 6, 1)), Fact(15, D(2025, 6, 10)),
    Fact(16, D(2025, 6, 20)), Fact(17, D(2025, 7, 15)), Fact(18, D(2025, 7, 25)), Fact(19, D(2025, 8, 1)),
    Fact(20, D(2025, 8, 5)), Fact(21, D(2025, 12, 1)), Fact(22, D(2026, 5, 20)),
    Fact(23, D(2026, 6, 12), "confirm"), Fact(24, D(2026, 7, 1), "confirm"), Fact(25, D(2026, 7, 20)),
]
TALK = "收到入党申请书后1个月内派人谈话"
ASSESS = "每6个月考察一次入党积极分子"
ADMISSION_APPROVAL = "支部大会通过后3个月内审批"
CONFIRMATION_APPROVAL = "支部大会讨论转正后3个月内审批"
PROBATION = "预备期满及时讨论转正"

@pytest.fixture(autouse=True)
def _totals_stay_exact() -> None:
    """Pure functions only: no database, so no kept subtree totals to check."""



def after(n: int) -> Due:
    """What is due once the first `n` steps of the path are recorded."""
    return rules.next_due(PATH[:n], LIMITS)


@pytest.mark.parametrize(("recorded", "expected"), [
    (1, Due(2, D(2024, 2, 10), TALK)),
    (2, Due(3)),
    # The activist stage: the next 考察 is six months after the activist date, then after the last 考察.
    (3, Due(4, D(2024, 9, 1), ASSESS)),
    (4, Due(5, D(2024, 9, 1), ASSESS)),
    (5, Due(6, D(2024, 9, 1), ASSESS)),
    (6, Due(7, D(2025, 2, 15), ASSESS)),
    (7, Due(7, D(2025, 8, 10), ASSESS)),
    (8, Due(8)),  # a 发展对象: no half-yearly 考察 any more
    (15, Due(15)),
    # Admitted at the 支部大会 (step 15): the 上级党委 approves within three months of the meeting.
    (16, Due(16, D(2025, 9, 10), ADMISSION_APPROVAL)),
    (17, Due(17, D(2025, 9, 10), ADMISSION_APPROVAL)),
    (18, Due(18)),
    (19, Due(19)),
    (20, Due(20)),
    # In the probation: the 转正 is due when the year from the admission meeting ends.
    (21, Due(22, D(2026, 6, 10), PROBATION)),
    (22, Due(22, D(2026, 6, 10), PROBATION)),
    (23, Due(23, D(2026, 6, 10), PROBATION)),
    (24, Due(24, D(2026, 9, 12), CONFIRMATION_APPROVAL)),
    # Confirmed: only the archive is left, with no 预备期满 date still owed.
    (25, Due(25)),
    (26, Due(None)),
])
def test_what_is_due_after_each_step_of_the_path(recorded, expected):
    assert after(recorded) == expected


def test_a_cancelled_probation_leaves_only_the_archive_without_a_date():
    facts = [*PATH[:23], Fact(23, D(2026, 6, 12), "cancel"), Fact(24, D(2026, 7, 1), "cancel")]
    assert rules.next_due(facts, LIMITS) == Due(25)


@pytest.mark.parametrize(("months", "end"), [(6, D(2026, 12, 10)), (12, D(2027, 6, 10))])
def test_an_approved_extension_moves_the_confirmation_due_date(months, end):
    facts = [*PATH[:23], Fact(23, D(2026, 6, 12), "extend", months), Fact(24, D(2026, 7, 1), "extend", months)]
    assert rules.extension_months(facts) == months
    assert rules.current_probation_end(facts, LIMITS) == end
    assert rules.next_due(facts, LIMITS) == Due(22, end, PROBATION)
    # During the extended probation: further 考察 and a new 转正申请 keep the extended date.
    more = [*facts, Fact(21, D(2026, 9, 1))]
    assert rules.next_due(more, LIMITS) == Due(22, end, PROBATION)


def test_only_an_approved_extension_counts():
    day = D(2026, 7, 1)
    assert rules.extension_months([Fact(24, day, "confirm", 6)]) == 0
    assert rules.extension_months([Fact(23, day, "extend", 6)]) == 0  # the meeting proposes, the approval counts
    assert rules.extension_months([Fact(24, day, "extend", None)]) == 0
    assert rules.extension_months([Fact(24, day, "extend", 12)]) == 12


def test_the_probation_counts_from_the_admission_meeting():
    assert rules.admitted_on(PATH[:14]) is None
    assert rules.admitted_on(PATH) == D(2025, 6, 10)
    assert rules.current_probation_end(PATH[:14], LIMITS) is None
    assert rules.current_probation_end(PATH, LIMITS) == D(2026, 6, 10)


@pytest.mark.parametrize(("months", "ok"), [(None, False), (5, False), (6, True), (12, True), (13, False)])
def test_a_probation_may_be_extended_by_six_to_twelve_months(months, ok):
    error = rules.extension_error(months, False, LIMITS)
    assert (error is None) is ok
    if not ok:
        assert error == "延长预备期不能少于6个月，最长不超过12个月（发展党员工作细则第三十二条）"


def test_a_probation_is_extended_once_only():
    assert rules.extension_error(12, True, LIMITS) == "预备期只能延长一次（发展党员工作细则第三十二条）"


def test_the_longest_extension_follows_the_normal_probation():
    assert rules.Limits(probation_years=1).extension_max_months == 12


def test_an_applicant_may_apply_on_the_eighteenth_birthday():
    born = D(2007, 3, 15)
    assert rules.age_error(born, D(2025, 3, 15), LIMITS) is None
    assert rules.age_error(born, D(2025, 3, 14), LIMITS) == "申请入党须年满18周岁（党章第一条、发展党员工作细则第五条）"


def test_the_talk_is_late_from_the_day_after_the_month():
    assert rules.talk_flag(D(2025, 1, 10), D(2025, 2, 10), LIMITS) is None
    assert rules.talk_flag(D(2025, 1, 10), D(2025, 2, 11), LIMITS) == (
        "谈话晚于规定期限（2025年2月10日）：党组织应在接到入党申请书后1个月内派人谈话（发展党员工作细则）")


def test_an_assessment_is_late_from_the_day_after_six_months():
    assert rules.assessment_flag(D(2025, 1, 10), D(2025, 7, 10), LIMITS) is None
    assert rules.assessment_flag(D(2025, 1, 10), D(2025, 7, 11), LIMITS) == (
        "考察间隔超过6个月（应于2025年7月10日前考察）：党支部每半年对入党积极分子进行一次考察（发展党员工作细则第十一条）")


def test_a_candidate_is_chosen_one_whole_year_after_the_activist_date_at_the_earliest():
    assert rules.candidate_error(D(2024, 3, 1), D(2025, 3, 1), LIMITS) is None
    assert rules.candidate_error(D(2024, 3, 1), D(2025, 2, 28), LIMITS) == (
        "确定为发展对象须经过1年以上培养教育和考察（发展党员工作细则第十三条）："
        "确定为入党积极分子的日期是2024年3月1日，最早可于2025年3月1日列为发展对象")


@pytest.mark.parametrize(("days", "hours", "ok"), [
    (3, 0, True), (0, 24, True), (2.5, 23.5, False), (0, 0, False),
])
def test_training_needs_three_days_or_twenty_four_hours(days, hours, ok):
    error = rules.training_error(days, hours, LIMITS)
    assert (error is None) is ok
    if not ok:
        assert error == (f"发展对象集中培训时间一般不少于3天或24学时（发展党员工作细则第十七条），已记录{days:g}天、{hours:g}学时")


def test_an_approval_within_three_months_needs_no_reason():
    assert rules.approval_check(D(2025, 6, 10), D(2025, 9, 10), "", LIMITS) == (None, None)


def test_a_later_approval_needs_a_reason_and_is_noted():
    late = D(2025, 9, 11)
    error, flag = rules.approval_check(D(2025, 6, 10), late, "  ", LIMITS)
    assert flag is None and error == (
        "审批晚于支部大会通过后3个月（2025年9月10日），须填写延长审批的特殊情况（发展党员工作细则第二十七条）")
    assert rules.approval_check(D(2025, 6, 10), late, " 上级党委集中审批 ", LIMITS) == (
        None, "审批期限延长至3个月以上，原因：上级党委集中审批")


def test_an_approval_is_never_later_than_six_months():
    assert rules.approval_check(D(2025, 6, 10), D(2025, 12, 10), "集中审批", LIMITS)[0] is None
    error, flag = rules.approval_check(D(2025, 6, 10), D(2025, 12, 11), "集中审批", LIMITS)
    assert flag is None
    assert error == "基层党委审批不得超过支部大会通过后6个月（2025年12月10日）（发展党员工作细则第二十七条）"
