"""Second-factor links for pages that reveal personal data (members and 入党申请人 alike)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django_otp import user_has_device


def otp_links(request: HttpRequest) -> dict[str, Any]:
    """Where to go to verify the session with a second factor (setup first if no device yet)."""
    has_device = user_has_device(request.user)
    return {
        "otp_url": (
            f"{reverse('accounts:otp_verify')}?next={request.path}" if has_device else reverse("accounts:otp_setup")
        ),
        "otp_has_device": has_device,
    }
