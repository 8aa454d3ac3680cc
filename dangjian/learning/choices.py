"""Kinds of study session (学习培训)."""

from __future__ import annotations

from django.db import models


class SessionKind(models.TextChoices):
    FIRST_TOPIC = "first_topic", "第一议题"
    CENTER_GROUP = "center_group", "理论学习中心组学习"
    BRANCH_STUDY = "branch_study", "党支部集中学习"
    YOUTH_GROUP = "youth_group", "青年理论学习小组"
    READING_CLASS = "reading_class", "读书班"
    SPECIAL_TRAINING = "special_training", "专题培训"
    PARTY_SCHOOL = "party_school", "党校培训"
    ONLINE = "online", "网络培训"


# Kinds that a sitting of organizational life can be (a 党课, 主题党日 or 集中学习 recorded in orglife): only these
# are offered when a session is created from a meeting record.
MEETING_SESSION_KINDS = (
    SessionKind.BRANCH_STUDY, SessionKind.FIRST_TOPIC, SessionKind.CENTER_GROUP, SessionKind.YOUTH_GROUP,
)
