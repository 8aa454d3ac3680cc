"""Forms of the 班子 and 换届 pages. They only parse input; the rules (one secretary, ≤1 deputy, step order,
≤1-year adjustment, scope) live in dangjian.leadership.actions, whose ValidationErrors the views put back here.

Choice lists (meetings) and the accepted members are supplied by the view from scoped queries, so a form never
offers or takes anything outside the user's scope; members are chosen with the member picker, never listed.
"""

from __future__ import annotations

from typing import Any

from django import forms

from dangjian.leadership.models import ElectionStepKind, meeting_model
from dangjian.leadership.rules import ADJUSTMENTS, PROCEDURE
from dangjian.lib.dates import cn_date
from dangjian.members.pickers import MemberPickerField
from dangjian.orgs.forms import date_input, doc_no_field, event_date_field, style


class OpenTermForm(forms.Form):
    """新建届次: the number and the day the 届 began (its election); the end follows from the rules."""

    number = forms.IntegerField(
        label="届次", min_value=1, max_value=999,
        error_messages={"required": "请填写届次", "invalid": "届次应为正整数", "min_value": "届次应为正整数",
                        "max_value": "届次过大"},
    )
    starts_on = event_date_field("任期开始日期")
    doc_no = doc_no_field(label="批复文号")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].help_text = "即选举产生本届委员会（或书记）的日期；任期届满日期按组织类型自动计算"
        style(self)


class AppointForm(forms.Form):
    """任职: a member, a post of this org's kind, the start day and the appointment's document."""

    member = MemberPickerField(label="党员", action="change", state="active")
    post = forms.ChoiceField(label="职务", error_messages={"required": "请选择职务", "invalid_choice": "请选择职务"})
    starts_on = event_date_field("任职日期")
    doc_no = doc_no_field()

    def __init__(self, *args: Any, members: Any, within: int, posts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member: Any = self.fields["member"]
        member.queryset = members
        member.within(within)
        self.fields["post"].choices = posts  # type: ignore[attr-defined]
        style(self)


class EndPostForm(forms.Form):
    """离任: the first day out of office and why."""

    ends_on = event_date_field("离任日期")
    reason = forms.CharField(label="离任原因", max_length=200, error_messages={"required": "请填写离任原因"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = "如：换届、工作调动、退休"
        style(self)


class MeetingChoiceField(forms.ModelChoiceField):
    """A meeting shown by its Chinese date and title."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{cn_date(obj.held_on)} {obj.title}"


class StepForm(forms.Form):
    """记录换届步骤: one step of the procedure, in order; the election may name its meeting."""

    kind = forms.ChoiceField(
        label="步骤", choices=[(k, ElectionStepKind(k).label) for k in PROCEDURE],
        error_messages={"required": "请选择步骤", "invalid_choice": "请选择换届步骤"},
    )
    date = event_date_field()
    doc_no = doc_no_field()
    meeting = MeetingChoiceField(
        label="选举大会", queryset=meeting_model().objects.none(), required=False, empty_label="（不关联）",
        error_messages={"invalid_choice": "请从列表中选择本组织的会议"},
    )
    note = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.fields["meeting"].help_text = "仅“召开大会选举”步骤填写：选择当天召开的选举大会记录"
        style(self)


class AdjustTermForm(forms.Form):
    """调整届满日期: an approved extension or advance, with the approval's document number."""

    kind = forms.ChoiceField(
        label="事项", choices=[(k, ElectionStepKind(k).label) for k in ADJUSTMENTS],
        error_messages={"required": "请选择延期或提前换届", "invalid_choice": "请选择延期或提前换届"},
    )
    new_end = forms.DateField(label="调整后的届满日期", widget=date_input(),
                              error_messages={"required": "请填写调整后的届满日期", "invalid": "请填写有效的日期"})
    doc_no = doc_no_field(required=True, label="批复文号")
    date = event_date_field("批准日期")
    note = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_end"].help_text = "延长或提前期限一般不超过1年，须经上级党组织批准"
        style(self)
