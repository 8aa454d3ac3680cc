"""Forms of the 党组织 pages. They only parse input: the rules (placement, names, scope) live in orgs.actions,
whose ValidationErrors the views put back on these forms' fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone

from dangjian.orgs.actions import EDITABLE_FIELDS
from dangjian.orgs.models import Organization, OrgKind
from dangjian.orgs.pickers import OrgPickerField


def date_input() -> forms.DateInput:
    """The browser's date picker; ISO is the only format it reads back."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def style(form: forms.BaseForm) -> None:
    """Tabler classes on every widget, so the shared includes/form_fields.html renders them as the rest of the app."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


def name_field() -> forms.CharField:
    return forms.CharField(label="名称", max_length=100, error_messages={"required": "请填写名称"})


def event_date_field(label: str = "日期") -> forms.DateField:
    return forms.DateField(label=label, initial=timezone.localdate, widget=date_input(),
                           error_messages={"required": "请填写日期", "invalid": "请填写有效的日期"})


def doc_no_field(required: bool = False, label: str = "文号") -> forms.CharField:
    return forms.CharField(label=label, max_length=100, required=required,
                           error_messages={"required": f"请填写{label}"})


class OrgInfoForm(forms.Form):
    """The descriptive fields a plain edit may change (orgs.actions.EDITABLE_FIELDS); shared by create and edit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(
            Organization, fields=EDITABLE_FIELDS,
            widgets={
                "founded_on": date_input(), "temporary_start": date_input(), "temporary_end": date_input(),
                "joint_units": forms.Textarea(attrs={"rows": 3}),
            },
        ))
        self.fields["sort_order"].help_text = "同级组织按此数字从小到大排列"
        self.fields["temporary_task"].help_text = "临时党组织须填写承担的任务和开始日期"
        self.fields["joint_units"].help_text = "只有党支部可以是联合党支部；每行一个单位，至少2个"
        style(self)


class CreateOrgForm(OrgInfoForm):
    """A new org under a given parent; `kinds` are the kinds the user may set up there."""

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"] = name_field()
        self.fields["kind"] = forms.ChoiceField(
            label="组织类型", choices=[(k, OrgKind(k).label) for k in kinds],
            error_messages={"required": "请选择组织类型", "invalid_choice": "不能在该上级党组织之下设立所选类型的党组织"},
        )
        self.fields["doc_no"] = doc_no_field(label="成立文号")
        self.order_fields(["name", "kind", *EDITABLE_FIELDS, "doc_no"])
        style(self)


class RenameForm(forms.Form):
    """The new name with the date and document of the decision."""

    name = name_field()
    date = event_date_field("更名日期")
    doc_no = doc_no_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class MoveForm(forms.Form):
    """A new parent among the orgs the user may restructure (the view supplies them and their kinds)."""

    new_parent = OrgPickerField(
        label="新的上级党组织", action="structure",
        error_messages={"required": "请选择新的上级党组织",
                        "invalid_choice": "请从列表中选择上级党组织：所选党组织不在您的管理范围内，或不能作为新的上级"},
    )
    date = event_date_field("调整日期")
    doc_no = doc_no_field()

    def __init__(self, *args: Any, parents: Any, kinds: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["new_parent"]
        field.queryset = parents
        field.only_kinds(kinds)
        style(self)


class MergeForm(forms.Form):
    """The org of the same kind this one is merged into (the view supplies the candidates)."""

    target = OrgPickerField(
        label="并入的党组织", action="structure",
        error_messages={"required": "请选择并入的党组织",
                        "invalid_choice": "请从列表中选择并入的党组织：须为您管理范围内同一类型的其他党组织"},
    )
    date = event_date_field("合并日期")
    doc_no = doc_no_field()

    def __init__(self, *args: Any, targets: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["target"]
        field.queryset = targets
        field.only_kinds([kind])
        style(self)


class DissolveForm(forms.Form):
    """Dissolution needs its date and the document that decided it."""

    date = event_date_field("撤销日期")
    doc_no = doc_no_field(required=True, label="撤销文号")
    note = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
