"""谈心谈话 (支部工作条例 第十九条): records for those entitled only, pair coverage per branch and year."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.core.models import AuditEvent
from dangjian.leadership.actions import appoint
from dangjian.leadership.models import Post
from dangjian.orglife import actions, talks
from dangjian.orglife.compliance import Status
from dangjian.orglife.models import HeartTalk

NOW = dt.datetime(2025, 6, 16, 4, tzinfo=dt.UTC)


# --- pure rules ---------------------------------------------------------------------------------------------------


def test_the_pairs_owed_are_each_committee_member_with_everyone_once():
    assert talks.required_pairs({1, 2}, {1, 2, 3, 4}) == {(1, 2), (1, 3), (1, 4), (2, 3), (2, 4)}
    assert talks.required_pairs(set(), {1, 2, 3}) == set()
    assert talks.required_pairs({1}, {1}) == set()


def test_a_pair_is_covered_in_either_direction_at_the_minimum():
    owed = {(1, 2), (1, 3)}
    counts = {talks.pair(2, 1): 1, talks.pair(1, 3): 1}
    assert talks.covered_pairs(counts, owed, 1) == {(1, 2), (1, 3)}
    assert talks.covered_pairs(counts, owed, 2) == set()


@pytest.mark.parametrize(("covered", "year", "today", "expected"), [
    (5, 2025, dt.date(2025, 3, 1), Status.DONE),
    (4, 2025, dt.date(2025, 9, 30), Status.OPEN),
    (4, 2025, dt.date(2025, 10, 1), Status.DUE_SOON),
    (4, 2025, dt.date(2025, 12, 31), Status.DUE_SOON),
    (4, 2025, dt.date(2026, 1, 1), Status.OVERDUE),
    (0, 2026, dt.date(2025, 12, 31), Status.FUTURE),
])
def test_status_by_the_calendar(covered, year, today, expected):
    assert talks.status_of(5, covered, year, today, remind_month=10) == expected


def test_a_branch_without_committee_members_cannot_be_checked():
    assert talks.status_of(0, 0, 2025, dt.date(2025, 12, 31), 10) == Status.NOT_APPLICABLE


# --- recording ----------------------------------------------------------------------------------------------------


@pytest.fixture
def branch(world):
    """第一党支部 with its secretary in office and two more members."""
    secretary = world.make_member(world.a1, name="支书甲")
    other = world.make_member(world.a1, name="党员乙")
    appoint(world.a1, actor=world.admin, member=secretary, post=Post.SECRETARY, starts_on=dt.date(2024, 1, 1))
    return secretary, other


@time_machine.travel(NOW, tick=False)
def test_a_talk_is_recorded_with_who_when_topic_and_follow_up_and_audited(world, branch):
    secretary, other = branch
    talk = actions.record_talk(actor=world.secretary, org=world.a1, data={
        "held_on": dt.date(2025, 6, 16), "initiator": secretary.pk, "counterpart": other.pk,
        "topic": "工作思想情况", "follow_up": "帮助解决子女入学问题"})
    assert (talk.initiator, talk.counterpart, talk.recorded_by) == (secretary, other, world.secretary)
    event = AuditEvent.objects.get(action="orglife.talk")
    assert "工作思想情况" not in str(event.changes)  # the log carries no topic


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("change", "field"), [
    ({"held_on": dt.date(2025, 6, 17)}, "held_on"),
    ({"held_on": None}, "held_on"),
    ({"counterpart": "same"}, "counterpart"),
    ({"counterpart": "outsider"}, "counterpart"),
    ({"topic": "  "}, "topic"),
    ({"topic": "长" * 201}, "topic"),
])
def test_bad_talks_name_the_field_and_write_nothing(world, branch, change, field):
    secretary, other = branch
    data = {"held_on": dt.date(2025, 6, 16), "initiator": secretary.pk, "counterpart": other.pk, "topic": "谈话"}
    data.update(change)
    if data["counterpart"] == "same":
        data["counterpart"] = secretary.pk
    elif data["counterpart"] == "outsider":
        data["counterpart"] = world.b_member.pk
    with pytest.raises(ValidationError) as exc:
        actions.record_talk(actor=world.secretary, org=world.a1, data=data)
    assert field in exc.value.message_dict
    assert not HeartTalk.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_member_who_joined_the_branch_later_cannot_have_an_earlier_talk(world, branch):
    secretary, _ = branch
    newcomer = world.make_member(world.a1, name="新党员", joined_on=dt.date(2025, 5, 1), confirmed_on=None,
                                 party_status="probationary")
    with pytest.raises(ValidationError) as exc:
        actions.record_talk(actor=world.secretary, org=world.a1, data={
            "held_on": dt.date(2025, 4, 30), "initiator": secretary.pk, "counterpart": newcomer.pk, "topic": "谈话"})
    assert "counterpart" in exc.value.message_dict
    actions.record_talk(actor=world.secretary, org=world.a1, data={
        "held_on": dt.date(2025, 5, 1), "initiator": secretary.pk, "counterpart": newcomer.pk, "topic": "谈话"})


@time_machine.travel(NOW, tick=False)
def test_only_managers_of_the_branch_may_record(world, branch):
    secretary, other = branch
    data = {"held_on": dt.date(2025, 6, 16), "initiator": secretary.pk, "counterpart": other.pk, "topic": "谈话"}
    for user in (world.viewer, world.member_user, world.outsider):
        with pytest.raises(Exception):  # noqa: B017 — OutOfScope, a 404
            actions.record_talk(actor=user, org=world.a1, data=data)
    assert not HeartTalk.objects.exists()


# --- coverage and pages ---------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_coverage_counts_the_pairs_of_each_branch_in_few_queries(world, branch, django_assert_max_num_queries):
    secretary, other = branch
    actions.record_talk(actor=world.secretary, org=world.a1, data={
        "held_on": dt.date(2025, 2, 1), "initiator": other.pk, "counterpart": secretary.pk, "topic": "谈话"})
    # Last year's talk does not count for this year.
    HeartTalk.objects.create(org=world.a1, held_on=dt.date(2024, 12, 31), initiator=secretary,
                             counterpart=world.member, topic="去年")
    orgs = list(talks.branches(world.admin, world.root, 2025))
    with django_assert_max_num_queries(4):
        rows = {r.org.name: r for r in talks.coverage(orgs, 2025, dt.date(2025, 6, 16), talks.load_config(NOW.date()))}
    a1 = rows["第一党支部"]
    assert (a1.committee, a1.roll, a1.owed, a1.covered, a1.talks) == (1, 3, 2, 1, 1)
    assert a1.status == Status.OPEN and a1.rate == 50
    assert rows["第二党支部"].status == Status.NOT_APPLICABLE
    missing = talks.missing(world.a1, 2025, dt.date(2025, 6, 16), talks.load_config(NOW.date()))
    assert [(a.name, b.name) for a, b in missing] == [("支书甲", world.member.name)]


@time_machine.travel(NOW, tick=False)
def test_the_records_are_shown_only_to_those_entitled(world, branch, login):
    secretary, other = branch
    actions.record_talk(actor=world.secretary, org=world.a1, data={
        "held_on": dt.date(2025, 6, 1), "initiator": secretary.pk, "counterpart": world.member.pk, "topic": "私密主题"})
    assert HeartTalk.objects.visible_to(world.secretary).count() == 1
    assert HeartTalk.objects.visible_to(world.member_user).count() == 1  # one of the two
    assert HeartTalk.objects.visible_to(world.viewer).count() == 0  # 上级查看 sees figures only
    assert HeartTalk.objects.visible_to(world.outsider).count() == 0
    url = reverse("orglife:talk_branch", args=[world.a1.pk])
    page = login(world.secretary).get(url).content.decode()
    assert "私密主题" in page and "党员乙" in page  # the pair still owed
    for user in (world.viewer, world.member_user, world.outsider):
        assert login(user).get(url).status_code == 404
    coverage = login(world.viewer).get(reverse("orglife:talk_coverage"), {"org": world.general.pk})
    assert coverage.status_code == 200 and "第一党支部" in coverage.content.decode()
    assert "私密主题" not in coverage.content.decode()
    assert login(world.outsider).get(reverse("orglife:talk_coverage"), {"org": world.general.pk}).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_the_branch_page_records_a_talk_and_shows_errors(world, branch, login):
    secretary, other = branch
    client = login(world.secretary)
    url = reverse("orglife:talk_branch", args=[world.a1.pk])
    bad = client.post(url, {"held_on": "2025-06-20", "initiator": secretary.pk, "counterpart": other.pk,
                            "topic": "谈话"})
    assert "谈话日期不能晚于今天" in bad.content.decode()
    ok = client.post(url, {"held_on": "2025-06-10", "initiator": secretary.pk, "counterpart": other.pk,
                           "topic": "谈话", "follow_up": ""}, follow=True)
    assert "已登记谈心谈话" in ok.content.decode()
    assert HeartTalk.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_two_people_are_picked_by_search_not_listed_and_an_outsider_is_refused_on_the_field(world, branch, login):
    from tests.growth import weight

    secretary, other = branch
    client = login(world.secretary)
    url = reverse("orglife:talk_branch", args=[world.a1.pk])
    page = client.get(url).content.decode()
    assert page.count("data-dj-picker ") + page.count("data-dj-picker>") >= 2 and "<option" not in page.split(
        'name="initiator"')[1].split("</div>")[0]
    assert f'<option value="{other.pk}"' not in page and f'<option value="{secretary.pk}"' not in page
    outsider = world.make_member(world.b, name="外支部")
    refused = client.post(url, {"held_on": "2025-06-10", "initiator": secretary.pk, "counterpart": outsider.pk,
                                "topic": "谈话"})
    assert "谈话对象：所选党员不存在或不在可选范围内" in refused.content.decode()
    assert HeartTalk.objects.count() == 0
    _, queries = weight(client, url)
    for i in range(15):
        world.make_member(world.a1, name="新党员" + "一二三四五六七八九十"[i % 10] * (1 + i // 10))
    assert weight(client, url)[1] == queries
