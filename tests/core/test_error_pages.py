"""Denials and failures are styled Chinese pages with a way back (issue 9, defect 7), with their status codes kept:
404 and 403 inside the site's frame, 500, 400 and a CSRF failure without a request or a database."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory
from django.urls import include, path, reverse
from django.views.csrf import csrf_failure
from django.views.defaults import server_error

from tests.world import PASSWORD


def _refuse(request):  # type: ignore[no-untyped-def]
    raise PermissionDenied


def _bad(request):  # type: ignore[no-untyped-def]
    raise SuspiciousOperation("bad")


def _boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("boom")


urlpatterns = [path("refuse/", _refuse), path("bad/", _bad), path("boom/", _boom), path("", include("dangjian.urls"))]


def _styled(html: str, heading: str) -> None:
    assert heading in html
    assert 'href="/"' in html and "返回首页" in html and "返回上一页" in html
    assert "tabler.min.css" in html
    for english in ("Not Found", "Forbidden", "Server Error", "Bad Request", "The requested resource"):
        assert english not in html


@pytest.mark.parametrize(("persona", "url"), [
    ("member_user", "/orglife/compliance/"), ("member_user", "/rules/"), ("admin", "/audit/"),
    ("admin", "/no-such-page/"),
])
def test_a_denied_or_missing_page_is_a_styled_chinese_404_with_the_menu(world, login, persona, url):
    response = login(getattr(world, persona)).get(url)
    assert response.status_code == 404
    html = response.content.decode()
    _styled(html, "页面不存在")
    assert reverse("accounts:logout") in html  # the signed-in user keeps the site's menu


@pytest.mark.urls("tests.core.test_error_pages")
def test_a_refusal_is_a_styled_chinese_403(world, login):
    response = login(world.member_user).get("/refuse/")
    assert response.status_code == 403
    _styled(response.content.decode(), "没有权限")


@pytest.mark.urls("tests.core.test_error_pages")
def test_bad_input_and_server_errors_are_styled_chinese_pages(world, login):
    client = login(world.admin)
    bad = client.get("/bad/")
    assert bad.status_code == 400
    _styled(bad.content.decode(), "请求有误")
    client.raise_request_exception = False
    boom = client.get("/boom/")
    assert boom.status_code == 500
    _styled(boom.content.decode(), "系统出错了")


def test_the_500_page_renders_without_a_database_or_request_context():
    """No `db` fixture: touching the database here fails the test."""
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    _styled(response.content.decode(), "系统出错了")


def test_the_500_page_renders_even_when_the_static_manifest_is_missing(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    _styled(response.content.decode(), "系统出错了")


def test_a_csrf_failure_is_a_styled_chinese_403(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    assert response.status_code == 403
    _styled(response.content.decode(), "页面已过期")
    direct = csrf_failure(RequestFactory().post("/"), reason="CSRF cookie not set.")
    assert direct.status_code == 403 and "页面已过期" in direct.content.decode()
