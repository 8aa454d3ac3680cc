"""The one shape of a list page (decision 18): the page's ids first, per-row figures for those ids only, capped counts.

A list page must cost the same whatever the size of the tree. So:

* `IdPaginator` pages an ordered queryset by its ids: one sliced query reads the page's ids (the filter and the
  order, no aggregate, no join the page does not filter or sort on), then `load(ids)` reads those rows with whatever
  they need — select_related, annotations, a registered measure — for at most one page of rows.
* `CappedPaginator` (which `IdPaginator` extends) counts without GROUP BY and stops counting at `COUNT_CAP`: the
  count is a sliced subquery (`SELECT COUNT(*) FROM (SELECT id … LIMIT 10001)`), so a search over millions of rows
  reads at most 10,001 of them, and the page shows "10,000+". A kept total (orgs.counters) is passed as `count`
  and no count query runs at all.
* A page number past the end gives the last page, a bad one the first (Django's `get_page`), never a 500.
* `refuses_long_search` answers a search text over 50 characters (`core.pickers.MAX_QUERY`) with a 400 naming the
  limit, before any query and without echoing the text into every link of the page.
* `in_orgs` limits rows to a scoped org queryset with a correlated EXISTS, for a figure over a broad scope whose
  rows a narrow index finds (the 预备党员, the 停止党籍): the rows' own index drives, and the org is checked per row.
  (A join from the orgs' path range makes SQLite read every row of the scope first.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property, wraps
from math import ceil
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dangjian.core.pickers import MAX_QUERY

PAGE_SIZE = 20
COUNT_CAP = 10_000

# Reads a page's rows from their ids: the rows (keyed by their pk) or {id: row}.
Loader = Callable[[list[Any]], Iterable[Any] | Mapping[Any, Any]]


def capped_count(queryset: QuerySet[Any], cap: int) -> int:
    """How many rows `queryset` holds, counting at most `cap + 1` of them: one query over the ids (ordering and
    select_related dropped). Pass the rows before any per-row aggregate, or the count groups them all."""
    return queryset.order_by().values("pk")[: cap + 1].count()


class CappedPaginator(Paginator):
    """A Paginator whose count is a kept total when one is given, else counted up to `cap` + 1 rows. Beyond the cap
    the pages stop at the cap (`capped` is true, `count_label` reads "10,000+")."""

    def __init__(
        self, object_list: Any, per_page: int = PAGE_SIZE, *, count: int | None = None, cap: int | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP if cap is None else cap
        self.known_count = count

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        if self.known_count is not None:
            return self.known_count
        if isinstance(self.object_list, QuerySet):
            return capped_count(self.object_list, self.cap)
        return len(self.object_list)

    @property
    def capped(self) -> bool:
        """Whether there are more rows than were counted (only a counted total is ever capped)."""
        return self.known_count is None and self.count > self.cap

    @cached_property
    def num_pages(self) -> int:  # type: ignore[override]
        shown = min(self.count, self.cap) if self.capped else self.count
        if shown == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, ceil(shown / self.per_page))

    @property
    def count_label(self) -> str:
        """The count as the page shows it: "1,234", or "10,000+" when capped."""
        return f"{self.cap:,}+" if self.capped else f"{self.count:,}"


class IdPaginator(CappedPaginator):
    """A CappedPaginator over an ordered queryset whose page reads the ids first and then `load(ids)`: the rows to
    show, in any order, or a mapping {id: row} (they are put back in the ids' order; an id `load` does not return
    is left out)."""

    def __init__(
        self, object_list: QuerySet[Any], per_page: int = PAGE_SIZE, *,
        load: Loader, count: int | None = None, cap: int | None = None,
    ) -> None:
        super().__init__(object_list, per_page, count=count, cap=cap)
        self.load = load

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows_in_order: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        ids = list(rows_in_order.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = self.load(ids) if ids else {}
        loaded = rows if isinstance(rows, Mapping) else {row.pk: row for row in rows}
        return Page([loaded[i] for i in ids if i in loaded], number, self)


def page_number(request: HttpRequest) -> str | None:
    """The `page` of the query string (get_page turns anything bad into the first or the last page)."""
    return request.GET.get("page")


def id_page(
    request: HttpRequest, queryset: QuerySet[Any], load: Loader, *,
    per_page: int = PAGE_SIZE, count: int | None = None, cap: int | None = None,
) -> Page:
    """The requested page of `queryset` (ordered, without per-row aggregates), read ids first and then `load`ed."""
    return IdPaginator(queryset, per_page, load=load, count=count, cap=cap).get_page(page_number(request))


def capped_page(
    request: HttpRequest, rows: QuerySet[Any] | Sequence[Any], *, per_page: int = PAGE_SIZE, count: int | None = None,
    cap: int | None = None,
) -> Page:
    """The requested page of `rows` with a kept or capped count (for a list whose rows need no per-row figures)."""
    return CappedPaginator(rows, per_page, count=count, cap=cap).get_page(page_number(request))


def in_orgs(model: type[Model], orgs: QuerySet[Any], org_field: str = "org_id") -> QuerySet[Any]:
    """The rows of `model` whose `org_field` is one of `orgs` (scoped with visible_to by the caller), as a
    correlated EXISTS on the org's primary key."""
    return model._default_manager.filter(Exists(orgs.filter(pk=OuterRef(org_field))))


def refuses_long_search(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A list view whose `?q=` longer than MAX_QUERY characters is answered 400, saying so (nothing is queried)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if len((request.GET.get("q") or "").strip()) > MAX_QUERY:
            return render(request, "errors/standalone.html", {
                "code": 400, "heading": "搜索内容过长", "text": f"搜索内容不能超过{MAX_QUERY}个字，请缩短后重新查找。",
            }, status=400)
        return view(request, *args, **kwargs)

    return wrapped
