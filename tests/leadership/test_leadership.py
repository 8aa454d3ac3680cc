"""班子 and 换届: the pure rules at their boundaries, the actions' refusals and writes, and the board query."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from dangjian.core.models import AuditEvent, RuleParameter, RuleStatus
from dangjian.leadership import actions, queries, rules
from dangjian.leadership.models import ElectionStep, ElectionStepKind, Post, PostHolding, Term
from dangjian.leadership.rules import TermState
from dangjian.members.actions import record_status_event
from dangjian.members.models import Member
from dangjian.orglife.models import Meeting
from dangjian.orgs import actions as org_actions
from dangjian.orgs.models import OrgKind

TODAY = dt.date(2025, 7, 1)
NOW = dt.datetime(2025, 7, 1, 4, 0, tzinfo=dt.UTC)  # noon in Beijing


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    """Every test here runs on 1 July 2025 (Beijing), so "not after today" checks are fixed."""
    with time_machine.travel(NOW, tick=False):
        yield


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


# --- pure functions ---------------------------------------------------------------------------------------------


def test_add_months_falls_back_to_the_last_day_of_a_short_month():
    assert rules.add_months(dt.date(2025, 8, 31), -6) == dt.date(2025, 2, 28)
    assert rules.add_months(dt.date(2024, 8, 31), -6) == dt.date(2024, 2, 29)
    assert rules.add_months(dt.date(2025, 1, 15), 12) == dt.date(2026, 1, 15)
    assert rules.add_months(dt.date(2025, 12, 31), 2) == dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (dt.date(2027, 12, 29), TermState.NORMAL),  # the day before the 6-month reminder date
        (dt.date(2027, 12, 30), TermState.DUE_SOON),  # exactly 6 months before the due date
        (dt.date(2028, 6, 30), TermState.DUE_SOON),  # the due day itself: still in office
        (dt.date(2028, 7, 1), TermState.OVERDUE),  # overdue from the day after
    ],
)
def test_term_state_at_the_reminder_and_due_boundaries(today, state):
    assert rules.term_state(dt.date(2028, 6, 30), None, today, 6) == state


def test_a_closed_term_is_done_whatever_the_day():
    assert rules.term_state(dt.date(2020, 1, 1), dt.date(2019, 12, 1), dt.date(2025, 1, 1), 6) == TermState.DONE


def test_the_sql_due_soon_limit_agrees_with_term_state_every_day_of_a_leap_year():
    """The board filters due dates by due_soon_limit in SQL; it must select exactly what term_state calls due soon."""
    start = dt.date(2024, 1, 1)
    for offset in range(366):
        today = start + dt.timedelta(days=offset)
        limit = rules.due_soon_limit(today, 6)
        for delta in range(170, 200):
            due = today + dt.timedelta(days=delta)
            in_sql = today <= due <= limit
            assert in_sql == (rules.term_state(due, None, today, 6) == TermState.DUE_SOON), (today, due)


def test_term_length_comes_from_the_rules_by_kind():
    from dangjian.core.rules import REGISTRY

    values = {k: REGISTRY[k].default for k in rules.ALL_KEYS}
    assert rules.term_years(OrgKind.COMMITTEE, values) == 5
    assert rules.term_years(OrgKind.GENERAL_BRANCH, values) == 3
    assert rules.term_years(OrgKind.BRANCH, values) == 3
    assert rules.term_years(OrgKind.GROUP, values) is None
    assert REGISTRY[rules.TERM_REMINDER_MONTHS].status == RuleStatus.PARTIAL
    assert REGISTRY[rules.TERM_ADJUST_MAX_MONTHS].default == 12


def test_vacancies_name_a_missing_secretary_group_leader_and_extra_deputies():
    assert rules.vacancies(OrgKind.BRANCH, [], 1) == ["书记空缺"]
    assert rules.vacancies(OrgKind.BRANCH, [Post.SECRETARY, Post.DEPUTY], 1) == []
    assert rules.vacancies(OrgKind.COMMITTEE, [Post.SECRETARY, Post.DEPUTY, Post.DEPUTY], 1) == [
        "副书记2名，一般不超过1名"
    ]
    assert rules.vacancies(OrgKind.GROUP, [], 1) == ["党小组组长空缺"]
    assert rules.vacancies(OrgKind.GROUP, [Post.GROUP_LEADER], 1) == []


@pytest.mark.parametrize(
    ("today", "warnings"),
    [
        (dt.date(2025, 6, 30), ["书记党龄不满1年"]),  # 364 days after 转正: 0 whole years
        (dt.date(2025, 7, 1), []),  # 365 days: 1 year
    ],
)
def test_secretary_warning_at_one_year_of_party_standing(today, warnings):
    holder = Member(name="甲", confirmed_on=dt.date(2024, 7, 1))
    assert rules.secretary_warnings(holder, today, 1) == warnings


def test_a_probationary_secretary_is_flagged():
    assert rules.secretary_warnings(Member(name="乙", confirmed_on=None), TODAY, 1) == ["书记为预备党员"]


# --- terms ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("org_name", "years"), [("root", 5), ("general", 3), ("a1", 3)])
def test_open_term_plans_the_end_by_the_orgs_kind(world, org_name, years):
    term = actions.open_term(getattr(world, org_name), actor=world.admin, number=1, starts_on=dt.date(2024, 5, 10))
    assert term.planned_end == dt.date(2024 + years, 5, 10)
    assert term.due_on == term.planned_end
    assert AuditEvent.objects.filter(action="orgs.term_open", object_id=str(term.pk)).exists()


def test_a_group_has_no_terms(world):
    with pytest.raises(ValidationError) as exc:
        actions.open_term(world.a1_group, actor=world.admin, number=1, starts_on=dt.date(2024, 5, 10))
    assert "党小组不设届次" in messages(exc)


def test_a_local_rule_value_changes_the_term_length_from_its_effective_date(world):
    RuleParameter.objects.create(
        key=rules.TERM_YEARS_BRANCH, label="x", value=4, default=3, source="x", status=RuleStatus.LOCAL,
        effective_from=dt.date(2024, 1, 1),
    )
    before = actions.open_term(world.a2, actor=world.admin, number=1, starts_on=dt.date(2023, 12, 31))
    after = actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2024, 1, 1))
    assert before.planned_end == dt.date(2026, 12, 31)
    assert after.planned_end == dt.date(2028, 1, 1)


def test_a_new_term_closes_the_previous_one_and_ends_its_posts(world):
    first = actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2021, 3, 1))
    holding = actions.appoint(world.a1, actor=world.admin, member=world.member, post=Post.SECRETARY,
                                 starts_on=dt.date(2021, 3, 2))
    assert holding.term == first
    second = actions.open_term(world.a1, actor=world.admin, number=2, starts_on=dt.date(2024, 3, 5))
    first.refresh_from_db()
    holding.refresh_from_db()
    assert first.closed_on == dt.date(2024, 3, 5)
    assert holding.ends_on == dt.date(2024, 3, 5)
    assert second.closed_on is None


def test_posts_appointed_before_the_new_term_was_registered_move_to_it(world):
    actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2021, 3, 1))
    early = actions.appoint(world.a1, actor=world.admin, member=world.member, post=Post.ORGANIZATION,
                               starts_on=dt.date(2024, 3, 5))
    second = actions.open_term(world.a1, actor=world.admin, number=2, starts_on=dt.date(2024, 3, 5))
    early.refresh_from_db()
    assert early.term == second and early.ends_on is None


@pytest.mark.parametrize(
    ("starts_on", "ok"),
    [(dt.date(2021, 2, 28), False), (dt.date(2021, 3, 1), False), (dt.date(2021, 3, 2), True)],
)
def test_a_new_term_may_not_start_on_or_before_the_previous_terms_start(world, starts_on, ok):
    actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2021, 3, 1))
    if ok:
        assert actions.open_term(world.a1, actor=world.admin, number=2, starts_on=starts_on).number == 2
    else:
        with pytest.raises(ValidationError) as exc:
            actions.open_term(world.a1, actor=world.admin, number=2, starts_on=starts_on)
        assert "届次时间与第1届重叠" in messages(exc)


def test_a_new_term_may_not_start_before_a_closed_terms_closure(world):
    actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2018, 3, 1))
    actions.open_term(world.a1, actor=world.admin, number=2, starts_on=dt.date(2021, 3, 1))
    # Term 1 ran until 2021-03-01; a third term starting inside it overlaps term 1 (and 2).
    with pytest.raises(ValidationError) as exc:
        actions.open_term(world.a1, actor=world.admin, number=3, starts_on=dt.date(2021, 2, 28))
    assert "届次时间与第1届重叠" in messages(exc)


def test_term_numbers_are_unique_and_increasing(world):
    actions.open_term(world.a1, actor=world.admin, number=3, starts_on=dt.date(2021, 3, 1))
    with pytest.raises(ValidationError) as exc:
        actions.open_term(world.a1, actor=world.admin, number=3, starts_on=dt.date(2024, 3, 1))
    assert "第3届已录入" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        actions.open_term(world.a1, actor=world.admin, number=2, starts_on=dt.date(2024, 3, 1))
    assert "届次应大于已录入的第3届" in messages(exc)


def test_a_term_cannot_start_in_the_future(world):
    with pytest.raises(ValidationError) as exc:
        actions.open_term(world.a1, actor=world.admin, number=1, starts_on=TODAY + dt.timedelta(days=1))
    assert "任期开始日期不能晚于今天" in messages(exc)
    assert actions.open_term(world.a1, actor=world.admin, number=1, starts_on=TODAY).starts_on == TODAY


@pytest.mark.parametrize("who", ["secretary", "viewer", "outsider", "sysadmin"])
def test_only_a_higher_admin_opens_terms(world, who):
    with pytest.raises(Http404):
        actions.open_term(world.a1, actor=getattr(world, who), number=1, starts_on=dt.date(2024, 1, 1))
    assert not Term.objects.exists()
    assert AuditEvent.objects.filter(action="auth.denied", actor=getattr(world, who)).exists()


# --- adjusting a term -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "new_end", "ok"),
    [
        (ElectionStepKind.EXTENDED, dt.date(2026, 6, 30), True),  # +12 months
        (ElectionStepKind.EXTENDED, dt.date(2026, 7, 1), False),  # +12 months and a day
        (ElectionStepKind.ADVANCED, dt.date(2024, 6, 30), True),  # −12 months
        (ElectionStepKind.ADVANCED, dt.date(2024, 6, 29), False),  # −12 months and a day
    ],
)
def test_extension_or_advance_is_at_most_twelve_months(world, kind, new_end, ok):
    term = actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2022, 6, 30))
    assert term.planned_end == dt.date(2025, 6, 30)
    if ok:
        term = actions.adjust_term(term, actor=world.admin, kind=kind, new_end=new_end, doc_no="党委批〔2025〕3号")
        assert term.due_on == new_end and term.planned_end == dt.date(2025, 6, 30)
        step = term.steps.get()
        assert (step.kind, step.doc_no, step.date) == (kind, "党委批〔2025〕3号", TODAY)
    else:
        with pytest.raises(ValidationError) as exc:
            actions.adjust_term(term, actor=world.admin, kind=kind, new_end=new_end, doc_no="文")
        assert "延长或提前期限一般不超过1年" in messages(exc)
        term.refresh_from_db()
        assert term.adjusted_end is None


def test_an_adjustment_needs_its_document_and_the_right_direction(world):
    term = actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2022, 6, 30))
    with pytest.raises(ValidationError) as exc:
        actions.adjust_term(term, actor=world.admin, kind=ElectionStepKind.EXTENDED,
                               new_end=dt.date(2025, 12, 31), doc_no=" ")
    assert "请填写上级党组织批复文号" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        actions.adjust_term(term, actor=world.admin, kind=ElectionStepKind.EXTENDED,
                               new_end=dt.date(2025, 6, 1), doc_no="文")
    assert "延期换届的届满日期应晚于原届满日期" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        actions.adjust_term(term, actor=world.admin, kind=ElectionStepKind.ADVANCED,
                               new_end=dt.date(2025, 7, 1), doc_no="文")
    assert "提前换届的届满日期应早于原届满日期" in messages(exc)


def test_a_branch_secretary_cannot_adjust_their_own_term(world):
    term = actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2022, 6, 30))
    with pytest.raises(Http404):
        actions.adjust_term(term, actor=world.secretary, kind=ElectionStepKind.EXTENDED,
                               new_end=dt.date(2025, 12, 31), doc_no="文")


# --- posts ------------------------------------------------------------------------------------------------------


def test_one_secretary_at_a_time_named_in_the_refusal(world):
    other = world.make_member(world.a1, name="陈委员")
    first = actions.appoint(world.a1, actor=world.secretary, member=world.member, post=Post.SECRETARY,
                               starts_on=dt.date(2024, 1, 1), doc_no="任1")
    with pytest.raises(ValidationError) as exc:
        actions.appoint(world.a1, actor=world.secretary, member=other, post=Post.SECRETARY,
                           starts_on=dt.date(2025, 1, 1))
    assert "已有书记在任：李党员" in messages(exc)
    actions.end_post(first, actor=world.secretary, ends_on=dt.date(2025, 1, 1), reason="工作调动")
    second = actions.appoint(world.a1, actor=world.secretary, member=other, post=Post.SECRETARY,
                                starts_on=dt.date(2025, 1, 1))
    assert second.pk and AuditEvent.objects.filter(action="orgs.post_end", reason="工作调动").exists()


def test_a_secretary_who_left_later_still_blocks_an_earlier_start(world):
    first = actions.appoint(world.a1, actor=world.admin, member=world.member, post=Post.SECRETARY,
                               starts_on=dt.date(2024, 1, 1))
    actions.end_post(first, actor=world.admin, ends_on=dt.date(2025, 1, 1), reason="换届")
    other = world.make_member(world.a1, name="陈委员")
    with pytest.raises(ValidationError):
        actions.appoint(world.a1, actor=world.admin, member=other, post=Post.SECRETARY,
                           starts_on=dt.date(2024, 12, 31))


def test_at_most_one_deputy_secretary(world):
    d1 = world.make_member(world.a1, name="副一")
    d2 = world.make_member(world.a1, name="副二")
    actions.appoint(world.a1, actor=world.admin, member=d1, post=Post.DEPUTY, starts_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        actions.appoint(world.a1, actor=world.admin, member=d2, post=Post.DEPUTY, starts_on=dt.date(2024, 2, 1))
    assert "已有副书记在任：副一；副书记一般只设1名" in messages(exc)


def test_the_same_member_cannot_hold_the_same_post_twice_at_once(world):
    actions.appoint(world.a1, actor=world.admin, member=world.member, post=Post.ORGANIZATION,
                       starts_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        actions.appoint(world.a1, actor=world.admin, member=world.member, post=Post.ORGANIZATION,
                           starts_on=dt.date(2025, 1, 1))
    assert "李党员已在任组织委员" in messages(exc)


def test_a_branch_post_needs_a_member_of_that_branch(world):
    with pytest.raises(ValidationError) as exc:
        actions.appoint(world.a1, actor=world.admin, member=world.a2_member, post=Post.SECRETARY,
                           starts_on=dt.date(2024, 1, 1))
    assert "该党员不是本支部党员" in messages(exc)


def test_group_leader_only_on_a_group_and_from_its_branch(world):
    with pytest.raises(ValidationError) as exc:
        actions.appoint(world.a1, actor=world.admin, member=world.member, post=Post.GROUP_LEADER,
                           starts_on=dt.date(2024, 1, 1))
    assert "党小组组长只能在党小组任职" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        actions.appoint(world.a1_group, actor=world.admin, member=world.member, post=Post.SECRETARY,
                           starts_on=dt.date(2024, 1, 1))
    assert "党小组只设党小组组长" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        actions.appoint(world.a1_group, actor=world.admin, member=world.a2_member, post=Post.GROUP_LEADER,
                           starts_on=dt.date(2024, 1, 1))
    assert "该党员不是本党小组所在支部的党员" in messages(exc)
    leader = actions.appoint(world.a1_group, actor=world.secretary, member=world.member,
                                post=Post.GROUP_LEADER, starts_on=dt.date(2024, 1, 1))
    assert leader.org == world.a1_group


def test_a_committee_post_takes_members_from_its_subtree_only(world):
    ok = actions.appoint(world.general, actor=world.admin, member=world.member, post=Post.SECRETARY,
                            starts_on=dt.date(2024, 1, 1))
    assert ok.org == world.general
    with pytest.raises(ValidationError) as exc:
        actions.appoint(world.general, actor=world.admin, member=world.b_member, post=Post.DEPUTY,
                           starts_on=dt.date(2024, 1, 1))
    assert "该党员不在本组织及其下级组织中" in messages(exc)


def test_a_probationary_member_cannot_be_elected_to_the_committee(world):
    probationer = world.make_member(world.a1, name="预备", party_status="probationary",
                                    joined_on=dt.date(2025, 1, 1), confirmed_on=None)
    with pytest.raises(ValidationError) as exc:
        actions.appoint(world.a1, actor=world.admin, member=probationer, post=Post.PROPAGANDA,
                           starts_on=dt.date(2025, 2, 1))
    assert "预备党员没有被选举权" in messages(exc)


def test_a_member_off_the_roll_cannot_take_a_post(world):
    record_status_event(world.member, actor=world.admin, kind="suspended", date=dt.date(2025, 1, 1), reason="x",
                        doc_no="文")
    with pytest.raises(ValidationError) as exc:
        actions.appoint(world.a1, actor=world.admin, member=world.member, post=Post.SECRETARY,
                           starts_on=dt.date(2024, 1, 1))
    assert "该党员不在册或已停止党籍" in messages(exc)


@pytest.mark.parametrize("who", ["viewer", "outsider", "member_user", "auditor"])
def test_read_only_and_outside_users_cannot_appoint(world, who):
    with pytest.raises(Http404):
        actions.appoint(world.a1, actor=getattr(world, who), member=world.member, post=Post.SECRETARY,
                           starts_on=dt.date(2024, 1, 1))
    assert not PostHolding.objects.exists()


def test_ending_a_post_checks_its_dates_and_reason(world):
    holding = actions.appoint(world.a1, actor=world.admin, member=world.member, post=Post.SECRETARY,
                                 starts_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        actions.end_post(holding, actor=world.admin, ends_on=dt.date(2024, 1, 1), reason="x")
    assert "离任日期应晚于任职日期" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        actions.end_post(holding, actor=world.admin, ends_on=dt.date(2024, 1, 2), reason=" ")
    assert "请填写离任原因" in messages(exc)
    with pytest.raises(Http404):
        actions.end_post(holding, actor=world.outsider, ends_on=dt.date(2024, 1, 2), reason="x")
    actions.end_post(holding, actor=world.admin, ends_on=dt.date(2024, 1, 2), reason="x")
    with pytest.raises(ValidationError) as exc:
        actions.end_post(holding, actor=world.admin, ends_on=dt.date(2024, 1, 3), reason="x")
    assert "该职务已离任" in messages(exc)


# --- 换届 steps --------------------------------------------------------------------------------------------------


def test_steps_are_recorded_in_procedure_order(world):
    term = actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2022, 6, 30))
    actions.record_step(term, actor=world.secretary, kind=ElectionStepKind.REQUESTED, date=dt.date(2025, 3, 1),
                           doc_no="请1")
    with pytest.raises(ValidationError) as exc:
        actions.record_step(term, actor=world.secretary, kind=ElectionStepKind.REMINDED, date=dt.date(2025, 3, 2))
    assert "已记录“换届请示”，不能再记录“提醒换届”" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        actions.record_step(term, actor=world.secretary, kind=ElectionStepKind.REQUESTED, date=dt.date(2025, 3, 2))
    assert "换届步骤须按顺序办理" in messages(exc)
    actions.record_step(term, actor=world.secretary, kind=ElectionStepKind.ELECTED, date=dt.date(2025, 5, 1))
    assert list(term.steps.values_list("kind", flat=True)) == [ElectionStepKind.REQUESTED, ElectionStepKind.ELECTED]
    assert AuditEvent.objects.filter(action="orgs.election_step", actor=world.secretary).count() == 2


@pytest.mark.parametrize(("day", "ok"), [(dt.date(2025, 2, 28), False), (dt.date(2025, 3, 1), True)])
def test_no_step_is_dated_before_the_previous_one(world, day, ok):
    term = actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2022, 6, 30))
    actions.record_step(term, actor=world.admin, kind=ElectionStepKind.REMINDED, date=dt.date(2025, 3, 1))
    if ok:
        actions.record_step(term, actor=world.admin, kind=ElectionStepKind.REQUESTED, date=day)
    else:
        with pytest.raises(ValidationError) as exc:
            actions.record_step(term, actor=world.admin, kind=ElectionStepKind.REQUESTED, date=day)
        assert "日期不能早于上一步骤“提醒换届”（2025年3月1日）" in messages(exc)


def test_extension_is_not_a_procedure_step(world):
    term = actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2022, 6, 30))
    with pytest.raises(ValidationError) as exc:
        actions.record_step(term, actor=world.admin, kind=ElectionStepKind.EXTENDED, date=dt.date(2025, 3, 1))
    assert "调整届满日期" in messages(exc)


def test_the_election_step_links_the_orgs_meeting_of_that_day(world):
    term = actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2022, 6, 30))
    mine = Meeting.objects.create(org=world.a1, title="换届选举大会", starts_at=NOW, held_on=dt.date(2025, 5, 1))
    theirs = Meeting.objects.create(org=world.a2, title="大会", starts_at=NOW, held_on=dt.date(2025, 5, 1))
    with pytest.raises(ValidationError) as exc:
        actions.record_step(term, actor=world.admin, kind=ElectionStepKind.ELECTED, date=dt.date(2025, 5, 1),
                               meeting=theirs)
    assert "选举大会应为本组织召开的会议" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        actions.record_step(term, actor=world.admin, kind=ElectionStepKind.ELECTED, date=dt.date(2025, 5, 2),
                               meeting=mine)
    assert "选举大会的日期与本步骤日期不一致" in messages(exc)
    step = actions.record_step(term, actor=world.admin, kind=ElectionStepKind.ELECTED, date=dt.date(2025, 5, 1),
                                  meeting=mine)
    assert step.meeting == mine


def test_outsider_and_viewer_cannot_record_steps(world):
    term = actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2022, 6, 30))
    for who in (world.outsider, world.viewer):
        with pytest.raises(Http404):
            actions.record_step(term, actor=who, kind=ElectionStepKind.REQUESTED, date=dt.date(2025, 3, 1))
    assert not ElectionStep.objects.exists()


# --- org page data and the board --------------------------------------------------------------------------------


def test_org_leadership_lists_the_班子_vacancies_and_warnings(world):
    fresh = world.make_member(world.a1, name="新书记", confirmed_on=dt.date(2024, 7, 2))
    actions.appoint(world.a1, actor=world.admin, member=fresh, post=Post.SECRETARY, starts_on=dt.date(2025, 1, 1))
    data = queries.org_leadership(world.a1, TODAY)
    assert [h.member.name for h in data.in_office] == ["新书记"]
    assert data.vacancies == []
    assert data.warnings == ["新书记：书记党龄不满1年", "未录入届次"]
    assert queries.org_leadership(world.a2, TODAY).vacancies == ["书记空缺"]


def _board_world(world):  # type: ignore[no-untyped-def]
    """root: closed a term this year; general: extended; a1: due within 6 months; a2: overdue; b: no term."""
    actions.open_term(world.root, actor=world.admin, number=1, starts_on=dt.date(2020, 3, 1))
    actions.open_term(world.root, actor=world.admin, number=2, starts_on=dt.date(2025, 3, 1))
    g = actions.open_term(world.general, actor=world.admin, number=1, starts_on=dt.date(2022, 5, 1))
    actions.adjust_term(g, actor=world.admin, kind=ElectionStepKind.EXTENDED, new_end=dt.date(2025, 11, 1),
                           doc_no="批1")
    actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2023, 1, 1))  # due 2026-01-01
    actions.open_term(world.a2, actor=world.admin, number=1, starts_on=dt.date(2022, 6, 30))  # due 2025-06-30


@pytest.mark.parametrize(
    ("tab", "names"),
    [
        ("", ["第三党支部", "第二党支部", "第一党总支", "第一党支部", "机关党委"]),
        ("due_soon", ["第一党总支", "第一党支部"]),
        ("overdue", ["第二党支部"]),
        ("adjusted", ["第一党总支"]),
        ("done", ["机关党委"]),
        ("missing", ["第三党支部"]),
    ],
)
def test_the_board_tabs(world, tab, names):
    _board_world(world)
    ctx = queries.board_context(TODAY)
    assert [o.name for o in queries.board_rows(world.admin, ctx, tab)] == names
    counts = queries.board_counts(world.admin, ctx)
    assert counts[tab or "all"] == len(names)


def test_board_rows_carry_the_state_and_secretary(world):
    _board_world(world)
    actions.appoint(world.a2, actor=world.admin, member=world.a2_member, post=Post.SECRETARY,
                       starts_on=dt.date(2022, 7, 1))
    ctx = queries.board_context(TODAY)
    rows = {o.name: o for o in queries.board_rows(world.admin, ctx)}
    assert queries.row_state(rows["第二党支部"], ctx) == "已逾期"
    assert rows["第二党支部"].secretary_name == "赵二支"
    assert queries.row_state(rows["第三党支部"], ctx) == "未录入届次"
    assert queries.row_state(rows["第一党支部"], ctx) == "半年内到期"
    assert queries.row_state(rows["机关党委"], ctx) == "正常"


def test_the_board_shows_only_the_users_subtree(world):
    _board_world(world)
    ctx = queries.board_context(TODAY)
    assert [o.name for o in queries.board_rows(world.outsider, ctx)] == ["第三党支部"]
    assert [o.name for o in queries.board_rows(world.viewer, ctx)] == ["第二党支部", "第一党总支", "第一党支部"]
    assert list(queries.board_rows(world.auditor, ctx)) == []


def test_the_board_is_one_query_whatever_the_number_of_orgs(world):
    _board_world(world)
    ctx = queries.board_context(TODAY)

    def measure() -> int:
        admin = type(world.admin).objects.get(pk=world.admin.pk)
        with CaptureQueriesContext(connection) as ctx_q:
            list(queries.board_rows(admin, ctx))
            queries.board_counts(admin, ctx)
        return len(ctx_q.captured_queries)

    few = measure()
    for i in range(6):
        org = org_actions.create_org(actor=world.admin, parent=world.root, name=f"新支部{'甲乙丙丁戊己'[i]}", kind=OrgKind.BRANCH)
        actions.open_term(org, actor=world.admin, number=1, starts_on=dt.date(2023, 1, i + 1))
        actions.appoint(org, actor=world.admin, member=world.make_member(org, name=f"书记{'甲乙丙丁戊己'[i]}"),
                           post=Post.SECRETARY, starts_on=dt.date(2023, 2, 1))
    assert measure() == few == 3  # the user's scope, the rows, the counts
