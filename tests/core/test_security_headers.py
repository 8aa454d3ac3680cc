"""Response headers and markup that keep the browser side safe (CSP without inline script, no framing, no cache)."""

from __future__ import annotations

import re

import pytest
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\s(on[a-z]+|hx-on[^=\s]*)\s*=", re.IGNORECASE)


def directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.fixture
def pages(world, login):  # type: ignore[no-untyped-def]
    """(name, response) for the login page and each 三员 page, plus a business home page."""
    result = [("login", Client().get(reverse("accounts:login")))]
    result.append(("home", login(world.admin).get(reverse("core:home"))))
    for persona, name in (("sysadmin", "accounts:users"), ("sysadmin", "accounts:user_create"),
                          ("secadmin", "accounts:roles"), ("secadmin", "accounts:role_grant"),
                          ("auditor", "core:audit")):
        client = Client()
        client.force_login(getattr(world, persona))
        from dangjian.accounts.otp_device import SealedTOTPDevice

        device, _ = SealedTOTPDevice.objects.get_or_create(user=getattr(world, persona), name="测试", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        result.append((name, client.get(reverse(name))))
    return result


def test_every_page_renders(pages):
    for name, response in pages:
        assert response.status_code == 200, name


def test_pages_carry_a_strict_content_security_policy(pages):
    for name, response in pages:
        policy = directives(response["Content-Security-Policy"])
        assert "'self'" in policy["script-src"], name
        assert "'unsafe-inline'" not in policy["script-src"], name
        assert "'unsafe-eval'" not in policy["script-src"], name
        assert policy["frame-ancestors"] == ["'none'"], name
        assert policy["object-src"] == ["'none'"], name


def test_the_policy_carries_the_nonce_a_page_uses():
    """A template that asks for request.csp_nonce gets it into script-src (django-csp adds it lazily)."""
    request = RequestFactory().get("/")
    middleware = CSPMiddleware(lambda r: HttpResponse())
    middleware.process_request(request)
    nonce = str(request.csp_nonce)  # type: ignore[attr-defined]
    response = middleware.process_response(request, HttpResponse("<script nonce=x></script>"))
    assert f"'nonce-{nonce}'" in directives(response["Content-Security-Policy"])["script-src"]


def test_pages_refuse_framing_sniffing_referrers_and_caching(pages):
    for name, response in pages:
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert "no-store" in response["Cache-Control"], name


def test_pages_have_no_inline_script_or_event_handlers(pages):
    for name, response in pages:
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), name
        assert not INLINE_HANDLER.search(html), name
        assert "javascript:" not in html, name


def test_cookies_are_http_only_and_same_site(world):
    from tests.world import PASSWORD

    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    session_cookie = next(c for c in response.cookies.values() if "session" in c.key)
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
