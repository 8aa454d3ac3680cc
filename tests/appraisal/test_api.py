"""The 民主评议党员 API: a secretary's round from draft to confirmation with the 1/3 warning as data, results and
follow-ups with their Chinese 400s (nothing written), outsiders 404 / empty on every endpoint, a plain 党员's
own confirmed results only, the summary, and list query counts that do not grow with rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from dangjian.appraisal import actions
from dangjian.appraisal.choices import FollowUpKind, Rating
from dangjian.appraisal.models import AppraisalRound, FollowUp
from tests.appraisal.conftest import DAY, confirmed, draft, grow

NOW = dt.datetime(2025, 12, 20, 4, tzinfo=dt.UTC)
ROUNDS, RESULTS, FOLLOWUPS, SUMMARY = ("/api/v1/appraisal/rounds/", "/api/v1/appraisal/results/",
                                       "/api/v1/appraisal/followups/", "/api/v1/appraisal/summary/")

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=type(user).objects.get(pk=user.pk))
    return client


def test_a_secretary_drafts_fills_confirms_and_records_a_followup(world):
    grow(world, 2)
    client = api(world.secretary)
    refused = client.post(ROUNDS, {"org": world.a1.pk, "held_on": "2025-12-21", "participants": 3}, format="json")
    assert refused.status_code == 400 and refused.json()["held_on"] == ["评议日期不能晚于今天"]
    created = client.post(ROUNDS, {"org": world.a1.pk, "held_on": DAY.isoformat(), "participants": 3}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["counts"]["unrated"] == 3
    twice = client.post(ROUNDS, {"org": world.a1.pk, "held_on": DAY.isoformat(), "participants": 3}, format="json")
    assert twice.status_code == 400 and "已有民主评议" in twice.json()["year"][0]
    sheet = client.get(f"{ROUNDS}{pk}/results/").json()
    members = [r["member"] for r in sheet["results"]]
    outsider = client.post(f"{ROUNDS}{pk}/results/", {"entries": [{"member": world.b_member.pk, "rating": "qualified"}]},
                           format="json")
    assert outsider.status_code == 400 and "不在第一党支部" in outsider.json()["results"][0]
    over = client.post(f"{ROUNDS}{pk}/results/", {"entries": [
        {"member": members[0], "votes_excellent": 2, "votes_qualified": 2}]}, format="json")
    assert over.status_code == 400 and "不能多于参加民主测评人数（3）" in over.json()["results"][0]
    ratings = [Rating.UNQUALIFIED, Rating.EXCELLENT, Rating.EXCELLENT]
    filled = client.post(f"{ROUNDS}{pk}/results/", {"entries": [
        {"member": m, "rating": r, "votes_qualified": 3, "reason": "不参加组织生活" if r == Rating.UNQUALIFIED else ""}
        for m, r in zip(members, ratings, strict=True)]}, format="json")
    assert filled.status_code == 200 and filled.json()["excellent"]["over"] is True
    done = client.post(f"{ROUNDS}{pk}/confirm/")
    assert done.status_code == 200 and done.json()["status"] == "confirmed" and done.json()["excellent"]["over"]
    result_id = next(r["id"] for r in client.get(RESULTS, {"round": pk}).json()["results"] if r["rating"] == "unqualified")
    bad = client.post(FOLLOWUPS, {"result": result_id, "kind": "correction", "decided_on": "2025-12-15",
                                  "deadline": "2025-12-15"}, format="json")
    assert bad.status_code == 400 and bad.json()["deadline"] == ["改正期限须晚于决定日期（2025年12月15日）"]
    assert not FollowUp.objects.exists()
    ok = client.post(FOLLOWUPS, {"result": result_id, "kind": "correction", "decided_on": "2025-12-15",
                                 "deadline": "2026-06-15", "doc_no": "一支〔2025〕3号"}, format="json")
    assert ok.status_code == 201 and ok.json()["outcome"] == ""
    early = client.post(f"{FOLLOWUPS}{ok.json()['id']}/close/", {"outcome": "not_corrected", "closed_on": "2025-12-20"},
                        format="json")
    assert early.status_code == 400 and "届满后才能认定逾期未改正" in early.json()["outcome"][0]
    corrected = client.post(f"{RESULTS}{result_id}/correct/", {"rating": "qualified", "reason": "复核"}, format="json")
    assert corrected.status_code == 400 and corrected.json()["rating"] == ["该党员已有组织处置记录，不能更正为其他等次"]
    summary = client.get(SUMMARY, {"org": world.a1.pk, "year": 2025}).json()
    assert summary["appraised"] == 3 and summary["followups"]["correction"]["open"] == 1 and summary["over_share"] == 1


def test_outsiders_get_404_and_empty_lists_on_every_endpoint(world):
    grow(world, 2)
    appraisal = confirmed(world, ratings=[Rating.UNQUALIFIED, Rating.QUALIFIED, Rating.QUALIFIED])
    result = appraisal.results.get(rating=Rating.UNQUALIFIED)
    followup = actions.record_followup(result, actor=world.admin, data={
        "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": dt.date(2026, 6, 1)})
    client = api(world.outsider)
    for url in (ROUNDS, RESULTS, FOLLOWUPS):
        assert client.get(url).json()["results"] == []
    assert client.get(ROUNDS, {"org": world.a1.pk}).json()["results"] == []
    for url in (f"{ROUNDS}{appraisal.pk}/", f"{ROUNDS}{appraisal.pk}/results/", f"{RESULTS}{result.pk}/",
                f"{FOLLOWUPS}{followup.pk}/"):
        assert client.get(url).status_code == 404, url
    for url, body in ((f"{ROUNDS}{appraisal.pk}/confirm/", {}), (f"{ROUNDS}{appraisal.pk}/correct/", {"reason": "x"}),
                      (f"{RESULTS}{result.pk}/correct/", {"reason": "x"}),
                      (f"{FOLLOWUPS}{followup.pk}/close/", {"outcome": "corrected", "closed_on": "2025-12-20"})):
        assert client.post(url, body, format="json").status_code == 404, url
    assert client.patch(f"{ROUNDS}{appraisal.pk}/", {"note": "x"}, format="json").status_code == 404
    created = client.post(ROUNDS, {"org": world.a1.pk, "held_on": DAY.isoformat(), "participants": 1}, format="json")
    assert created.status_code == 400 and "org" in created.json()
    assert client.post(FOLLOWUPS, {"result": result.pk, "kind": "remove", "decided_on": "2025-12-16"},
                       format="json").json()["result"][0].startswith("所选评议结果不存在")
    assert client.get(SUMMARY, {"org": world.a1.pk}).status_code == 404
    assert client.get(SUMMARY, {"year": 2025}).json()["appraised"] == 0
    assert AppraisalRound.objects.count() == 1 and FollowUp.objects.count() == 1


def test_viewers_read_only_and_members_see_their_own_confirmed_results(world):
    grow(world, 2)
    appraisal = confirmed(world)
    draft(world, org=world.a2)
    viewer = api(world.viewer)
    assert {r["org"] for r in viewer.get(ROUNDS).json()["results"]} == {world.a1.pk, world.a2.pk}
    assert viewer.post(f"{ROUNDS}{appraisal.pk}/correct/", {"reason": "x", "note": "y"}, format="json").status_code == 404
    member = api(world.member_user)
    assert member.get(ROUNDS).json()["results"] == []
    own = member.get(RESULTS).json()["results"]
    assert [(r["member"], r["rating"]) for r in own] == [(world.member.pk, "qualified")]
    assert member.get(SUMMARY).status_code == 404


def test_the_rounds_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    draft(world)
    draft(world, org=world.b)
    client = api(world.admin)
    with django_assert_max_num_queries(10):
        assert len(client.get(ROUNDS).json()["results"]) == 2
    draft(world, org=world.a2)
    with django_assert_max_num_queries(10):
        assert len(client.get(ROUNDS).json()["results"]) == 3
