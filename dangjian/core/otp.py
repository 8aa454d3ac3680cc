"""Pages that reveal personal data (members and 入党申请人 alike): the second-factor links and the reveal page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_otp import user_has_device

from dangjian.core.forms import apply_action_errors


def otp_links(request: HttpRequest) -> dict[str, Any]:
    """Where to go to verify the session with a second factor (setup first if no device yet)."""
    has_device = user_has_device(request.user)
    return {
        "otp_url": (
            f"{reverse('accounts:otp_verify')}?next={request.path}" if has_device else reverse("accounts:otp_setup")
        ),
        "otp_has_device": has_device,
    }


def reveal_page(
    request: HttpRequest, form: BaseForm, *, needs_otp: bool, reveal: Callable[[str, str], str],
    labels: Mapping[str, str], result: tuple[str, dict[str, Any]], page: dict[str, Any],
    rename: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The 查看完整身份证号/手机号 page of a person. A valid POST, with no second factor still owed, calls
    `reveal(field, reason)` (the action audits it) and shows the value once on the `result` template; otherwise
    includes/reveal_page.html with `page` (person_name, list_url, list_label, detail_url), the form and its errors.
    """
    if request.method == "POST" and not needs_otp and form.is_valid():
        field = form.cleaned_data["field"]
        try:
            value = reveal(field, form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_action_errors(form, exc, rename)
        else:
            template, context = result
            return render(request, template, {**context, "label": labels[field], "value": value})
    return render(request, "includes/reveal_page.html", {
        "form": form, "reveal_needs_otp": needs_otp, **page, **otp_links(request),
    })
