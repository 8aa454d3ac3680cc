"""Every time and count rule of 发展党员 at its boundary, through the actions with frozen time: the day the rule
is met is accepted, the day before is refused with a message naming the rule (and nothing is written), or — for
the organisation's own deadlines — noted on the step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.models import RuleParameter, RuleStatus
from dangjian.members.choices import LeaveReason, MemberEventKind, MemberState, PartyStatus
from dangjian.orglife import actions as orglife
from dangjian.orglife.choices import AttendanceStatus, MeetingKind
from dangjian.recruitment import actions, rules
from dangjian.recruitment.models import Applicant, ApplicantStatus, Step
from dangjian.recruitment.steps import allowed_next
from tests.recruitment.conftest import TALLY, applicant_data, beijing_noon, errors_of, full_members, step, walk

D = dt.date


@pytest.fixture
def applicant(world):
    return actions.create_applicant(actor=world.secretary, data=applicant_data(world))


def steps_of(applicant):
    return list(Step.objects.filter(applicant=applicant).order_by("id").values_list("number", flat=True))


# --- pure ------------------------------------------------------------------------------------------------------


def test_order_of_the_steps():
    assert allowed_next([]) == [1]
    assert allowed_next([(1, "")]) == [2]
    assert allowed_next([(5, "")]) == [6]
    assert allowed_next([(6, "")]) == [6, 7]
    assert allowed_next([(20, "")]) == [21, 22]
    assert allowed_next([(23, "extend")]) == [24]
    assert allowed_next([(24, "extend")]) == [21, 22]
    assert allowed_next([(24, "confirm")]) == [25]
    assert allowed_next([(24, "cancel")]) == [25]
    assert allowed_next([(25, "")]) == []


def test_month_arithmetic_at_month_ends():
    limits = rules.Limits()
    assert rules.talk_due(D(2025, 1, 31), limits) == D(2025, 2, 28)
    assert rules.candidate_earliest(D(2024, 2, 29), limits) == D(2025, 2, 28)
    assert rules.probation_end(D(2025, 7, 20), 0, limits) == D(2026, 7, 20)
    assert rules.probation_end(D(2025, 7, 20), 6, limits) == D(2027, 1, 20)
    assert limits.extension_max_months == 12


def test_training_is_three_days_or_twenty_four_hours():
    limits = rules.Limits()
    assert rules.training_error(3, 0, limits) is None
    assert rules.training_error(0, 24, limits) is None
    assert "第十七条" in rules.training_error(2.5, 23.5, limits)


# --- application -----------------------------------------------------------------------------------------------


def test_age_eighteen_on_the_day_of_the_application(world):
    # Born 2 March 2006: eighteen on 2 March 2024.
    data = applicant_data(world, birth_date=D(2006, 3, 2), applied_on=D(2024, 3, 1))
    with pytest.raises(ValidationError) as exc:
        actions.create_applicant(actor=world.secretary, data=data)
    assert errors_of(exc)["birth_date"] == ["申请入党须年满18周岁（党章第一条、发展党员工作细则第五条）"]
    assert not Applicant.objects.exists()
    data["applied_on"] = D(2024, 3, 2)
    assert actions.create_applicant(actor=world.secretary, data=data).step == 1


def test_application_date_not_in_the_future(world, frozen):
    with pytest.raises(ValidationError) as exc:
        actions.create_applicant(actor=world.secretary, data=applicant_data(world, applied_on=D(2026, 11, 21)))
    assert errors_of(exc)["applied_on"] == ["递交入党申请书的日期不能晚于今天"]
    assert actions.create_applicant(actor=world.secretary, data=applicant_data(world, applied_on=D(2026, 11, 20)))


def test_one_open_record_per_id_card_and_none_for_a_member(world, applicant):
    data = applicant_data(world)
    data["id_card"] = actions.pii.read_id_card(applicant)
    with pytest.raises(ValidationError) as exc:
        actions.create_applicant(actor=world.secretary, data=data)
    assert errors_of(exc)["id_card"] == ["该身份证号已有正在培养发展的记录"]
    data["id_card"] = actions.pii.read_id_card(world.member)
    data["birth_date"], data["sex"] = world.member.birth_date, world.member.sex
    with pytest.raises(ValidationError) as exc:
        actions.create_applicant(actor=world.secretary, data=data)
    assert errors_of(exc)["id_card"] == ["该身份证号已是在册党员，无需发展"]


def test_outsider_cannot_register_or_record(world, applicant):
    from django.http import Http404

    with pytest.raises(Http404):
        actions.create_applicant(actor=world.outsider, data=applicant_data(world))
    with pytest.raises(Http404):
        actions.record_step(applicant, actor=world.outsider, number=2, data={"date": D(2024, 3, 20)})
    assert steps_of(applicant) == [1]


# --- order and dates -------------------------------------------------------------------------------------------


def test_a_step_out_of_order_is_refused(world, applicant):
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 3, D(2024, 3, 20))
    assert errors_of(exc)["number"][0].startswith("步骤顺序不对：“3. 推荐和确定入党积极分子”不能在“1. 递交入党申请书”之后记录")
    assert "下一步应为“2. 党组织派人谈话”" in errors_of(exc)["number"][0]
    assert steps_of(applicant) == [1]


def test_a_step_dated_in_the_future_or_before_the_previous_one_is_refused(world, applicant):
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 2, D(2026, 11, 21))
    assert errors_of(exc)["date"] == ["日期不能晚于今天"]
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 2, D(2024, 2, 29))
    assert errors_of(exc)["date"] == ["日期不能早于上一步骤“递交入党申请书”的日期（2024年3月1日）"]
    assert steps_of(applicant) == [1]
    step(world, applicant, 2, D(2024, 3, 1))


# --- talk within a month ---------------------------------------------------------------------------------------


def test_talk_within_one_month_is_on_time_and_later_is_noted(world, applicant):
    assert applicant.due_on == D(2024, 4, 1)
    on_time = step(world, applicant, 2, D(2024, 4, 1))
    assert on_time.flags == []


def test_talk_one_day_late_is_noted_with_the_rule(world, applicant):
    late = step(world, applicant, 2, D(2024, 4, 2))
    assert late.flags == ["谈话晚于规定期限（2024年4月1日）：党组织应在接到入党申请书后1个月内派人谈话（发展党员工作细则）"]


# --- mentors ---------------------------------------------------------------------------------------------------


def test_one_or_two_mentors_who_are_full_members(world, applicant):
    walk(world, applicant, 4)
    a, b = full_members(world)
    probationary = world.make_member(world.a1, name="孙预备", party_status="probationary",
                                     joined_on=D(2026, 1, 5), confirmed_on=None)
    for people, message in [
        ([], "须有1至2名培养联系人（发展党员工作细则：一至两名正式党员），现为0名"),
        ([a, b, world.member], "须有1至2名培养联系人（发展党员工作细则：一至两名正式党员），现为3名"),
        ([a, probationary], "孙预备是预备党员，不能担任培养联系人：培养联系人须是正式党员（发展党员工作细则：一至两名正式党员）"),
    ]:
        with pytest.raises(ValidationError) as exc:
            step(world, applicant, 5, D(2024, 5, 25), people=people)
        assert errors_of(exc)["people"] == [message]
    assert steps_of(applicant)[-1] == 4
    assert list(step(world, applicant, 5, D(2024, 5, 25), people=[a, b]).people.all()) != []


def test_a_member_confirmed_after_the_day_is_not_yet_full(world, applicant):
    walk(world, applicant, 4)
    later = world.make_member(world.a1, name="何新转", joined_on=D(2023, 6, 1), confirmed_on=D(2024, 6, 1))
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 5, D(2024, 5, 25), people=[later])
    assert "何新转是预备党员" in errors_of(exc)["people"][0]


# --- 考察 every six months ----------------------------------------------------------------------------------------


def test_assessment_six_months_after_the_activist_date(world, applicant):
    walk(world, applicant, 5)
    applicant.refresh_from_db()
    assert applicant.next_step == 6 and applicant.due_on == D(2024, 11, 10)  # activist on 10 May 2024
    assert step(world, applicant, 6, D(2024, 11, 10)).flags == []
    late = step(world, applicant, 6, D(2025, 5, 11))
    assert late.flags == ["考察间隔超过6个月（应于2025年5月10日前考察）：党支部每半年对入党积极分子进行一次考察（发展党员工作细则第十一条）"]


# --- one year as activist ---------------------------------------------------------------------------------------


def test_candidate_only_a_full_year_after_the_activist_date(world, applicant):
    walk(world, applicant, 6)
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 7, D(2025, 5, 9))
    assert errors_of(exc)["date"] == [
        "确定为发展对象须经过1年以上培养教育和考察（发展党员工作细则第十三条）：确定为入党积极分子的日期是2024年5月10日，"
        "最早可于2025年5月10日列为发展对象"
    ]
    assert steps_of(applicant)[-1] == 6
    step(world, applicant, 7, D(2025, 5, 10))


def test_a_tightened_activist_period_applies(world, applicant):
    RuleParameter.objects.create(key=rules.ACTIVIST_MIN_YEARS, label="x", value=2, default=1, source="本单位",
                                 status=RuleStatus.CENTRAL, effective_from=D(2020, 1, 1))
    walk(world, applicant, 6)
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 7, D(2025, 5, 10))
    assert "须经过2年以上" in errors_of(exc)["date"][0]


# --- introducers -----------------------------------------------------------------------------------------------


def test_two_introducers_who_are_full_members(world, applicant):
    a, b = full_members(world)
    walk(world, applicant, 8, [a, b])
    probationary = world.make_member(world.a1, name="孙预备", party_status="probationary",
                                     joined_on=D(2025, 1, 5), confirmed_on=None)
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 9, D(2025, 5, 25), people=[a])
    assert errors_of(exc)["people"] == ["须有2名入党介绍人（党章第五条：要有两名正式党员作介绍人），现为1名"]
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 9, D(2025, 5, 25), people=[a, probationary])
    assert errors_of(exc)["people"] == [
        "孙预备是预备党员，不能担任入党介绍人：入党介绍人须是正式党员（党章第五条：要有两名正式党员作介绍人）"
    ]
    assert steps_of(applicant)[-1] == 8
    step(world, applicant, 9, D(2025, 5, 25), people=[a, b])


# --- training --------------------------------------------------------------------------------------------------


def test_admission_needs_three_days_or_twenty_four_hours_of_training(world, applicant):
    walk(world, applicant, 10)
    short = step(world, applicant, 11, D(2025, 6, 20), training_days=2, training_hours="23.5")
    assert short.flags and "接收预备党员前须补足" in short.flags[0]
    for n, day in [(12, D(2025, 7, 1)), (13, D(2025, 7, 10)), (14, D(2025, 7, 15))]:
        step(world, applicant, n, day)
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 15, D(2025, 7, 20), **TALLY)
    assert errors_of(exc)["__all__"] == [
        "未经培训的，除个别特殊情况外，不能发展入党：发展对象集中培训时间一般不少于3天或24学时（发展党员工作细则第十七条），"
        "已记录2天、23.5学时"
    ]
    assert steps_of(applicant)[-1] == 14


def test_twenty_four_hours_suffice(world, applicant):
    walk(world, applicant, 10)
    step(world, applicant, 11, D(2025, 6, 20), training_hours=24)
    for n, day in [(12, D(2025, 7, 1)), (13, D(2025, 7, 10)), (14, D(2025, 7, 15))]:
        step(world, applicant, n, day)
    assert step(world, applicant, 15, D(2025, 7, 20), **TALLY).passed


# --- the vote --------------------------------------------------------------------------------------------------


def test_admission_vote_by_assembly_vote_quorum_and_majority(world, applicant):
    walk(world, applicant, 14)
    with pytest.raises(ValidationError) as exc:  # 2 of 4 present: no quorum
        step(world, applicant, 15, D(2025, 7, 20), entitled=4, present=2, yes=2, no=0, abstain=0)
    assert "未超过应到会4人的半数，不能表决" in errors_of(exc)["yes"][0]
    with pytest.raises(ValidationError) as exc:  # 3 present, 2 yes of 4 entitled: not more than half
        step(world, applicant, 15, D(2025, 7, 20), entitled=4, present=3, yes=2, no=1, abstain=0)
    assert "赞成2票，未超过应到会有表决权党员4人的半数" in errors_of(exc)["yes"][0]
    assert steps_of(applicant)[-1] == 14
    # A written opinion counts as a vote, not for the quorum.
    ok = step(world, applicant, 15, D(2025, 7, 20), entitled=4, present=3, yes=2, no=1, abstain=0, written_yes=1)
    assert ok.passed and ok.tally["written_yes"] == 1


def test_one_vote_serves_one_candidate(world, applicant):
    other = actions.create_applicant(actor=world.secretary, data=applicant_data(world, name="许另一"))
    people = full_members(world)
    walk(world, applicant, 14, people)
    walk(world, other, 14, people)
    meeting = orglife.record_meeting(actor=world.secretary, org=world.a1, data={
        "kinds": [MeetingKind.BRANCH_ASSEMBLY], "starts_at": beijing_noon(D(2025, 7, 20)),
    })
    expected = orglife.expected_members(world.a1, meeting.held_on, [MeetingKind.BRANCH_ASSEMBLY])
    orglife.set_attendance(meeting, actor=world.secretary, entries=[
        {"member": m, "status": AttendanceStatus.PRESENT} for m in expected
    ])
    first = step(world, applicant, 15, None, meeting=meeting, yes=len(expected), no=0, abstain=0)
    with pytest.raises(ValidationError) as exc:
        step(world, other, 15, None, vote=first.vote)
    assert errors_of(exc)["vote"] == ["该表决已用于另一名同志：支部大会讨论两个以上发展对象时，必须逐个讨论和表决"]
    second = step(world, other, 15, None, meeting=meeting, yes=len(expected), no=0, abstain=0)
    assert second.vote != first.vote and second.vote.subject == "接收许另一为预备党员"


def test_a_failed_vote_on_a_meeting_writes_nothing(world, applicant):
    walk(world, applicant, 14)
    meeting = orglife.record_meeting(actor=world.secretary, org=world.a1, data={
        "kinds": [MeetingKind.BRANCH_ASSEMBLY], "starts_at": beijing_noon(D(2025, 7, 20)),
    })
    expected = orglife.expected_members(world.a1, meeting.held_on, [MeetingKind.BRANCH_ASSEMBLY])
    orglife.set_attendance(meeting, actor=world.secretary, entries=[
        {"member": m, "status": AttendanceStatus.PRESENT} for m in expected
    ])
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 15, None, meeting=meeting, yes=0, no=len(expected), abstain=0)
    assert "表决未通过" in errors_of(exc)["yes"][0]
    assert not meeting.votes.exists() and steps_of(applicant)[-1] == 14


def test_the_meeting_must_be_a_branch_assembly_on_the_step_date(world, applicant):
    walk(world, applicant, 14)
    lecture = orglife.record_meeting(actor=world.secretary, org=world.a1, data={
        "kinds": [MeetingKind.PARTY_LECTURE], "starts_at": beijing_noon(D(2025, 7, 20)), "lecturer": "周书记",
        "lecture_topic": "党章学习",
    })
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 15, D(2025, 7, 20), meeting=lecture, yes=3, no=0, abstain=0)
    assert errors_of(exc)["meeting"][0].startswith("所选会议不是支部党员大会")
    assembly = orglife.record_meeting(actor=world.secretary, org=world.a1, data={
        "kinds": [MeetingKind.BRANCH_ASSEMBLY], "starts_at": beijing_noon(D(2025, 7, 19)),
    })
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 15, D(2025, 7, 20), meeting=assembly, yes=3, no=0, abstain=0)
    assert errors_of(exc)["date"] == ["日期应为支部党员大会召开的日期（2025年7月19日）"]


# --- approval within three months (six with a reason) ---------------------------------------------------------


def test_admission_approval_three_months_then_reason_then_never_after_six(world, applicant):
    walk(world, applicant, 16)  # meeting on 20 July 2025
    assert step(world, applicant, 17, D(2025, 10, 20)).flags == []


def test_admission_approval_after_three_months_needs_a_reason(world, applicant):
    walk(world, applicant, 16)
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 17, D(2025, 10, 21))
    assert errors_of(exc)["delay_reason"] == [
        "审批晚于支部大会通过后3个月（2025年10月20日），须填写延长审批的特殊情况（发展党员工作细则第二十七条）"
    ]
    assert Applicant.objects.get(pk=applicant.pk).member is None
    late = step(world, applicant, 17, D(2026, 1, 20), delay_reason="党委换届，审批顺延")
    assert late.flags == ["审批期限延长至3个月以上，原因：党委换届，审批顺延"]


def test_admission_approval_after_six_months_is_refused(world, applicant):
    walk(world, applicant, 16)
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 17, D(2026, 1, 21), delay_reason="党委换届，审批顺延")
    assert errors_of(exc)["date"] == ["基层党委审批不得超过支部大会通过后6个月（2026年1月20日）（发展党员工作细则第二十七条）"]
    assert Applicant.objects.get(pk=applicant.pk).member is None


def test_approval_refused_stops_the_applicant_without_a_member(world, applicant):
    walk(world, applicant, 16)
    step(world, applicant, 17, D(2025, 9, 1), approved=False)
    applicant.refresh_from_db()
    assert applicant.status == ApplicantStatus.STOPPED and applicant.member is None and applicant.next_step is None
    with pytest.raises(ValidationError):
        step(world, applicant, 18, D(2025, 9, 2))


# --- probation, 转正, extension, cancellation -------------------------------------------------------------------


def test_confirmation_meeting_not_before_the_probation_ends(world, applicant):
    walk(world, applicant, 22)  # admitted on 20 July 2025
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 23, D(2026, 7, 19), outcome="confirm", **TALLY)
    assert errors_of(exc)["date"][0].startswith("预备期至2026年7月20日届满（预备期一年，从支部大会通过之日算起")
    step(world, applicant, 23, D(2026, 7, 20), outcome="confirm", **TALLY)


def test_extension_once_for_six_to_twelve_months_then_confirmation(world, applicant, frozen):
    walk(world, applicant, 22)
    for months in (5, 13, None):
        with pytest.raises(ValidationError) as exc:
            step(world, applicant, 23, D(2026, 7, 20), outcome="extend", extension_months=months, **TALLY)
        assert errors_of(exc)["extension_months"] == ["延长预备期不能少于6个月，最长不超过12个月（发展党员工作细则第三十二条）"]
    step(world, applicant, 23, D(2026, 7, 20), outcome="extend", extension_months=6, **TALLY)
    step(world, applicant, 24, D(2026, 8, 1))
    applicant.refresh_from_db()
    member = applicant.member
    assert applicant.status == ApplicantStatus.PROBATION and applicant.due_on == D(2027, 1, 20)
    assert member.events.filter(kind=MemberEventKind.PROBATION_EXTENDED).get().reason == "延长预备期6个月，至2027年1月20日"
    assert member.party_status == PartyStatus.PROBATIONARY
    frozen.move_to(beijing_noon(D(2027, 3, 1)))
    step(world, applicant, 22, D(2027, 1, 10))
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 23, D(2027, 1, 19), outcome="confirm", **TALLY)
    assert "预备期至2027年1月20日届满" in errors_of(exc)["date"][0]
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 23, D(2027, 1, 20), outcome="extend", extension_months=6, **TALLY)
    assert errors_of(exc)["extension_months"] == ["预备期只能延长一次（发展党员工作细则第三十二条）"]
    step(world, applicant, 23, D(2027, 1, 20), outcome="confirm", **TALLY)
    step(world, applicant, 24, D(2027, 2, 1))
    member.refresh_from_db()
    assert member.party_status == PartyStatus.FULL and member.confirmed_on == D(2027, 1, 20)


def test_cancellation_takes_the_member_off_the_roll(world, applicant):
    walk(world, applicant, 22)
    step(world, applicant, 23, D(2026, 7, 25), outcome="cancel", **TALLY)
    step(world, applicant, 24, D(2026, 8, 1), doc_no="机党发〔2026〕3号")
    applicant.refresh_from_db()
    member = applicant.member
    assert applicant.status == ApplicantStatus.CANCELLED and applicant.next_step == 25
    assert member.state == MemberState.LEFT
    event = member.events.get(kind=MemberEventKind.LEFT)
    assert event.leave_reason == LeaveReason.PROBATION_CANCELLED and event.doc_no == "机党发〔2026〕3号"
    step(world, applicant, 25, D(2026, 8, 2))


def test_late_confirmation_approval_is_noted(world, applicant):
    walk(world, applicant, 23)  # meeting 20 July 2026
    late = step(world, applicant, 24, D(2026, 10, 21))
    assert late.flags and "应当在3个月内审批（发展党员工作细则第三十四条）" in late.flags[0]


def test_stop_only_before_admission(world, applicant):
    with pytest.raises(ValidationError):
        actions.stop_applicant(applicant, actor=world.secretary, reason="")
    walk(world, applicant, 17)
    with pytest.raises(ValidationError) as exc:
        actions.stop_applicant(applicant, actor=world.secretary, reason="本人撤回")
    assert exc.value.messages == ["只有尚未接收为预备党员的申请人可以终止发展"]


def test_a_meeting_vote_needs_its_counts(world, applicant):
    walk(world, applicant, 14)
    meeting = orglife.record_meeting(actor=world.secretary, org=world.a1, data={
        "kinds": [MeetingKind.BRANCH_ASSEMBLY], "starts_at": beijing_noon(D(2025, 7, 20)),
    })
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 15, None, meeting=meeting)
    assert errors_of(exc)["yes"] == ["请填写票数"] and not meeting.votes.exists()
