"""Health endpoints (SEC-33): liveness without the database, readiness with it, only for the configured networks,
and never touching a session."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection

from dangjian.accounts.middleware import LAST_SEEN
from dangjian.core.health import HealthMiddleware


def test_liveness_answers_from_loopback_without_the_database(client):
    # No db fixture: any database access here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_readiness_reports_database_cache_disk_and_says_the_worker_is_not_configured(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: c["status"] for name, c in body["checks"].items()} == {
        "database": "ok", "cache": "ok", "disk": "ok", "worker": "not_configured",
    }
    assert body["checks"]["disk"]["free_mb"] >= body["checks"]["disk"]["min_mb"]


def test_readiness_fails_when_the_free_disk_is_below_the_minimum(client, db, settings):
    settings.DANGJIAN_HEALTH_MIN_FREE_MB = 10**12
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["checks"]["disk"]["status"] == "fail"


def test_readiness_fails_when_the_database_does_not_answer(client, db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("could not connect to server")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "status": "fail", "error": "OperationalError", "ms": response.json()["checks"]["database"]["ms"],
    }
    assert "could not connect" not in response.content.decode()


def test_readiness_fails_when_the_cache_loses_what_it_was_given(client, db):
    with mock.patch.object(cache, "get", return_value=None):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["status"] == "fail"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.parametrize(
    ("remote", "forwarded"),
    [("203.0.113.9", None), ("127.0.0.1", "203.0.113.9"), ("127.0.0.1", "10.0.0.5, 203.0.113.9"), ("bogus", None)],
)
def test_health_is_not_answered_outside_the_configured_networks(client, path, remote, forwarded):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    response = client.get(path, **extra)
    assert response.status_code == 404
    assert b"status" not in response.content


def test_a_configured_monitoring_network_is_answered(client, settings):
    settings.DANGJIAN_HEALTH_NETWORKS = ["10.20.0.0/16"]
    assert client.get("/healthz", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/healthz", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_a_malformed_network_setting_stops_start_up(settings):
    settings.DANGJIAN_HEALTH_NETWORKS = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured, match="DANGJIAN_HEALTH_NETWORKS"):
        HealthMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]


def test_health_serves_only_get_and_head(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


def test_probes_skip_the_https_redirect_and_never_write_a_session(client, world, settings):
    settings.SECURE_SSL_REDIRECT = True
    client.force_login(world.admin)
    session = client.session
    session[LAST_SEEN] = 1.0
    session.save()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert client.session[LAST_SEEN] == 1.0
    # The same client on a page is redirected to HTTPS: the exemption is the health paths only.
    assert client.get("/").status_code == 301
