"""Kinds of organizational life and the states of a record and of attendance."""

from __future__ import annotations

from django.db import models


class MeetingKind(models.TextChoices):
    BRANCH_ASSEMBLY = "branch_assembly", "支部党员大会"
    COMMITTEE_MEETING = "committee_meeting", "支部委员会会议"
    GROUP_MEETING = "group_meeting", "党小组会"
    PARTY_LECTURE = "party_lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    LIFE_MEETING = "life_meeting", "组织生活会"
    MEMBER_REVIEW = "member_review", "民主评议党员"
    DEMOCRATIC_LIFE = "democratic_life", "民主生活会"
    HEART_TALK = "heart_talk", "谈心谈话"


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺席"


class GuestRole(models.TextChoices):
    SUPERIOR = "superior", "上级列席"
    INSPECTOR = "inspector", "巡听旁听"
    OTHER = "other", "其他列席"
