"""The filters of the transfer, 流动党员, 失联 and 停止党籍 lists, shared by the pages, the Excel exports and the
API (one FilterSet each, as members.filters.MemberFilter). Each takes `user`, so its org choice accepts only orgs
the user can see (chosen with the org picker, never a list of them), and narrows a queryset that already went
through the user's scope."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from dangjian.core.pickers import MAX_QUERY
from dangjian.core.scoping import scope_for, subtree_q
from dangjian.core.widgets import DateInput
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import use_filter_picker
from dangjian.transfers.choices import LostStage, TransferKind, TransferStatus
from dangjian.transfers.queries import DIRECTIONS, direction_q


def _name_q(value: str, field: str) -> Q:
    """A name, or the start of its pinyin / initials (as the member list searches)."""
    value = value.strip()
    if value.isascii() and value.replace(" ", "").isalpha():
        lowered = value.lower()
        return Q(**{f"{field}name_initials__startswith": lowered}) | Q(**{f"{field}name_pinyin__startswith": lowered})
    return Q(**{f"{field}name__contains": value})


class _ScopedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名/拼音首字母", method="filter_q", max_length=MAX_QUERY)
    org = django_filters.ModelChoiceFilter(label="党组织（含下级）", queryset=Organization.objects.all(), method="filter_org")
    member_field = "member__"

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = timezone.localdate()
        if user is not None:
            self.filters["org"].queryset = Organization.objects.visible_to(user)  # type: ignore[attr-defined]
        for f in self.form.fields.values():
            f.widget.attrs.setdefault("class", "form-select" if hasattr(f, "choices") else "form-control")
        if user is not None:
            use_filter_picker(self.form.fields["org"], user)

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(_name_q(value, self.member_field)) if value.strip() else qs

    def filter_org(self, qs: QuerySet[Any], name: str, value: Organization | None) -> QuerySet[Any]:
        return qs.filter(subtree_q(value.path, f"{self.member_field}org__path")) if value else qs


class TransferFilter(_ScopedFilter):
    direction = django_filters.ChoiceFilter(label="方向", choices=list(DIRECTIONS.items()), method="filter_noop",
                                            empty_label="转入和转出")
    status = django_filters.ChoiceFilter(label="状态", choices=[*TransferStatus.choices, ("all", "全部")],
                                         method="filter_status", empty_label="未办结")
    kind = django_filters.ChoiceFilter(label="类型", choices=TransferKind.choices, empty_label="全部")
    issued_from = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte", label="转出日期从",
                                            widget=DateInput())
    issued_to = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte", label="转出日期至",
                                          widget=DateInput())

    def filter_noop(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs  # applied with the org in `qs` below

    def filter_org(self, qs: QuerySet[Any], name: str, value: Organization | None) -> QuerySet[Any]:
        return qs  # applied with the direction in `qs` below

    def filter_status(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs if value == "all" else qs.filter(status=value)

    @property
    def qs(self) -> QuerySet[Any]:
        qs = super().qs
        data = self.form.cleaned_data if self.form.is_valid() else {}
        if not data.get("status"):
            qs = qs.filter(status=TransferStatus.PENDING)
        org: Organization | None = data.get("org")
        direction = data.get("direction") or ""
        roots = [org.path] if org is not None else scope_for(self.user).view_roots
        if direction:
            qs = qs.filter(direction_q(direction, roots))
        elif org is not None:
            qs = qs.filter(direction_q("in", roots) | direction_q("out", roots))
        return qs.order_by("-issued_on", "-id")


class FloatingFilter(_ScopedFilter):
    flag = django_filters.ChoiceFilter(
        label="状态", method="filter_flag", empty_label="外出中",
        choices=[("must_transfer", "外出满期限应转接"), ("ended", "已结束"), ("all", "全部")],
    )

    def filter_flag(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs  # applied in `qs`, also when empty

    @property
    def qs(self) -> QuerySet[Any]:
        qs = super().qs
        flag = (self.form.cleaned_data.get("flag") if self.form.is_valid() else "") or ""
        if flag == "must_transfer":
            qs = qs.filter(must_transfer=True)
        elif flag == "ended":
            qs = qs.filter(returned_on__isnull=False)
        elif flag != "all":
            qs = qs.filter(returned_on__isnull=True)
        return qs.order_by("-must_transfer", "left_on", "id")


class LostFilter(_ScopedFilter):
    stage = django_filters.ChoiceFilter(label="阶段", choices=[*LostStage.choices, ("all", "全部")],
                                        method="filter_stage", empty_label="未结案")

    def filter_stage(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs if value == "all" else qs.filter(stage=value)

    @property
    def qs(self) -> QuerySet[Any]:
        qs = super().qs
        if not (self.form.cleaned_data.get("stage") if self.form.is_valid() else ""):
            qs = qs.filter(outcome="")
        return qs.order_by("last_contact_on", "id")


class SuspendedFilter(_ScopedFilter):
    flag = django_filters.ChoiceFilter(label="范围", choices=[("removal_due", "停止党籍满期限（除名候选）")],
                                       method="filter_flag", empty_label="全部停止党籍党员")
    member_field = ""

    def filter_flag(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(removal_due=True) if value == "removal_due" else qs

    @property
    def qs(self) -> QuerySet[Any]:
        return super().qs.order_by("suspended_on", "id")
