"""Forms of the 班子 and 换届 pages. They only parse input; the rules (one secretary, ≤1 deputy, step order,
≤1-year adjustment, scope) live in dangjian.leadership.actions, whose ValidationErrors the views put back here.

Choice lists (meetings) and the accepted members are supplied by the view from scoped queries, so a form never
offers or takes anything outside the user's scope; members are chosen with the member picker, never listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms

from dangjian.leadership.models import ElectionMode, ElectionStepKind, Post, meeting_model
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


@dataclass(frozen=True)
class CandidateLine:
    """One line of the 计票 list as typed: its line number, the name (optionally with the branch in brackets),
    the yes votes and the post (a label of Post, "" when omitted)."""

    line: int
    name: str
    branch: str
    votes: int
    post: str


POST_BY_LABEL = {label: code for code, label in Post.choices if code != Post.GROUP_LEADER}
_LINE = re.compile(r"^(?P<name>[^\s（(]+)\s*(?:[（(](?P<branch>[^）)]+)[）)])?\s+(?P<votes>\d+)\s*票?\s*(?P<post>\S*)$")


def parse_candidates(text: str) -> tuple[list[CandidateLine], list[str]]:
    """The candidate lines of the result form, and a message per line that cannot be read."""
    lines: list[CandidateLine] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        row = raw.strip()
        if not row:
            continue
        match = _LINE.match(row)
        if match is None:
            problems.append(f"第{number}行“{row[:30]}”格式不对，应为：姓名 赞成票数 分工（分工可省略）")
            continue
        post_label = match["post"]
        if post_label and post_label not in POST_BY_LABEL:
            problems.append(f"第{number}行的分工“{post_label}”不是班子职务（{'、'.join(POST_BY_LABEL)}）")
            continue
        lines.append(CandidateLine(number, match["name"], (match["branch"] or "").strip(), int(match["votes"]),
                                   POST_BY_LABEL.get(post_label, "")))
    return lines, problems


class ElectionResultForm(forms.Form):
    """录入换届选举结果: the counts of the meeting and each candidate's votes, one per line. The quorum, the 差额
    margin and who is elected are computed by the action, never typed."""

    held_on = event_date_field("选举日期")
    number = forms.IntegerField(label="新一届届次", min_value=1, max_value=999,
                                error_messages={"required": "请填写届次", "invalid": "届次应为正整数",
                                                "min_value": "届次应为正整数", "max_value": "届次过大"})
    mode = forms.ChoiceField(label="选举方式", choices=ElectionMode.choices,
                             error_messages={"required": "请选择选举方式", "invalid_choice": "请选择选举方式"})
    seats = forms.IntegerField(label="应选人数", min_value=1, max_value=99,
                               error_messages={"required": "请填写应选人数", "invalid": "请填写整数",
                                               "min_value": "应选人数须大于0", "max_value": "应选人数过大"})
    eligible = forms.IntegerField(label="有选举权的党员人数", min_value=1, max_value=100000,
                                  error_messages={"required": "请填写有选举权的党员人数", "invalid": "请填写整数",
                                                  "min_value": "须大于0", "max_value": "人数过大"})
    excluded = forms.IntegerField(label="经批准不列入应到会的人数", min_value=0, max_value=100000, initial=0,
                                  error_messages={"required": "请填写人数（没有填0）", "invalid": "请填写整数",
                                                  "min_value": "不能为负数", "max_value": "人数过大"})
    exclusion_basis = forms.CharField(label="不列入应到会的情形", max_length=500, required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    exclusion_doc_no = doc_no_field(label="上级党组织同意的文号")
    present = forms.IntegerField(label="实到会有选举权的党员人数", min_value=0, max_value=100000,
                                 error_messages={"required": "请填写实到会人数", "invalid": "请填写整数",
                                                 "min_value": "不能为负数", "max_value": "人数过大"})
    candidates = forms.CharField(
        label="候选人得票", max_length=4000, widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "请逐行填写候选人及其赞成票数", "max_length": "内容过长"},
    )
    meeting = MeetingChoiceField(
        label="选举大会", queryset=meeting_model().objects.none(), required=False, empty_label="（不关联）",
        error_messages={"invalid_choice": "请从列表中选择本组织的会议"},
    )
    doc_no = doc_no_field(label="选举结果批复文号")

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.fields["eligible"].help_text = "正式党员人数（预备党员没有选举权）；已按选举日期的党员名册预填，请核对"
        self.fields["exclusion_basis"].help_text = (
            "经上级党组织同意、党员大会通过，可不列入应到会人数的情形，如：因病不能表达本人意志、自费出国半年以上、"
            "正在服刑、年老体弱卧床不起、外出学习或工作半年以上而应转未转组织关系")
        self.fields["candidates"].help_text = (
            "每行一人：姓名 赞成票数 分工，如“张三 28 书记”；分工可省略（当选者默认为委员）；同名时在姓名后用括号注明所在支部")
        self.fields["meeting"].help_text = "可选：选择当天召开的选举大会记录"
        style(self)

    def clean_candidates(self) -> list[CandidateLine]:
        lines, problems = parse_candidates(self.cleaned_data["candidates"])
        if problems:
            raise forms.ValidationError(problems)
        if not lines:
            raise forms.ValidationError("请逐行填写候选人及其赞成票数")
        return lines
