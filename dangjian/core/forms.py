"""Form helpers every app's views share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse

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


def submit_action(
    request: HttpRequest, form: BaseForm, write: Callable[[dict[str, Any]], T], *,
    message: str | Callable[[T], str] | None, then: Callable[[T], HttpResponse],
    rename: Mapping[str, str] | None = None,
) -> HttpResponse | None:
    """The write half of a form page, written once: on a valid POST run `write(cleaned_data)` (one audited action).

    A refusal goes onto the form (`apply_action_errors`, with `rename`) and None comes back, as for a GET or an
    invalid form, so the view renders the page again; on success the message (if any: a page that shows the
    result itself has none) is flashed and `then(result)` (usually a redirect) returned.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = write(form.cleaned_data)
    except ValidationError as exc:
        apply_action_errors(form, exc, rename)
        return None
    if message is not None:
        flash.success(request, message(result) if callable(message) else message)
    return then(result)
