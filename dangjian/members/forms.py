"""Forms of the 党员 pages: they only parse input into Python values for members.actions.

No rule lives here: the actions (and members.validation) decide what is valid and answer in Chinese; the
views put those answers on the fields. The choice lists are limited to what the user may change, so a form
never offers an org outside the user's scope.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from dangjian.members.actions import PLAIN_FIELDS, REVEALABLE, STATUS_EVENTS
from dangjian.members.choices import (
    ETHNICITY_CHOICES,
    Education,
    LeaveReason,
    MemberEventKind,
    Occupation,
    PartyStatus,
    PersonCategory,
    Sex,
)
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind, OrgStatus
from dangjian.orgs.pickers import OrgPickerField, preselect_single

# The order in which the status form offers the 党籍变动 kinds, with the labels the form shows. 转出（系统外） is not
# among them: it goes through 组织关系转接 (dangjian.transfers: the 介绍信, and the member leaves the roll when the
# 回执 comes back).
STATUS_KIND_LABELS = {
    MemberEventKind.CONFIRMED: "转正",
    MemberEventKind.SUSPENDED: "停止党籍",
    MemberEventKind.RESTORED: "恢复党籍",
    MemberEventKind.LEFT: "出党",
    MemberEventKind.DECEASED: "去世",
}
assert set(STATUS_KIND_LABELS) == set(STATUS_EVENTS) - {MemberEventKind.TRANSFER_OUT}, "a label for each status event"


def _date_field(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


def _choice_field(label: str, choices: Any, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=required, choices=[("", "请选择"), *choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def _text_field(label: str, max_length: int, required: bool = False, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required,
        widget=forms.TextInput(attrs={"class": "form-control", **attrs}),
    )


def changeable_branches(user: Any) -> Any:
    """Active 党支部 the user may change: the only places a member may be put or transferred to."""
    return Organization.objects.visible_to(user, "change").filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)


def changeable_groups(user: Any) -> Any:
    """Active 党小组 the user may change."""
    return Organization.objects.visible_to(user, "change").filter(kind=OrgKind.GROUP, status=OrgStatus.ACTIVE)


class GroupChoiceField(forms.ModelChoiceField):
    """A 党小组, labelled with its branch when groups of several branches are offered."""

    def label_from_instance(self, obj: Any) -> str:
        parent = getattr(obj, "parent", None)
        return f"{parent.name} · {obj.name}" if parent is not None else obj.name


class MemberForm(forms.Form):
    """A member's fields for 新增 (with the branch) and 编辑 (without: the branch changes only by transfer).

    On edit, 身份证号 and 手机号 left empty mean "unchanged"; the masked current value is the placeholder.
    """

    org = OrgPickerField(label="所在党支部", action="change", kinds=[OrgKind.BRANCH])
    group = GroupChoiceField(
        label="所在党小组", queryset=Organization.objects.none(), required=False, empty_label="（无）",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = _text_field("姓名", 50, required=True)
    sex = _choice_field("性别", Sex.choices)
    ethnicity = _choice_field("民族", ETHNICITY_CHOICES)
    birth_date = _date_field("出生日期")
    id_card = _text_field("身份证号", 20, required=True, autocomplete="off", inputmode="text")
    phone = _text_field("手机号", 20, autocomplete="off", inputmode="tel")
    clear_phone = forms.BooleanField(
        label="清除手机号", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    education = _choice_field("学历", Education.choices)
    occupation = _choice_field("职业", Occupation.choices)
    person_category = _choice_field("人员类别", PersonCategory.choices)
    work_unit = _text_field("工作单位", 100)
    post = _text_field("职务", 100)
    party_status = _choice_field("党员类别", PartyStatus.choices)
    joined_on = _date_field("入党日期", help_text="支部大会通过接收为预备党员的日期")
    confirmed_on = _date_field("转正日期", required=False, help_text="预备党员不填")
    party_post = _text_field("党内职务", 50)

    def __init__(self, *args: Any, user: Any, member: Member | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        groups = changeable_groups(user).select_related("parent")
        if member is None:
            branches = changeable_branches(user)
            self.fields["org"].queryset = branches  # type: ignore[attr-defined]
            preselect_single(self, "org", branches)
            # Choosing a branch reloads the group choices (htmx swaps in only that field; no script needed).
            self.fields["org"].widget.attrs.update({
                "hx-get": reverse("members:create"), "hx-trigger": "change", "hx-target": "#wrap-group",
                "hx-select": "#wrap-group", "hx-swap": "outerHTML",
            })
            del self.fields["clear_phone"]
            org_id = self._chosen_org_id()
            if org_id is not None:
                groups = groups.filter(parent_id=org_id)
            else:  # no group list until a branch is chosen: never every group of the tree
                groups = groups.none()
                self.fields["group"].help_text = "请先选择党支部"
        else:
            del self.fields["org"]
            groups = groups.filter(parent_id=member.org_id)
            self.fields["id_card"].required = False
            self.fields["id_card"].widget.attrs["placeholder"] = member.id_card_masked
            self.fields["id_card"].help_text = "留空表示不修改"
            self.fields["phone"].widget.attrs["placeholder"] = member.phone_masked or "未登记"
            self.fields["phone"].help_text = "留空表示不修改"
            if not member.phone_masked:
                del self.fields["clear_phone"]
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]

    def _chosen_org_id(self) -> int | None:
        raw: Any = self.data.get("org") if self.is_bound else self.initial.get("org")
        raw = getattr(raw, "pk", raw)
        if raw in (None, ""):
            return None
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None

    def action_data(self) -> dict[str, Any]:
        """The cleaned values as the actions take them (create_member / update_member)."""
        data = self.cleaned_data
        out: dict[str, Any] = {f: data.get(f) for f in PLAIN_FIELDS}
        for f in ("work_unit", "post", "party_post"):
            out[f] = out[f] or ""
        out["group"] = data.get("group")
        id_card = (data.get("id_card") or "").strip()
        phone = (data.get("phone") or "").strip()
        if self.member is None:
            out["org"] = data.get("org")
            out["id_card"] = id_card
            out["phone"] = phone
        else:
            if id_card:
                out["id_card"] = id_card
            if phone:
                out["phone"] = phone
            elif data.get("clear_phone"):
                out["phone"] = ""
        return out

    @staticmethod
    def initial_for(member: Member) -> dict[str, Any]:
        """The edit form's starting values: the recorded fields, never the personal data in clear."""
        initial: dict[str, Any] = {f: getattr(member, f) for f in PLAIN_FIELDS}
        initial["group"] = member.group_id
        return initial


