"""Forms of the meeting pages. They only turn browser input into the Python values the actions take; every
rule (dates, kinds per org, who is expected, counts) is checked once, in dangjian.orglife.actions."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from dangjian.members.models import Member
from dangjian.orglife.actions import ALLOWED_ORG_KINDS
from dangjian.orglife.choices import AttendanceStatus, GuestRole, MeetingKind
from dangjian.orgs.models import Organization

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
GUEST_ROWS = 3


def parse_month(value: str | None) -> tuple[int, int] | None:
    """(year, month) from "2025-06" in the years 1900–2100, else None."""
    match = _MONTH.match((value or "").strip())
    if match is None or not 1900 <= int(match.group(1)) <= 2100:
        return None
    return int(match.group(1)), int(match.group(2))


def kind_choices(org: Organization | None = None) -> list[tuple[str, str]]:
    """The meeting kinds that can be recorded (for `org`: those its kind of org may hold)."""
    return [
        (value, label) for value, label in MeetingKind.choices
        if value in ALLOWED_ORG_KINDS and (org is None or org.kind in ALLOWED_ORG_KINDS[value])
    ]


class MonthField(forms.CharField):
    """A month as "YYYY-MM" (the browser's month input)."""

    widget = forms.TextInput(attrs={"type": "month", "class": "form-control"})

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if value and parse_month(value) is None:
            raise forms.ValidationError("请按“年-月”填写，例如 2025-06")
        return value


def _member_choices(members: list[Member]) -> list[tuple[str, str]]:
    return [("", "—"), *[(str(m.pk), m.name) for m in members]]


class MeetingForm(forms.Form):
    """登记/修改 a meeting: kinds, date and time, place, host and recorder, lecture and texts."""

    kinds = forms.MultipleChoiceField(label="会议类型", widget=forms.CheckboxSelectMultiple)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    time = forms.TimeField(label="开始时间", widget=forms.TimeInput(attrs={"type": "time", "class": "form-control"}))
    title = forms.CharField(label="会议名称", required=False, max_length=200, help_text="不填则按会议类型命名")
    place = forms.CharField(label="地点", required=False, max_length=200)
    online = forms.BooleanField(label="线上召开", required=False)
    host = forms.ChoiceField(label="主持人", required=False)
    recorder = forms.ChoiceField(label="记录人", required=False)
    lecturer = forms.CharField(label="党课主讲人", required=False, max_length=100)
    lecture_topic = forms.CharField(label="党课题目", required=False, max_length=200)
    topics = forms.CharField(label="议题", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    agenda = forms.CharField(label="议程", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    resolutions = forms.CharField(label="决议事项", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label="会议记录", required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, org: Organization, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds_field: Any = self.fields["kinds"]
        kinds_field.choices = kind_choices(org)
        for name in ("host", "recorder"):
            field: Any = self.fields[name]
            field.choices = _member_choices(members)
            field.widget.attrs["class"] = "form-select"
        for name in ("title", "place", "lecturer", "lecture_topic", "topics", "agenda", "resolutions", "minutes"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")
        online: Any = self.fields["online"]
        online.widget.attrs["class"] = "form-check-input"

    @staticmethod
    def initial_for(meeting: Any, kinds: list[str]) -> dict[str, Any]:
        local = timezone.localtime(meeting.starts_at)
        return {
            "kinds": kinds, "date": local.date(), "time": local.time().replace(second=0, microsecond=0),
            "title": meeting.title, "place": meeting.place, "online": meeting.online,
            "host": meeting.host_id or "", "recorder": meeting.recorder_id or "", "lecturer": meeting.lecturer,
            "lecture_topic": meeting.lecture_topic, "topics": meeting.topics, "agenda": meeting.agenda,
            "resolutions": meeting.resolutions, "minutes": meeting.minutes,
        }

    def action_data(self) -> dict[str, Any]:
        """The cleaned input as record_meeting/update_meeting take it (starts_at in Beijing time)."""
        data = dict(self.cleaned_data)
        day, time = data.pop("date"), data.pop("time")
        data["starts_at"] = timezone.make_aware(dt.datetime.combine(day, time))
        for name in ("host", "recorder"):
            data[name] = int(data[name]) if data.get(name) else None
        return data


class CorrectionForm(MeetingForm):
    """更正 a submitted record: the same fields plus the reason kept in its history."""

    reason = forms.CharField(label="更正原因", max_length=100, widget=forms.TextInput(attrs={"class": "form-control"}))

    def action_data(self) -> dict[str, Any]:
        data = super().action_data()
        data.pop("reason", None)
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern); type and size are the action's checks."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class AttendanceForm(forms.Form):
    """The attendance sheet of a draft: one row per expected member (出席 by default), leaders attending as
    双重组织生活, guests, photos and the minutes — everything recorded at the meeting on one page."""

    dual = forms.MultipleChoiceField(label="双重组织生活的领导干部", required=False, widget=forms.CheckboxSelectMultiple)
    minutes = forms.CharField(label="会议记录", required=False, widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}))
    photos = MultipleFileField(
        label="照片或扫描件", required=False,
        widget=MultipleFileInput(attrs={"class": "form-control", "accept": "image/jpeg,image/png,application/pdf"}),
        help_text="可多选；仅支持 JPG、PNG 图片和 PDF 扫描件，每个不超过10MB",
    )

    def __init__(
        self, *args: Any, members: list[Member], dual_candidates: list[Member], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for m in members:
            self.fields[f"status_{m.pk}"] = forms.ChoiceField(
                label=m.name, choices=AttendanceStatus.choices, initial=AttendanceStatus.PRESENT,
                widget=forms.RadioSelect,
            )
            self.fields[f"reason_{m.pk}"] = forms.CharField(
                label="请假事由", required=False, max_length=200,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": "请假事由"}),
            )
            self.fields[f"written_{m.pk}"] = forms.BooleanField(
                label="会前提交书面意见", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
            )
        dual_field: Any = self.fields["dual"]
        dual_field.choices = [(str(m.pk), m.name) for m in dual_candidates]
        for i in range(GUEST_ROWS):
            self.fields[f"guest_name_{i}"] = forms.CharField(
                label="姓名", required=False, max_length=50, widget=forms.TextInput(attrs={"class": "form-control"})
            )
            self.fields[f"guest_unit_{i}"] = forms.CharField(
                label="单位或职务", required=False, max_length=100, widget=forms.TextInput(attrs={"class": "form-control"})
            )
            self.fields[f"guest_role_{i}"] = forms.ChoiceField(
                label="身份", choices=GuestRole.choices, initial=GuestRole.SUPERIOR, required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    @staticmethod
    def initial_for(meeting: Any) -> dict[str, Any]:
        """The recorded attendance and guests as initial values (new rows default to 出席)."""
        initial: dict[str, Any] = {"minutes": meeting.minutes, "dual": []}
        for row in meeting.attendance.all():
            if row.dual:
                initial["dual"].append(str(row.member_id))
                continue
            initial[f"status_{row.member_id}"] = row.status
            initial[f"reason_{row.member_id}"] = row.leave_reason
            initial[f"written_{row.member_id}"] = row.written_opinion
        for i, guest in enumerate(list(meeting.guests.all())[:GUEST_ROWS]):
            initial.update({f"guest_name_{i}": guest.name, f"guest_unit_{i}": guest.unit, f"guest_role_{i}": guest.role})
        return initial

    def rows(self) -> list[dict[str, Any]]:
        """One row per expected member with its bound fields, for the template."""
        return [
            {"member": m, "status": self[f"status_{m.pk}"], "reason": self[f"reason_{m.pk}"],
             "written": self[f"written_{m.pk}"]}
            for m in self.members
        ]

    def guest_rows(self) -> list[dict[str, Any]]:
        return [
            {"name": self[f"guest_name_{i}"], "unit": self[f"guest_unit_{i}"], "role": self[f"guest_role_{i}"]}
            for i in range(GUEST_ROWS)
        ]

    def entries(self) -> list[dict[str, Any]]:
        """Attendance entries for set_attendance: the expected rows, then the dual attendees (present)."""
        data = self.cleaned_data
        out = [
            {
                "member": m.pk, "status": data[f"status_{m.pk}"], "leave_reason": data[f"reason_{m.pk}"],
                "written_opinion": data[f"written_{m.pk}"],
            }
            for m in self.members
        ]
        out += [{"member": int(pk), "status": AttendanceStatus.PRESENT, "dual": True} for pk in data["dual"]]
        return out

    def guests(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {"name": data[f"guest_name_{i}"], "unit": data[f"guest_unit_{i}"],
             "role": data[f"guest_role_{i}"] or GuestRole.SUPERIOR}
            for i in range(GUEST_ROWS) if data[f"guest_name_{i}"].strip()
        ]


class VoteForm(forms.Form):
    """A 表决 at a 党员大会: the counts as tallied; 应到/实到 default to the attendance when left empty."""

    subject = forms.CharField(label="表决事项", max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    member = forms.ChoiceField(label="涉及党员", required=False)
    entitled = forms.IntegerField(label="应到会有表决权人数", required=False, min_value=0,
                                  help_text="不填则按出席登记中的正式党员计算")
    present = forms.IntegerField(label="实到会有表决权人数", required=False, min_value=0,
                                 help_text="不填则按出席登记中出席的正式党员计算")
    yes = forms.IntegerField(label="赞成", min_value=0)
    no = forms.IntegerField(label="反对", min_value=0, initial=0)
    abstain = forms.IntegerField(label="弃权", min_value=0, initial=0)
    written_yes = forms.IntegerField(label="会前书面意见赞成", min_value=0, initial=0)

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member_field: Any = self.fields["member"]
        member_field.choices = _member_choices(members)
        member_field.widget.attrs["class"] = "form-select"
        for name in ("entitled", "present", "yes", "no", "abstain", "written_yes"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def action_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["member"] = int(data["member"]) if data.get("member") else None
        return data
