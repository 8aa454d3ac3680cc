"""Forms of the 党费 pages. They only turn browser input into the values the actions take; every rule is checked
once, in dangjian.dues.actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from dangjian.dues import calc
from dangjian.dues.choices import BASES_BY_CATEGORY, Basis, PaymentMethod, ReliefKind
from dangjian.members.models import Member

_MONTH_ATTRS = {"type": "month", "class": "form-control"}
_DATE_ATTRS = {"type": "date", "class": "form-control"}


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs=_MONTH_ATTRS)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return None
        month = calc.parse_month(value)
        if month is None:
            raise forms.ValidationError("请按“年-月”填写，例如 2025-06")
        return month


class PaymentForm(forms.Form):
    """登记交纳 for one member: one or several months (quarterly, back or advance payment)."""

    months = forms.MultipleChoiceField(label="所属月份", widget=forms.CheckboxSelectMultiple)
    amount = forms.CharField(label="每月实交（元）", required=False, help_text="不填按应交金额",
                             widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}))
    reason = forms.CharField(label="金额与应交不符的原因", required=False, max_length=200,
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    method = forms.ChoiceField(label="交纳方式", choices=PaymentMethod.choices,
                               widget=forms.Select(attrs={"class": "form-select"}))
    paid_on = forms.DateField(label="交纳日期", widget=forms.DateInput(attrs=_DATE_ATTRS))

    def __init__(self, *args: Any, months: list[dt.date], self_service: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["months"]
        field.choices = [(m.strftime("%Y-%m"), calc.month_label(m)) for m in months]
        if self_service:  # a 党员 records their own payment: always 自助交纳
            del self.fields["method"]


class ReliefForm(forms.Form):
    """登记少交或免交 with the approval of the committee above."""

    kind = forms.ChoiceField(label="类型", choices=ReliefKind.choices, widget=forms.Select(attrs={"class": "form-select"}))
    month_from = MonthField(label="起始月份")
    month_to = MonthField(label="截止月份")
    amount = forms.CharField(label="少交后每月交纳（元）", required=False,
                             widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}))
    reason = forms.CharField(label="原因", max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    approved_by = forms.CharField(label="批准的上一级党委", max_length=100,
                                  widget=forms.TextInput(attrs={"class": "form-control"}))
    approval_no = forms.CharField(label="批准文号", max_length=100, widget=forms.TextInput(attrs={"class": "form-control"}))
    approved_on = forms.DateField(label="批准日期", widget=forms.DateInput(attrs=_DATE_ATTRS))


class BaseRowForm(forms.Form):
    """One member's row of the base-setting sheet."""

    basis = forms.ChoiceField(label="计算方式", required=False, widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    income = forms.CharField(label="计算基数（元/月）", required=False,
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "inputmode": "decimal"}))
    fixed_amount = forms.CharField(label="农民党员每月（元）", required=False,
                                   widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "inputmode": "decimal"}))
    quarterly = forms.BooleanField(label="按季度交纳", required=False)

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        field: Any = self.fields["basis"]
        field.choices = [("", "不变"), *[(b, Basis(b).label) for b in BASES_BY_CATEGORY.get(member.person_category, ())]]
        for name in ("basis", "income", "fixed_amount"):  # one row per member: each box is named by whose it is
            self.fields[name].widget.attrs["aria-label"] = f"{member.name} {self.fields[name].label}"

    def entry(self) -> dict[str, Any] | None:
        """The row as an action entry, or None when left unchanged."""
        data = self.cleaned_data
        if not data.get("basis"):
            return None
        return {"member": self.member.pk, "basis": data["basis"], "income": data.get("income") or None,
                "fixed_amount": data.get("fixed_amount") or None, "quarterly": data.get("quarterly", False)}
