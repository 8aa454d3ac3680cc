"""Records of organizational life (三会一课 and every other meeting), attendance, guests and attachments.

A meeting is recorded once; ledgers, compliance figures and reminders are all computed from these rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from dangjian.core.scoping import ScopedQuerySet, scope_for, subtree_q
from dangjian.orglife.choices import AttendanceStatus, GuestRole, MeetingKind, MeetingStatus


class MeetingQuerySet(ScopedQuerySet["Meeting"]):
    def submitted(self) -> MeetingQuerySet:
        return self.filter(status=MeetingStatus.SUBMITTED)


class Meeting(models.Model):
    """One sitting of an org. It may count as several kinds at once (a 主题党日 that is also a 党员大会 and a
    党课), listed in MeetingKindTag. A submitted record changes only by a correction with a reason; every
    change is kept in its history."""

    scope_path_field = "org__path"

    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="meetings", verbose_name="党组织")
    title = models.CharField("会议名称", max_length=200)
    starts_at = models.DateTimeField("开始时间")
    held_on = models.DateField("会议日期", help_text="开始时间在北京时间的日期，用于按月、季、年统计")
    place = models.CharField("地点", max_length=200, blank=True)
    online = models.BooleanField("线上召开", default=False)
    host = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="主持人"
    )
    recorder = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="记录人"
    )
    lecturer = models.CharField("党课主讲人", max_length=100, blank=True)
    lecture_topic = models.CharField("党课题目", max_length=200, blank=True)
    study_hours = models.DecimalField(
        "计入学时", max_digits=4, decimal_places=1, null=True, blank=True,
        help_text="党课、主题党日等集体学习：提交时按出席情况生成学习记录，出席党员各计此学时；空则不生成",
    )
    topics = models.TextField("议题", blank=True)
    agenda = models.TextField("议程", blank=True)
    resolutions = models.TextField("决议事项", blank=True)
    minutes = models.TextField("会议记录", blank=True, help_text="经过清理的富文本")
    status = models.CharField("状态", max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="录入人"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(user_model=settings.AUTH_USER_MODEL, excluded_fields=["updated_at"])

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "组织生活记录"
        verbose_name_plural = "组织生活记录"
        ordering = ["-starts_at", "-id"]
        indexes = [
            # Calendar and list per org.
            models.Index(fields=["org", "held_on"], name="orglife_meeting_org_day"),
            # The list, newest first: the page's ids walk this index and stop after a page (core.lists).
            models.Index(fields=["starts_at", "id"], name="orglife_meeting_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


def year_month(day: dt.date) -> int:
    """202501 for any day of January 2025: the month key compliance counts by."""
    return day.year * 100 + day.month


class MeetingKindTag(models.Model):
    """That a meeting counts as one kind. Org, date and month key are copied from the meeting (written only by
    the actions) so that compliance over a whole subtree is one GROUP BY over an index, comparing integers."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="kind_tags")
    kind = models.CharField("类型", max_length=24, choices=MeetingKind.choices)
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    month = models.PositiveIntegerField("年月", help_text="held_on 的年月，如 202501")
    submitted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind"], name="orglife_kindtag_unique_meeting_kind"),
        ]
        indexes = [
            # Compliance: meetings of a kind per org per period.
            models.Index(fields=["kind", "org", "held_on"], name="orglife_kindtag_kind_org_day"),
            # Compliance over a whole tree: counts per kind, org and month without reading the table.
            models.Index(fields=["kind", "org", "month", "submitted"], name="orglife_kindtag_kind_org_month"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.month = year_month(self.held_on)
        super().save(*args, **kwargs)


REASON_MAX = 200


class Attendance(models.Model):
    """One expected participant (应到) and what they did: present, or on leave or absent with the reason given.

    `dual` marks a leading cadre attending as 双重组织生活; `written_opinion` a member who could not attend
    but submitted a written opinion beforehand (counted in votes, not in the quorum). `roll_note` says why an
    expected member may not be able to come (外出流动, 失联), as the transfers registry knew it on the day;
    `excluded` leaves them out of 应到, only with the rule that allows it written in `excluded_basis`.
    `signed_in_at` is when the member signed in by scanning the meeting's QR code."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField("出席情况", max_length=16, choices=AttendanceStatus.choices)
    reason = models.CharField("未出席原因", max_length=REASON_MAX, blank=True, help_text="请假或缺席的原因")
    dual = models.BooleanField("双重组织生活", default=False)
    written_opinion = models.BooleanField("会前提交书面意见", default=False)
    roll_note = models.CharField("在册情况", max_length=200, blank=True, help_text="外出流动、失联等情况")
    excluded = models.BooleanField("不计入应到", default=False)
    excluded_basis = models.CharField("不计入应到的依据", max_length=300, blank=True)
    signed_in_at = models.DateTimeField("扫码签到时间", null=True, blank=True)

    class Meta:
        verbose_name = "出席情况"
        verbose_name_plural = "出席情况"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="orglife_attendance_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.member_id}:{self.status}"


class SignIn(models.Model):
    """A window in which members sign in to a draft meeting by scanning its QR code on their own phone.

    The code carries a random token; only its SHA-256 is stored, so the table cannot be used to forge a
    sign-in. One window per meeting is open at a time; `closed_at` is set when the secretary closes it early."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="signins", verbose_name="组织生活记录")
    token_hash = models.CharField("签到码摘要", max_length=64, unique=True)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("截止时间")
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                  verbose_name="发起人")

    class Meta:
        verbose_name = "扫码签到"
        verbose_name_plural = "扫码签到"
        ordering = ["-opens_at", "-id"]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.opens_at:%Y-%m-%d %H:%M}"


