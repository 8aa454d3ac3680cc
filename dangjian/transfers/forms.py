"""Forms of the transfer pages: they only parse input into Python values for dangjian.transfers.actions.

No rule lives here: the actions decide what is valid and answer in Chinese; the views put those answers on the
fields. Fields the actions check themselves are not required here, so that their messages (naming the rule)
are the ones shown.
"""

from __future__ import annotations

from typing import Any

from django import forms

from dangjian.members.forms import MemberForm


def _date(label: str, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


def _text(label: str, max_length: int, help_text: str = "", **attrs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False, help_text=help_text,
                           widget=forms.TextInput(attrs={"class": "form-control", **attrs}))


def _area(label: str, max_length: int = 500, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False, help_text=help_text,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))


class TransferRequestForm(forms.Form):
    """系统内转接. The receiving 党支部 is not a field here: it is picked from a search of all branches (radio
    buttons named "to_org" in the template), and the action checks it."""

    issued_on = _date("转出日期")
    reason = _area("转接原因", help_text="如工作调动、退休后回居住地等")
    letter_no = _text("介绍信编号", 50, help_text="可不填")


class ExternalOutForm(forms.Form):
    outside_org = _text("转往的党组织", 200, help_text="介绍信抬头的党组织全称")
    letter_no = _text("介绍信编号", 50)
    issued_on = _date("介绍信开具日期")
    reason = _area("转接原因")


class ReceiveForm(MemberForm):
    """从系统外转入: the member's fields (as 新增党员) and the 介绍信."""

    outside_org = _text("转出的党组织", 200, help_text="介绍信上的转出党组织")
    letter_no = _text("介绍信编号", 50)
    issued_on = _date("介绍信开具日期")
    arrived_on = _date("接收日期", help_text="不填为今天")


class AcceptForm(forms.Form):
    date = _date("接收日期")


class ReturnForm(forms.Form):
    reason = _area("退回理由", help_text="必须说明理由：党组织不得无故拒转拒接党员组织关系")


class CancelForm(forms.Form):
    reason = _area("撤回原因")


class ReceiptForm(forms.Form):
    receipt_on = _date("回执日期", help_text="回执退回（或接收方确认接收）的日期")


class FloatingForm(forms.Form):
    left_on = _date("外出日期")
    place = _text("外出地点", 200)
    fixed_place = forms.BooleanField(label="外出地点相对固定", required=False, initial=True,
                                     widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    reason = _text("外出原因", 200, help_text="如务工经商、学习进修、挂职、随迁")
    expected_return = _date("预计返回日期")
    phone = _text("外出期间联系电话", 20, autocomplete="off", inputmode="tel")
    host_org = _text("流入地联系党组织", 200)
    certificate_no = _text("流动党员活动证编号", 50)

    def action_data(self, *, editing: bool) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for field in ("place", "reason", "host_org", "certificate_no"):
            data[field] = data.get(field) or ""
        if editing and not data.get("phone"):
            data.pop("phone", None)  # empty on edit: unchanged
        return data


class EndFloatingForm(forms.Form):
    returned_on = _date("结束日期")
    note = _text("结束情况", 200, help_text="如已返回、已转移组织关系")


class LostForm(forms.Form):
    last_contact_on = _date("最后联系日期")
    search_notes = forms.CharField(label="查找情况", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
                                   help_text="通过电话、亲属、原单位、户籍地等方式查找的情况")


class FoundForm(forms.Form):
    found_on = _date("恢复联系日期")
    note = _area("说明")


class DecisionForm(forms.Form):
    """停止党籍 or 除名: a decision with its date and document number."""

    date = _date("决定日期")
    doc_no = _text("决定文号", 100)
    reason = _area("原因", help_text="不填按条例表述记录")


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看事由", max_length=500, required=False, help_text="至少4个字，记入审计日志",
                             widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}))
