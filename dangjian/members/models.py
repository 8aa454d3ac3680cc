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
    ETHNICITY_CHOICES,
    ON_ROLL_STATES,
    Education,
    LeaveReason,
    MemberEventKind,
    MemberState,
    Occupation,
    PartyStatus,
    PersonCategory,
    Sex,
)

if TYPE_CHECKING:
    from dangjian.core.scoping import Scope

ID_CARD_AAD = "members.member.id_card"
PHONE_AAD = "members.member.phone"


class MemberQuerySet(ScopedQuerySet["Member"]):
    def on_roll(self) -> MemberQuerySet:
        return self.filter(state__in=ON_ROLL_STATES)


class Member(models.Model):
    """A 党员. The 身份证号 and phone are stored only encrypted (SM4-GCM) with a masked copy for display and
    a blind index for exact lookup; birth date and sex are stored apart so lists never decrypt.

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
    name = models.CharField("姓名", max_length=50)
    name_pinyin = models.CharField("姓名拼音", max_length=200, db_index=True)
    name_initials = models.CharField("拼音首字母", max_length=50, db_index=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    ethnicity = models.CharField("民族", max_length=16, choices=ETHNICITY_CHOICES, default="汉族")
    birth_date = models.DateField("出生日期")
    id_card_cipher = models.TextField("身份证号（密文）")
    id_card_index = models.CharField("身份证号索引", max_length=64, db_index=True)
    id_card_masked = models.CharField("身份证号", max_length=18)
    phone_cipher = models.TextField("手机号（密文）", blank=True)
    phone_masked = models.CharField("手机号", max_length=20, blank=True)
    education = models.CharField("学历", max_length=24, choices=Education.choices)
    occupation = models.CharField("职业", max_length=16, choices=Occupation.choices)
    work_unit = models.CharField("工作单位", max_length=100, blank=True)
    post = models.CharField("职务", max_length=100, blank=True)
    person_category = models.CharField("人员类别", max_length=16, choices=PersonCategory.choices)
    party_status = models.CharField("党员类别", max_length=16, choices=PartyStatus.choices)
    joined_on = models.DateField("入党日期", help_text="支部大会通过接收为预备党员的日期")
    confirmed_on = models.DateField("转正日期", null=True, blank=True)
    party_post = models.CharField("党内职务", max_length=50, blank=True)
    state = models.CharField("党籍状态", max_length=16, choices=MemberState.choices, default=MemberState.ACTIVE)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["id_card_cipher", "phone_cipher", "name_pinyin", "name_initials", "updated_at"],
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
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def extra_visible_q(scope: Scope) -> Q:
        """A plain 党员 sees their own record."""
        return Q(pk=scope.own_member_id) if scope.own_member_id else Q(pk__in=[])

    @property
    def on_roll(self) -> bool:
        return self.state in ON_ROLL_STATES

    def age(self, today: dt.date) -> int:
        return whole_years(self.birth_date, today)

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
