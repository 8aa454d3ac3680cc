"""The 党员 registry: one record per person, kept for life; status changes are events, never deletions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dangjian.core.scoping import ScopedQuerySet
from dangjian.lib.dates import whole_years
from dangjian.members.choices import (
    ON_ROLL_STATES,
    LeaveReason,
    MemberEventKind,
    MemberState,
    PartyStatus,
)
from dangjian.members.identity import IDENTITY_HISTORY_EXCLUDED, PersonalIdentity

if TYPE_CHECKING:
    from dangjian.core.scoping import Scope

ID_CARD_AAD = "members.member.id_card"
PHONE_AAD = "members.member.phone"


class MemberQuerySet(ScopedQuerySet["Member"]):
    def on_roll(self) -> MemberQuerySet:
        return self.filter(state__in=ON_ROLL_STATES)


class Member(PersonalIdentity):
    """A 党员. The personal data (身份证号 and phone only encrypted, with a masked copy and a blind index) is
    the `PersonalIdentity` an 入党申请人 is recorded with too.

    党龄 is derived from 转正日期, age from birth date: neither is stored.
    """

    scope_path_field = "org__path"

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="members", verbose_name="所在党支部"
    )
    group = models.ForeignKey(
        "orgs.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="group_members",
        verbose_name="所在党小组",
    )
    party_status = models.CharField("党员类别", max_length=16, choices=PartyStatus.choices)
    joined_on = models.DateField("入党日期", help_text="支部大会通过接收为预备党员的日期")
    confirmed_on = models.DateField("转正日期", null=True, blank=True)
    party_post = models.CharField("党内职务", max_length=50, blank=True)
    state = models.CharField("党籍状态", max_length=16, choices=MemberState.choices, default=MemberState.ACTIVE)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(
        excluded_fields=[*IDENTITY_HISTORY_EXCLUDED, "updated_at"],
        user_model=settings.AUTH_USER_MODEL,
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_card_index"], condition=Q(state__in=["active", "suspended"]),
                name="members_member_unique_id_card_on_roll",
                violation_error_message="已有相同身份证号的在册党员",
            ),
        ]
        indexes = [
            # Member list: a subtree's members in pinyin order.
            models.Index(fields=["org", "name_pinyin"], name="members_org_pinyin"),
            # The home page: 停止党籍 and 预备党员 counted, and the 预备党员 due for 转正 walked by 入党 date.
            models.Index(fields=["state", "party_status", "joined_on"], name="members_state_status_joined"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def extra_visible_q(scope: Scope) -> Q:
        """A plain 党员 sees their own record (already in view when their branch is)."""
        return Q(pk=scope.own_member_id) if scope.own_member_id and not scope.own_org_viewed() else Q(pk__in=[])

    @property
    def on_roll(self) -> bool:
        return self.state in ON_ROLL_STATES

    def party_years(self, today: dt.date) -> int | None:
        """党龄: whole years since 转正; None for a 预备党员."""
        if self.confirmed_on is None:
            return None
        return max(0, whole_years(self.confirmed_on, today))


class MemberEvent(models.Model):
    """One change of a member's party status or organization: 入党, 转正, 转接, 停止/恢复党籍, 出党, 去世."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="events", verbose_name="党员")
    kind = models.CharField("事项", max_length=16, choices=MemberEventKind.choices)
    date = models.DateField("日期")
    from_org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="原党组织",
    )
    to_org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="新党组织",
    )
    outside_org = models.CharField("系统外党组织", max_length=200, blank=True)
    letter_no = models.CharField("介绍信编号", max_length=50, blank=True)
    leave_reason = models.CharField("出党方式", max_length=16, choices=LeaveReason.choices, blank=True)
    reason = models.CharField("原因", max_length=500, blank=True)
    doc_no = models.CharField("文号", max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="经办人",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "党籍变动"
        verbose_name_plural = "党籍变动"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.date}"

    def describe(self) -> dict[str, Any]:
        return {"kind": self.get_kind_display(), "date": self.date.isoformat()}
