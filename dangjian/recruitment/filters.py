"""The applicant list's filters, shared by the web list, the Excel export and the API (one FilterSet)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from dangjian.core.pickers import MAX_QUERY
from dangjian.core.scoping import subtree_q
from dangjian.members.filters import MemberFilter, refuse_id_number
from dangjian.orgs.models import Organization
from dangjian.recruitment import rules
from dangjian.recruitment.models import OPEN_STATUSES, Applicant, ApplicantStatus
from dangjian.recruitment.steps import STEP_CHOICES, Stage

STATUS_CHOICES = [("open", "培养发展中及预备期"), *ApplicantStatus.choices, ("all", "全部")]
DUE_OVERDUE = "overdue"
DUE_SOON = "due"
DUE_CHOICES = [(DUE_OVERDUE, "已逾期"), (DUE_SOON, "即将到期"), ("any", "逾期或即将到期")]


def due_window(today: dt.date, limits: rules.Limits) -> tuple[dt.date, dt.date]:
    """(today, the last due date counted as 即将到期): overdue is due_on < today, due soon is today ≤ due_on ≤ end."""
    return today, today + dt.timedelta(days=limits.due_soon_days)


class ApplicantFilter(django_filters.FilterSet):
    # A 身份证号 is never searched through the URL (SEC-22), for applicants as for members.
    q = django_filters.CharFilter(
        label="姓名/拼音首字母", method="filter_q", max_length=MAX_QUERY, validators=[refuse_id_number]
    )
    org = django_filters.ModelChoiceFilter(
        label="党组织（含下级）", queryset=Organization.objects.none(), method="filter_org"
    )
    stage = django_filters.ChoiceFilter(label="阶段", choices=Stage.choices, empty_label="全部")
    step = django_filters.ChoiceFilter(label="已完成步骤", choices=STEP_CHOICES, empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=STATUS_CHOICES, method="filter_status", empty_label=None)
    due = django_filters.ChoiceFilter(label="办理期限", choices=DUE_CHOICES, method="filter_due", empty_label="全部")

    class Meta:
        model = Applicant
        fields = ["q", "org", "stage", "step", "status", "due"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        if user is not None:
            self.filters["org"].queryset = Organization.objects.visible_to(user)  # type: ignore[attr-defined]
        for f in self.form.fields.values():
            f.widget.attrs.setdefault("class", "form-select" if hasattr(f, "choices") else "form-control")

    @property
    def qs(self) -> QuerySet[Applicant]:
        qs = super().qs
        if not self.form.cleaned_data.get("status"):
            qs = qs.filter(status__in=OPEN_STATUSES)
        return qs.order_by("name_pinyin", "id")

    # The member list's search over the same fields: name, pinyin initials, the 身份证号 by its blind index.
    filter_q = MemberFilter.filter_q

    def filter_org(self, qs: QuerySet[Applicant], name: str, value: Organization | None) -> QuerySet[Applicant]:
        return qs.filter(subtree_q(value.path, "org__path")) if value else qs

    def filter_status(self, qs: QuerySet[Applicant], name: str, value: str) -> QuerySet[Applicant]:
        if value in ("", "open"):
            return qs.filter(status__in=OPEN_STATUSES)
        if value == "all":
            return qs
        return qs.filter(status=value)

    def filter_due(self, qs: QuerySet[Applicant], name: str, value: str) -> QuerySet[Applicant]:
        start, end = due_window(self.today, rules.load(self.today))
        if value == DUE_OVERDUE:
            return qs.filter(due_on__lt=start)
        if value == DUE_SOON:
            return qs.filter(due_on__gte=start, due_on__lte=end)
        if value == "any":
            return qs.filter(due_on__lte=end)
        return qs
