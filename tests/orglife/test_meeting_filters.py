"""The meeting list's one FilterSet (orglife.filters.MeetingFilter): the page and the API give the same meetings
for the same query, under the page's names (month_from/month_to) and the API's (held_on_from/held_on_to) alike;
no persona ever gets a meeting outside their scope by filtering; the org select offers a bounded list; the query
count stays flat as meetings are added."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.orglife import actions
from dangjian.orglife.choices import MeetingKind
from dangjian.orglife.models import Meeting
from tests.clients import api, api_rows

BJ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2025, 6, 30, 4, tzinfo=dt.UTC)
LIST = reverse("orglife:list")
API = "/api/v1/meetings/"

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def meeting(world, org, day: dt.date, kind: str, *, submit: bool = True) -> Meeting:
    recorded = actions.record_meeting(actor=world.admin, org=org, data={
        "kinds": [kind], "starts_at": dt.datetime(day.year, day.month, day.day, 15, tzinfo=BJ),
        "lecture_topic": "学习党章", "lecturer": "周书记"})
    expected = actions.expected_members(org, day, [kind])
    actions.set_attendance(recorded, actor=world.admin, entries=[{"member": m.pk, "status": "present"} for m in expected])
    return actions.submit_meeting(recorded, actor=world.admin) if submit else recorded


@pytest.fixture
def meetings(world) -> dict[str, Meeting]:
    return {
        "a1_assembly": meeting(world, world.a1, dt.date(2025, 4, 10), MeetingKind.BRANCH_ASSEMBLY),
        "a1_lecture": meeting(world, world.a1, dt.date(2025, 6, 5), MeetingKind.PARTY_LECTURE, submit=False),
        "a2_theme": meeting(world, world.a2, dt.date(2025, 5, 20), MeetingKind.THEME_DAY),
        "a2_lecture": meeting(world, world.a2, dt.date(2025, 6, 20), MeetingKind.PARTY_LECTURE),
        "b_assembly": meeting(world, world.b, dt.date(2025, 6, 10), MeetingKind.BRANCH_ASSEMBLY),
    }


def page_ids(login, user, query: dict[str, Any]) -> set[int]:
    response = login(user).get(LIST, query)
    assert response.status_code == 200
    return {m.pk for m, _kinds in response.context["rows"]}


def api_ids(user, query: dict[str, Any]) -> set[int]:
    return api_rows(user, API, query)


def queries(world) -> list[dict[str, Any]]:
    return [
        {}, {"org": world.general.pk}, {"org": world.a1.pk}, {"org": world.b.pk}, {"kind": MeetingKind.PARTY_LECTURE},
        {"status": "submitted"}, {"status": "draft"}, {"month_from": "2025-05", "month_to": "2025-06"},
        {"held_on_from": "2025-05-20", "held_on_to": "2025-06-10"},
        {"org": world.root.pk, "kind": MeetingKind.BRANCH_ASSEMBLY, "status": "submitted"},
    ]


def test_the_page_and_the_api_list_the_same_meetings_for_every_query_and_persona(world, login, meetings):
    for user in (world.admin, world.viewer, world.secretary, world.member_user, world.outsider):
        for query in queries(world):
            assert page_ids(login, user, query) == api_ids(user, query), (user.username, query)


def test_each_filter_narrows_to_the_meetings_it_names(world, login, meetings):
    m = {name: x.pk for name, x in meetings.items()}
    admin = world.admin
    assert api_ids(admin, {"org": world.general.pk}) == {m["a1_assembly"], m["a1_lecture"], m["a2_theme"],
                                                         m["a2_lecture"]}
    assert api_ids(admin, {"kind": MeetingKind.PARTY_LECTURE}) == {m["a1_lecture"], m["a2_lecture"]}
    assert api_ids(admin, {"status": "draft"}) == {m["a1_lecture"]}
    # Whole months: May and June; single days: 20 May to 10 June, both ends included.
    assert page_ids(login, admin, {"month_from": "2025-05", "month_to": "2025-06"}) == {
        m["a1_lecture"], m["a2_theme"], m["a2_lecture"], m["b_assembly"]}
    assert page_ids(login, admin, {"held_on_from": "2025-05-20", "held_on_to": "2025-06-10"}) == {
        m["a1_lecture"], m["a2_theme"], m["b_assembly"]}
    assert api_ids(admin, {"month_to": "2025-04"}) == {m["a1_assembly"]}


def test_outsiders_never_reach_a_meeting_outside_their_scope_by_filtering(world, login, meetings):
    theirs = {meetings["b_assembly"].pk}
    for query in [*queries(world), {"org": world.a1.pk, "status": "submitted"}]:
        assert page_ids(login, world.outsider, query) <= theirs, query
        assert api_ids(world.outsider, query) <= theirs, query
    assert page_ids(login, world.outsider, {"org": world.a1.pk}) == set()
    assert api_ids(world.outsider, {"org": world.a1.pk}) == set()
    # The secretary of 第一党支部 gets nothing above their branch, and their branch in full.
    assert api_ids(world.secretary, {"org": world.root.pk}) == set()  # an org above their scope reads as empty
    assert api_ids(world.secretary, {"org": world.a1.pk}) == {meetings["a1_assembly"].pk, meetings["a1_lecture"].pk}


def test_a_bad_value_lists_nothing_on_the_page_and_is_a_400_in_the_api(world, login, meetings):
    response = login(world.admin).get(LIST, {"month_from": "2025-13"})
    assert response.context["rows"] == [] and response.context["form"].errors["month_from"]
    assert login(world.admin).get(LIST, {"kind": "heart_talk"}).context["rows"] == []
    assert api(world.admin).get(API, {"status": "nonsense"}).status_code == 400
    assert api(world.admin).get(API, {"held_on_from": "not-a-date"}).status_code == 400


def test_the_page_shows_each_filter_once_and_keeps_the_api_day_range_hidden(world, login, meetings):
    body = login(world.admin).get(LIST, {"held_on_from": "2025-05-20"}).content.decode()
    assert 'type="hidden" name="held_on_from" value="2025-05-20"' in body
    assert 'name="month_from"' in body and body.count('name="org"') == 1
    assert "起始日期" not in body  # the hidden day range has no visible label


def test_the_org_picker_shows_the_users_orgs_only(world, login, meetings):
    from tests.growth import assert_secretary_picks_only_own_branch

    assert_secretary_picks_only_own_branch(world, login(world.secretary), LIST)


def test_the_filtered_list_runs_the_same_number_of_queries_for_more_meetings(world, login, meetings):
    query = {"org": world.general.pk, "status": "submitted"}
    client = login(world.admin)
    with CaptureQueriesContext(connection) as page_few:
        client.get(LIST, query)
    with CaptureQueriesContext(connection) as api_few:
        api(world.admin).get(API, query)
    for day in range(1, 6):
        meeting(world, world.a2, dt.date(2025, 3, day), MeetingKind.BRANCH_ASSEMBLY)
    with CaptureQueriesContext(connection) as page_more:
        assert len(client.get(LIST, query).context["rows"]) == 8
    with CaptureQueriesContext(connection) as api_more:
        assert len(api(world.admin).get(API, query).json()["results"]) == 8
    assert len(page_more.captured_queries) == len(page_few.captured_queries)
    assert len(api_more.captured_queries) == len(api_few.captured_queries)
