"""Forms of the 学习培训 pages. They only turn browser input into the values the actions take; every rule (dates,
hours, who may take part) is checked once, in dangjian.learning.actions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from dangjian.learning.choices import MEETING_SESSION_KINDS, SessionKind
from dangjian.members.models import Member
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import OrgPickerField
from dangjian.recruitment.pickers import ApplicantPickerField, trainable

_TEXT = {"class": "form-control"}


class YearOrgForm(forms.Form):
    """The subtree and year of the totals and shortfall pages."""

    org = OrgPickerField(label="党组织（含下级）", required=False, empty_label="默认：本人管理的最上级党组织")
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs=_TEXT))
    short = forms.BooleanField(label="只看未达标", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.visible_to(user)  # type: ignore[attr-defined]


class SessionForm(forms.Form):
    """登记学习培训 (not a meeting): the session, then one hours box per member of the org's subtree."""

    kind = forms.ChoiceField(label="学习形式", choices=SessionKind.choices, widget=forms.Select(attrs={"class": "form-select"}))
    title = forms.CharField(label="学习主题", max_length=200, widget=forms.TextInput(attrs=_TEXT))
    held_on = forms.DateField(label="学习日期", help_text="多日培训填开始日期",
                              widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1, help_text="本次学习培训的时长；个人完成学时不能超过它",
                               widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}))
    place = forms.CharField(label="地点或平台", max_length=200, required=False, widget=forms.TextInput(attrs=_TEXT))
    provider = forms.CharField(label="主办或授课单位", max_length=100, required=False, widget=forms.TextInput(attrs=_TEXT))

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.members = members

    def action_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("kind", "title", "held_on", "hours", "place", "provider")}

    def participant_rows(self) -> list[dict[str, Any]]:
        """One row per offered member with the value typed (re-shown after an error)."""
        data = self.data if self.is_bound else {}
        return [{"member": m, "value": data.get(f"h{m.pk}", "")} for m in self.members]

    def participants(self) -> list[tuple[int, str]]:
        """(member id, hours text) for each member whose box is filled (blank: did not take part)."""
        out = []
        for m in self.members:
            raw = str(self.data.get(f"h{m.pk}", "")).strip()
            if raw:
                out.append((m.pk, raw))
        return out


class FromMeetingForm(forms.Form):
    """由组织生活记录生成学习记录: the kind of study and its length; the participants come from attendance."""

    kind = forms.ChoiceField(
        label="学习形式", choices=[(k.value, k.label) for k in MEETING_SESSION_KINDS],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1, initial=Decimal("2"),
                               help_text="出席的党员各计此学时，请假、缺席的不计",
                               widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}))
    title = forms.CharField(label="学习主题", max_length=200, required=False, help_text="不填则用党课题目或会议名称",
                            widget=forms.TextInput(attrs=_TEXT))


class TraineeForm(forms.Form):
    """登记发展对象培训学时: one 入党积极分子 or 发展对象 of the session's subtree, picked by search; the hours are
    checked by `actions.add_trainee`."""

    applicant = ApplicantPickerField(label="发展对象或积极分子")

    def __init__(self, *args: Any, session: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["applicant"]
        field.queryset = trainable(user, session.org_id)
        field.within(session.org_id)
        field.widget.attrs["id"] = "dj-trainee"
