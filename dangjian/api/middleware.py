"""Errors under /api/ answer JSON like the rest of the API (issue 11 finding 7): a path the router does not know,
an id that is not a number, a method a route does not serve or a server error would otherwise come back as the
site's HTML page, which a program cannot read and the OpenAPI document does not describe."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found

HTML_DOCS = "/api/v1/docs/"

MESSAGES = {
    400: "请求有误",
    403: "无权执行该操作",
    404: "未找到该记录",
    405: "不支持该请求方法",
    500: "服务器内部错误，请稍后重试；如仍出现请联系管理员",
}


class JsonApiErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/v1/") or response.status_code < 400:
            return response
        if request.path == HTML_DOCS and response.status_code == 404:
            # The docs page is read in a browser: a denial there is the site's own 404 page.
            return page_not_found(request, Http404())
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status = response.status_code
        text = MESSAGES.get(status) or HTTPStatus(status).phrase
        replaced = JsonResponse({"detail": text}, status=status, json_dumps_params={"ensure_ascii": False})
        for header in ("Allow", "WWW-Authenticate", "Retry-After", "X-Request-ID"):
            if header in response:
                replaced[header] = response[header]
        return replaced