class TransferForm(forms.Form):
    """组织关系转接 within the system: to another active 党支部 the user may change."""

    to_org = OrgPickerField(label="转入党支部", action="change", kinds=[OrgKind.BRANCH])
    date = _date_field("转接日期")
    reason = forms.CharField(
        label="转接原因", max_length=500, required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    doc_no = _text_field("文号", 100)

    def __init__(self, *args: Any, user: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = changeable_branches(user).exclude(pk=member.org_id)  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    """党籍变动: 转正, 停止党籍, 恢复党籍, 出党, 去世 (转出 goes through 组织关系转接)."""

    kind = _choice_field("变动事项", list(STATUS_KIND_LABELS.items()))
    date = _date_field("日期")
    reason = forms.CharField(
        label="原因", max_length=500, required=False, help_text="停止党籍、出党须填写",
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    doc_no = _text_field("文号", 100)
    leave_reason = _choice_field("出党方式", LeaveReason.choices, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leave_reason"].help_text = "仅出党时填写"
        self.fields["doc_no"].help_text = "恢复党籍须填写批准文号"


class RevealForm(forms.Form):
    """Which personal field to show in full, and why (the reason goes to the audit log)."""

    field = forms.ChoiceField(
        label="查看内容", choices=list(REVEALABLE.items()), widget=forms.Select(attrs={"class": "form-select"})
    )
    reason = forms.CharField(
        label="查看事由", max_length=500, help_text="至少4个字，记入审计日志",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


class UnmaskedExportForm(forms.Form):
    """The reason for exporting full 身份证号 and 手机号 (checked and audited by the export view)."""

    unmasked = forms.CharField(widget=forms.HiddenInput, initial="1")
    reason = forms.CharField(
        label="导出事由", max_length=500, help_text="至少4个字，记入审计日志",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


class IdCardLookupForm(forms.Form):
    """按身份证号查找: the number goes in a POST body, never in a URL (SEC-22)."""

    id_card = forms.CharField(
        label="身份证号", max_length=32, help_text="18位身份证号；查找行为记入审计日志",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "spellcheck": "false"}),
    )
