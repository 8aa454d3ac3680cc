"""Study sessions (学习培训) and who took part with how many 学时.

A session held at an org sitting is created from its orglife meeting record, and its participants come from that
record's attendance (the present members, nothing typed). Other sessions — 党校 courses, 专题培训, 读书班, online
courses — list their participants with the hours each completed. Yearly totals, shortfall lists, reminders and
exports are all computed from these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core.scoping import ScopedQuerySet
from dangjian.learning.choices import SessionKind


class StudySessionQuerySet(ScopedQuerySet["StudySession"]):
    pass


class StudySession(models.Model):
    """One study session organised by an org: its kind, day and length in 学时. When it was an orglife sitting
    (`meeting`), the participants were taken from that record's attendance; a meeting gives at most one session."""

    scope_path_field = "org__path"

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="study_sessions", verbose_name="组织单位"
    )
    kind = models.CharField("学习形式", max_length=24, choices=SessionKind.choices)
    title = models.CharField("学习主题", max_length=200)
    held_on = models.DateField("学习日期", help_text="多日培训为开始日期；按此日期计入年度学时")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, help_text="本次学习培训的时长（学时）")
    place = models.CharField("地点或平台", max_length=200, blank=True)
    provider = models.CharField("主办或授课单位", max_length=100, blank=True)
    meeting = models.OneToOneField(
        "orglife.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="study_session",
        verbose_name="组织生活记录",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="录入人"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = StudySessionQuerySet.as_manager()

    class Meta:
        verbose_name = "学习培训"
        verbose_name_plural = "学习培训"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="learning_session_hours_positive"),
        ]
        indexes = [models.Index(fields=["org", "held_on"], name="learning_session_org_day")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Participation(models.Model):
    """That someone took part in a session, with the 学时 they completed (never more than the session's).

    The participant is referenced here and only here (`member`); the session's day is copied (written only by
    the actions) so that a member's yearly total is one indexed range over (member, held_on)."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="study_participations", verbose_name="党员"
    )
    hours = models.DecimalField("完成学时", max_digits=5, decimal_places=1)
    held_on = models.DateField("学习日期")

    class Meta:
        verbose_name = "参学记录"
        verbose_name_plural = "参学记录"
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="learning_participation_unique_member"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="learning_participation_hours_positive"),
        ]
        indexes = [
            # A member's (or a set of members') total for a year.
            models.Index(fields=["member", "held_on"], name="learning_part_member_day"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.member_id}:{self.hours}"


class Trainee(models.Model):
    """An 入党积极分子 or 发展对象 (not yet a member) who took part in a session — the 发展对象 training of 发展党员工作细则
    第十七条 (≥ 3 days or 24 学时), which dangjian.recruitment.training reads. Kept apart from `Participation`, so
    member totals and targets never count people who are not members."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="trainees")
    applicant = models.ForeignKey(
        "recruitment.Applicant", on_delete=models.PROTECT, related_name="trainings", verbose_name="发展对象或积极分子"
    )
    hours = models.DecimalField("完成学时", max_digits=5, decimal_places=1)
    held_on = models.DateField("学习日期")

    class Meta:
        verbose_name = "发展对象培训记录"
        verbose_name_plural = "发展对象培训记录"
        constraints = [
            models.UniqueConstraint(fields=["session", "applicant"], name="learning_trainee_unique_applicant"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="learning_trainee_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.applicant_id}:{self.hours}"
