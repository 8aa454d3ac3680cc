"""Tags every request with an id and client address for the audit log, and sets no-store on pages."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dangjian.core.context import RequestInfo, current_request


def client_ip(request: HttpRequest) -> str:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")


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
