"""Forms of the meeting pages. They only turn browser input into the Python values the actions take; every
rule (dates, kinds per org, who is expected, counts) is checked once, in dangjian.orglife.actions."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from dangjian.lib import pinyin
from dangjian.members.models import Member
from dangjian.orglife.actions import ALLOWED_ORG_KINDS
from dangjian.orglife.choices import AttendanceStatus, GuestRole, MeetingKind
from dangjian.orglife.hooks import RollNote
from dangjian.orglife.models import REASON_MAX
from dangjian.orglife.roll import excluded_by_default
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
    date = forms.DateField(label="日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}))
    time = forms.TimeField(label="开始时间", widget=forms.TimeInput(attrs={"type": "time", "class": "form-control"}))
    title = forms.CharField(label="会议名称", required=False, max_length=200, help_text="不填则按会议类型命名")
    place = forms.CharField(label="地点", required=False, max_length=200)
    online = forms.BooleanField(label="线上召开", required=False)
    host = forms.ChoiceField(label="主持人", required=False)
    recorder = forms.ChoiceField(label="记录人", required=False)
    lecturer = forms.CharField(label="党课主讲人", required=False, max_length=100)
    lecture_topic = forms.CharField(label="党课题目", required=False, max_length=200)
    study_hours = forms.DecimalField(
        label="计入学时", required=False, min_value=0, max_digits=4, decimal_places=1,
        help_text="党课、主题党日等集体学习：提交记录时按出席情况为每位出席党员计入学时，生成学习记录；不计学时请留空",
    )
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
        for name in ("title", "place", "lecturer", "lecture_topic", "study_hours", "topics", "agenda", "resolutions",
                     "minutes"):
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
            "lecture_topic": meeting.lecture_topic, "study_hours": meeting.study_hours,
            "topics": meeting.topics, "agenda": meeting.agenda,
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
    """The attendance sheet of a draft in exceptions mode: everyone expected is 出席 unless marked otherwise (after a
    QR sign-in, those who did not sign in start as 缺席), with a reason for each who was not there; members away
    or out of contact (roll notes) start as not attending, with their situation as the reason, and at a 党员大会
    may be left out of 应到 where the note gives the basis. Leaders in 双重组织生活, guests, photos and the
    minutes are on the same page."""

    dual = forms.MultipleChoiceField(label="双重组织生活的领导干部", required=False, widget=forms.CheckboxSelectMultiple)
    minutes = forms.CharField(label="会议记录", required=False, widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}))
    photos = MultipleFileField(
        label="照片或扫描件", required=False,
        widget=MultipleFileInput(attrs={"class": "form-control", "accept": "image/jpeg,image/png,application/pdf"}),
        help_text="可多选；仅支持 JPG、PNG 图片和 PDF 扫描件，每个不超过10MB",
    )

    def __init__(
        self, *args: Any, members: list[Member], dual_candidates: list[Member], notes: dict[int, RollNote] | None = None,
        excludable: bool = False, **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        self.notes = notes or {}
        for m in members:
            self.fields[f"status_{m.pk}"] = forms.ChoiceField(
                label=m.name, choices=AttendanceStatus.choices, initial=AttendanceStatus.PRESENT,
                widget=forms.RadioSelect(attrs={"class": "btn-check", "data-dj-status": m.pk}),
            )
            self.fields[f"reason_{m.pk}"] = forms.CharField(
                label=f"{m.name}未出席的原因", required=False, max_length=REASON_MAX,
                error_messages={"max_length": f"{m.name}：未出席原因不能超过{REASON_MAX}个字"},
                widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "请假或缺席的原因",
                                              "maxlength": REASON_MAX}),
            )
            self.fields[f"written_{m.pk}"] = forms.BooleanField(
                label="会前提交书面意见", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
            )
            note = self.notes.get(m.pk)
            if excludable and note is not None and note.exclusion_basis:
                self.fields[f"excluded_{m.pk}"] = forms.BooleanField(
                    label="不计入应到人数", required=False, help_text=f"依据：{note.exclusion_basis}",
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )
        dual_field: Any = self.fields["dual"]
        dual_field.choices = [(str(m.pk), m.name) for m in dual_candidates]
        for i in range(GUEST_ROWS):
            n = i + 1
            self.fields[f"guest_name_{i}"] = forms.CharField(
                label=f"列席人员{n}姓名", required=False, max_length=50,
                widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "姓名"}),
            )
            self.fields[f"guest_unit_{i}"] = forms.CharField(
                label=f"列席人员{n}单位或职务", required=False, max_length=100,
                widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "单位或职务"}),
            )
            self.fields[f"guest_role_{i}"] = forms.ChoiceField(
                label=f"列席人员{n}身份", choices=GuestRole.choices, initial=GuestRole.SUPERIOR, required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    @staticmethod
    def initial_for(meeting: Any, members: list[Member], notes: dict[int, RollNote], *, signed_in_only: bool,
                    excludable: bool) -> dict[str, Any]:
        """The recorded attendance and guests as initial values. A member not yet recorded starts as 出席 — or as
        缺席 after a QR sign-in they did not take part in, and when noted as 外出流动/失联 (with that as the
        reason; left out of 应到 where the note gives the basis and the sitting allows it)."""
        initial: dict[str, Any] = {"minutes": meeting.minutes, "dual": []}
        recorded = {}
        for row in meeting.attendance.all():
            if row.dual:
                initial["dual"].append(str(row.member_id))
            else:
                recorded[row.member_id] = row
        for m in members:
            row = recorded.get(m.pk)
            note = notes.get(m.pk)
            if row is not None:
                initial.update({f"status_{m.pk}": row.status, f"reason_{m.pk}": row.reason,
                                f"written_{m.pk}": row.written_opinion, f"excluded_{m.pk}": row.excluded})
            elif note is not None:
                initial.update({f"status_{m.pk}": AttendanceStatus.ABSENT, f"reason_{m.pk}": note.reason,
                                f"excluded_{m.pk}": excluded_by_default(note, excludable)})
            elif signed_in_only:
                initial[f"status_{m.pk}"] = AttendanceStatus.ABSENT
        for i, guest in enumerate(list(meeting.guests.all())[:GUEST_ROWS]):
            initial.update({f"guest_name_{i}": guest.name, f"guest_unit_{i}": guest.unit, f"guest_role_{i}": guest.role})
        return initial

    def rows(self) -> list[dict[str, Any]]:
        """One row per expected member with its bound fields, for the template: members with a roll note first
        (shown apart), then the rest in pinyin order, each with the initials the search box matches."""
        out = []
        for m in self.members:
            status = self[f"status_{m.pk}"]
            excluded = self[f"excluded_{m.pk}"] if f"excluded_{m.pk}" in self.fields else None
            out.append({
                "member": m, "status": status, "reason": self[f"reason_{m.pk}"], "written": self[f"written_{m.pk}"],
                "excluded": excluded, "note": self.notes.get(m.pk), "initials": pinyin.initials(m.name),
                "pinyin": (m.name_pinyin or "").replace(" ", ""),
                "away": str(status.value()) != AttendanceStatus.PRESENT,
            })
        return out

    def noted_rows(self) -> list[dict[str, Any]]:
        return [r for r in self.rows() if r["note"] is not None]

    def roll_rows(self) -> list[dict[str, Any]]:
        return [r for r in self.rows() if r["note"] is None]

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
                "member": m.pk, "status": data[f"status_{m.pk}"], "reason": data[f"reason_{m.pk}"],
                "written_opinion": data[f"written_{m.pk}"], "excluded": bool(data.get(f"excluded_{m.pk}")),
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
