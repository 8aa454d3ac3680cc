"""One collector for an action's field errors, so every action refuses bad input in the same shape."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def too_long(label: str, limit: int, length: int) -> str:
    """The one message for a text over its limit, on forms, in actions and in the API alike."""
    return f"{label}不能超过{limit}个字（现有{length}个字）"


class Errors(dict[str, list[str]]):
    """Messages per field, gathered while an action checks all of its input before it writes anything.

    It is a plain `{field: [messages]}` dict underneath, so `"field" in errors` and the action's own helpers
    keep working; `raise_if_any()` refuses with `ValidationError({field: [messages]})` as actions always have,
    which views put on their forms (`core.forms.apply_action_errors`) and the API returns field by field.
    """

    def add(self, field: str, message: str) -> None:
        """Record one message for a field (NON_FIELD_ERRORS for the input as a whole)."""
        self.setdefault(field, []).append(message)

    def count(self, value: Any, field: str, label: str = "") -> int | None:
        """A non-negative whole number (a count of people or months) from a form, the API or code; None when
        left empty. A value that is not one records an error, prefixed by `label` where one field holds several."""
        if value in (None, ""):
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.add(field, f"{label}请填写整数")
            return None
        if number < 0:
            self.add(field, f"{label}不能为负数")
            return None
        return number

    def length(self, value: Any, field: str, label: str, limit: int) -> None:
        """Record an error when the text is longer than `limit` characters (SEC-14: every text field has a
        limit), naming the field and saying how long it is."""
        if value is not None and len(str(value)) > limit:
            self.add(field, too_long(label, limit, len(str(value))))

    def raise_if_any(self) -> None:
        """Refuse the whole input if anything was recorded; do nothing otherwise."""
        if self:
            raise ValidationError(dict(self))
