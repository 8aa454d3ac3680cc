"""The to-do page, closing a reminder, the home block and the API: each user reaches only their own reminders."""

from __future__ import annotations

import datetime as dt

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


def test_home_items_gives_the_first_ten_and_the_total(world):
    for i in range(12):
        remind(world.secretary, f"k{i}", due_on=dt.date(2025, 4, 1) + dt.timedelta(days=i))
    remind(world.outsider, "other")
    context = home_items(world.secretary)
    assert context["home_reminder_total"] == 12
    assert [r.key for r in context["home_reminders"]] == [f"k{i}" for i in range(10)]
    html = render_to_string("reminders/_home_list.html", context)
    assert "查看全部12项待办" in html and "提醒k9" in html and "提醒k10" not in html
    assert "暂无待办事项" in render_to_string("reminders/_home_list.html", home_items(world.nobody))


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
