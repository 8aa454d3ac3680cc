"""A second factor before any export for those who can export personal data in bulk (SEC-05, issue 11 finding 6).

The 党务管理员, 支部书记, 组织委员 and 上级查看 (roles.BULK_EXPORT_ROLES) download rosters and lists of people for
a whole subtree. Before any export their session must be verified with the 动态口令: without a bound device they
are sent to bind one, with one to verify it, and come back to where they were. Exports are recognised by their
view (EXPORT_VIEWS) or by the list pages' export switches (`?export=…`, `?format=xlsx|docx`), in one place rather
than in each app's views. The API (tokens, no interactive second factor) is not concerned here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlparse

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from dangjian.accounts.roles import BULK_EXPORT_ROLES

# Views that only export (everything else exports through a query switch on its list page).
EXPORT_VIEWS = frozenset({
    "members:export", "recruitment:export", "orgs:leadership_board_export", "orglife:ledger",
})
_FILE_FORMATS = frozenset({"xlsx", "docx"})


def is_export(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is not None and match.view_name in EXPORT_VIEWS:
        return True
    return bool(request.GET.get("export")) or request.GET.get("format") in _FILE_FORMATS


def needs_second_factor(user: Any) -> bool:
    """A signed-in user with a bulk-export role whose session is not verified with the second factor."""
    if not user.is_authenticated or user.is_verified():
        return False
    return bool(user.has_role(*BULK_EXPORT_ROLES))


def _back_to(request: HttpRequest) -> str:
    """Where to return after verifying: the export itself for a link, the page that posted it for a form."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        parsed = urlparse(referer)
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return reverse("core:home")


class ExportSecondFactorMiddleware:
    """Sends an export by a bulk-export role without a verified second factor to bind or verify one first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if request.path.startswith("/api/") or not is_export(request) or not needs_second_factor(request.user):
            return None
        from django_otp import user_has_device

        if user_has_device(request.user):
            messages.warning(request, "导出个人信息前须验证动态口令，验证后请重新导出")
            return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': _back_to(request)})}")
        messages.warning(request, "您的角色可批量导出个人信息，导出前须先绑定动态口令（双因素认证）")
        return redirect("accounts:otp_setup")
