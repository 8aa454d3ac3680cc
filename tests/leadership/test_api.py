"""/api/v1/terms/, /api/v1/terms/board/ and /api/v1/posts/: read-only, scoped like the pages, ISO dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from dangjian.leadership import actions
from dangjian.leadership.models import ElectionStepKind, Post
from tests.leadership.conftest import add_branches_with_terms

NOW = dt.datetime(2025, 7, 1, 4, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def api(user: Any) -> APIClient:
    """A client for a freshly loaded copy of `user` (no scope cached on it, as in a real request)."""
    client = APIClient()
    client.force_authenticate(user=type(user).objects.get(pk=user.pk))
    return client


@pytest.fixture
def terms(world):  # type: ignore[no-untyped-def]
    a1 = actions.open_term(world.a1, actor=world.admin, number=1, starts_on=dt.date(2023, 1, 1))
    actions.record_step(a1, actor=world.admin, kind=ElectionStepKind.REMINDED, date=dt.date(2025, 7, 1),
                           doc_no="函1")
    actions.open_term(world.b, actor=world.admin, number=4, starts_on=dt.date(2022, 6, 30))
    actions.appoint(world.a1, actor=world.admin, member=world.member, post=Post.SECRETARY,
                       starts_on=dt.date(2023, 1, 2))
    return a1


def test_terms_list_is_scoped_and_filterable_by_org(world, terms):
    body = api(world.admin).get("/api/v1/terms/", {"org": world.a1.pk}).json()
    assert body["count"] == 1
    term = body["results"][0]
    assert term["number"] == 1 and term["starts_on"] == "2023-01-01" and term["due_on"] == "2026-01-01"
    assert term["state"] == "due_soon"
    assert [s["kind"] for s in term["steps"]] == ["reminded"]
    outsider = api(world.outsider).get("/api/v1/terms/").json()
    assert [t["number"] for t in outsider["results"]] == [4]
    assert api(world.outsider).get("/api/v1/terms/", {"org": world.a1.pk}).json()["count"] == 0


def test_posts_list_shows_names_only_and_is_scoped(world, terms):
    body = api(world.viewer).get("/api/v1/posts/", {"org": world.a1.pk, "current": "true"}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["member_name"] == "李党员" and row["post"] == "secretary" and row["ends_on"] is None
    assert "id_card" not in str(row) and "phone" not in str(row)
    assert api(world.outsider).get("/api/v1/posts/", {"org": world.a1.pk}).json()["count"] == 0


def test_the_board_endpoint_returns_the_board_rows(world, terms):
    body = api(world.admin).get("/api/v1/terms/board/", {"tab": "due_soon"}).json()
    assert [r["org_name"] for r in body["results"]] == ["第一党支部"]
    assert body["results"][0]["due_on"] == "2026-01-01" and body["results"][0]["secretary_name"] == "李党员"
    missing = api(world.admin).get("/api/v1/terms/board/", {"tab": "missing"}).json()
    assert {r["org_name"] for r in missing["results"]} == {"机关党委", "第一党总支", "第二党支部"}
    assert {r["state"] for r in missing["results"]} == {"未录入届次"}
    assert api(world.admin).get("/api/v1/terms/board/", {"tab": "nonsense"}).status_code == 400


def test_outsider_board_has_only_their_branch(world, terms):
    body = api(world.outsider).get("/api/v1/terms/board/").json()
    assert [r["org_name"] for r in body["results"]] == ["第三党支部"]
    assert body["results"][0]["state"] == "已逾期"


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor", "nobody"])
def test_the_三员_and_users_without_roles_get_nothing(world, terms, who):
    client = api(getattr(world, who))
    for path in ("/api/v1/terms/", "/api/v1/posts/", "/api/v1/terms/board/"):
        response = client.get(path)
        assert response.status_code == 200, path  # empty, never 403: nothing to learn about what exists
        assert response.json()["count"] == 0, path


def test_the_api_is_read_only(world, terms):
    client = api(world.admin)
    assert client.post("/api/v1/terms/", {"org": world.a1.pk, "number": 2}, format="json").status_code == 405
    assert client.post("/api/v1/posts/", {}, format="json").status_code == 405
    assert client.get(f"/api/v1/terms/{terms.pk}/").status_code == 404


def test_board_endpoint_query_count_does_not_grow_with_orgs(world, terms):
    def measure() -> int:
        client = api(world.admin)
        with CaptureQueriesContext(connection) as q:
            assert client.get("/api/v1/terms/board/").status_code == 200
        return len(q.captured_queries)

    few = measure()
    add_branches_with_terms(world, "甲乙丙丁")
    assert measure() == few
