"""Health endpoints (SEC-33): `/healthz` says the process answers, `/readyz` that it can serve (database, cache,
free disk). Answered by a middleware placed first, so probes never reach the session, login, CSRF or HTTPS
redirect machinery and never write a session; only the configured networks get an answer, everyone else a 404
(not exposed publicly, ASVS 13.4.5). JSON without personal data.
"""

from __future__ import annotations

import ipaddress
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseNotFound, JsonResponse

LIVENESS, READINESS = "/healthz", "/readyz"
Networks = list[ipaddress.IPv4Network | ipaddress.IPv6Network]


def networks() -> Networks:
    try:
        return [ipaddress.ip_network(n.strip(), strict=False) for n in settings.DANGJIAN_HEALTH_NETWORKS]
    except ValueError as exc:
        raise ImproperlyConfigured(f"DANGJIAN_HEALTH_NETWORKS: {exc}") from exc


def _inside(address: str, allowed: Networks) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in allowed)


def allowed(request: HttpRequest, allowed_networks: Networks) -> bool:
    """The peer and every address a proxy names for the client must be inside the allowed networks.

    Behind nginx every request comes from 127.0.0.1; its X-Forwarded-For then names the real client, so a
    probe relayed from outside is refused whatever the proxy count. A forged header can only refuse more.
    """
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    return all(_inside(a, allowed_networks) for a in [request.META.get("REMOTE_ADDR", ""), *forwarded])


def _timed(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    start = time.monotonic()
    try:
        result = check()
    except Exception as exc:  # a failed dependency is the answer, not a crash
        result = {"status": "fail", "error": type(exc).__name__}
    return {**result, "ms": round((time.monotonic() - start) * 1000, 1)}


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


def _cache() -> dict[str, Any]:
    token = uuid.uuid4().hex
    cache.set("dangjian:readyz", token, 10)
    return {"status": "ok" if cache.get("dangjian:readyz") == token else "fail"}


def _disk() -> dict[str, Any]:
    free_mb = shutil.disk_usage(Path(settings.VAR_DIR)).free // (1024 * 1024)
    minimum = settings.DANGJIAN_HEALTH_MIN_FREE_MB
    return {"status": "ok" if free_mb >= minimum else "fail", "free_mb": free_mb, "min_mb": minimum}


def readiness() -> tuple[bool, dict[str, Any]]:
    checks = {"database": _timed(_database), "cache": _timed(_cache), "disk": _timed(_disk)}
    # There is no background job worker yet, so there is no heartbeat to read; say so rather than guess.
    checks["worker"] = {"status": "not_configured", "detail": "尚未部署后台任务进程，无心跳可查"}
    ready = all(c["status"] in ("ok", "not_configured") for c in checks.values())
    return ready, checks


class HealthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.networks = networks()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path not in (LIVENESS, READINESS):
            return self.get_response(request)
        if not allowed(request, self.networks):
            return HttpResponseNotFound()
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if request.path == LIVENESS:
            response = JsonResponse({"status": "ok"})
        else:
            ready, checks = readiness()
            response = JsonResponse({"status": "ok" if ready else "fail", "checks": checks},
                                    status=200 if ready else 503)
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
