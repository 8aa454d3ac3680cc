"""Pagination for list pages: a page of rows plus the numbers the template shows."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 20


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE, count: int | None = None) -> Page:
    """A page of rows; `count`, when the caller already knows it (kept totals), saves the COUNT query."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # type: ignore[misc]
    return paginator.get_page(request.GET.get("page"))
