"""民主评议党员: one round per 党支部 and year, one result per member appraised, and the 组织处置 of each
不合格党员. Statistics, the member record and reminders are all computed from these rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dangjian.appraisal.choices import FollowUpKind, FollowUpOutcome, Rating, RoundStatus
from dangjian.core.scoping import ScopedQuerySet

if TYPE_CHECKING:
    from dangjian.core.scoping import Scope


class RoundQuerySet(ScopedQuerySet["AppraisalRound"]):
    def confirmed(self) -> RoundQuerySet:
        return self.filter(status=RoundStatus.CONFIRMED)


class ResultQuerySet(ScopedQuerySet["AppraisalResult"]):
    pass


class FollowUpQuerySet(ScopedQuerySet["FollowUp"]):
    pass


class AppraisalRound(models.Model):
    """A branch's 民主评议党员 of one year (支部工作条例: 一般每年开展1次): the day of the 民主测评, the meeting
    record that held it, how many took part in the 测评. Drafted, then confirmed; after confirmation it changes
    only by a correction with a reason, kept in its history. Who is appraised is derived from the roll on
    `held_on` (dangjian.members.membership.members_on), never typed."""

    scope_path_field = "org__path"

    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="appraisal_rounds",
                            verbose_name="党支部")
    year = models.PositiveSmallIntegerField("评议年度")
    held_on = models.DateField("评议日期", help_text="召开党员大会进行民主测评的日期")
    meeting = models.ForeignKey(
        "orglife.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="appraisal_rounds",
        verbose_name="民主评议党员会议记录",
    )
    participants = models.PositiveIntegerField("参加民主测评人数")
    note = models.CharField("说明", max_length=500, blank=True)
    status = models.CharField("状态", max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="确认人")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(user_model=settings.AUTH_USER_MODEL, excluded_fields=["updated_at"])

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = "民主评议党员"
        verbose_name_plural = "民主评议党员"
        ordering = ["-year", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="appraisal_round_unique_org_year",
                                    violation_error_message="该党支部该年度已有民主评议"),
        ]
        indexes = [
            # Statistics and reminders: the rounds of a year.
            models.Index(fields=["year", "status"], name="appraisal_round_year_status"),
        ]

    def __str__(self) -> str:
        return f"{self.org.name}{self.year}年度民主评议党员"

    @property
    def is_draft(self) -> bool:
        return self.status == RoundStatus.DRAFT


class AppraisalResult(models.Model):
    """One member's appraisal in a round: 个人自评, 党员互评, the 民主测评 vote counts and the branch's
    评定等次. The member is on the branch's roll on the round's day (checked by the actions)."""

    scope_path_field = "round__org__path"

    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="results", verbose_name="民主评议")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="appraisal_results",
                               verbose_name="党员")
    self_rating = models.CharField("个人自评等次", max_length=16, choices=Rating.choices, blank=True)
    peer_opinion = models.CharField("党员互评意见", max_length=500, blank=True)
    votes_excellent = models.PositiveIntegerField("测评优秀票", default=0)
    votes_qualified = models.PositiveIntegerField("测评合格票", default=0)
    votes_basic = models.PositiveIntegerField("测评基本合格票", default=0)
    votes_unqualified = models.PositiveIntegerField("测评不合格票", default=0)
    rating = models.CharField("评定等次", max_length=16, choices=Rating.choices, blank=True)
    reason = models.CharField("评定意见", max_length=500, blank=True)

    history = HistoricalRecords(user_model=settings.AUTH_USER_MODEL)

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = "评议结果"
        verbose_name_plural = "评议结果"
        ordering = ["round", "member__name_pinyin", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="appraisal_result_unique_member"),
        ]
        indexes = [
            # Statistics: counts per grade over the rounds of a year.
            models.Index(fields=["round", "rating"], name="appraisal_result_round_rating"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.rating or '未评定'}"

    @staticmethod
    def extra_visible_q(scope: Scope) -> Q:
        """A plain 党员 sees their own results, once the round is confirmed."""
        if not scope.own_member_id:
            return Q(pk__in=[])
        return Q(member_id=scope.own_member_id, round__status=RoundStatus.CONFIRMED)

    @property
    def votes_total(self) -> int:
        return self.votes_excellent + self.votes_qualified + self.votes_basic + self.votes_unqualified


class FollowUp(models.Model):
    """A 组织处置 of a member rated 不合格 (§7.3): 限期改正 with its deadline, 劝退 or 除名, with the decision's
    文号 and an optional scan (type and size checked like meeting attachments). A 限期改正 stays open until
    its result is recorded; a 劝退 ends in 出党 or 劝而不退; a 除名 is recorded with the member's 出党 event."""

    scope_path_field = "result__round__org__path"

    result = models.ForeignKey(AppraisalResult, on_delete=models.PROTECT, related_name="followups",
                               verbose_name="评议结果")
    kind = models.CharField("处置方式", max_length=16, choices=FollowUpKind.choices)
    decided_on = models.DateField("决定日期")
    doc_no = models.CharField("文号", max_length=100, blank=True)
    deadline = models.DateField("改正期限", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=FollowUpOutcome.choices, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    outcome_note = models.CharField("结果说明", max_length=500, blank=True)
    member_event = models.ForeignKey("members.MemberEvent", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="党籍变动")
    scan = models.FileField("决定扫描件", upload_to="appraisal/%Y/", blank=True)
    scan_name = models.CharField("扫描件文件名", max_length=200, blank=True)
    scan_type = models.CharField("扫描件类型", max_length=100, blank=True)
    scan_size = models.PositiveIntegerField("扫描件大小（字节）", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords(user_model=settings.AUTH_USER_MODEL)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = "不合格党员组织处置"
        verbose_name_plural = "不合格党员组织处置"
        ordering = ["-decided_on", "-id"]
        indexes = [
            # Reminders: open 限期改正 by deadline.
            models.Index(fields=["kind", "outcome", "deadline"], name="appraisal_followup_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decided_on}"

    @property
    def is_open(self) -> bool:
        return self.outcome == ""

