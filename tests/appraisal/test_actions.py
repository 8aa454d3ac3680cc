"""民主评议党员 through dangjian.appraisal.actions: the roll of the day, every refusal at its boundary with a clear
message and nothing written, the 1/3 优秀 warning (exactly 1/3 vs one more), confirmation and corrections with
history, and the 组织处置 of a 不合格党员 (限期改正 deadlines, 劝退 and 除名 through the member action)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from dangjian.appraisal import actions, rules
from dangjian.appraisal.choices import FollowUpKind, FollowUpOutcome, Rating, RoundStatus
from dangjian.appraisal.models import AppraisalResult, AppraisalRound, FollowUp
from dangjian.core.models import AuditEvent, RuleParameter
from dangjian.members import actions as member_actions
from dangjian.members.choices import LeaveReason, MemberEventKind, MemberState
from dangjian.members.models import MemberEvent
from dangjian.orglife import actions as orglife_actions
from dangjian.orglife.choices import MeetingKind
from tests.appraisal.conftest import DAY, confirmed, draft, grow, rate_all
from tests.samples import PDF

NOW = dt.datetime(2025, 12, 20, 4, tzinfo=dt.UTC)  # 20 December 2025, noon in Beijing

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def errors(exc_info) -> dict[str, list[str]]:
    return exc_info.value.message_dict


# --- pure rules ------------------------------------------------------------------------------------------------


def test_excellent_share_is_within_at_exactly_one_third_and_over_with_one_more():
    assert not rules.check_excellent(3, 9, "1/3").over
    assert rules.check_excellent(4, 9, "1/3").over
    assert rules.check_excellent(2, 8, "1/3").cap == 2 and rules.check_excellent(3, 8, "1/3").over
    assert "超过参加评议党员总数9人的1/3" in rules.check_excellent(4, 9, "1/3").message
    assert rules.check_excellent(3, 9, "1/3").message == ""
    with pytest.raises(ValueError):
        rules.parse_share("4/3")


def test_correction_state_is_due_within_the_lead_and_overdue_the_day_after_the_deadline():
    deadline = dt.date(2026, 6, 30)
    assert rules.correction_state(deadline, dt.date(2026, 5, 30), 30) == "running"
    assert rules.correction_state(deadline, dt.date(2026, 5, 31), 30) == "due"
    assert rules.correction_state(deadline, deadline, 30) == "due"
    assert rules.correction_state(deadline, dt.date(2026, 7, 1), 30) == "overdue"


def test_general_correction_period_is_twelve_months_to_the_day():
    assert rules.default_deadline(dt.date(2025, 12, 20), 12) == dt.date(2026, 12, 20)
    assert rules.add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert not rules.deadline_beyond_general(dt.date(2025, 12, 20), dt.date(2026, 12, 20), 12)
    assert rules.deadline_beyond_general(dt.date(2025, 12, 20), dt.date(2026, 12, 21), 12)


def test_a_round_belongs_to_its_year_or_the_following_one():
    assert rules.round_year_ok(2025, dt.date(2025, 12, 1))
    assert rules.round_year_ok(2025, dt.date(2026, 1, 10))
    assert not rules.round_year_ok(2025, dt.date(2027, 1, 1))
    assert not rules.round_year_ok(2025, dt.date(2024, 12, 31))


# --- drafting a round ------------------------------------------------------------------------------------------


def test_a_draft_round_lists_the_branch_roll_of_the_day_and_is_audited(world):
    grow(world, 2)
    late = world.make_member(world.a1, name="新转入", joined_on=dt.date(2025, 12, 15), confirmed_on=None,
                             party_status="probationary")
    appraisal = draft(world)
    assert appraisal.status == RoundStatus.DRAFT and appraisal.year == 2025 and appraisal.participants == 3
    names = set(appraisal.results.values_list("member__name", flat=True))
    assert names == {"李党员", "成员甲", "成员乙"} and late.name not in names
    event = AuditEvent.objects.get(action="appraisal.create")
    assert event.org_path == world.a1.path and event.changes["members"] == 3


def test_a_member_transferred_away_after_the_day_is_still_appraised_where_they_were(world):
    member_actions.transfer_member(world.member, actor=world.admin, to_org=world.a2, date=dt.date(2025, 12, 15))
    appraisal = draft(world)
    assert list(appraisal.results.values_list("member_id", flat=True)) == [world.member.pk]
    assert [m.pk for m in actions.roll(world.a2, DAY)] == [world.a2_member.pk]  # not yet in A2 on the day


def test_the_round_links_to_the_branch_member_review_meeting_and_takes_its_participants(world):
    grow(world, 2)
    meeting = orglife_actions.record_meeting(actor=world.admin, org=world.a1, data={
        "kinds": [MeetingKind.BRANCH_ASSEMBLY, MeetingKind.MEMBER_REVIEW],
        "starts_at": dt.datetime(2025, 12, 10, 7, tzinfo=dt.UTC)})
    expected = orglife_actions.expected_members(world.a1, DAY, [MeetingKind.MEMBER_REVIEW])
    orglife_actions.set_attendance(meeting, actor=world.admin, entries=[
        {"member": m.pk, "status": "present" if i else "leave", "leave_reason": "出差"} for i, m in enumerate(expected)])
    appraisal = actions.create_round(actor=world.admin, org=world.a1, data={"meeting": meeting.pk})
    assert appraisal.meeting == meeting and appraisal.held_on == DAY and appraisal.participants == 2


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"held_on": dt.date(2025, 12, 21), "participants": 1}, "held_on", "评议日期不能晚于今天"),
    ({"held_on": DAY, "participants": 2}, "participants", "参加民主测评人数（2）不能多于评议名单人数（1）"),
    ({"held_on": DAY, "participants": 0}, "participants", "参加民主测评人数须大于0"),
    ({"held_on": DAY}, "participants", "请填写参加民主测评人数"),
    ({"held_on": DAY, "participants": 1, "year": 2023}, "year", "2023年度的民主评议应在2023年内或次年开展"),
    ({"participants": 1}, "held_on", "请填写评议日期"),
])
def test_bad_round_data_is_refused_by_field_and_nothing_is_written(world, data, field, message):
    with pytest.raises(ValidationError) as exc:
        actions.create_round(actor=world.admin, org=world.a1, data=data)
    assert message in " ".join(errors(exc)[field])
    assert not AppraisalRound.objects.exists() and not AppraisalResult.objects.exists()


def test_the_day_itself_is_not_in_the_future(world):
    assert draft(world, day=dt.date(2025, 12, 20)).held_on == dt.date(2025, 12, 20)


def test_a_second_round_for_the_same_branch_and_year_is_refused_even_on_another_day(world):
    draft(world)
    with pytest.raises(ValidationError) as exc:
        draft(world, day=dt.date(2025, 12, 12))
    assert errors(exc)["year"] == ["第一党支部2025年度已有民主评议，每个党支部每年一次"]
    assert AppraisalRound.objects.count() == 1
    assert draft(world, day=dt.date(2025, 1, 12), year=2024).year == 2024  # the previous year's, held in January


def test_only_a_branch_holds_a_round_and_only_of_its_own_member_review_meeting(world):
    with pytest.raises(ValidationError) as exc:
        actions.create_round(actor=world.admin, org=world.general, data={"held_on": DAY, "participants": 1})
    assert "党总支不能登记" in errors(exc)["org"][0]
    other = orglife_actions.record_meeting(actor=world.admin, org=world.a1, data={
        "kinds": [MeetingKind.BRANCH_ASSEMBLY], "starts_at": dt.datetime(2025, 12, 10, 7, tzinfo=dt.UTC)})
    with pytest.raises(ValidationError) as exc:
        actions.create_round(actor=world.admin, org=world.a1, data={"meeting": other.pk, "participants": 1})
    assert errors(exc)["meeting"] == ["所选会议记录不是“民主评议党员”类型的会议"]
    b_meeting = orglife_actions.record_meeting(actor=world.admin, org=world.b, data={
        "kinds": [MeetingKind.MEMBER_REVIEW], "starts_at": dt.datetime(2025, 12, 10, 7, tzinfo=dt.UTC)})
    with pytest.raises(ValidationError) as exc:
        actions.create_round(actor=world.admin, org=world.a1, data={"meeting": b_meeting.pk, "participants": 1})
    assert errors(exc)["meeting"] == ["所选会议记录不存在或不是该党支部的会议"]
    assert not AppraisalRound.objects.exists()


def test_an_outsider_or_a_viewer_cannot_draft_and_the_refusal_is_audited(world):
    for user in (world.outsider, world.viewer, world.member_user):
        with pytest.raises(Http404):
            actions.create_round(actor=user, org=world.a1, data={"held_on": DAY, "participants": 1})
    assert not AppraisalRound.objects.exists()
    assert AuditEvent.objects.filter(action="auth.denied", reason="appraisal.create_round").count() == 3


def test_moving_a_draft_to_another_day_re_derives_the_sheet_and_keeps_entered_results(world):
    grow(world, 1)
    appraisal = draft(world, participants=2)
    actions.set_results(appraisal, actor=world.admin, entries=[{"member": world.member.pk, "rating": Rating.EXCELLENT}])
    late = world.make_member(world.a1, name="晚入党", joined_on=dt.date(2025, 12, 12), confirmed_on=None,
                             party_status="probationary")
    actions.update_round(appraisal, actor=world.admin, data={"held_on": dt.date(2025, 12, 18)})
    rows = dict(appraisal.results.values_list("member_id", "rating"))
    assert rows[world.member.pk] == Rating.EXCELLENT and late.pk in rows and len(rows) == 3


# --- the rating sheet ------------------------------------------------------------------------------------------


def test_the_sheet_records_self_peer_and_votes_and_refuses_anyone_not_on_the_roll(world):
    appraisal = draft(world)
    check = actions.set_results(appraisal, actor=world.secretary, entries=[{
        "member": world.member.pk, "self_rating": Rating.QUALIFIED, "peer_opinion": "工作认真",
        "votes_excellent": 1, "rating": Rating.EXCELLENT, "reason": "表现突出"}])
    result = appraisal.results.get()
    assert (result.self_rating, result.peer_opinion, result.votes_excellent, result.rating) == (
        Rating.QUALIFIED, "工作认真", 1, Rating.EXCELLENT)
    assert check.over and check.cap == 0  # 1 of 1 is over the 1/3 share: a warning, the sheet is saved
    with pytest.raises(ValidationError) as exc:
        actions.set_results(appraisal, actor=world.admin, entries=[
            {"member": world.member.pk, "rating": Rating.QUALIFIED},
            {"member": world.a2_member.pk, "rating": Rating.QUALIFIED}])
    assert errors(exc)["results"] == ["赵二支不在第一党支部2025年12月10日的党员名册上，不能评议"]
    assert appraisal.results.get().rating == Rating.EXCELLENT  # nothing written


def test_votes_may_equal_the_participants_but_not_exceed_them(world):
    grow(world, 2)
    appraisal = draft(world, participants=3)
    actions.set_results(appraisal, actor=world.admin, entries=[
        {"member": world.member.pk, "votes_excellent": 1, "votes_qualified": 2}])
    with pytest.raises(ValidationError) as exc:
        actions.set_results(appraisal, actor=world.admin, entries=[
            {"member": world.member.pk, "votes_excellent": 2, "votes_qualified": 2}])
    assert errors(exc)["results"] == ["李党员：测评票数合计（4）不能多于参加民主测评人数（3）"]
    assert appraisal.results.get(member=world.member).votes_excellent == 1
    with pytest.raises(ValidationError) as exc:
        actions.update_round(appraisal, actor=world.admin, data={"participants": 2})
    assert "李党员的测评票数合计多于2" in errors(exc)["participants"][0]


def test_unqualified_needs_a_reason_and_unknown_grades_are_refused(world):
    appraisal = draft(world)
    with pytest.raises(ValidationError) as exc:
        actions.set_results(appraisal, actor=world.admin, entries=[{"member": world.member.pk, "rating": Rating.UNQUALIFIED}])
    assert errors(exc)["results"] == ["李党员：评定为不合格须填写评定意见"]
    with pytest.raises(ValidationError) as exc:
        actions.set_results(appraisal, actor=world.admin, entries=[{"member": world.member.pk, "rating": "great"}])
    assert errors(exc)["results"] == ["李党员：请选择优秀、合格、基本合格或不合格"]


def test_one_third_excellent_is_a_warning_at_the_boundary_and_never_blocks_confirmation(world):
    grow(world, 5)  # six members
    appraisal = draft(world)
    exactly = [Rating.EXCELLENT] * 2 + [Rating.QUALIFIED] * 4
    assert rate_all(world, appraisal, exactly).over is False
    over = rate_all(world, appraisal, [Rating.EXCELLENT] * 3 + [Rating.QUALIFIED] * 3)
    assert over.over and over.cap == 2
    assert "评定为“优秀”的有3人，超过参加评议党员总数6人的1/3（至多2人）" in over.message
    check = actions.confirm_round(appraisal, actor=world.admin)
    assert check.over and AppraisalRound.objects.get().status == RoundStatus.CONFIRMED
    assert "超过" in AuditEvent.objects.get(action="appraisal.confirm").changes["warning"]


def test_a_tightened_share_recorded_as_a_rule_parameter_is_used(world):
    grow(world, 3)  # four members
    RuleParameter.objects.create(key=rules.EXCELLENT_MAX_SHARE, label="优秀比例", value="1/4", default="1/3",
                                 source="本单位", status="local", effective_from=dt.date(2025, 1, 1))
    appraisal = draft(world)
    assert not rate_all(world, appraisal, [Rating.EXCELLENT] + [Rating.QUALIFIED] * 3).over
    assert rate_all(world, appraisal, [Rating.EXCELLENT] * 2 + [Rating.QUALIFIED] * 2).over


def test_confirmation_needs_everyone_rated(world):
    grow(world, 1)
    appraisal = draft(world)
    actions.set_results(appraisal, actor=world.admin, entries=[{"member": world.member.pk, "rating": Rating.QUALIFIED}])
    with pytest.raises(ValidationError) as exc:
        actions.confirm_round(appraisal, actor=world.admin)
    assert errors(exc)["results"] == ["尚有1人未评定等次：成员甲"]
    assert AppraisalRound.objects.get().status == RoundStatus.DRAFT


def test_a_confirmed_round_changes_only_by_correction_with_a_reason_kept_in_history(world):
    grow(world, 2)
    appraisal = confirmed(world)
    with pytest.raises(ValidationError):
        actions.set_results(appraisal, actor=world.admin, entries=[{"member": world.member.pk, "rating": Rating.BASIC}])
    with pytest.raises(ValidationError):
        actions.update_round(appraisal, actor=world.admin, data={"note": "改"})
    result = appraisal.results.get(member=world.member)
    with pytest.raises(ValidationError) as exc:
        actions.correct_result(result, actor=world.admin, data={"rating": Rating.BASIC}, reason="")
    assert errors(exc)["reason"] == ["请填写更正原因"]
    actions.correct_result(result, actor=world.admin, data={"rating": Rating.BASIC}, reason="支委会复核")
    result.refresh_from_db()
    assert result.rating == Rating.BASIC
    latest = result.history.order_by("-history_id").first()
    assert latest.history_change_reason == "支委会复核"
    event = AuditEvent.objects.get(action="appraisal.correct_result")
    assert event.reason == "支委会复核" and event.changes["rating"] == [Rating.QUALIFIED, Rating.BASIC]
    with pytest.raises(ValidationError) as exc:
        actions.correct_round(appraisal, actor=world.admin, data={"held_on": dt.date(2025, 12, 11)}, reason="改日期")
    assert "不能更正" in errors(exc)["held_on"][0]
    actions.correct_round(appraisal, actor=world.admin, data={"participants": 2}, reason="核对签到表")
    appraisal.refresh_from_db()
    assert appraisal.participants == 2
    assert appraisal.history.order_by("-history_id").first().history_change_reason == "核对签到表"


# --- 组织处置 --------------------------------------------------------------------------------------------------


def unqualified(world):
    grow(world, 2)
    appraisal = confirmed(world, ratings=[Rating.UNQUALIFIED, Rating.QUALIFIED, Rating.QUALIFIED])
    return appraisal.results.get(rating=Rating.UNQUALIFIED)


def test_a_correction_deadline_must_fall_after_the_decision(world):
    result = unqualified(world)
    decided = dt.date(2025, 12, 15)
    for deadline in (dt.date(2025, 12, 14), decided):
        with pytest.raises(ValidationError) as exc:
            actions.record_followup(result, actor=world.admin, data={
                "kind": FollowUpKind.CORRECTION, "decided_on": decided, "deadline": deadline})
        assert errors(exc)["deadline"] == ["改正期限须晚于决定日期（2025年12月15日）"]
    assert not FollowUp.objects.exists()
    followup = actions.record_followup(result, actor=world.admin, data={
        "kind": FollowUpKind.CORRECTION, "decided_on": decided, "deadline": dt.date(2025, 12, 16)})
    assert followup.is_open and actions.followup_warning(followup) == ""


def test_a_correction_beyond_the_general_year_is_recorded_with_a_warning(world):
    result = unqualified(world)
    followup = actions.record_followup(result, actor=world.admin, data={
        "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": dt.date(2026, 12, 16)})
    assert "超过一般期限（12个月" in actions.followup_warning(followup)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 21), "deadline": dt.date(2026, 6, 1)},
     "decided_on", "决定日期不能晚于今天"),
    ({"kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 9), "deadline": dt.date(2026, 6, 1)},
     "decided_on", "决定日期不能早于民主评议日期（2025年12月10日）"),
    ({"kind": FollowUpKind.REMOVE, "decided_on": dt.date(2025, 12, 15), "note": "拒不改正"}, "doc_no", "除名须填写决定文号"),
    ({"kind": FollowUpKind.PERSUADE, "decided_on": dt.date(2025, 12, 15), "doc_no": "1号"}, "note", "劝退须写明理由"),
    ({"kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15)}, "deadline", "限期改正须填写改正期限"),
    ({"kind": "warn", "decided_on": dt.date(2025, 12, 15)}, "kind", "请选择限期改正、劝退或除名"),
])
def test_bad_followups_are_refused_by_field_and_nothing_is_written(world, data, field, message):
    result = unqualified(world)
    with pytest.raises(ValidationError) as exc:
        actions.record_followup(result, actor=world.admin, data=data)
    assert message in errors(exc)[field]
    assert not FollowUp.objects.exists() and not MemberEvent.objects.filter(kind=MemberEventKind.LEFT).exists()


def test_only_a_confirmed_unqualified_member_gets_a_followup(world):
    grow(world, 2)
    appraisal = confirmed(world)
    with pytest.raises(ValidationError) as exc:
        actions.record_followup(appraisal.results.first(), actor=world.admin, data={
            "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": dt.date(2026, 6, 1)})
    assert "只有已确认评定为“不合格”的党员需要组织处置" in exc.value.messages


def test_scans_are_checked_by_content_and_stored(world):
    result = unqualified(world)
    data = {"kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": dt.date(2026, 6, 1),
            "doc_no": "一支〔2025〕3号"}
    with pytest.raises(ValidationError) as exc:
        actions.record_followup(result, actor=world.admin, data=data,
                                upload=SimpleUploadedFile("决定.pdf", b"MZ\x90\x00not a pdf"))
    assert errors(exc)["scan"] == ["“决定.pdf”：仅支持 JPG、PNG 图片和 PDF 扫描件"]
    too_big = SimpleUploadedFile("大.pdf", b"%PDF-" + b"\x00" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        actions.record_followup(result, actor=world.admin, data=data, upload=too_big)
    assert "超过10MB" in errors(exc)["scan"][0]
    assert not FollowUp.objects.exists()
    followup = actions.record_followup(result, actor=world.admin, data=data, upload=SimpleUploadedFile("决定.pdf", PDF))
    assert (followup.scan_name, followup.scan_type, followup.scan_size) == ("决定.pdf", "application/pdf", len(PDF))
    assert followup.scan.name.endswith(".pdf") and "决定" not in followup.scan.name


def test_not_corrected_only_after_the_deadline_then_persuasion_refused_then_removal(world):
    result = unqualified(world)
    followup = actions.record_followup(result, actor=world.admin, data={
        "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 12), "deadline": dt.date(2025, 12, 19)})
    with pytest.raises(ValidationError) as exc:
        actions.record_followup(result, actor=world.admin, data={
            "kind": FollowUpKind.REMOVE, "decided_on": dt.date(2025, 12, 15), "doc_no": "1号", "note": "x"})
    assert "尚有未办结的限期改正，请先登记其结果" in exc.value.messages
    with pytest.raises(ValidationError) as exc:
        actions.close_followup(followup, actor=world.admin, outcome=FollowUpOutcome.NOT_CORRECTED,
                               closed_on=dt.date(2025, 12, 19))
    assert errors(exc)["outcome"] == ["改正期限（2025年12月19日）届满后才能认定逾期未改正"]
    actions.close_followup(followup, actor=world.admin, outcome=FollowUpOutcome.NOT_CORRECTED,
                           closed_on=dt.date(2025, 12, 20))
    persuade = actions.record_followup(result, actor=world.admin, data={
        "kind": FollowUpKind.PERSUADE, "decided_on": dt.date(2025, 12, 20), "doc_no": "一支〔2025〕5号",
        "note": "逾期未改正"})
    actions.close_followup(persuade, actor=world.admin, outcome=FollowUpOutcome.REFUSED, closed_on=dt.date(2025, 12, 20))
    assert world.member.__class__.objects.get(pk=result.member_id).state == MemberState.ACTIVE
    removal = actions.record_followup(result, actor=world.admin, data={
        "kind": FollowUpKind.REMOVE, "decided_on": dt.date(2025, 12, 20), "doc_no": "机党〔2025〕9号", "note": "劝而不退"})
    assert removal.outcome == FollowUpOutcome.REMOVED and removal.closed_on == dt.date(2025, 12, 20)
    event = removal.member_event
    assert (event.kind, event.leave_reason, event.doc_no) == (MemberEventKind.LEFT, LeaveReason.REMOVED, "机党〔2025〕9号")
    assert event.member.state == MemberState.LEFT
    with pytest.raises(ValidationError):
        actions.record_followup(result, actor=world.admin, data={
            "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 20), "deadline": dt.date(2026, 1, 1)})


def test_persuasion_accepted_records_the_member_leaving_by_persuasion(world):
    result = unqualified(world)
    persuade = actions.record_followup(result, actor=world.admin, data={
        "kind": FollowUpKind.PERSUADE, "decided_on": dt.date(2025, 12, 15), "doc_no": "一支〔2025〕6号", "note": "拒不改正"})
    with pytest.raises(ValidationError) as exc:
        actions.close_followup(persuade, actor=world.admin, outcome=FollowUpOutcome.CORRECTED, closed_on=dt.date(2025, 12, 18))
    assert "劝退的结果应为" in errors(exc)["outcome"][0]
    actions.close_followup(persuade, actor=world.admin, outcome=FollowUpOutcome.LEFT, closed_on=dt.date(2025, 12, 18))
    persuade.refresh_from_db()
    event = persuade.member_event
    assert (event.kind, event.leave_reason, event.date) == (MemberEventKind.LEFT, LeaveReason.PERSUADED, dt.date(2025, 12, 18))
    assert AuditEvent.objects.filter(action="members.status").count() == 1


def test_an_unqualified_with_a_followup_cannot_be_corrected_to_another_grade(world):
    result = unqualified(world)
    actions.record_followup(result, actor=world.admin, data={
        "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": dt.date(2026, 6, 1)})
    with pytest.raises(ValidationError) as exc:
        actions.correct_result(result, actor=world.admin, data={"rating": Rating.BASIC}, reason="复核")
    assert errors(exc)["rating"] == ["该党员已有组织处置记录，不能更正为其他等次"]


def test_outsiders_cannot_record_or_close_followups(world):
    result = unqualified(world)
    with pytest.raises(Http404):
        actions.record_followup(result, actor=world.outsider, data={
            "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": dt.date(2026, 6, 1)})
    followup = actions.record_followup(result, actor=world.secretary, data={
        "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": dt.date(2026, 6, 1)})
    with pytest.raises(Http404):
        actions.close_followup(followup, actor=world.viewer, outcome=FollowUpOutcome.CORRECTED, closed_on=dt.date(2025, 12, 20))
    assert FollowUp.objects.get().is_open


def test_a_concurrent_second_draft_of_the_same_branch_and_year_is_refused_by_the_constraint(world, monkeypatch):
    """Two requests pass the check at once; the database constraint refuses the second with the same message."""
    real = actions._clean_round

    def racing(org, data, **kw):
        found = real(org, data, **kw)
        AppraisalRound.objects.create(org=org, year=2025, held_on=DAY, participants=1)  # the other request wins
        return found

    monkeypatch.setattr(actions, "_clean_round", racing)
    with pytest.raises(ValidationError) as exc:
        actions.create_round(actor=world.admin, org=world.a1, data={"held_on": DAY, "participants": 1})
    assert errors(exc)["year"] == ["第一党支部2025年度已有民主评议，每个党支部每年一次"]
    # Nothing of this request remains (the simulated winner shared its transaction here, so it went too).
    assert not AppraisalRound.objects.exists() and not AppraisalResult.objects.exists()


def test_a_back_dated_transfer_recorded_after_drafting_is_caught_at_confirmation_and_the_sheet_follows(world):
    grow(world, 1)
    appraisal = draft(world, participants=1)
    rate_all(world, appraisal)
    member_actions.transfer_member(world.member, actor=world.admin, to_org=world.a2, date=dt.date(2025, 12, 1))
    with pytest.raises(ValidationError) as exc:
        actions.confirm_round(appraisal, actor=world.admin)
    assert "评议名单与评议日的党员名册不一致" in exc.value.messages[0]
    actions.set_results(appraisal, actor=world.admin, entries=[])
    assert list(appraisal.results.values_list("member__name", flat=True)) == ["成员甲"]
    actions.confirm_round(appraisal, actor=world.admin)
