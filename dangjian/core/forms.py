"""Form helpers every app's views share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

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


def _attempt(
    request: HttpRequest, form: BaseForm, action: Callable[[], T], rename: Mapping[str, str] | None
) -> tuple[bool, T | None]:
    """(taken, what the action returned): not taken for a GET, an invalid form, or the action's refusal, which goes
    on the form (apply_action_errors) for the page to show."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        return True, action()
    except ValidationError as exc:
        apply_action_errors(form, exc, rename)
        return False, None


def run_posted(
    request: HttpRequest, form: BaseForm, action: Callable[[], T], rename: Mapping[str, str] | None = None
) -> T | None:
    """What `action` returned when the request posted `form` valid and the action took it; None otherwise — a GET,
    invalid input, or the action's refusal, which goes on the form for the page to show.

    The action returns what it wrote (actions always do), so None can only mean "not taken".
    """
    return _attempt(request, form, action, rename)[1]


def submit_action(
    request: HttpRequest, form: BaseForm, write: Callable[[dict[str, Any]], T], *,
    message: str | Callable[[T], str] | None, then: Callable[[T], HttpResponse],
    rename: Mapping[str, str] | None = None,
) -> HttpResponse | None:
    """The write half of a form page, written once: on a valid POST run `write(cleaned_data)` (one audited action);
    None for a GET, an invalid form or a refusal (on the form), so the view renders the page again. On success the message (if any: a page that shows the result itself has none) is flashed and
    `then(result)` (usually a redirect) returned."""
    taken, result = _attempt(request, form, lambda: write(form.cleaned_data), rename)
    if not taken:
        return None
    done = cast(T, result)
    if message is not None:
        flash.success(request, message(done) if callable(message) else message)
    return then(done)