class Guest(models.Model):
    """Someone at the meeting who is not of the org: 上级列席, 巡听旁听 and others, kept apart from 应到."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField("姓名", max_length=50)
    unit = models.CharField("单位或职务", max_length=100, blank=True)
    role = models.CharField("身份", max_length=16, choices=GuestRole.choices, default=GuestRole.SUPERIOR)

    class Meta:
        verbose_name = "列席人员"
        verbose_name_plural = "列席人员"

    def __str__(self) -> str:
        return self.name


class Attachment(models.Model):
    """A photo or scan of the meeting, stored privately under var/media; type and size checked on upload."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to="meetings/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.original_name


class Vote(models.Model):
    """A question voted on at a meeting (one candidate per question when several are discussed): the counts
    as recorded and the result the shared arithmetic (dangjian.lib.votes) gives — never a typed result."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    subject = models.CharField("表决事项", max_length=200)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="涉及党员",
    )
    entitled = models.PositiveIntegerField("应到会有表决权人数")
    present = models.PositiveIntegerField("实到会有表决权人数")
    yes = models.PositiveIntegerField("赞成")
    no = models.PositiveIntegerField("反对")
    abstain = models.PositiveIntegerField("弃权")
    written_yes = models.PositiveIntegerField("书面意见赞成", default=0)
    quorum = models.BooleanField("达到法定人数")
    passed = models.BooleanField("通过")

    class Meta:
        verbose_name = "表决"
        verbose_name_plural = "表决"

    def __str__(self) -> str:
        return self.subject


class HeartTalkQuerySet(ScopedQuerySet["HeartTalk"]):
    def visible_to(self, user: Any, action: str = "view") -> HeartTalkQuerySet:
        """谈心谈话 records are for those entitled only (mission.md, boundaries): the people who manage the branch
        (change scope) and the two who talked — not a 上级查看, who sees the coverage figures instead."""
        if action != "view":
            return super().visible_to(user, action)  # type: ignore[return-value]
        scope = scope_for(user)
        q = Q(pk__in=[])
        for root in scope.change_roots:
            q |= subtree_q(root, "org__path")
        if scope.own_member_id:
            q |= Q(initiator_id=scope.own_member_id) | Q(counterpart_id=scope.own_member_id)
        return self.filter(q)


class HeartTalk(models.Model):
    """A 谈心谈话 (支部工作条例 第十九条: 支委之间、支委和党员之间每年一般不少于1次): who talked with whom, when,
    the topic and the follow-up — never what was said. Compliance counts the pairs covered in a year
    (dangjian.orglife.talks)."""

    scope_path_field = "org__path"

    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="heart_talks",
                            verbose_name="党支部")
    held_on = models.DateField("谈话日期")
    initiator = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="谈话人")
    counterpart = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="谈话对象")
    topic = models.CharField("谈话主题", max_length=200)
    follow_up = models.CharField("后续跟进", max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(user_model=settings.AUTH_USER_MODEL)
    objects = HeartTalkQuerySet.as_manager()

    class Meta:
        verbose_name = "谈心谈话"
        verbose_name_plural = "谈心谈话"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["org", "held_on"], name="orglife_talk_org_day")]
        constraints = [
            models.CheckConstraint(condition=~Q(initiator=F("counterpart")), name="orglife_talk_two_people",
                                   violation_error_message="谈话双方不能是同一人"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"
