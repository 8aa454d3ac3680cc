"""Widgets the pages share: the date input that browsers accept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """<input type=date>, whose value must be ISO (2026-12-07) or the browser shows it empty. A date typed
    another accepted way (2026/12/07 in a link, say) and sent back to the page is shown as ISO too."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str) and value:
            try:
                value = forms.DateField().to_python(value)
            except ValidationError:
                return value
        return super().format_value(value)
