"""The member roll at scale (issue 10): a text search counts at most 10,001 rows beside its page ("10,000+"), a
search text over 50 characters is refused on the form without touching the database, the page's queries do not grow
with the tree; and a member written in bulk, without any history row, opens like any other (it answered 500)."""

from __future__ import annotations

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


def test_a_search_of_ten_thousand_characters_is_refused_on_the_form(world, login):
    client = login(world.admin)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"q": "王" * 10_000})
    assert response.status_code == 200 and response.context["rows"] == []
    assert "50" in str(response.context["filter"].form.errors["q"])
    assert not any("王王" in q["sql"] for q in ctx.captured_queries)


def test_a_search_costs_the_same_queries_with_forty_more_branches(world, login):
    assert_queries_flat(world, login(world.admin), f"{URL}?q=员")
