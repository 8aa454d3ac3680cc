"""Forms of the 民主评议党员 pages. They only turn browser input into the Python values the actions take; every
rule (the roll, votes within participants, deadlines, dates) is checked once, in dangjian.appraisal.actions."""

from __future__ import annotations

from typing import Any

from django import forms

from dangjian.appraisal.actions import VOTE_FIELDS
from dangjian.appraisal.choices import OUTCOMES_BY_KIND, FollowUpKind, FollowUpOutcome, Rating
from dangjian.appraisal.models import AppraisalResult
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import OrgPickerField

RATING_CHOICES = [("", "—"), *Rating.choices]
VOTE_SHORT = {"votes_excellent": "优秀", "votes_qualified": "合格", "votes_basic": "基本合格", "votes_unqualified": "不合格"}


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.ClearableFileInput):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class SummaryForm(forms.Form):
    org = OrgPickerField(label="党组织", required=False, empty_label="默认：本人管理的最上级党组织")
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.visible_to(user)  # type: ignore[attr-defined]
        _style(self)


class RoundForm(forms.Form):
    """登记/修改 a round: its day (or the meeting that held it), year, participants and a note."""

    meeting = forms.TypedChoiceField(label="民主评议党员会议记录", required=False, coerce=int, empty_value=None,
                                     help_text="选择召开民主评议的组织生活记录，评议日期和参加人数随之带入")
    held_on = forms.DateField(label="评议日期", required=False, widget=DateInput(), help_text="召开党员大会进行民主测评的日期")
    year = forms.IntegerField(label="评议年度", required=False, min_value=2000, max_value=2100, help_text="不填则取评议日期所在年度")
    participants = forms.IntegerField(label="参加民主测评人数", required=False, min_value=0,
                                      help_text="选择了会议记录时可不填，取会议的实到人数")
    note = forms.CharField(label="说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, meetings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting: Any = self.fields["meeting"]
        meeting.choices = [("", "—（不关联）"), *[(m.pk, f"{m.held_on:%Y-%m-%d} {m.title}") for m in meetings]]
        _style(self)

    def action_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "") or k == "note"}


class CorrectRoundForm(RoundForm):
    reason = forms.CharField(label="更正原因", max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["held_on"]
        del self.fields["year"]
        self.fields["reason"].widget.attrs["class"] = "form-control"

    def action_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "reason"}
        return {k: v for k, v in data.items() if v is not None}


class SheetForm(forms.Form):
    """The rating sheet: one row per member appraised, fit for filling at the meeting on a phone."""

    def __init__(self, *args: Any, results: list[AppraisalResult], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.results = results
        for r in results:
            p = r.member_id
            self.fields[f"self_rating_{p}"] = forms.ChoiceField(label="自评", required=False, choices=RATING_CHOICES)
            self.fields[f"peer_opinion_{p}"] = forms.CharField(label="互评意见", required=False, max_length=500)
            for name in VOTE_FIELDS:
                self.fields[f"{name}_{p}"] = forms.IntegerField(
                    label=VOTE_SHORT[name], required=False, min_value=0,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "inputmode": "numeric"}))
            self.fields[f"rating_{p}"] = forms.ChoiceField(label="评定等次", required=False, choices=Rating.choices,
                                                           widget=forms.RadioSelect)
            self.fields[f"reason_{p}"] = forms.CharField(label="评定意见", required=False, max_length=500)
            self.initial.update({
                f"self_rating_{p}": r.self_rating, f"peer_opinion_{p}": r.peer_opinion,
                f"rating_{p}": r.rating, f"reason_{p}": r.reason,
                **{f"{name}_{p}": getattr(r, name) for name in VOTE_FIELDS},
            })
        _style(self)

    def rows(self) -> list[dict[str, Any]]:
        return [{
            "result": r, "self_rating": self[f"self_rating_{r.member_id}"], "peer": self[f"peer_opinion_{r.member_id}"],
            "votes": [self[f"{name}_{r.member_id}"] for name in VOTE_FIELDS], "rating": self[f"rating_{r.member_id}"],
            "reason": self[f"reason_{r.member_id}"],
        } for r in self.results]

    def entries(self) -> list[dict[str, Any]]:
        out = []
        for r in self.results:
            p = r.member_id
            entry: dict[str, Any] = {"member": p}
            for name in ("self_rating", "peer_opinion", "rating", "reason", *VOTE_FIELDS):
                entry[name] = self.cleaned_data.get(f"{name}_{p}")
            out.append(entry)
        return out


class CorrectResultForm(forms.Form):
    rating = forms.ChoiceField(label="评定等次", choices=Rating.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(label="评定意见", required=False, max_length=500)
    self_rating = forms.ChoiceField(label="个人自评等次", required=False, choices=RATING_CHOICES)
    peer_opinion = forms.CharField(label="党员互评意见", required=False, max_length=500)
    votes_excellent = forms.IntegerField(label="测评优秀票", min_value=0)
    votes_qualified = forms.IntegerField(label="测评合格票", min_value=0)
    votes_basic = forms.IntegerField(label="测评基本合格票", min_value=0)
    votes_unqualified = forms.IntegerField(label="测评不合格票", min_value=0)
    reason = forms.CharField(label="更正原因", max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    @staticmethod
    def initial_for(result: AppraisalResult) -> dict[str, Any]:
        return {"rating": result.rating, "opinion": result.reason, "self_rating": result.self_rating,
                "peer_opinion": result.peer_opinion, **{n: getattr(result, n) for n in VOTE_FIELDS}}

    def action_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"rating": d["rating"], "reason": d["opinion"], "self_rating": d["self_rating"],
                "peer_opinion": d["peer_opinion"], **{n: d[n] for n in VOTE_FIELDS}}


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label="处置方式", choices=FollowUpKind.choices, widget=forms.RadioSelect)
    decided_on = forms.DateField(label="决定日期", widget=DateInput(), help_text="党员大会讨论决定的日期")
    deadline = forms.DateField(label="改正期限", required=False, widget=DateInput(), help_text="限期改正填写")
    doc_no = forms.CharField(label="文号", required=False, max_length=100, help_text="劝退、除名须填写")
    note = forms.CharField(label="理由和说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    scan = forms.FileField(label="决定扫描件", required=False, help_text="JPG、PNG 图片或 PDF，不超过10MB")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["scan"].widget.attrs.update({"class": "form-control", "accept": ".jpg,.jpeg,.png,.pdf"})

    def action_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("kind", "decided_on", "deadline", "doc_no", "note")}


class CloseFollowUpForm(forms.Form):
    outcome = forms.ChoiceField(label="结果", widget=forms.RadioSelect)
    closed_on = forms.DateField(label="办结日期", widget=DateInput())
    note = forms.CharField(label="结果说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcome: Any = self.fields["outcome"]
        outcome.choices = [(o, FollowUpOutcome(o).label) for o in OUTCOMES_BY_KIND[kind] if o != FollowUpOutcome.REMOVED]
        _style(self)
