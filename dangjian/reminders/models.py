"""One to-do item of one user, written only by the scheduled job (dangjian.reminders.generate) and closed by the
user ("完成/忽略") or by the job once its cause is gone.

`key` names the cause (kind, org or member, period or episode), so the job can run on two nodes at once: the
unique (user, key) constraint turns a second insert of the same reminder into nothing. A reminder the user has
dismissed keeps its row, so the same cause is not raised again; a new period or episode has a new key.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, Value, When

from dangjian.core.reminders.types import ReminderKind

__all__ = ["KIND_ORDER", "Reminder", "ReminderKind"]

#  The order the to-do list shows its groups in: what is already late first.
KIND_ORDER: list[str] = [
    ReminderKind.MEETING_OVERDUE, ReminderKind.TERM_OVERDUE, ReminderKind.RECRUITMENT_OVERDUE,
    ReminderKind.CONFIRMATION_DUE, ReminderKind.TRANSFER_PENDING, ReminderKind.DUES_ARREARS,
    ReminderKind.FLOATING_TRANSFER, ReminderKind.LOST_CONTACT, ReminderKind.APPRAISAL_FOLLOWUP,
    ReminderKind.VACANCY, ReminderKind.MEETING_DUE_SOON, ReminderKind.TERM_DUE, ReminderKind.RECRUITMENT_DUE,
    ReminderKind.APPRAISAL_ROUND_DUE, ReminderKind.STUDY_SHORTFALL, ReminderKind.DRAFT_UNSUBMITTED, ReminderKind.POLITICAL_BIRTHDAY,
]


class ReminderQuerySet(models.QuerySet["Reminder"]):
    """Reminders belong to one user, not to an org subtree: the only filter a page needs is the owner."""

    def of(self, user: Any) -> ReminderQuerySet:
        """All of the user's reminders, open or closed (none for an anonymous user)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user_id=user.pk)

    def open_for(self, user: Any) -> ReminderQuerySet:
        """The user's open reminders in list order: by kind (late things first), then by due date."""
        return (
            self.of(user).filter(resolved_at__isnull=True)
            .annotate(kind_rank=Case(*[When(kind=k, then=Value(i)) for i, k in enumerate(KIND_ORDER)],
                                     default=Value(len(KIND_ORDER)), output_field=IntegerField()))
            .order_by("kind_rank", F("due_on").asc(nulls_last=True), "id")
        )


class Reminder(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name="接收人"
    )
    kind = models.CharField("类型", max_length=24, choices=ReminderKind.choices)
    key = models.CharField("提醒键", max_length=200, help_text="类型:对象:周期，同一接收人唯一")
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="党组织"
    )
    title = models.CharField("事项", max_length=300)
    due_on = models.DateField("截止日期", null=True, blank=True)
    url = models.CharField("办理地址", max_length=300, blank=True)
    created_at = models.DateTimeField("提醒时间", auto_now_add=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    # Set when an e-mail digest claimed the reminder (dangjian.reminders.digest), so no node mails it twice.
    notified_at = models.DateTimeField("邮件通知时间", null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = "待办提醒"
        verbose_name_plural = "待办提醒"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="reminders_unique_user_key"),
        ]
        indexes = [
            # The to-do list and the home page: a user's open reminders.
            models.Index(fields=["user", "resolved_at"], name="reminders_user_open"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
