"""The compliance API: per-org statuses and the roll-up, ISO keys and dates, scoped like the pages (404 outside
scope and for the 三员), field errors for bad parameters, flat query counts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.models import Meeting, MeetingKindTag
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import OrgKind

D = dt.date
K = MeetingKind
TODAY = dt.datetime(2025, 4, 10, 4, tzinfo=dt.UTC)


def meeting(org, day, *kinds, submitted=True):
    status = MeetingStatus.SUBMITTED if submitted else MeetingStatus.DRAFT
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    m = Meeting.objects.create(org=org, title="会议", starts_at=starts, held_on=day, status=status)
    for kind in kinds:
        MeetingKindTag.objects.create(meeting=m, kind=kind, org=org, held_on=day, submitted=submitted)
    return m


def api(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


@time_machine.travel(TODAY, tick=False)
def test_statuses_per_org_with_iso_period_keys(world):
    meeting(world.a1, D(2025, 1, 8), K.THEME_DAY)
    meeting(world.a1, D(2025, 2, 8), K.THEME_DAY, submitted=False)
    response = api(world.admin).get(f"/api/v1/compliance/?org={world.general.pk}&year=2025&period=month")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["year"] == 2025  # a1, its group (monthly 党小组会) and a2
    a1 = next(r for r in body["results"] if r["id"] == world.a1.pk)
    theme = a1["kinds"]["theme_day"]
    assert theme[0] == {"period": "2025-01", "start": "2025-01-01", "end": "2025-01-31", "status": "done",
                        "status_display": "已完成", "count": 1}
    assert [c["status"] for c in theme[1:5]] == ["overdue", "overdue", "open", "future"]
    assert set(a1["kinds"]) == {"theme_day", "committee_meeting", "group_meeting"}
    assert {c["status"] for c in a1["kinds"]["committee_meeting"]} == {"not_applicable"}


@time_machine.travel(TODAY, tick=False)
def test_quarter_filter_and_default_root(world):
    body = api(world.secretary).get("/api/v1/compliance/?period=quarter").json()
    assert [r["id"] for r in body["results"]] == [world.a1.pk]
    assert set(body["results"][0]["kinds"]) == {"branch_assembly", "party_lecture"}
    assert [c["period"] for c in body["results"][0]["kinds"]["branch_assembly"]] == [
        "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]


@time_machine.travel(TODAY, tick=False)
def test_rollup_rates(world):
    meeting(world.a1, D(2025, 1, 8), K.THEME_DAY)
    body = api(world.admin).get(f"/api/v1/compliance/rollup/?org={world.root.pk}&year=2025").json()
    jan = body["by_kind"]["theme_day"][0]
    assert (jan["period"], jan["applicable"], jan["done"]) == ("2025-01", 3, 1)
    assert jan["rate"] == pytest.approx(1 / 3)
    assert {lv["depth"] for lv in body["by_level"]} == {2, 3, 4}


@pytest.mark.parametrize("url", ["/api/v1/compliance/", "/api/v1/compliance/rollup/", "/api/v1/compliance/talks/"])
def test_scope_outsiders_and_the_three_administrators(world, url):
    assert api(world.outsider).get(f"{url}?org={world.general.pk}").status_code == 404
    assert api(world.outsider).get(f"{url}?org={world.a1.pk}").status_code == 404
    assert api(world.outsider).get(f"{url}?org={world.b.pk}").status_code == 200
    for user in (world.sysadmin, world.secadmin, world.auditor, world.nobody, world.member_user):
        assert api(user).get(url).status_code == 404
    assert api(world.member_user).get(f"{url}?org={world.a1.pk}").status_code == 404
    assert api(None).get(url).status_code in (401, 403)


def test_bad_parameters_get_field_errors(world):
    response = api(world.admin).get("/api/v1/compliance/?year=abc&period=week")
    assert response.status_code == 400
    assert set(response.json()) == {"year", "period"}


@time_machine.travel(TODAY, tick=False)
def test_queries_do_not_grow_with_orgs(world):
    client = api(world.admin)

    def queries(url):
        world.admin.__dict__.pop("_dangjian_scope", None)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [f"/api/v1/compliance/?org={world.root.pk}", f"/api/v1/compliance/rollup/?org={world.root.pk}"]
    few = [queries(u) for u in urls]
    for i in range(12):
        org = create_org(actor=world.admin, parent=world.root, name=f"支部{i}", kind=OrgKind.BRANCH)
        meeting(org, D(2025, 1, 3), K.THEME_DAY)
    assert [queries(u) for u in urls] == few


@time_machine.travel(TODAY, tick=False)
def test_talk_coverage_gives_figures_per_branch_and_no_records(world):
    from dangjian.leadership.actions import appoint
    from dangjian.leadership.models import Post
    from dangjian.orglife.models import HeartTalk

    secretary = world.make_member(world.a1, name="支书甲")
    appoint(world.a1, actor=world.admin, member=secretary, post=Post.SECRETARY, starts_on=D(2024, 1, 1))
    HeartTalk.objects.create(org=world.a1, held_on=D(2025, 3, 1), initiator=secretary, counterpart=world.member,
                             topic="私密主题")
    response = api(world.viewer).get(f"/api/v1/compliance/talks/?org={world.general.pk}&year=2025")
    assert response.status_code == 200
    rows = {r["name"]: r for r in response.json()["results"]}
    assert (rows["第一党支部"]["owed"], rows["第一党支部"]["covered"], rows["第一党支部"]["status"]) == (1, 1, "done")
    assert rows["第二党支部"]["status"] == "not_applicable"
    assert "私密主题" not in response.content.decode()
