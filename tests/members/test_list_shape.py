"""The member roll at scale (issue 10): a text search counts at most 10,001 rows beside its page ("10,000+"), a
search text over 50 characters is refused on the form without touching the database, the page's queries do not grow
with the tree; and a member written in bulk, without any history row, opens like any other (it answered 500)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core import lists
from dangjian.members.models import Member
from dangjian.orgs import counters
from tests.growth import assert_queries_flat
from tests.world import make_id_card

URL = reverse("members:list")


def bulk_member(world) -> Member:
    """A copy of 李党员 under another name and 身份证号, inserted as a bulk load does: no history row."""
    from dangjian.members.pii import id_card_index

    clone = Member.objects.get(pk=world.member.pk)
    clone.pk = None
    clone.name, clone.name_pinyin, clone.name_initials = "批量入", "piliangru", "plr"
    clone.id_card_index = id_card_index(make_id_card())
    [created] = Member.objects.bulk_create([clone])
    counters.shift(world.a1.path, members=1)
    assert not Member.history.filter(id=created.pk).exists()
    return created


def test_a_member_loaded_in_bulk_without_history_opens_for_the_admin_and_the_secretary(world, login):
    member = bulk_member(world)
    for user in (world.admin, world.secretary):
        response = login(user).get(reverse("members:detail", args=[member.pk]))
        assert response.status_code == 200 and response.context["history"] == []
        assert "批量入" in response.content.decode()


def test_a_text_search_counts_up_to_the_cap(world, login, monkeypatch):
    world.make_member(world.a1, name="王一")
    world.make_member(world.a2, name="王二")
    world.make_member(world.b, name="王三")
    monkeypatch.setattr(lists, "COUNT_CAP", 2)
    client = login(world.admin)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(URL, {"q": "王"}).content.decode()
    assert "共 2+ 条" in html and "王一" in html and "王三" in html
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"]]
    assert counts and all("LIMIT 3" in sql for sql in counts)
    monkeypatch.setattr(lists, "COUNT_CAP", 10_000)
    assert "共 3 条" in client.get(URL, {"q": "王"}).content.decode()


def test_a_search_of_ten_thousand_characters_is_answered_400_without_a_query(world, login):
    client = login(world.admin)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"q": "王" * 10_000})
    assert response.status_code == 400 and "搜索内容不能超过50个字" in response.content.decode()
    assert len(response.content) < 20_000
    assert not any("王王" in q["sql"] for q in ctx.captured_queries)
    assert client.get(URL, {"q": "王" * 50}).status_code == 200


@pytest.mark.parametrize("url", ["recruitment:list", "transfers:list", "transfers:floating_list", "transfers:lost_list",
                                 "transfers:suspended_list", "orgs:tree", "members:export"])
def test_every_list_with_a_search_answers_a_too_long_one_400(world, login, url):
    response = login(world.admin, verified=True).get(reverse(url), {"q": "a" * 51})
    assert response.status_code == 400 and "搜索内容过长" in response.content.decode()


def test_the_filter_itself_refuses_a_long_search_where_the_api_uses_it(world):
    from dangjian.members.filters import MemberFilter

    form = MemberFilter({"q": "王" * 51}, queryset=Member.objects.none()).form
    assert not form.is_valid() and "q" in form.errors


def test_a_search_costs_the_same_queries_with_forty_more_branches(world, login):
    assert_queries_flat(world, login(world.admin), f"{URL}?q=员")


def test_the_api_answers_a_too_long_search_400(world, api):
    assert api(world.admin).get("/api/v1/members/", {"q": "王" * 51}).status_code == 400
    assert api(world.admin).get("/api/v1/members/", {"q": "王"}).status_code == 200
