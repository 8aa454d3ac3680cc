"""Input gaps of issue 11 finding 8 and API answers of finding 7: methods nobody serves, names hiding characters,
API errors as JSON, ids that are not numbers, out-of-range numbers answered 400 or empty, never 500."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from dangjian.lib.text import hidden_characters
from dangjian.members import actions as member_actions
from dangjian.orgs import actions as org_actions
from dangjian.orgs.models import OrgKind
from tests.world import member_data


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "FOO"])
def test_methods_nobody_serves_are_refused(db, method):
    response = Client().generic(method, "/")
    assert response.status_code == 405 and "TRACE" not in response["Allow"]


@pytest.mark.parametrize(("text", "found"), [
    ("张\u202e三", ["U+202E"]),
    ("张\u200b三", ["U+200B"]),
    ("\ufeff李四", ["U+FEFF"]),
    ("王\u2066五\u2069", ["U+2066", "U+2069"]),
    ("阿依古丽·买买提", []),
    ("综合处党支部", []),
])
def test_hidden_characters_are_found(text, found):
    assert hidden_characters(text) == found


def test_a_member_name_with_a_direction_override_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        member_actions.create_member(actor=world.admin, data=member_data(world.a1, name="张\u202e三"))
    assert "U+202E" in exc.value.message_dict["name"][0]


def test_an_org_name_with_a_zero_width_character_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        org_actions.create_org(actor=world.admin, parent=world.root, name="综合处\u200b党支部", kind=OrgKind.BRANCH)
    assert "U+200B" in str(exc.value)
    with pytest.raises(ValidationError):
        org_actions.rename_org(world.a1, actor=world.admin, name="第一\u202e党支部", date=world.a1.created_at.date())


@pytest.mark.parametrize("path", [
    "/api/v1/members/abc/", "/api/v1/study-participations/null%2Cnull/", "/api/v1/no-such-thing/",
    "/api/v1/members/99999999999999999999999/",
])
def test_api_paths_that_lead_nowhere_answer_json_404(world, api, path):
    response = api(world.admin).get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]


@pytest.mark.parametrize("query", [
    "org=99999999999999999999999", "org=-99999999999999999999", "year=0", "year=99999999999999999999",
    "page=99999999999999999999", "page_size=99999999999999999999",
])
def test_out_of_range_numbers_in_filters_never_answer_500(world, api, query):
    for path in ("/api/v1/members/", "/api/v1/meetings/", "/api/v1/study-sessions/", "/api/v1/appraisal/rounds/"):
        assert api(world.admin).get(f"{path}?{query}").status_code in (200, 400, 404), (path, query)


@pytest.mark.parametrize(("year", "status"), [("0", 400), ("1999", 400), ("2000", 200), ("2100", 200), ("2101", 400),
                                              ("abc", 400)])
def test_the_appraisal_summary_takes_years_within_bounds(world, api, year, status):
    response = api(world.admin).get(f"/api/v1/appraisal/summary/?year={year}")
    assert response.status_code == status
    if status == 400:
        assert "year" in response.json()


@pytest.mark.parametrize("month", ["0000-01", "1899-12", "2101-01"])
def test_a_month_outside_the_years_we_keep_is_a_400_not_a_500(world, api, month):
    response = api(world.admin).get(f"/api/v1/meetings/?month_from={month}")
    assert response.status_code == 400 and "month_from" in response.json()
