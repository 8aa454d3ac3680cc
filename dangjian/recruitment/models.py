"""发展党员: each 入党申请人's path through the 25 steps, one dated record per step, with its documents.

An applicant's personal data is kept exactly as a member's (dangjian.members.pii): 身份证号 and phone only
encrypted, with a masked copy and a blind index. When the 上级党委 approves the admission the member record
is created from the applicant (dangjian.members.actions.create_member) and linked here; from then on the
member record is the one that changes (转正, 延长预备期, 取消预备党员资格), never a copy.

`step`, `next_step`, `due_on` and `due_rule` are kept by the actions from the steps (actions.refresh), so the
lists can filter "at step N", "due" and "overdue" in SQL over a whole subtree.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dangjian.core.scoping import ScopedQuerySet
from dangjian.members.identity import IDENTITY_HISTORY_EXCLUDED, PersonalIdentity
from dangjian.recruitment.steps import STEP_CHOICES, STEPS, Outcome, Stage


class ApplicantStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "培养发展中"
    PROBATION = "probation", "预备期"
    CONFIRMED = "confirmed", "已转正"
    CANCELLED = "cancelled", "已取消预备党员资格"
    STOPPED = "stopped", "已终止发展"


# Applicants still on the way: one such record per 身份证号.
OPEN_STATUSES = (ApplicantStatus.IN_PROGRESS, ApplicantStatus.PROBATION)


class ApplicantQuerySet(ScopedQuerySet["Applicant"]):
    def open(self) -> ApplicantQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Applicant(PersonalIdentity):
    """An 入党申请人, from the application to the archive of the 转正 papers, with the same `PersonalIdentity`
    as a 党员 (the member record created on admission starts from it)."""

    scope_path_field = "org__path"

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="applicants", verbose_name="所在党支部"
    )
    status = models.CharField(
        "状态", max_length=16, choices=ApplicantStatus.choices, default=ApplicantStatus.IN_PROGRESS
    )
    step = models.PositiveSmallIntegerField("已完成步骤", choices=STEP_CHOICES)
    stage = models.PositiveSmallIntegerField("所处阶段", choices=Stage.choices)
    next_step = models.PositiveSmallIntegerField("下一步", choices=STEP_CHOICES, null=True, blank=True)
    due_on = models.DateField("办理期限", null=True, blank=True)
    due_rule = models.CharField("期限依据", max_length=200, blank=True)
    member = models.OneToOneField(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="applicant",
        verbose_name="党员档案",
    )
    stopped_reason = models.CharField("终止原因", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(
        excluded_fields=[*IDENTITY_HISTORY_EXCLUDED, "updated_at"],
        user_model=settings.AUTH_USER_MODEL,
    )

    objects = ApplicantQuerySet.as_manager()

    class Meta:
        verbose_name = "入党申请人"
        verbose_name_plural = "入党申请人"
        ordering = ["name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_card_index"], condition=Q(status__in=["in_progress", "probation"]),
                name="recruitment_applicant_unique_id_card_open",
                violation_error_message="该身份证号已有正在培养发展的记录",
            ),
        ]
        indexes = [
            # The due/overdue lists: open applicants by due date.
            models.Index(fields=["status", "due_on"], name="recruitment_applicant_due"),
            models.Index(fields=["org", "name_pinyin"], name="recruitment_applicant_org"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def step_label(self) -> str:
        return STEPS[self.step].label

    @property
    def next_step_label(self) -> str:
        return STEPS[self.next_step].label if self.next_step else ""


class StepQuerySet(ScopedQuerySet["Step"]):
    pass


class Step(models.Model):
    """One of the 25 steps for one applicant: when, who acted, what was decided, and its papers."""

    scope_path_field = "applicant__org__path"

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="steps", verbose_name="申请人")
    number = models.PositiveSmallIntegerField("步骤", choices=STEP_CHOICES)
    date = models.DateField("日期")
    handled_by = models.CharField("经办人/谈话人", max_length=100, blank=True)
    doc_no = models.CharField("文号", max_length=100, blank=True)
    note = models.TextField("情况记录", blank=True)
    people = models.ManyToManyField(
        "members.Member", blank=True, related_name="recruitment_steps", verbose_name="培养联系人/入党介绍人"
    )
    training_days = models.DecimalField("培训天数", max_digits=5, decimal_places=1, null=True, blank=True)
    training_hours = models.DecimalField("培训学时", max_digits=6, decimal_places=1, null=True, blank=True)
    meeting = models.ForeignKey(
        "orglife.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="支部党员大会",
    )
    vote = models.OneToOneField(
        "orglife.Vote", on_delete=models.PROTECT, null=True, blank=True, related_name="recruitment_step",
        verbose_name="表决",
    )
    # Counts of a vote whose meeting is not recorded in the system (the result comes from lib.votes, not typed).
    tally: models.JSONField[Any] = models.JSONField("表决票数", default=dict, blank=True)
    passed = models.BooleanField("表决通过", null=True, blank=True)
    outcome = models.CharField("转正结论", max_length=16, choices=Outcome.choices, blank=True)
    extension_months = models.PositiveSmallIntegerField("延长预备期（月）", null=True, blank=True)
    approved = models.BooleanField("审批同意", null=True, blank=True)
    delay_reason = models.CharField("延长审批原因", max_length=300, blank=True)
    flags: models.JSONField[Any] = models.JSONField("提示", default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="录入人"
    )
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = "发展步骤"
        verbose_name_plural = "发展步骤"
        ordering = ["applicant", "date", "id"]

    def __str__(self) -> str:
        return f"{self.applicant} {self.number}. {STEPS[self.number].label}"

    @property
    def label(self) -> str:
        return STEPS[self.number].label


class StepDocumentQuerySet(ScopedQuerySet["StepDocument"]):
    pass


class StepDocument(models.Model):
    """A scan or photo of a step's paper (入党申请书, 谈话记录, 志愿书 …), stored privately; type and size checked."""

    scope_path_field = "step__applicant__org__path"

    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="documents", verbose_name="步骤")
    title = models.CharField("材料名称", max_length=100)
    file = models.FileField("文件", upload_to="recruitment/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = StepDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "发展材料"
        verbose_name_plural = "发展材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title
