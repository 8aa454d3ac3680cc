"""The measures registry: discovery at start-up, keys, checks of the period, the 设置 → 指标 page and the API
(list, values, 404 for an unknown key, 400 for a bad period, outsiders)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from dangjian.core import measures
from dangjian.core.measures import PeriodNotSupported, Ratio, UnknownMeasure
from dangjian.lib.periods import Period

TODAY = dt.datetime(2025, 4, 10, 4, tzinfo=dt.UTC)
REQUIRED_KEYS = [
    "orglife.meetings.rate", "orglife.meetings.overdue", "orglife.silent",
]


def api(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def test_every_app_measure_is_discovered_with_its_description():
    keys = {m.key for m in measures.all()}
    assert set(REQUIRED_KEYS) <= keys
    for measure in measures.all():
        assert measure.label and measure.unit and measure.periods
        assert measure.subject in ("org", "member")
        assert measure.app_label == measure.key.split(".")[0]


def test_an_unknown_key_is_a_specific_error():
    with pytest.raises(UnknownMeasure, match="没有指标"):
        measures.get("nothing.here")


def test_a_key_cannot_be_registered_twice_for_another_function():
    with pytest.raises(ValueError, match="registered twice"):
        measures.register("orglife.silent", label="x", unit="x", periods=("year",))(lambda orgs, period: {})


def test_the_period_is_checked_before_the_function_runs():
    rate = measures.get("orglife.meetings.rate")
    with time_machine.travel(TODAY, tick=False):
        with pytest.raises(PeriodNotSupported, match="尚未开始"):
            rate.check(Period.year(2026))
        with pytest.raises(PeriodNotSupported, match="只能按"):
            rate.check(Period.range(dt.date(2025, 1, 1), dt.date(2025, 1, 5)))
        rate.check(Period.year(2025))
    assert issubclass(PeriodNotSupported, ValueError)


def test_ratios_add_up_and_show_a_dash_when_nothing_was_owed():
    assert Ratio(1, 2) + Ratio(2, 4) == Ratio(3, 6)
    assert Ratio(2, 3).percent == "66.7%" and Ratio().percent == "—" and Ratio().rate is None
    assert measures.plain(Ratio(1, 4)) == {"done": 1, "owed": 4, "rate": 0.25}


def test_the_settings_page_lists_every_measure_with_links_to_its_rules(world, login):
    html = login(world.admin).get("/measures/").content.decode()
    for measure in measures.all():
        assert measure.key in html and measure.label in html
    assert "/rules/orglife.silent_days/" in html and "越低越好" in html and "年度" in html


@pytest.mark.parametrize("persona", ["sysadmin", "auditor", "member_user"])
def test_the_settings_page_is_not_found_without_a_view_scope(world, login, persona):
    assert login(getattr(world, persona), verified=True).get("/measures/").status_code == 404


def test_the_api_lists_the_registry(world):
    body = api(world.admin).get("/api/v1/measures/").json()
    by_key = {m["key"]: m for m in body}
    assert by_key["orglife.silent"]["higher_is_better"] is False
    assert "orglife.silent_days" in by_key["orglife.silent"]["rules"]
    assert api(world.sysadmin).get("/api/v1/measures/").status_code == 404
    assert api(None).get("/api/v1/measures/").status_code in (401, 403)


@time_machine.travel(TODAY, tick=False)
def test_the_api_gives_values_for_the_visible_orgs_under_an_org(world):
    body = api(world.admin).get(f"/api/v1/measures/orglife.silent/?period=2025-04&org={world.general.pk}").json()
    assert body["period"] == "2025-04" and body["period_label"] == "2025年4月"
    assert {r["id"] for r in body["results"]} == {world.a1.pk, world.a2.pk}
    assert all(r["value"] is True and r["display"] == "是" for r in body["results"])
    rate = api(world.admin).get(f"/api/v1/measures/orglife.meetings.rate/?period=2025Q1&org={world.a1.pk}").json()
    assert {r["id"] for r in rate["results"]} == {world.a1.pk, world.a1_group.pk}
    assert all(r["value"]["done"] == 0 and r["value"]["owed"] > 0 for r in rate["results"])


@time_machine.travel(TODAY, tick=False)
def test_the_api_answers_404_for_an_unknown_key_and_400_for_a_bad_period(world):
    client = api(world.admin)
    assert client.get("/api/v1/measures/nothing.here/").status_code == 404
    for bad in ("2025-13", "abc", "2026", "2025-01-01..2025-01-05"):
        response = client.get(f"/api/v1/measures/orglife.meetings.rate/?period={bad}")
        assert response.status_code == 400, bad
        assert "period" in response.json()


@time_machine.travel(TODAY, tick=False)
def test_outsiders_get_nothing_of_anyone_elses_subtree(world):
    url = f"/api/v1/measures/orglife.silent/?period=2025&org={world.general.pk}"
    assert api(world.outsider).get(url).status_code == 404
    for persona in ("sysadmin", "auditor", "nobody"):
        assert api(getattr(world, persona)).get(url).status_code == 404
    own = api(world.outsider).get("/api/v1/measures/orglife.silent/?period=2025").json()
    assert {r["id"] for r in own["results"]} == {world.b.pk}
    viewer = api(world.viewer).get(f"/api/v1/measures/orglife.silent/?period=2025&org={world.root.pk}")
    assert viewer.status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_a_member_measure_gives_the_visible_members_under_the_org(world):
    body = api(world.admin).get(f"/api/v1/measures/learning.hours.total/?period=2025Q1&org={world.a1.pk}").json()
    assert body["measure"]["subject"] == "member"
    assert {r["id"] for r in body["results"]} == {world.member.pk}
    assert body["results"][0]["value"] == "0.0" and body["results"][0]["display"] == "0.0"
    outsider = api(world.outsider).get(f"/api/v1/measures/learning.hours.total/?period=2025&org={world.a1.pk}")
    assert outsider.status_code == 404
