"""Tags every request with an id and client address for the audit log, and sets no-store on pages."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from dangjian.core.context import RequestInfo, current_request


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind DANGJIAN_PROXY_COUNT trusted proxies the address the outermost
    of them appended to X-Forwarded-For (what a client writes there itself sits further left and is never read).
    Used for the audit log and, as AXES_CLIENT_IP_CALLABLE, for the sign-in limits."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    count = settings.DANGJIAN_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        request.id = request_id  # type: ignore[attr-defined]
        token = current_request.set(
            RequestInfo(
                request_id=request_id,
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
            )
        )
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request_id
        if not request.path.startswith("/static/"):
            # Pages may carry personal data: never cache them (SEC-22).
            response.setdefault("Cache-Control", "no-store")
        return response


# The methods the app serves anywhere; TRACE, CONNECT and anything unknown are refused before any view runs
# (issue 11 finding 8: TRACE / answered 200 with the page).
SERVED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class ServedMethodsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SERVED_METHODS:
            response = HttpResponseNotAllowed(SERVED_METHODS)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
