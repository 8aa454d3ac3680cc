"""Infrastructure models: the append-only security audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditResult(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
    DENIED = "denied", "拒绝"


class AuditEvent(models.Model):
    """One security-relevant event (SEC-10/11): who did what to which object, from where, with what result.

    Append-only: the model refuses updates and deletes, and database triggers (migration 0002) refuse them
    too, so no code path in the app can rewrite history; each event is chained to the previous one by an
    HMAC-SM3 (core.auditchain), so a change made around the app is found by `dangjian audit verify`. Personal
    data never appears in `changes` in clear.
    """

    time = models.DateTimeField("时间", default=timezone.now, db_index=True)
    seq = models.BigIntegerField("序号", null=True, unique=True)
    prev_hash = models.CharField("前一条校验值", max_length=64, blank=True)
    hash = models.CharField("校验值", max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True, db_constraint=False,
        related_name="+", verbose_name="操作人",
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    role = models.CharField("角色", max_length=200, blank=True)
    ip = models.CharField("IP地址", max_length=64, blank=True)
    user_agent = models.CharField("客户端", max_length=200, blank=True)
    request_id = models.CharField("请求编号", max_length=32, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    org_path = models.CharField("所属组织路径", max_length=255, blank=True)
    org_name = models.CharField("所属组织", max_length=200, blank=True)
    result = models.CharField("结果", max_length=16, choices=AuditResult.choices, default=AuditResult.SUCCESS)
    reason = models.CharField("事由", max_length=500, blank=True)
    changes: models.JSONField[Any] = models.JSONField("变更内容", default=dict, blank=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-time", "-id"]
        indexes = [
            # Audit search by actor and by object.
            models.Index(fields=["actor_name", "time"], name="core_audit_actor_time"),
            models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计日志不能删除")


class AuditChainHead(models.Model):
    """The end of the audit chain: the last event's position and hash, locked while an event is written so the
    chain has one order, and compared by `audit verify` so events removed from the end are noticed too."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计日志校验链"

    def __str__(self) -> str:
        return f"第{self.seq}条 {self.hash[:12]}"


class RuleStatus(models.TextChoices):
    CENTRAL = "central", "中央规定"
    PARTIAL = "partial", "中央规定（条文待核实）"
    LOCAL = "local", "地方或本单位做法"


class RuleParameter(models.Model):
    """One numeric or periodic rule as data: its value, the regulation and article it comes from, and whether
    it is a central rule or local practice (architecture.md, pattern 3).

    Rows are seeded by migrations with the default; a deployment may change the value of a local rule, or
    tighten a central one (the pure functions that read it say which direction is "tighter"). Several rows per
    key with different `effective_from` dates keep the rule's history when a regulation changes.
    """

    key = models.CharField("规则编号", max_length=64)
    label = models.CharField("规则", max_length=200)
    value: models.JSONField[object] = models.JSONField("取值")
    default: models.JSONField[object] = models.JSONField("默认值")
    source = models.CharField("依据", max_length=200)
    article = models.CharField("条款", max_length=100, blank=True)
    status = models.CharField("性质", max_length=16, choices=RuleStatus.choices)
    effective_from = models.DateField("生效日期")
    note = models.CharField("说明", max_length=500, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "规则参数"
        verbose_name_plural = "规则参数"
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="core_rule_unique_key_date"),
        ]

    def __str__(self) -> str:
        return f"{self.label}：{self.value}"


class DocumentTemplate(models.Model):
    """An administrator's replacement for the built-in layout of one generated Word document
    (dangjian.core.documents). Rows are never deleted: a new upload or a reset deactivates the previous one,
    so the history of who changed which template when stays visible."""

    key = models.CharField("文书", max_length=64, db_index=True)
    filename = models.CharField("文件名", max_length=200)
    content = models.BinaryField("模板文件")
    size = models.PositiveIntegerField("大小（字节）")
    active = models.BooleanField("使用中", default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"
        ordering = ["key", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key} {self.filename}"
