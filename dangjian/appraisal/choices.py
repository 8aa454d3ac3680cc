"""Value lists of 民主评议党员: the four grades, the state of a round, and the 组织处置 of a 不合格党员."""

from __future__ import annotations

from django.db import models


class Rating(models.TextChoices):
    """评定等次 (共产党员网《党支部生活·民主评议》: 优秀、合格、基本合格、不合格)."""

    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    CONFIRMED = "confirmed", "已确认"


class FollowUpKind(models.TextChoices):
    """组织处置 of a 不合格党员 (§7.3: 限期改正 / 劝退 / 除名)."""

    CORRECTION = "correction", "限期改正"
    PERSUADE = "persuade", "劝退"
    REMOVE = "remove", "除名"


class FollowUpOutcome(models.TextChoices):
    """How a 处置 ended. Empty while it is open (a 限期改正 before its result, a 劝退 not yet answered)."""

    CORRECTED = "corrected", "已改正"
    NOT_CORRECTED = "not_corrected", "逾期未改正"
    LEFT = "left", "接受劝退，已出党"
    REFUSED = "refused", "劝而不退"
    REMOVED = "removed", "已除名"


# The outcomes each kind of 处置 may end with.
OUTCOMES_BY_KIND: dict[str, tuple[str, ...]] = {
    FollowUpKind.CORRECTION: (FollowUpOutcome.CORRECTED, FollowUpOutcome.NOT_CORRECTED),
    FollowUpKind.PERSUADE: (FollowUpOutcome.LEFT, FollowUpOutcome.REFUSED),
    FollowUpKind.REMOVE: (FollowUpOutcome.REMOVED,),
}
