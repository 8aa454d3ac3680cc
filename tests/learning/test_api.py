"""The 学习培训 API: sessions, participations and totals scoped like the pages (an outsider gets 404 or an empty
list on every endpoint), writes through the actions with Chinese 400s and nothing written, fixed query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from dangjian.learning.models import Participation, StudySession
from tests.learning.conftest import NOW, submitted_meeting

pytestmark = pytest.mark.usefixtures("world")


@pytest.fixture
def session_hours() -> tuple[str, str]:
    return "32", "8"
SESSIONS = "/api/v1/study-sessions/"
PARTS = "/api/v1/study-participations/"
TOTALS = "/api/v1/study-totals/"


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=type(user).objects.get(pk=user.pk))
    return client


@time_machine.travel(NOW, tick=False)
def test_a_secretary_records_a_session_with_participants(world):
    response = api(world.secretary).post(SESSIONS, {
        "org": world.a1.pk, "kind": "online", "title": "网络课程", "held_on": "2025-06-01", "hours": "6",
        "participants": [{"member": world.member.pk, "hours": "5.5"}],
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["participants"] == 1 and body["kind"] == "online" and body["hours"] == "6.0"


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("payload", "field", "message"), [
    ({"hours": "6", "participants": [{"member": "MEMBER", "hours": "6.5"}]}, "participants", "不能超过学习培训时长"),
    ({"hours": "6", "participants": [{"member": "MEMBER", "hours": "-1"}]}, "participants", "须大于0"),
    ({"hours": "6", "held_on": "2025-07-01", "participants": []}, "held_on", "不能晚于今天"),
    ({"hours": "6", "participants": [{"member": "A2", "hours": "1"}]}, "participants", "不在第一党支部及其下级党组织中"),
])
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_written(world, payload, field, message):
    data = {"org": world.a1.pk, "kind": "online", "title": "网络课程", "held_on": "2025-06-01", **payload}
    for p in data.get("participants", []):
        p["member"] = {"MEMBER": world.member.pk, "A2": world.a2_member.pk}[p["member"]]
    response = api(world.secretary).post(SESSIONS, data, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert StudySession.objects.count() == 0 and Participation.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_a_session_from_a_meeting_once_and_never_twice(world):
    meeting = submitted_meeting(world, world.a1, dt.date(2025, 6, 10), {})
    client = api(world.secretary)
    first = client.post(f"{SESSIONS}from-meeting/", {"meeting": meeting.pk, "hours": "2"}, format="json")
    assert first.status_code == 201 and first.json()["meeting"] == meeting.pk and first.json()["participants"] == 1
    second = client.post(f"{SESSIONS}from-meeting/", {"meeting": meeting.pk, "hours": "2"}, format="json")
    assert second.status_code == 400 and "不能重复计算学时" in second.json()["meeting"][0]
    assert StudySession.objects.count() == 1
    assert api(world.outsider).post(f"{SESSIONS}from-meeting/", {"meeting": meeting.pk, "hours": "2"},
                                    format="json").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_sessions_list_and_detail_are_scoped(world, sessions):
    a1, b = sessions
    outsider = api(world.outsider)
    assert [r["id"] for r in outsider.get(SESSIONS).json()["results"]] == [b.pk]
    assert outsider.get(f"{SESSIONS}{a1.pk}/").status_code == 404
    assert outsider.get(f"{SESSIONS}{a1.pk}/participants/").status_code == 404
    assert outsider.post(f"{SESSIONS}{a1.pk}/participants/", {"participants": []}, format="json").status_code == 404
    assert a1.participations.count() == 1
    admin_ids = [r["id"] for r in api(world.admin).get(SESSIONS, {"year": 2025, "org": world.general.pk}).json()["results"]]
    assert admin_ids == [a1.pk]
    assert api(world.viewer).post(f"{SESSIONS}{a1.pk}/participants/", {"participants": []}, format="json").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_participants_can_be_replaced_through_the_api(world, sessions):
    a1, _b = sessions
    response = api(world.secretary).post(f"{SESSIONS}{a1.pk}/participants/",
                                         {"participants": [{"member": world.member.pk, "hours": "30"}]}, format="json")
    assert response.status_code == 200
    rows = api(world.secretary).get(f"{SESSIONS}{a1.pk}/participants/").json()
    assert [(r["member"], r["hours"]) for r in rows] == [(world.member.pk, "30.0")]


@time_machine.travel(NOW, tick=False)
def test_participations_are_scoped_and_a_member_sees_their_own(world, sessions):
    a1, b = sessions
    assert [r["session"] for r in api(world.outsider).get(PARTS).json()["results"]] == [b.pk]
    mine = api(world.member_user).get(PARTS).json()["results"]
    assert [r["member"] for r in mine] == [world.member.pk]
    part = a1.participations.get()
    assert api(world.outsider).get(f"{PARTS}{part.pk}/").status_code == 404
    assert api(world.admin).get(f"{PARTS}{part.pk}/").json()["hours"] == "32.0"


@time_machine.travel(NOW, tick=False)
def test_totals_give_hours_target_and_shortfall_within_the_scope(world, sessions, django_assert_max_num_queries):
    client = api(world.admin)
    client.get(TOTALS, {"org": world.root.pk, "year": 2025})
    with django_assert_max_num_queries(8):
        rows = client.get(TOTALS, {"org": world.root.pk, "year": 2025}).json()["results"]
    by_name = {r["name"]: r for r in rows}
    assert by_name["李党员"]["met"] is True and by_name["李党员"]["hours"] == "32.0"
    assert by_name["钱三支"]["short_by"] == "24.0" and by_name["赵二支"]["short_by"] == "32.0"
    short = client.get(TOTALS, {"org": world.root.pk, "year": 2025, "short": "true"}).json()["results"]
    assert {r["name"] for r in short} == {"钱三支", "赵二支"}
    outsider = api(world.outsider)
    assert outsider.get(TOTALS, {"org": world.a1.pk, "year": 2025}).status_code == 404
    assert [r["name"] for r in outsider.get(TOTALS, {"year": 2025}).json()["results"]] == ["钱三支"]
    assert api(world.member_user).get(TOTALS).status_code == 404
