"""The 学习培训 lists' FilterSets (learning.filters): the session page, its Excel export and the API give the
same sessions for the same query and persona; the participation API filters by member, session and year; no
persona reaches a record outside their scope by filtering; bad values list nothing; query counts stay flat."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.learning import actions
from dangjian.learning.choices import SessionKind
from dangjian.learning.models import StudySession
from tests.clients import api, api_rows, xlsx_rows
from tests.learning.conftest import NOW

LIST = "/learning/"
SESSIONS = "/api/v1/study-sessions/"
PARTS = "/api/v1/study-participations/"

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def session(world, org, day: dt.date, kind: str, title: str, members) -> StudySession:
    return actions.create_session(actor=world.admin, org=org, data={
        "kind": kind, "title": title, "held_on": day, "hours": "4"}, participants=[(m.pk, "4") for m in members])


@pytest.fixture
def sessions(world) -> dict[str, StudySession]:
    return {
        "a1_school": session(world, world.a1, dt.date(2025, 5, 1), SessionKind.PARTY_SCHOOL, "一支党校", [world.member]),
        "a1_online": session(world, world.a1, dt.date(2024, 11, 1), SessionKind.ONLINE, "一支网课", [world.member]),
        "a2_online": session(world, world.a2, dt.date(2025, 3, 1), SessionKind.ONLINE, "二支网课", [world.a2_member]),
        "b_school": session(world, world.b, dt.date(2025, 5, 2), SessionKind.PARTY_SCHOOL, "三支党校", [world.b_member]),
    }


def page_titles(login, user, query: dict[str, Any]) -> set[str]:
    response = login(user).get(LIST, query)
    assert response.status_code == 200
    return {s.title for s in response.context["page"].object_list}


def export_titles(login, user, query: dict[str, Any]) -> set[str]:
    return {row[2] for row in xlsx_rows(login(user, verified=True).get(LIST, {**query, "export": "xlsx"}))}


def api_titles(user, query: dict[str, Any]) -> set[str]:
    return api_rows(user, SESSIONS, query, "title")


def api_parts(user, query: dict[str, Any]) -> set[tuple[int, int]]:
    response = api(user).get(PARTS, query)
    assert response.status_code == 200, response.json()
    return {(row["session"], row["member"]) for row in response.json()["results"]}


def queries(world) -> list[dict[str, Any]]:
    return [
        {}, {"org": world.general.pk}, {"org": world.a1.pk}, {"org": world.b.pk}, {"kind": SessionKind.ONLINE},
        {"year": 2025}, {"year": 2024}, {"org": world.root.pk, "kind": SessionKind.PARTY_SCHOOL, "year": 2025},
    ]


def test_the_page_its_export_and_the_api_list_the_same_sessions(world, login, sessions):
    for user in (world.admin, world.viewer, world.secretary, world.member_user, world.outsider):
        for query in queries(world):
            shown = page_titles(login, user, query)
            assert shown == export_titles(login, user, query) == api_titles(user, query), (user.username, query)


def test_each_session_filter_narrows_to_what_it_names(world, login, sessions):
    assert page_titles(login, world.admin, {"org": world.general.pk}) == {"一支党校", "一支网课", "二支网课"}
    assert export_titles(login, world.admin, {"kind": SessionKind.ONLINE}) == {"一支网课", "二支网课"}
    assert api_titles(world.admin, {"year": 2024}) == {"一支网课"}
    assert api_titles(world.admin, {"org": world.root.pk, "kind": SessionKind.PARTY_SCHOOL, "year": 2025}) == {
        "一支党校", "三支党校"}


def test_the_participation_api_filters_by_member_session_and_year(world, sessions):
    s = {name: x.pk for name, x in sessions.items()}
    member = world.member.pk
    assert api_parts(world.admin, {"member": member}) == {(s["a1_school"], member), (s["a1_online"], member)}
    assert api_parts(world.admin, {"member": member, "year": 2025}) == {(s["a1_school"], member)}
    assert api_parts(world.admin, {"session": s["a2_online"]}) == {(s["a2_online"], world.a2_member.pk)}
    assert api_parts(world.member_user, {"year": 2024}) == {(s["a1_online"], member)}


def test_outsiders_never_reach_a_record_outside_their_scope_by_filtering(world, login, sessions):
    for query in [*queries(world), {"org": world.a1.pk, "year": 2025}]:
        assert page_titles(login, world.outsider, query) <= {"三支党校"}, query
        assert export_titles(login, world.outsider, query) <= {"三支党校"}, query
        assert api_titles(world.outsider, query) <= {"三支党校"}, query
    assert api_titles(world.outsider, {"org": world.a1.pk}) == set()
    assert api_parts(world.outsider, {"member": world.member.pk}) == set()
    assert api_parts(world.outsider, {"session": sessions["a1_school"].pk}) == set()
    assert api_parts(world.outsider, {}) == {(sessions["b_school"].pk, world.b_member.pk)}


def test_a_bad_value_lists_and_exports_nothing_and_is_a_400_in_the_api(world, login, sessions):
    response = login(world.admin).get(LIST, {"year": 1999})
    assert list(response.context["page"].object_list) == [] and response.context["form"].errors["year"]
    assert export_titles(login, world.admin, {"kind": "nonsense"}) == set()
    assert api(world.admin).get(SESSIONS, {"year": 1999}).status_code == 400
    assert api(world.admin).get(SESSIONS, {"kind": "nonsense"}).status_code == 400
    assert api(world.admin).get(PARTS, {"year": 2101}).status_code == 400


def test_the_org_picker_shows_the_users_orgs_only(world, login, sessions):
    from tests.growth import assert_secretary_picks_only_own_branch

    assert_secretary_picks_only_own_branch(world, login(world.secretary), LIST)


def test_the_filtered_lists_run_the_same_number_of_queries_for_more_rows(world, login, sessions):
    query = {"org": world.general.pk, "year": 2025}
    client = login(world.admin, verified=True)

    def counts() -> list[int]:
        found = []
        for run in (lambda: client.get(LIST, query), lambda: client.get(LIST, {**query, "export": "xlsx"}),
                    lambda: api(world.admin).get(SESSIONS, query), lambda: api(world.admin).get(PARTS, {"year": 2025})):
            with CaptureQueriesContext(connection) as ctx:
                run()
            found.append(len(ctx.captured_queries))
        return found

    few = counts()
    for day in range(1, 6):
        session(world, world.a2, dt.date(2025, 2, day), SessionKind.ONLINE, f"加课{day}", [world.a2_member])
    assert len(api_titles(world.admin, query)) == 7
    assert counts() == few
