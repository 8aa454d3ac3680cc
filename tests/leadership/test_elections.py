"""换届选举 results: the counts go through lib/votes (4/5 quorum, 差额 margin, winning threshold), a valid result
opens the new 届 with the elected in office, and numbers that do not add up write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.core.models import AuditEvent, RuleParameter, RuleStatus
from dangjian.core.scoping import OutOfScope
from dangjian.leadership import actions, rules
from dangjian.leadership.forms import parse_candidates
from dangjian.leadership.models import ElectionResult, ElectionStepKind, Post, PostHolding, Term
from tests.world import make_id_card

NOW = dt.datetime(2025, 7, 1, 4, 0, tzinfo=dt.UTC)
HELD = dt.date(2025, 6, 20)


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def branch(world):  # type: ignore[no-untyped-def]
    """第一党支部 with 李党员 (书记 of 第1届) and five more 正式党员 甲乙丙丁戊: six with a vote."""
    term = actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2022, 7, 1))
    actions.appoint(world.a1, actor=world.admin, member=world.member, post=Post.SECRETARY,
                    starts_on=dt.date(2022, 7, 1))
    people = {}
    for i, name in enumerate("甲乙丙丁戊"):
        birth = dt.date(1980 + i, 1, 2)
        people[name] = world.make_member(world.a1, name=name, birth_date=birth, id_card=make_id_card(birth))
    return {"term": term, **people}


def cand(b, spec: str) -> list[actions.CandidateInput]:  # type: ignore[no-untyped-def]
    """"甲5书记 乙4 丙4 丁2" → candidate inputs."""
    out = []
    for item in spec.split():
        name, rest = item[0], item[1:]
        votes = int("".join(ch for ch in rest if ch.isdigit()))
        post = rest.lstrip("0123456789")
        out.append(actions.CandidateInput(member=b[name], votes=votes,
                                          post={"书记": Post.SECRETARY, "": ""}[post]))
    return out


def elect(world, b, **overrides):  # type: ignore[no-untyped-def]
    args = {
        "held_on": HELD, "mode": "committee", "seats": 3, "eligible": 6, "excluded": 0, "exclusion_basis": "",
        "exclusion_doc_no": "", "present": 5, "number": 2, "doc_no": "组〔2025〕8号",
        "candidates": cand(b, "甲5书记 乙4 丙4 丁2"),
    }
    args.update(overrides)
    return actions.record_election(world.a1, actor=world.admin, **args)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_a_valid_election_opens_the_new_term_with_the_elected_in_office(world, branch):
    result = elect(world, branch)
    assert result.win_base == 6 and result.unfilled == 0
    assert {c.member.name for c in result.candidates.all() if c.elected} == {"甲", "乙", "丙"}
    new = Term.objects.get(org=world.a1, number=2)
    assert new.starts_on == HELD and result.term == new
    assert Term.objects.get(pk=branch["term"].pk).closed_on == HELD
    in_office = {(h.member.name, h.post) for h in PostHolding.objects.filter(term=new, ends_on__isnull=True)}
    assert in_office == {("甲", Post.SECRETARY), ("乙", Post.COMMITTEE_MEMBER), ("丙", Post.COMMITTEE_MEMBER)}
    old = PostHolding.objects.get(member=world.member, post=Post.SECRETARY)
    assert old.ends_on == HELD and old.end_reason == "换届"
    step = branch["term"].steps.get()
    assert step.kind == ElectionStepKind.ELECTED and step.date == HELD
    event = AuditEvent.objects.get(action="orgs.election_result")
    assert event.changes["elected"] == ["甲", "乙", "丙"] and event.changes["present"] == 5


@pytest.mark.parametrize(("present", "valid"), [(4, False), (5, True)])
def test_the_election_needs_more_than_four_fifths_of_those_expected(world, branch, present, valid):
    # 6 with a vote, 1 excused: 应到会 5; 4 present is exactly 4/5 — not "more than".
    kwargs = {"eligible": 6, "excluded": 1, "exclusion_basis": "自费出国半年以上", "present": present,
              "candidates": cand(branch, "甲4 乙4 丙4 丁1")}
    if valid:
        assert elect(world, branch, **kwargs).term.number == 2
        return
    with pytest.raises(ValidationError) as exc:
        elect(world, branch, **kwargs)
    assert "五分之四" in errors_of(exc)
    assert not ElectionResult.objects.exists() and not Term.objects.filter(number=2).exists()
    assert PostHolding.objects.get(member=world.member).ends_on is None


def test_an_exclusion_needs_its_basis_and_is_kept(world, branch):
    with pytest.raises(ValidationError) as exc:
        elect(world, branch, excluded=1)
    assert "exclusion_basis" in exc.value.message_dict
    result = elect(world, branch, excluded=1, exclusion_basis="年老体弱、卧床不起", exclusion_doc_no="组〔2025〕7号")
    assert result.expected == 5 and result.exclusion_basis == "年老体弱、卧床不起"


@pytest.mark.parametrize(("overrides", "field", "text"), [
    ({"present": 7}, "present", "实到会人数（7）不能多于应到会人数（6）"),
    ({"candidates": "甲6 乙4 丙4 丁2"}, "candidates", "甲的赞成票（6）不能多于实到会人数（5）"),
    ({"candidates": "甲5 乙4 丙4"}, "candidates", "候选人应不少于4名"),
    ({"candidates": "甲5 甲4 丙4 丁2"}, "candidates", "不能重复"),
    ({"excluded": 6, "exclusion_basis": "x"}, "excluded", "须少于有选举权的党员人数"),
    ({"candidates": "甲5书记 乙4书记 丙4 丁2"}, "candidates", "只能有1名书记"),
])
def test_numbers_that_do_not_add_up_write_nothing(world, branch, overrides, field, text):
    if isinstance(overrides.get("candidates"), str):
        overrides = {**overrides, "candidates": cand(branch, overrides["candidates"])}
    with pytest.raises(ValidationError) as exc:
        elect(world, branch, **overrides)
    assert text in " ".join(exc.value.message_dict[field])
    assert not ElectionResult.objects.exists() and Term.objects.filter(org=world.a1).count() == 1


def test_a_direct_secretary_election_needs_no_margin(world, branch):
    result = elect(world, branch, mode="secretary", seats=1, candidates=cand(branch, "甲5书记"))
    assert PostHolding.objects.get(term=result.term, ends_on__isnull=True).member.name == "甲"


def test_a_probationary_member_cannot_stand(world, branch):
    birth = dt.date(1999, 1, 1)
    new = world.make_member(world.a1, name="己", birth_date=birth, id_card=make_id_card(birth),
                            party_status="probationary", joined_on=dt.date(2025, 1, 1), confirmed_on=None)
    with pytest.raises(ValidationError) as exc:
        elect(world, branch, candidates=[*cand(branch, "甲5 乙4 丙4"), actions.CandidateInput(new, 2)])
    assert "己：预备党员没有被选举权" in errors_of(exc)


def test_half_of_those_expected_is_not_enough_by_default_and_seats_stay_open(world, branch):
    # 应到会 6: 3 votes is exactly half — not elected; one seat is left for a further election.
    result = elect(world, branch, candidates=cand(branch, "甲5 乙4 丙3 丁2"))
    assert [c.member.name for c in result.candidates.all() if c.elected] == ["甲", "乙"]
    assert result.unfilled == 1


def test_the_winning_base_can_be_set_to_those_present(world, branch):
    RuleParameter.objects.create(key=rules.ELECTION_WIN_BASE, label="x", value="present", default="expected",
                                 source="x", status=RuleStatus.LOCAL, effective_from=dt.date(2025, 1, 1))
    result = elect(world, branch, candidates=cand(branch, "甲5 乙4 丙3 丁2"))
    assert result.win_base == 5 and result.unfilled == 0  # 3 > 5/2


def test_nobody_elected_writes_nothing(world, branch):
    with pytest.raises(ValidationError) as exc:
        elect(world, branch, candidates=cand(branch, "甲3 乙3 丙3 丁3"))
    assert "无人当选" in errors_of(exc) and not ElectionResult.objects.exists()


def test_a_secretary_of_the_branch_cannot_record_the_result(world, branch):
    with pytest.raises(OutOfScope):
        actions.record_election(world.a1, actor=world.secretary, held_on=HELD, mode="committee", seats=3,
                                eligible=6, excluded=0, exclusion_basis="", exclusion_doc_no="", present=5,
                                number=2, candidates=cand(branch, "甲5 乙4 丙4 丁2"))


def test_candidate_lines_are_read_with_their_line_numbers():
    lines, problems = parse_candidates("张三 28 书记\n\n李四（综合处党支部） 27票\n王五 二十\n赵六 3 主任")
    assert [(x.line, x.name, x.branch, x.votes, x.post) for x in lines] == [
        (1, "张三", "", 28, Post.SECRETARY), (3, "李四", "综合处党支部", 27, ""),
    ]
    assert problems[0].startswith("第4行") and "第5行的分工“主任”" in problems[1]


# --- the page -------------------------------------------------------------------------------------------------------


def page(world):  # type: ignore[no-untyped-def]
    return reverse("orgs:leadership_election", args=[world.a1.pk])


def form_data(**overrides: str) -> dict[str, str]:
    data = {"held_on": HELD.isoformat(), "number": "2", "mode": "committee", "seats": "3", "eligible": "6",
            "excluded": "0", "exclusion_basis": "", "exclusion_doc_no": "", "present": "5",
            "candidates": "甲 5 书记\n乙 4\n丙 4\n丁 2", "meeting": "", "doc_no": ""}
    data.update(overrides)
    return data


def test_the_admin_records_a_result_on_the_page_and_sees_it_on_the_org_page(world, login, branch):
    client = login(world.admin)
    form = client.get(page(world))
    assert form.status_code == 200 and 'value="6"' in form.content.decode()  # voters on the roll, pre-filled
    response = client.post(page(world), form_data())
    assert response.status_code == 302
    html = client.get(reverse("orgs:leadership_org", args=[world.a1.pk])).content.decode()
    assert "选举结果" in html and "当选" in html and "甲" in html


def test_the_page_names_the_line_that_is_wrong_and_writes_nothing(world, login, branch):
    response = login(world.admin).post(page(world), form_data(candidates="甲 5\n某某 4\n丙 4\n丁 2"))
    assert response.status_code == 200
    assert "第2行：某某不是本组织在册党员" in response.content.decode()
    assert not ElectionResult.objects.exists()


@pytest.mark.parametrize("who", ["secretary", "outsider", "member_user", "viewer"])
def test_only_the_higher_organisation_may_open_the_result_page(world, login, branch, who):
    client = login(getattr(world, who))
    assert client.get(page(world)).status_code == 404
    assert client.post(page(world), form_data()).status_code == 404
    assert not ElectionResult.objects.exists()
