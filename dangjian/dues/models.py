"""党费 records: each member's monthly base (with its history), approved reductions and exemptions, and the
payments, one per member and month. Collection sheets, statements, arrears and remittance summaries are all
computed from these rows (architecture.md, pattern 4); nothing here is retyped.

Months are stored as the first day of the month. Amounts are DecimalField (元, two places); the arithmetic is in
dangjian.dues.calc.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core.scoping import ScopedQuerySet
from dangjian.dues.choices import Basis, PaymentMethod, ReliefKind

if TYPE_CHECKING:
    from dangjian.core.scoping import Scope

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class DuesBase(models.Model):
    """A member's 党费 base from one month on (第十条: a new wage counts from the month it is first paid).

    A new base closes the previous one (`month_to`), so the base in force in a month is one indexed range test
    and a month's dues over millions of members is one join. The rate and the monthly amount are computed by
    dues.calc when the base is set and stored, so ledgers show what was due even after a rule changes.
    """

    scope_path_field = "member__org__path"

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues_bases",
                               verbose_name="党员")
    month_from = models.DateField("起始月份", help_text="按新工资标准领取工资的当月（每月1日表示）")
    month_to = models.DateField("截止月份", null=True, blank=True, help_text="空：至今有效")
    basis = models.CharField("计算方式", max_length=16, choices=Basis.choices)
    income = models.DecimalField("计算基数（元/月）", null=True, blank=True, **MONEY,
                                 help_text="税后工资、当月薪酬、上季度月平均纯收入或离退休费总额")
    fixed_amount = models.DecimalField("农民党员每月交纳（元）", null=True, blank=True, **MONEY)
    rate = models.DecimalField("交纳比例", max_digits=6, decimal_places=4, null=True, blank=True)
    amount = models.DecimalField("每月应交（元）", **MONEY)
    quarterly = models.BooleanField("经党支部同意按季度交纳", default=False)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="经办人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党费基数"
        verbose_name_plural = "党费基数"
        ordering = ["member_id", "-month_from"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month_from"], name="dues_base_unique_member_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="dues_base_amount_not_negative"),
            models.CheckConstraint(condition=Q(income__isnull=True) | Q(income__gte=0),
                                   name="dues_base_income_not_negative"),
        ]
        indexes = [
            # The base in force in a month: open bases (month_to NULL) and ranges, per member.
            models.Index(fields=["month_to", "month_from"], name="dues_base_range"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.month_from:%Y-%m}:{self.amount}"

    @staticmethod
    def extra_visible_q(scope: Scope) -> Q:
        """A plain 党员 sees their own 党费 records."""
        return Q(member_id=scope.own_member_id) if scope.own_member_id else Q(pk__in=[])


class DuesRelief(models.Model):
    """An approved 少交 or 免交 (经党支部研究，报上一级党委批准) for a range of months: the month's due becomes the
    approved amount (少交) or zero (免交). Kept with the approval's document number and date."""

    scope_path_field = "member__org__path"

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues_reliefs",
                               verbose_name="党员")
    kind = models.CharField("类型", max_length=8, choices=ReliefKind.choices)
    month_from = models.DateField("起始月份")
    month_to = models.DateField("截止月份")
    amount = models.DecimalField("少交后每月交纳（元）", null=True, blank=True, **MONEY)
    reason = models.CharField("原因", max_length=200)
    approved_by = models.CharField("批准的上一级党委", max_length=100)
    approval_no = models.CharField("批准文号", max_length=100)
    approved_on = models.DateField("批准日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="经办人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党费少交免交"
        verbose_name_plural = "党费少交免交"
        ordering = ["member_id", "-month_from"]
        indexes = [models.Index(fields=["member", "month_from"], name="dues_relief_member_month")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.kind}:{self.month_from:%Y-%m}–{self.month_to:%Y-%m}"

    @staticmethod
    def extra_visible_q(scope: Scope) -> Q:
        """A plain 党员 sees their own 党费 records."""
        return Q(member_id=scope.own_member_id) if scope.own_member_id else Q(pk__in=[])


class DuesPayment(models.Model):
    """One member's 党费 for one month: what was due, what was paid, when and how. `org` is the branch the
    member belonged to when it was recorded (a transfer later does not move past collections), so the branch
    collection sheet and the remittance roll-up are one GROUP BY over the path range. A quarterly, back or
    advance payment is one row per month it covers, with the day it was paid."""

    scope_path_field = "org__path"

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues_payments",
                               verbose_name="党员")
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="收缴党支部")
    month = models.DateField("所属月份")
    due = models.DecimalField("应交（元）", **MONEY)
    amount = models.DecimalField("实交（元）", **MONEY)
    paid_on = models.DateField("交纳日期")
    method = models.CharField("交纳方式", max_length=8, choices=PaymentMethod.choices, default=PaymentMethod.BRANCH)
    reason = models.CharField("金额与应交不符的原因", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="经办人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党费交纳记录"
        verbose_name_plural = "党费交纳记录"
        ordering = ["-month", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_payment_unique_member_month",
                                    violation_error_message="该党员该月党费已交纳"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="dues_payment_amount_not_negative"),
        ]
        indexes = [
            # Collection sheet and remittance: a subtree's payments in a month.
            models.Index(fields=["month", "org"], name="dues_payment_month_org"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.month:%Y-%m}:{self.amount}"

    @staticmethod
    def extra_visible_q(scope: Scope) -> Q:
        """A plain 党员 sees their own 党费 records."""
        return Q(member_id=scope.own_member_id) if scope.own_member_id else Q(pk__in=[])
