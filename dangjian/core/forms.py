"""Form helpers every app's views share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest

T = TypeVar("T")


def apply_action_errors(form: BaseForm, exc: ValidationError, rename: Mapping[str, str] | None = None) -> None:
    """Put an action's refusal on the form that fed it, so the page shows each message where it belongs.

    Actions raise `ValidationError({field: [messages]})` in their own field names (or a plain message list).
    A message goes on the form field of that name — after `rename`, for action fields shown under another
    name on the page — and on the form itself when the form has no such field or the error has no field.
    """
    rename = rename or {}
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, messages in exc.message_dict.items():
        target = rename.get(field, field)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


def run_posted(
    request: HttpRequest, form: BaseForm, action: Callable[[], T], rename: Mapping[str, str] | None = None
) -> T | None:
    """What `action` returned when the request posted `form` valid and the action took it; None otherwise — a GET,
    invalid input, or the action's refusal, which goes on the form (apply_action_errors) for the page to show.

    The action returns what it wrote (actions always do), so None can only mean "not taken".
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action()
    except ValidationError as exc:
        apply_action_errors(form, exc, rename)
        return None
