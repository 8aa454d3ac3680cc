"""Pagination for list pages: a page of rows plus the numbers the template shows (the shape is dangjian.core.lists)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest

from dangjian.core.lists import PAGE_SIZE, capped_page

__all__ = ["PAGE_SIZE", "paginate"]


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE, count: int | None = None) -> Page:
    """A page of rows; `count`, when the caller already knows it (kept totals), saves the COUNT query, which
    otherwise stops at `lists.COUNT_CAP` ("10,000+")."""
    return capped_page(request, queryset, per_page=per_page, count=count)
