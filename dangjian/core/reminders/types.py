"""The shapes the apps' reminder sources share with the reminder job: the kinds, one computed item and its group.

The apps' `reminders` modules import these (and `registry`) and nothing else of this app; this module imports
no app at all, so a source never pulls the job, its models or the other apps in with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models

from dangjian.lib.dates import cn_date


class ReminderKind(models.TextChoices):
    MEETING_DUE_SOON = "meeting_due_soon", "会议即将到期"
    MEETING_OVERDUE = "meeting_overdue", "会议逾期未开"
    TERM_DUE = "term_due", "换届即将到期"
    TERM_OVERDUE = "term_overdue", "换届逾期"
    VACANCY = "vacancy", "班子空缺"
    POLITICAL_BIRTHDAY = "political_birthday", "政治生日"
    DRAFT_UNSUBMITTED = "draft_unsubmitted", "草稿未提交"
    CONFIRMATION_DUE = "confirmation_due", "预备期满待转正"
    RECRUITMENT_DUE = "recruitment_due", "发展党员待办"
    RECRUITMENT_OVERDUE = "recruitment_overdue", "发展党员逾期"
    TRANSFER_PENDING = "transfer_pending", "组织关系待接收"
    FLOATING_TRANSFER = "floating_transfer", "流动党员应转接"
    LOST_CONTACT = "lost_contact", "失联党员"
    DUES_ARREARS = "dues_arrears", "党费欠缴"
    STUDY_SHORTFALL = "study_shortfall", "学时不足"
    APPRAISAL_FOLLOWUP = "appraisal_followup", "不合格党员整改"
    APPRAISAL_ROUND_DUE = "appraisal_round_due", "民主评议待开展"


def cn(day: dt.date) -> str:
    """2025年4月30日, as `cndate` shows it on the pages."""
    return cn_date(day)


@dataclass(frozen=True)
class Group:
    """What a user's reminders of one group turn into when there are too many: one summary row."""

    kind: str
    key: str
    title: str  # with "{n}" for the number of items
    url: str


@dataclass(frozen=True)
class Item:
    """One reminder as this run computes it, before it is handed to users."""

    kind: str
    key: str
    title: str
    url: str
    group: Group
    due_on: dt.date | None = None
    org_id: int | None = None


# (org path, item): the item goes to the users who may change that org (its subtree's managers).
Entry = tuple[str, Item]


@dataclass(frozen=True)
class Own:
    """An item for the user linked to one 党员 record, whatever their roles (their own 政治生日). It wins over a
    managers' item with the same key, so the member reads the personal wording."""

    member_id: int
    item: Item
