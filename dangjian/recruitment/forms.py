"""Forms of the 发展党员 pages: they only parse input into Python values for recruitment.actions.

No rule lives here: the actions decide what is valid and answer in Chinese; the views put those answers on
the fields. Choice lists are limited to what the user may change or see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from dangjian.members.choices import ETHNICITY_CHOICES, Education, MemberState, Occupation, PersonCategory, Sex
from dangjian.members.forms import RevealForm, changeable_branches
from dangjian.members.models import Member
from dangjian.members.pickers import MemberPickerField
from dangjian.orglife.choices import MeetingKind
from dangjian.orglife.forms import MultipleFileField, MultipleFileInput
from dangjian.orglife.models import Meeting, Vote
from dangjian.orgs.models import Organization, OrgKind, OrgStatus
from dangjian.orgs.pickers import OrgPickerField, preselect_single
from dangjian.recruitment.models import Applicant
from dangjian.recruitment.steps import (
    ADMISSION_APPROVAL,
    APPROVAL_STEPS,
    CONFIRMATION_MEETING,
    INTRODUCERS,
    MENTORS,
    PLACEMENT,
    STEPS,
    TRAINING,
    VOTING_STEPS,
    Outcome,
)

__all__ = ["ApplicantForm", "DocumentForm", "RevealForm", "StepForm", "StopForm"]

_UPLOAD_HINT = "可多选；仅支持 JPG、PNG 图片和 PDF 扫描件，每个不超过10MB"


def _date_field(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


def _choice_field(label: str, choices: Any, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=required, choices=[("", "请选择"), *choices],
                             widget=forms.Select(attrs={"class": "form-select"}))


def _text_field(label: str, max_length: int, required: bool = False, **attrs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           widget=forms.TextInput(attrs={"class": "form-control", **attrs}))


def _files() -> MultipleFileField:
    return MultipleFileField(
        label="材料扫描件", required=False, help_text=_UPLOAD_HINT,
        widget=MultipleFileInput(attrs={"class": "form-control", "accept": "image/jpeg,image/png,application/pdf"}),
    )


class ApplicantForm(forms.Form):
    """递交入党申请书 (with the branch and the date) or a correction of the person's data (without them)."""

    org = OrgPickerField(label="所在党支部", action="change", kinds=[OrgKind.BRANCH])
    applied_on = _date_field("递交入党申请书日期")
    name = _text_field("姓名", 50, required=True)
    sex = _choice_field("性别", Sex.choices)
    ethnicity = _choice_field("民族", ETHNICITY_CHOICES)
    birth_date = _date_field("出生日期")
    id_card = _text_field("身份证号", 20, required=True, autocomplete="off")
    phone = _text_field("手机号", 20, autocomplete="off", inputmode="tel")
    education = _choice_field("学历", Education.choices)
    occupation = _choice_field("职业", Occupation.choices)
    person_category = _choice_field("人员类别", PersonCategory.choices)
    work_unit = _text_field("工作单位", 100)
    post = _text_field("职务", 100)
    handled_by = _text_field("接收人", 100)
    scans = _files()

    def __init__(self, *args: Any, user: Any, applicant: Applicant | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        if applicant is None:
            branches = changeable_branches(user)
            self.fields["org"].queryset = branches  # type: ignore[attr-defined]
            preselect_single(self, "org", branches)
            self.fields["scans"].label = "入党申请书扫描件"
        else:
            for name in ("org", "applied_on", "handled_by", "scans"):
                del self.fields[name]
            self.fields["id_card"].required = False
            self.fields["id_card"].widget.attrs["placeholder"] = f"{applicant.id_card_masked}（不修改请留空）"
            self.fields["phone"].widget.attrs["placeholder"] = f"{applicant.phone_masked or '未登记'}（不修改请留空）"

    @staticmethod
    def initial_for(applicant: Applicant) -> dict[str, Any]:
        return {f: getattr(applicant, f) for f in (
            "name", "sex", "ethnicity", "birth_date", "education", "occupation", "person_category", "work_unit", "post",
        )}

    def action_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "scans"}
        if self.applicant is not None:
            for name in ("id_card", "phone"):
                if not data.get(name):
                    data.pop(name, None)
        return data


class VoteChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        result = "通过" if obj.passed else "未通过"
        return f"{obj.meeting.held_on:%Y-%m-%d} {obj.subject}（赞成{obj.yes + obj.written_yes}/应到{obj.entitled}，{result}）"


class MeetingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.held_on:%Y-%m-%d} {obj.title}（草稿）"


