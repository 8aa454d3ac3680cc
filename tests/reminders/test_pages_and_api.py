"""The to-do page, closing a reminder, the home block and the API: each user reaches only their own reminders."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.template.loader import render_to_string
from rest_framework.test import APIClient

from dangjian.reminders.models import Reminder, ReminderKind
from dangjian.reminders.views import home_items

R = ReminderKind


def remind(user, key, kind=R.MEETING_OVERDUE, title=None, due_on=None, org=None):
    return Reminder.objects.create(user=user, kind=kind, key=key, title=title or f"提醒{key}", due_on=due_on,
                                   org=org, url="/orglife/")


def test_list_shows_only_the_owners_open_reminders_grouped_late_kinds_first(world, login):
    remind(world.secretary, "a", R.MEETING_DUE_SOON, "第一党支部主题党日即将到期", dt.date(2025, 4, 30), world.a1)
    remind(world.secretary, "b", R.MEETING_OVERDUE, "第一党支部3月主题党日逾期未召开", dt.date(2025, 3, 31), world.a1)
    closed = remind(world.secretary, "c", title="已办结的事项")
    closed.resolved_at = closed.created_at
    closed.save()
    remind(world.outsider, "d", title="第三党支部的事项")
    html = login(world.secretary).get("/reminders/").content.decode()
    assert "第一党支部主题党日即将到期" in html and "2025年4月30日" in html
    assert html.index("会议逾期未开") < html.index("会议即将到期")
    assert "已办结的事项" not in html and "第三党支部的事项" not in html


def test_only_the_owner_can_resolve_a_reminder(world, login):
    mine = remind(world.secretary, "a", title="我的事项")
    client = login(world.outsider)
    assert client.post(f"/reminders/{mine.pk}/resolve/").status_code == 404
    mine.refresh_from_db()
    assert mine.resolved_at is None
    client = login(world.secretary)
    response = client.post(f"/reminders/{mine.pk}/resolve/")
    assert response.status_code == 302 and response["Location"] == "/reminders/"
    mine.refresh_from_db()
    assert mine.resolved_at is not None
    assert client.get(f"/reminders/{mine.pk}/resolve/").status_code == 405
    assert client.post("/reminders/999999/resolve/").status_code == 404


def test_resolve_goes_back_only_to_a_local_address(world, login):
    a = remind(world.secretary, "a")
    b = remind(world.secretary, "b")
    client = login(world.secretary)
    assert client.post(f"/reminders/{a.pk}/resolve/", {"next": "/?x=1"})["Location"] == "/?x=1"
    assert client.post(f"/reminders/{b.pk}/resolve/", {"next": "https://evil.example/"})["Location"] == "/reminders/"


def test_anonymous_users_are_sent_to_login(client):
    assert client.get("/reminders/").status_code == 302


def test_home_card_groups_the_reminders_by_kind_with_counts_and_the_first_orgs(world, django_assert_max_num_queries):
    for i in range(12):
        remind(world.secretary, f"k{i}", due_on=dt.date(2025, 4, 1) + dt.timedelta(days=i),
               title=f"第{i}党支部2025年的组织生活会逾期未召开")
    remind(world.secretary, "soon", R.MEETING_DUE_SOON, "第一党支部主题党日即将到期", dt.date(2025, 4, 30))
    remind(world.outsider, "other")
    with django_assert_max_num_queries(2):
        context = home_items(world.secretary)
    assert context["home_reminder_total"] == 13
    groups = context["home_groups"]
    assert [(g.kind, g.count) for g in groups] == [(R.MEETING_OVERDUE, 12), (R.MEETING_DUE_SOON, 1)]
    assert [r.key for r in groups[0].first] == [f"k{i}" for i in range(5)]
    html = render_to_string("reminders/_home_list.html", context)
    # One line per kind with its count, not ten copies of one kind; unfolding shows the orgs.
    assert html.count("会议逾期未开") == 2  # the group's line and its "查看全部" link
    assert "12项" in html and "第4党支部" in html and "第5党支部" not in html
    assert "查看全部12项会议逾期未开" in html and "/reminders/?kind=meeting_overdue" in html
    assert "暂无待办事项" in render_to_string("reminders/_home_list.html", home_items(world.nobody))


def test_list_filters_by_kind_org_and_due_and_counts_each_kind(world, login, django_assert_max_num_queries):
    remind(world.admin, "a1-late", R.MEETING_OVERDUE, "第一党支部逾期", dt.date(2025, 3, 31), world.a1)
    remind(world.admin, "a2-late", R.MEETING_OVERDUE, "第二党支部逾期", dt.date(2025, 3, 31), world.a2)
    remind(world.admin, "b-soon", R.MEETING_DUE_SOON, "第三党支部即将到期", dt.date(2025, 4, 30), world.b)
    remind(world.admin, "a1-term", R.TERM_DUE, "第一党支部换届", None, world.a1)
    client = login(world.admin)
    with time_machine.travel(dt.datetime(2025, 4, 25, 4, tzinfo=dt.UTC), tick=False):
        with django_assert_max_num_queries(12):
            response = client.get("/reminders/")
        tabs = {g.kind: g.count for g in response.context["kinds"]}
        assert tabs == {R.MEETING_OVERDUE: 2, R.MEETING_DUE_SOON: 1, R.TERM_DUE: 1}

        def titles(**params):
            return {r.title for r in client.get("/reminders/", params).context["page"]}

        assert titles(kind=R.MEETING_OVERDUE) == {"第一党支部逾期", "第二党支部逾期"}
        assert titles(org=world.general.pk) == {"第一党支部逾期", "第二党支部逾期", "第一党支部换届"}
        assert titles(org=world.a1.pk, kind=R.TERM_DUE) == {"第一党支部换届"}
        assert titles(due="overdue") == {"第一党支部逾期", "第二党支部逾期"}
        assert titles(due="week") == {"第三党支部即将到期"}
        assert titles(due="none") == {"第一党支部换届"}
        # The kind tabs count over the other filters, whatever kind is chosen.
        narrowed = client.get("/reminders/", {"org": world.a1.pk, "kind": R.TERM_DUE}).context["kinds"]
        assert {g.kind: g.count for g in narrowed} == {R.MEETING_OVERDUE: 1, R.TERM_DUE: 1}
        assert client.get("/reminders/", {"due": "bogus"}).context["page"].paginator.count == 0


def test_list_org_filter_gives_nothing_for_an_org_outside_the_users_view(world, login):
    remind(world.secretary, "a", R.MEETING_OVERDUE, "第一党支部逾期", dt.date(2025, 3, 31), world.a1)
    client = login(world.secretary)
    assert client.get("/reminders/", {"org": world.b.pk}).context["page"].paginator.count == 0
    # The org is chosen with the picker: no option list; an outsider's org is not described (not shown).
    outside = client.get("/reminders/", {"org": world.b.pk}).content.decode()
    inside = client.get("/reminders/", {"org": world.a1.pk}).content.decode()
    assert "<option" not in inside.split('name="org"')[1][:300]
    assert "第一党支部" in inside and "第三党支部" not in outside


def test_list_is_paginated_and_its_queries_do_not_grow(world, login, django_assert_max_num_queries):
    for i in range(65):
        remind(world.secretary, f"k{i}", due_on=dt.date(2025, 4, 1) + dt.timedelta(days=i), org=world.a1)
    client = login(world.secretary)
    with django_assert_max_num_queries(12):
        page = client.get("/reminders/", {"page": 3}).context["page"]
    assert page.paginator.count == 65 and len(page.object_list) == 5


def test_api_lists_the_callers_open_reminders_in_iso(world, api):
    remind(world.secretary, "a", due_on=dt.date(2025, 4, 30), org=world.a1)
    remind(world.outsider, "b")
    body = api(world.secretary).get("/api/v1/reminders/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["key"] == "a" and row["due_on"] == "2025-04-30" and row["org"] == world.a1.pk
    assert row["kind"] == R.MEETING_OVERDUE and row["kind_display"] == "会议逾期未开" and row["resolved_at"] is None
    assert api(world.auditor).get("/api/v1/reminders/").json()["count"] == 0


def test_api_resolves_only_the_callers_own_reminder(world, api):
    mine = remind(world.secretary, "a")
    assert api(world.outsider).post(f"/api/v1/reminders/{mine.pk}/resolve/").status_code == 404
    mine.refresh_from_db()
    assert mine.resolved_at is None
    response = api(world.secretary).post(f"/api/v1/reminders/{mine.pk}/resolve/")
    assert response.status_code == 200 and response.json()["resolved_at"]
    assert api(world.secretary).get("/api/v1/reminders/").json()["count"] == 0


def test_api_needs_authentication():
    assert APIClient().get("/api/v1/reminders/").status_code == 401


def test_api_takes_the_pages_filters(world, api):
    remind(world.secretary, "a", R.MEETING_OVERDUE, due_on=dt.date(2025, 4, 30), org=world.a1)
    remind(world.secretary, "b", R.TERM_DUE, org=world.a1)
    client = api(world.secretary)
    assert [r["key"] for r in client.get("/api/v1/reminders/", {"kind": R.TERM_DUE}).json()["results"]] == ["b"]
    assert [r["key"] for r in client.get("/api/v1/reminders/", {"due": "none"}).json()["results"]] == ["b"]
    assert client.get("/api/v1/reminders/", {"org": world.b.pk}).json()["count"] == 0
    assert client.get("/api/v1/reminders/", {"kind": "bogus"}).status_code == 400
