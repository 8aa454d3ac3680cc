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
        username = str(getattr(user, "username", None) or "")
        if username:
            words.append(username.lower())
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
        # The history holds the current hash first (password_changed stores every new one), so the last
        # `keep` entries are the last five passwords; the current hash is checked too for accounts whose
        # history predates this validator.
        hashes = [user.password] if user.password else []
        hashes += [old.password for old in user.password_history.all()[: self.keep]]
        for encoded in hashes:
            if check_password(password, encoded):
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
        # Only the age is reset here. Whether the user must change it again (a new account, an admin reset)
        # is decided by the caller: clearing the flag here undid must_change_password on every new account.
        now = timezone.now()
        type(user).objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now


# Django's own validators speak Chinese only in part (its zh_Hans catalogue lacks the minimum-length message),
# so every password check goes through this function, which words their refusals in Chinese by error code.
_CHINESE = {
    "password_too_short": "密码太短，至少需要{min_length}个字符",  # nosec B105 # an error-message key or field name, not a password
    "password_too_similar": "密码与{verbose_name}太相似",  # nosec B105 # an error-message key or field name, not a password
    "password_too_common": "该密码过于常见，容易被猜中",  # nosec B105 # an error-message key or field name, not a password
    "password_entirely_numeric": "密码不能全是数字",  # nosec B105 # an error-message key or field name, not a password
}


def validate_password(password: str, user: Any = None) -> None:
    """The configured password policy (AUTH_PASSWORD_VALIDATORS), with every message in Chinese."""
    from django.contrib.auth import password_validation

    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors = []
        for error in exc.error_list:
            template = _CHINESE.get(error.code or "")
            if template is None:
                errors.append(error)
            else:
                params = {k: str(v) for k, v in (error.params or {}).items()}
                errors.append(ValidationError(template.format_map(_Default(params)), code=error.code))
        raise ValidationError(errors) from exc


class _Default(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""
