"""Pagination, sorting and export links keep the page's filters through Django's {% querystring %}."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_pagination_links_keep_the_filters_and_replace_the_page() -> None:
    request = RequestFactory().get("/members/", {"q": "张", "org": "3", "page": "2"})
    page = Paginator(list(range(30)), 10).page(2)
    html = render_to_string("includes/pagination.html", {"page": page}, request=request)
    assert 'href="?q=%E5%BC%A0&amp;org=3&amp;page=1"' in html
    assert 'href="?q=%E5%BC%A0&amp;org=3&amp;page=3"' in html


def test_a_removed_parameter_leaves_the_others() -> None:
    from django.template import engines

    template = engines["django"].from_string("{% querystring export='xlsx' page=None %}")
    request = RequestFactory().get("/x/", {"page": "4", "stage": "2"})
    assert template.render({}, request) == "?stage=2&amp;export=xlsx"
