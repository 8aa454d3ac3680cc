"""Building blocks of the FilterSets that a list page, its Excel export and the API share (docs/decisions.md,
decision 13: one FilterSet per list, in the app's `filters.py`).

The ground floor names no domain model: the org filter is handed the org model by the app that declares it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self

import django_filters
from django import forms
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from dangjian.core.scoping import subtree_q
from dangjian.core.widgets import DateInput

# user -> the widget of a list's org filter (orgs.pickers.filter_picker: a search-as-you-type picker).
OrgPicker = Callable[[Any], forms.Widget]
YEAR_MIN = 2000
YEAR_MAX = 2100


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number (the stock NumberFilter cleans to a Decimal, which the audit log's JSON cannot hold)."""

    field_class = forms.IntegerField


ID_MAX = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_MAX})
class IdFilter(IntegerFilter):
    """A record's id: a whole number from 1 (a decimal, a negative or a number past 64 bits is a 400, never a
    database error)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    """true / false (also 1 / 0, True / False); empty is "not given"; anything else is an error, not "all"."""

    TRUE, FALSE = {"true", "1", "True"}, {"false", "0", "False"}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        if str(value) in self.TRUE:
            return True
        if str(value) in self.FALSE:
            return False
        raise forms.ValidationError("请填写 true 或 false")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.BooleanFilter):
    """A yes/no filter that refuses what is neither (the stock one reads "null" or "x" as no filter at all)."""

    field_class = StrictBooleanField


@extend_schema_field({"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX})
class YearFilter(IntegerFilter):
    """A year, documented with its bounds."""


def year_filter(field_name: str = "year", label: str = "年度", **kwargs: Any) -> YearFilter:
    """A year between YEAR_MIN and YEAR_MAX; another year is a form error (a 400 in the API)."""
    return YearFilter(field_name=field_name, label=label, min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)


class SubtreeFilter(IdFilter):
    """An org and everything under it, chosen by the org's id. Only an org the user can see narrows the list; any
    other id gives no rows rather than an error, so an org outside the user's scope reads like an empty one.

    `field_name` is the path of the row's org (e.g. "round__org__path"), `orgs` the org model (a scoped manager
    with `visible_to`). The page gives it the org picker (ScopedFilterSet.for_page); the API takes the id alike.
    """

    def __init__(self, *, orgs: type[Model], **kwargs: Any) -> None:
        kwargs.setdefault("label", "党组织（含下级）")
        super().__init__(**kwargs)
        self.orgs = orgs

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value is None:
            return qs
        manager: Any = self.orgs._default_manager
        org = manager.visible_to(self.parent.user).filter(pk=value).only("path").first()
        return qs.filter(subtree_q(org.path, self.field_name)) if org is not None else qs.none()


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet over one user's rows (the queryset given has already gone through `visible_to(user)`).

    It takes `user` (the API's ScopedFilterBackend passes it) for the org filter, styles its form for the pages
    (dates as <input type=date> with ISO values, core.widgets.DateInput), and renders the filters named in `page_hidden` — names the API has always taken beside the page's — as
    hidden inputs, so the page shows each filter once and a link using them keeps working.
    """

    page_hidden: tuple[str, ...] = ()

    def __init__(self, data: Any = None, queryset: Any = None, *, user: Any = None, **kwargs: Any) -> None:
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.today = timezone.localdate()
        for name, field in self.form.fields.items():
            if name in self.page_hidden:
                field.widget = forms.HiddenInput()
                continue
            if isinstance(field, forms.DateField):
                field.widget = DateInput(attrs=field.widget.attrs)
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    @classmethod
    def for_page(cls, request: HttpRequest, queryset: QuerySet[Any], org_picker: OrgPicker) -> Self:
        """The filter of a list page: the query string over `queryset` for the request's user, with the org chosen
        through `org_picker(user)` (orgs.pickers.filter_picker), which renders the chosen org only, never a list of
        orgs; the filter itself accepts any org the user can see."""
        filterset = cls(request.GET, queryset=queryset, user=request.user)
        filterset.form.fields["org"].widget = org_picker(request.user)
        return filterset

    def rows(self) -> QuerySet[Any]:
        """The filtered rows; none when a value is bad (the form says why), so an export never widens."""
        return self.qs if self.form.is_valid() else self.queryset.none()
