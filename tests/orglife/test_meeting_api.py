"""The meetings API: scoped like the pages (outsider 404 and empty lists, viewer read-only, a plain 党员's own
meetings), writes through the actions with their Chinese 400s, and a list whose query count does not grow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from dangjian.orglife import actions
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.models import Meeting

URL = "/api/v1/meetings/"


def api(user: Any) -> APIClient:
    """A client for a fresh copy of `user` (no scope cached on it), as each real request has."""
    client = APIClient()
    client.force_authenticate(user=type(user).objects.get(pk=user.pk))
    return client


def ago(days: int = 2) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def draft(world, org=None, days: int = 2, kinds=(MeetingKind.BRANCH_ASSEMBLY,)) -> Meeting:
    return actions.record_meeting(actor=world.admin, org=org or world.a1,
                                  data={"kinds": list(kinds), "starts_at": ago(days)})


def submitted(world, org=None, days: int = 2) -> Meeting:
    meeting = draft(world, org, days)
    expected = actions.expected_members(meeting.org, meeting.held_on, [MeetingKind.BRANCH_ASSEMBLY])
    actions.set_attendance(meeting, actor=world.admin, entries=[{"member": m.pk, "status": "present"} for m in expected])
    return actions.submit_meeting(meeting, actor=world.admin)


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_a_secretary_creates_a_draft_records_attendance_votes_and_submits(world):
    client = api(world.secretary)
    created = client.post(URL, {
        "org": world.a1.pk, "kinds": [MeetingKind.BRANCH_ASSEMBLY, MeetingKind.PARTY_LECTURE],
        "starts_at": ago(1).isoformat(), "lecturer": "周书记", "lecture_topic": "学习条例", "minutes": "<p>记录</p>",
    }, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["kinds"] == [MeetingKind.BRANCH_ASSEMBLY, MeetingKind.PARTY_LECTURE]
    assert body["status"] == "draft" and body["title"] == "支部党员大会、党课"
    pk = body["id"]
    expected = client.get(f"{URL}{pk}/attendance/").json()
    assert [row["name"] for row in expected] == ["李党员"] and expected[0]["status"] is None
    early = client.post(f"{URL}{pk}/submit/", format="json")
    assert early.status_code == 400 and early.json()["attendance"] == ["尚未登记1人的出席情况：李党员"]
    missing_reason = client.post(f"{URL}{pk}/attendance/", {"entries": [
        {"member": world.member.pk, "status": "leave"}]}, format="json")
    assert missing_reason.status_code == 400 and missing_reason.json()["attendance"] == ["李党员：请假须填写事由"]
    recorded = client.post(f"{URL}{pk}/attendance/", {
        "entries": [{"member": world.member.pk, "status": "present"}],
        "guests": [{"name": "刘上级", "unit": "机关党委"}],
    }, format="json")
    assert recorded.status_code == 200
    assert recorded.json()["attendance_summary"] == {"expected": 1, "present": 1, "leave": 0, "absent": 0, "dual": 0, "excluded": 0}
    vote = client.post(f"{URL}{pk}/votes/", {"subject": "接收预备党员", "yes": 1, "no": 0, "abstain": 0}, format="json")
    assert vote.status_code == 201 and vote.json()["quorum"] is True and vote.json()["passed"] is True
    done = client.post(f"{URL}{pk}/submit/", format="json")
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    refused = client.patch(f"{URL}{pk}/", {"place": "别处"}, format="json")
    assert refused.status_code == 400 and "更正" in refused.json()["non_field_errors"][0]


def test_validation_errors_come_back_as_chinese_field_errors(world):
    client = api(world.secretary)
    future = client.post(URL, {"org": world.a1.pk, "kinds": [MeetingKind.BRANCH_ASSEMBLY],
                               "starts_at": (timezone.now() + dt.timedelta(minutes=5)).isoformat()}, format="json")
    assert future.status_code == 400 and future.json()["starts_at"] == ["会议时间不能晚于现在"]
    wrong_kind = client.post(URL, {"org": world.a1.pk, "kinds": [MeetingKind.GROUP_MEETING],
                                   "starts_at": ago().isoformat()}, format="json")
    assert wrong_kind.status_code == 400 and wrong_kind.json()["kinds"] == ["党支部不能召开党小组会"]
    unknown = client.post(URL, {"org": world.a1.pk, "kinds": [], "starts_at": ago().isoformat(), "typo": 1}, format="json")
    assert unknown.status_code == 400 and unknown.json()["typo"] == ["未知字段"]
    meeting = draft(world, kinds=(MeetingKind.THEME_DAY,))
    not_assembly = client.post(f"{URL}{meeting.pk}/votes/", {"subject": "x", "entitled": 10, "present": 6, "yes": 6,
                                                               "no": 0, "abstain": 0}, format="json")
    assert not_assembly.status_code == 400 and not_assembly.json()["non_field_errors"] == ["只有支部党员大会可以进行表决"]


def test_an_update_of_a_draft_keeps_its_kind_tags_in_step(world):
    meeting = draft(world)
    response = api(world.secretary).patch(f"{URL}{meeting.pk}/", {"kinds": [MeetingKind.THEME_DAY]}, format="json")
    assert response.status_code == 200 and response.json()["kinds"] == [MeetingKind.THEME_DAY]
    assert response.json()["title"] == "主题党日"  # a default title follows the kinds
    assert list(meeting.kind_tags.values_list("kind", flat=True)) == [MeetingKind.THEME_DAY]


def test_an_outsider_gets_404_on_every_endpoint_and_an_empty_list(world):
    meeting = draft(world)
    client = api(world.outsider)
    assert ids(client.get(URL)) == []
    assert ids(client.get(URL, {"org": world.a1.pk})) == []
    assert client.get(f"{URL}{meeting.pk}/").status_code == 404
    assert client.patch(f"{URL}{meeting.pk}/", {"place": "x"}, format="json").status_code == 404
    assert client.get(f"{URL}{meeting.pk}/attendance/").status_code == 404
    assert client.post(f"{URL}{meeting.pk}/attendance/", {"entries": []}, format="json").status_code == 404
    assert client.post(f"{URL}{meeting.pk}/submit/", format="json").status_code == 404
    assert client.post(f"{URL}{meeting.pk}/votes/", {"subject": "x", "yes": 0, "no": 0, "abstain": 0},
                       format="json").status_code == 404
    created = client.post(URL, {"org": world.a1.pk, "kinds": [MeetingKind.BRANCH_ASSEMBLY],
                                "starts_at": ago().isoformat()}, format="json")
    assert created.status_code == 400 and "org" in created.json()
    assert Meeting.objects.count() == 1


def test_a_viewer_reads_but_every_write_is_404(world):
    meeting = draft(world)
    client = api(world.viewer)
    assert ids(client.get(URL)) == [meeting.pk]
    assert client.get(f"{URL}{meeting.pk}/").json()["kinds"] == [MeetingKind.BRANCH_ASSEMBLY]
    assert client.patch(f"{URL}{meeting.pk}/", {"place": "x"}, format="json").status_code == 404
    assert client.post(f"{URL}{meeting.pk}/submit/", format="json").status_code == 404
    assert client.get(f"{URL}{meeting.pk}/attendance/").status_code == 404


def test_a_plain_member_reads_only_their_own_submitted_meetings(world):
    mine = submitted(world)
    other_draft = draft(world, days=3)
    elsewhere = submitted(world, world.a2)
    client = api(world.member_user)
    assert ids(client.get(URL)) == [mine.pk]
    assert client.get(f"{URL}{mine.pk}/").status_code == 200
    for meeting in (other_draft, elsewhere):
        assert client.get(f"{URL}{meeting.pk}/").status_code == 404
    assert client.post(f"{URL}{mine.pk}/submit/", format="json").status_code == 404


def test_the_list_filters_by_subtree_kind_status_and_days(world):
    a1 = submitted(world)
    a2 = draft(world, world.a2, kinds=(MeetingKind.THEME_DAY,))
    b = draft(world, world.b)
    client = api(world.admin)
    assert set(ids(client.get(URL))) == {a1.pk, a2.pk, b.pk}
    assert set(ids(client.get(URL, {"org": world.general.pk}))) == {a1.pk, a2.pk}
    assert ids(client.get(URL, {"kind": MeetingKind.THEME_DAY})) == [a2.pk]
    assert ids(client.get(URL, {"status": MeetingStatus.SUBMITTED})) == [a1.pk]
    day = a1.held_on
    assert ids(client.get(URL, {"held_on_from": (day + dt.timedelta(days=1)).isoformat()})) == []


def test_the_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    submitted(world)
    client = api(world.admin)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for days in range(3, 15):
        submitted(world, days=days)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.json()["results"]) == 13


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor", "nobody"])
def test_people_without_business_scope_see_no_meetings(world, persona):
    meeting = submitted(world)
    client = api(getattr(world, persona))
    assert ids(client.get(URL)) == []
    assert client.get(f"{URL}{meeting.pk}/").status_code == 404
