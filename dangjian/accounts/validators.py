"""Password policy beyond Django's built-ins (SEC-02): length cap, 3 of 4 classes, context words, history."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

_CLASSES = (re.compile(r"[A-Z]"), re.compile(r"[a-z]"), re.compile(r"[0-9]"), re.compile(r"[^A-Za-z0-9]"))
_CONTEXT_WORDS = ("dangjian", "gongchandang", "dangyuan", "zhibu", "password", "mima", "admin")


class MaximumLengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > 128:
            raise ValidationError("密码不能超过128个字符", code="password_too_long")

    def get_help_text(self) -> str:
        return "密码不超过128个字符。"


class ComplexityValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if sum(1 for c in _CLASSES if c.search(password)) < 3:
            raise ValidationError("密码须包含大写字母、小写字母、数字、符号中的至少三类", code="password_too_simple")

    def get_help_text(self) -> str:
        return "密码须包含大写字母、小写字母、数字、符号中的至少三类。"


class ContextWordsValidator:
    """Rejects passwords built from the username, the system's name or common Party-work words."""

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        words = list(_CONTEXT_WORDS)
        if user is not None and getattr(user, "username", ""):
            words.append(user.username.lower())
        for word in words:
            if len(word) >= 4 and word in lowered:
                raise ValidationError("密码不能包含用户名或系统相关的常见词", code="password_context")

    def get_help_text(self) -> str:
        return "密码不能包含用户名或系统相关的常见词。"


class PasswordHistoryValidator:
    keep = 5

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        if user.password and check_password(password, user.password):
            raise ValidationError("新密码不能与最近5次使用过的密码相同", code="password_reused")
        for old in user.password_history.all()[: self.keep - 1]:
            if check_password(password, old.password):
                raise ValidationError("新密码不能与最近5次使用过的密码相同", code="password_reused")

    def get_help_text(self) -> str:
        return "不能重复使用最近5次的密码。"

    def password_changed(self, password: str, user: Any = None) -> None:
        from django.utils import timezone

        from dangjian.accounts.models import PasswordHistory

        if user is None or user.pk is None:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = list(user.password_history.values_list("pk", flat=True)[self.keep :])
        if stale:
            PasswordHistory.objects.filter(pk__in=stale).delete()
        type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now(), must_change_password=False)
