"""The meeting list at scale (issue 10: 3.6 s at 100,000 orgs, two attendance counts annotated over every meeting in
scope and a GROUP BY counted): the page's ids first, 应到/实到 counted for those meetings only, the total capped."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core import lists
from dangjian.orglife import actions
from dangjian.orglife.choices import MeetingKind
from dangjian.orgs.models import Organization
from tests.growth import grow_tree, weight

URL = reverse("orglife:list")


def meeting(world, org, days=2, absent=()):
    kinds = [MeetingKind.BRANCH_ASSEMBLY]
    m = actions.record_meeting(actor=world.admin, org=org, data={
        "kinds": kinds, "starts_at": timezone.now() - dt.timedelta(days=days)})
    expected = actions.expected_members(org, m.held_on, kinds)
    actions.set_attendance(m, actor=world.admin, entries=[
        {"member": p.pk, "status": "absent" if p.pk in absent else "present",
         **({"reason": "出差"} if p.pk in absent else {})} for p in expected])
    return m


def test_expected_and_present_are_counted_for_the_page_s_meetings_only(world, login):
    world.make_member(world.a1, name="第二人")
    mine = meeting(world, world.a1, absent={world.member.pk})
    meeting(world, world.b, days=3)
    client = login(world.admin)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    rows = {m.pk: (m.n_expected, m.n_present) for m, _kinds in response.context["rows"]}
    assert rows[mine.pk] == (2, 1)
    attendance = [q["sql"] for q in ctx.captured_queries if "orglife_attendance" in q["sql"]]
    assert attendance and all('"orglife_meeting"."id" IN (' in sql for sql in attendance)
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"] and "orglife_meeting" in q["sql"]]
    assert counts and not any("GROUP BY" in sql for sql in counts if "orglife_attendance" not in sql)


def test_the_page_costs_the_same_queries_with_forty_more_branches_and_their_meetings(world, login):
    meeting(world, world.a1)
    client = login(world.admin)
    weight(client, URL)
    _size, few = weight(client, URL)
    grow_tree(world, branches=40, members_each=2)
    for org in Organization.objects.filter(name__startswith="扩展"):
        meeting(world, org, days=5)
    _size, many = weight(client, URL)
    assert many == few  # 40 more branches, each with a meeting and its attendance


def test_a_large_total_reads_as_capped_and_the_pages_stop_there(world, login, monkeypatch):
    for days in range(2, 7):
        meeting(world, world.a1, days=days)
    monkeypatch.setattr(lists, "COUNT_CAP", 2)
    html = login(world.admin).get(URL, {"page": "1"}).content.decode()
    assert "共 2+ 条" in html and "请缩小查找范围" in html


def test_a_page_past_the_end_shows_the_last_page_and_an_outsider_none_of_ours(world, login):
    mine = meeting(world, world.a1)
    response = login(world.admin).get(URL, {"page": "999999"})
    assert response.status_code == 200 and [m.pk for m, _ in response.context["rows"]] == [mine.pk]
    assert login(world.outsider).get(URL, {"page": "999999"}).context["rows"] == []