class StepForm(forms.Form):
    """One step: the fields common to every step, and those the step needs (who, training, vote, outcome)."""

    date = _date_field("日期")
    handled_by = _text_field("经办人/谈话人", 100)
    doc_no = _text_field("文号", 100)
    note = forms.CharField(label="情况记录", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    # 培养联系人 / 入党介绍人: one or two members, each picked by search (never a list of the branch's members).
    people = MemberPickerField(label="党员", required=False, state="active")
    people_2 = MemberPickerField(label="党员", required=False, state="active")
    training_days = forms.DecimalField(label="培训天数", required=False, min_value=0, max_digits=5, decimal_places=1,
                                       widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}))
    training_hours = forms.DecimalField(label="培训学时", required=False, min_value=0, max_digits=6, decimal_places=1,
                                        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}))
    vote = VoteChoice(label="会上已登记的表决", queryset=Vote.objects.none(), required=False, empty_label="（无）",
                      widget=forms.Select(attrs={"class": "form-select"}))
    meeting = MeetingChoice(label="在支部党员大会草稿上登记表决", queryset=Meeting.objects.none(), required=False,
                            empty_label="（无）", widget=forms.Select(attrs={"class": "form-select"}))
    entitled = forms.IntegerField(label="应到会有表决权人数", required=False, min_value=0,
                                  widget=forms.NumberInput(attrs={"class": "form-control"}))
    present = forms.IntegerField(label="实到会有表决权人数", required=False, min_value=0,
                                 widget=forms.NumberInput(attrs={"class": "form-control"}))
    yes = forms.IntegerField(label="赞成", required=False, min_value=0, widget=forms.NumberInput(attrs={"class": "form-control"}))
    no = forms.IntegerField(label="反对", required=False, min_value=0, widget=forms.NumberInput(attrs={"class": "form-control"}))
    abstain = forms.IntegerField(label="弃权", required=False, min_value=0,
                                 widget=forms.NumberInput(attrs={"class": "form-control"}))
    written_yes = forms.IntegerField(label="会前书面意见赞成", required=False, min_value=0,
                                     widget=forms.NumberInput(attrs={"class": "form-control"}))
    outcome = _choice_field("讨论结论", Outcome.choices, required=False)
    extension_months = forms.IntegerField(label="延长预备期（月）", required=False, min_value=0,
                                          widget=forms.NumberInput(attrs={"class": "form-control"}))
    approved = forms.TypedChoiceField(label="审批意见", choices=[("1", "同意接收为预备党员"), ("0", "不同意")],
                                      coerce=lambda v: v == "1", initial="1",
                                      widget=forms.Select(attrs={"class": "form-select"}))
    delay_reason = _text_field("超过三个月审批的特殊情况", 300)
    group = forms.ModelChoiceField(label="编入党小组", queryset=Organization.objects.none(), required=False,
                                   empty_label="（不编入党小组）", widget=forms.Select(attrs={"class": "form-select"}))
    scans = _files()

    def __init__(self, *args: Any, number: int, applicant: Applicant, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.number = number
        keep = {"date", "handled_by", "doc_no", "note", "scans"}
        if number in (MENTORS, INTRODUCERS):
            keep |= {"people", "people_2"}
            labels = ("培养联系人（正式党员）", "第二名培养联系人（可不填）") if number == MENTORS else (
                "第一名入党介绍人（正式党员）", "第二名入党介绍人（正式党员）")
            candidates = Member.objects.visible_to(user).filter(org=applicant.org, state=MemberState.ACTIVE)
            for name, label in zip(("people", "people_2"), labels, strict=True):
                field: Any = self.fields[name]
                field.label = label
                field.error_messages["invalid_choice"] = f"{label}：所选党员不存在、不在本支部或不在您的管理范围内"
                field.queryset = candidates
                field.within(applicant.org_id)
        if number == TRAINING:
            keep |= {"training_days", "training_hours"}
            self.fields["scans"].label = "培训结业证书"
        if number in VOTING_STEPS:
            keep |= {"vote", "meeting", "entitled", "present", "yes", "no", "abstain", "written_yes"}
            self.fields["date"].required = False
            self.fields["date"].help_text = "选择了支部党员大会时可不填，取会议日期"
            assemblies = Meeting.objects.visible_to(user, "change").filter(
                org=applicant.org, kind_tags__kind=MeetingKind.BRANCH_ASSEMBLY,
                held_on__gte=timezone.localdate() - dt.timedelta(days=400),
            )
            self.fields["vote"].queryset = (  # type: ignore[attr-defined]
                Vote.objects.filter(meeting__in=assemblies, recruitment_step__isnull=True)
                .select_related("meeting").order_by("-meeting__held_on", "-id")
            )
            self.fields["meeting"].queryset = assemblies.filter(status="draft").order_by("-held_on")  # type: ignore[attr-defined]
        if number == CONFIRMATION_MEETING:
            keep |= {"outcome", "extension_months"}
            self.fields["outcome"].required = True
        if number in APPROVAL_STEPS:
            keep.add("delay_reason")
            if number == ADMISSION_APPROVAL:
                keep.add("approved")
        if number == PLACEMENT:
            keep.add("group")
            self.fields["group"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
                parent=applicant.org, kind=OrgKind.GROUP, status=OrgStatus.ACTIVE
            ).order_by("name")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["scans"].help_text = f"{STEPS[number].document}等，{_UPLOAD_HINT}"

    def action_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "scans" and v not in (None, "")}
        if "people" in self.fields:
            data["people"] = [p for p in (data.pop("people", None), data.pop("people_2", None)) if p is not None]
        if "approved" in self.fields:
            data["approved"] = self.cleaned_data.get("approved", True)
        return data


class StopForm(forms.Form):
    reason = forms.CharField(label="终止发展的原因", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class DocumentForm(forms.Form):
    step = forms.TypedChoiceField(label="所属步骤", coerce=int, choices=[],
                                  widget=forms.Select(attrs={"class": "form-select"}))
    title = _text_field("材料名称", 100)
    scans = _files()

    def __init__(self, *args: Any, steps: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(s.pk, f"{s.number}. {s.label}（{s.date:%Y-%m-%d}）") for s in steps]  # type: ignore[attr-defined]
        self.fields["scans"].required = True
