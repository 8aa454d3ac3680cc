"""core.lists, the shape of every list page: the page's ids first, the rows loaded for those ids only, counts kept or
capped, and a page number past the end answered with the last page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from dangjian.core import lists
from dangjian.core.lists import CappedPaginator, IdPaginator, capped_count, id_page
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db


def orgs():
    return Organization.objects.order_by("path")


def test_a_count_stops_one_past_the_cap_and_reads_as_cap_plus(world):
    assert orgs().count() == 6
    assert capped_count(orgs(), 3) == 4
    paginator = CappedPaginator(orgs(), 2, cap=3)
    assert paginator.capped and paginator.count_label == "3+"
    assert paginator.num_pages == 2  # the pages stop at the cap
    whole = CappedPaginator(orgs(), 2, cap=6)
    assert not whole.capped and whole.count_label == "6" and whole.num_pages == 3


def test_a_kept_total_is_taken_as_it_is_without_a_count_query(world):
    paginator = CappedPaginator(orgs(), 2, count=12_345, cap=3)
    with CaptureQueriesContext(connection) as ctx:
        assert paginator.count_label == "12,345" and not paginator.capped and paginator.num_pages == 6173
    assert ctx.captured_queries == []


def test_a_page_reads_its_ids_then_loads_only_those_rows_in_the_ids_order(world):
    asked: list[list[int]] = []

    def load(ids):
        asked.append(ids)
        return Organization.objects.filter(pk__in=ids).exclude(pk=world.a2.pk).order_by("-path")  # any order

    page = IdPaginator(orgs(), 3, load=load).page(2)
    expected = list(orgs().values_list("pk", flat=True))[3:6]
    assert asked == [expected]
    assert [o.pk for o in page] == [pk for pk in expected if pk != world.a2.pk]  # in order, a row not loaded left out


def test_a_loader_may_answer_a_mapping(world):
    page = IdPaginator(orgs(), 2, load=lambda ids: {pk: f"第{pk}号" for pk in ids}).page(1)
    assert list(page) == [f"第{pk}号" for pk in list(orgs().values_list("pk", flat=True))[:2]]


@pytest.mark.parametrize(("asked", "number"), [("99999", 3), ("-4", 3), ("abc", 1), ("2.5", 1), ("", 1),
                                               ("9" * 40, 3)])
def test_a_page_number_past_the_end_or_bad_gives_the_last_or_the_first_page(world, asked, number):
    request = RequestFactory().get("/", {"page": asked})
    page = id_page(request, orgs(), lambda ids: Organization.objects.filter(pk__in=ids), per_page=2)
    assert page.number == number and len(page) == 2


def test_an_empty_list_has_one_empty_page(world):
    page = id_page(RequestFactory().get("/", {"page": "7"}), orgs().none(), lambda ids: [], per_page=2)
    assert page.number == 1 and list(page) == [] and page.paginator.count_label == "0"


def test_the_cap_is_read_when_a_paginator_is_made(world, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_CAP", 2)
    assert CappedPaginator(orgs(), 2).count_label == "2+"
