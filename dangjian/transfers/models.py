"""组织关系转接, 流动党员 and 失联党员: the records the branches keep about members on the move or out of touch.

The member's place and party status stay where the registry keeps them (dangjian.members): these records hold
what the registry does not — the request and its answer, the 介绍信 and its 回执, the time away, the search for a
member out of contact — and the decisions they lead to go through dangjian.members.actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dangjian.core.scoping import ScopedQuerySet, scope_for, subtree_q
from dangjian.transfers.choices import LostOutcome, TransferKind, TransferStatus

if TYPE_CHECKING:
    from dangjian.accounts.models import User


class TransferQuerySet(ScopedQuerySet["Transfer"]):
    def visible_to(self, user: User | Any, action: str = "view") -> TransferQuerySet:
        """Transfers whose sending OR receiving branch lies in the user's scope for `action`.

        The receiving branch sees an incoming request although the member is not in its subtree yet; which
        side may do what (accept or return: receiving; cancel or record the 回执: sending) is the actions' check.
        """
        q = Q(pk__in=[])
        for root in scope_for(user).roots(action):
            q |= subtree_q(root, "from_org__path") | subtree_q(root, "to_org__path")
        return self.filter(q)

    def pending(self) -> TransferQuerySet:
        return self.filter(status=TransferStatus.PENDING)


class Transfer(models.Model):
    """One 组织关系转接 (党员教育管理工作条例 第二十五条): within the system (the receiving branch accepts or
    returns it; the member stays on the sending branch's roll until accepted), out of the system (open until
    the 回执 is recorded) or in from outside (the member is registered on arrival).

    At most one open transfer per member (a database constraint). Every change is kept in its history.
    """

    scope_path_field = "from_org__path"  # and to_org__path: see TransferQuerySet.visible_to

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="transfers", verbose_name="党员")
    kind = models.CharField("转接类型", max_length=16, choices=TransferKind.choices)
    status = models.CharField("状态", max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    from_org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="转出党支部",
    )
    to_org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="接收党支部",
    )
    outside_org = models.CharField("系统外党组织", max_length=200, blank=True, help_text="转往或转自的系统外党组织")
    letter_no = models.CharField("介绍信编号", max_length=50, blank=True)
    issued_on = models.DateField("转出日期", help_text="发起转接或开具介绍信的日期")
    reason = models.CharField("转接原因", max_length=500, blank=True)
    decided_on = models.DateField("办结日期", null=True, blank=True, help_text="接收、退回、撤回或回执登记的日期")
    receipt_on = models.DateField("回执日期", null=True, blank=True, help_text="转出系统外：回执退回的日期")
    decision_reason = models.CharField("退回或撤回原因", max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="办结人",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="经办人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(user_model=settings.AUTH_USER_MODEL, excluded_fields=["updated_at"])

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="pending"), name="transfers_one_open_per_member",
                violation_error_message="该党员已有未办结的组织关系转接",
            ),
        ]
        indexes = [
            # Pending lists per side.
            models.Index(fields=["status", "to_org"], name="transfers_status_to"),
            models.Index(fields=["status", "from_org"], name="transfers_status_from"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.issued_on}"

    @property
    def is_open(self) -> bool:
        return self.status == TransferStatus.PENDING

    @property
    def status_label(self) -> str:
        """待接收 / 待回执 / 已接收 / 已转入 …: the state in the words of the transfer's kind."""
        if self.kind == TransferKind.OUT:
            return {TransferStatus.PENDING: "待回执", TransferStatus.ACCEPTED: "回执已收"}.get(
                self.status, self.get_status_display())  # type: ignore[call-overload]
        if self.kind == TransferKind.IN and self.status == TransferStatus.ACCEPTED:
            return "已转入"
        return self.get_status_display()

    @property
    def destination(self) -> str:
        return self.to_org.name if self.to_org is not None else self.outside_org

    @property
    def origin(self) -> str:
        return self.from_org.name if self.from_org is not None else self.outside_org


class MemberRecordQuerySet(ScopedQuerySet[Any]):
    """Records that follow a member: scoped by the member's current branch."""


class FloatingMember(models.Model):
    """One spell of a 流动党员 away from their branch (党员教育管理工作条例 第二十五条; 支部工作条例 第五条): where,
    since when, until when expected, how to reach them, their 流动党员活动证. Away six months or more at a
    relatively fixed place, the 组织关系 must move — derived from the dates, never stored.

    The contact number is personal data: encrypted with a masked copy, like a member's phone.
    """

    scope_path_field = "member__org__path"

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="floating_records", verbose_name="党员"
    )
    left_on = models.DateField("外出日期")
    place = models.CharField("外出地点", max_length=200)
    fixed_place = models.BooleanField("外出地点相对固定", default=True)
    reason = models.CharField("外出原因", max_length=200, blank=True)
    expected_return = models.DateField("预计返回日期", null=True, blank=True)
    phone_cipher = models.TextField("联系电话（密文）", blank=True)
    phone_masked = models.CharField("联系电话", max_length=20, blank=True)
    host_org = models.CharField("流入地联系党组织", max_length=200, blank=True)
    certificate_no = models.CharField("流动党员活动证编号", max_length=50, blank=True)
    returned_on = models.DateField("结束日期", null=True, blank=True, help_text="返回或转移组织关系的日期")
    end_note = models.CharField("结束情况", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(user_model=settings.AUTH_USER_MODEL, excluded_fields=["updated_at", "phone_cipher"])

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "流动党员"
        verbose_name_plural = "流动党员"
        ordering = ["left_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(returned_on__isnull=True), name="transfers_one_open_floating",
                violation_error_message="该党员已有未结束的外出登记",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.place}"

    @property
    def is_open(self) -> bool:
        return self.returned_on is None


class LostContact(models.Model):
    """One case of a member out of contact with the party (党员教育管理工作条例 第二十四条): the last contact
    and the search; after six months the 停止党籍 decision, after two more years without contact the 除名
    decision — both recorded as member events with their 文号 (dangjian.members.actions), linked here.
    """

    scope_path_field = "member__org__path"

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="lost_contact_cases", verbose_name="党员"
    )
    last_contact_on = models.DateField("最后联系日期")
    search_notes = models.TextField("查找情况", blank=True, help_text="通过哪些方式查找、结果如何")
    suspension = models.ForeignKey(
        "members.MemberEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="停止党籍决定",
    )
    removal = models.ForeignKey(
        "members.MemberEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="除名决定",
    )
    outcome = models.CharField("结案情况", max_length=16, choices=LostOutcome.choices, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    close_note = models.CharField("结案说明", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(user_model=settings.AUTH_USER_MODEL, excluded_fields=["updated_at"])

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "失联党员"
        verbose_name_plural = "失联党员"
        ordering = ["last_contact_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(outcome=""), name="transfers_one_open_lost_case",
                violation_error_message="该党员已有未结案的失联登记",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} 失联（最后联系 {self.last_contact_on}）"

    @property
    def is_open(self) -> bool:
        return not self.outcome
