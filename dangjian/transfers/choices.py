"""Fixed value lists of 组织关系转接, 流动党员 and 失联党员."""

from __future__ import annotations

from django.db import models


class TransferKind(models.TextChoices):
    INTERNAL = "internal", "系统内转接"
    OUT = "out", "转出系统外"
    IN = "in", "从系统外转入"


class TransferStatus(models.TextChoices):
    """One set of states for all three kinds. For a transfer out of the system "pending" means the 回执 has not
    come back yet and "accepted" that it has; a transfer in from outside is recorded already accepted."""

    PENDING = "pending", "待接收"
    ACCEPTED = "accepted", "已接收"
    RETURNED = "returned", "已退回"
    CANCELLED = "cancelled", "已撤回"


class LostOutcome(models.TextChoices):
    FOUND = "found", "已恢复联系"
    REMOVED = "removed", "已除名"


class LostStage(models.TextChoices):
    """Where a 失联 case stands on a given day (第二十四条), derived, never stored."""

    LOST = "lost", "失联未满期限"
    SUSPEND_DUE = "suspend_due", "应停止党籍"
    SUSPENDED = "suspended", "已停止党籍"
    REMOVE_DUE = "remove_due", "可按自行脱党除名"
    CLOSED = "closed", "已结案"
