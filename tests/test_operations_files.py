"""The shipped operations files (deploy/): the gunicorn config loads with sane values and is what scripts/start
uses, the nginx site matches what the app reads, the systemd units have what they need and run commands that
exist. `nginx -t` and `systemd-analyze` run where they are installed."""

from __future__ import annotations

import configparser
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
GUNICORN = DEPLOY / "gunicorn.conf.py"
SITE = (DEPLOY / "nginx" / "dangjian.conf").read_text()
PROXY = (DEPLOY / "nginx" / "dangjian_proxy.conf").read_text()
UNITS = sorted((DEPLOY / "systemd").iterdir())


def gunicorn_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, object]:
    for name in ("DANGJIAN_BIND", "DANGJIAN_GUNICORN_WORKERS", "DANGJIAN_GUNICORN_THREADS", "DANGJIAN_GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN))


def test_the_gunicorn_config_serves_the_app_on_loopback_with_sane_limits(monkeypatch):
    from gunicorn.config import KNOWN_SETTINGS

    config = gunicorn_config(monkeypatch)
    settings_names = {s.name for s in KNOWN_SETTINGS}
    unknown = {k for k in config if not k.startswith("_") and k != "os"} - settings_names
    assert unknown == set()  # a misspelt setting would be silently ignored by gunicorn
    assert config["wsgi_app"] == "dangjian.wsgi:application"
    assert config["bind"] == ["127.0.0.1:8000"]
    assert (config["workers"], config["threads"]) == (2, 4)
    assert 0 < config["graceful_timeout"] < config["timeout"] <= 120  # type: ignore[operator]
    assert config["max_requests"] and config["max_requests_jitter"]
    # No query strings in the access log: searches may carry personal data.
    assert "%(U)s" in config["access_log_format"]  # type: ignore[operator]
    assert not re.search(r"%\((r|q)\)s", config["access_log_format"])  # type: ignore[arg-type]


def test_the_gunicorn_sizes_come_from_the_environment_and_bad_values_stop_it(monkeypatch):
    config = gunicorn_config(monkeypatch, DANGJIAN_GUNICORN_WORKERS="5", DANGJIAN_BIND="127.0.0.1:9000")
    assert (config["workers"], config["bind"]) == (5, ["127.0.0.1:9000"])
    for bad in ("0", "four", "-1"):
        with pytest.raises(ValueError, match="DANGJIAN_GUNICORN_THREADS"):
            gunicorn_config(monkeypatch, DANGJIAN_GUNICORN_THREADS=bad)


def test_gunicorn_accepts_the_config_and_loads_the_app():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--check-config", "-c", str(GUNICORN)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr


def test_scripts_start_runs_gunicorn_with_the_shipped_config():
    start = (ROOT / "scripts" / "start").read_text()
    command = [line for line in start.splitlines() if "gunicorn" in line and not line.startswith("#")]
    assert command == ["exec .venv/bin/gunicorn -c deploy/gunicorn.conf.py"]


def test_the_nginx_site_proxies_to_gunicorn_with_the_headers_the_app_trusts(monkeypatch):
    bind = gunicorn_config(monkeypatch)["bind"][0]  # type: ignore[index]
    assert f"proxy_pass http://{bind};" in PROXY
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in PROXY
    # The app reads HTTP_X_FORWARDED_PROTO for HTTPS when secure cookies are on (SECURE_PROXY_SSL_HEADER).
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in PROXY
    assert "proxy_set_header Host $host;" in PROXY
    timeout = int(re.search(r"proxy_read_timeout (\d+)s;", PROXY)[1])  # type: ignore[index]
    assert timeout > gunicorn_config(monkeypatch)["timeout"]  # type: ignore[operator]


def test_the_nginx_site_limits_bodies_as_the_app_does_and_serves_static_files_from_static_root():
    limit = int(re.search(r"client_max_body_size (\d+)m;", SITE)[1]) * 1024 * 1024  # type: ignore[index]
    assert settings.DANGJIAN_IMPORT_MAX_BYTES <= limit <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert "location /static/ {" in SITE and "alias /srv/dangjian/var/static/;" in SITE
    assert Path(settings.STATIC_ROOT).name == "static" and Path(settings.STATIC_ROOT).parent.name == "var"
    assert settings.STATIC_URL == "/static/"


def test_the_nginx_site_is_tls_only_and_keeps_health_and_query_strings_private():
    assert "return 301 https://$host$request_uri;" in SITE
    assert re.search(r"ssl_protocols TLSv1\.2 TLSv1\.3;", SITE)
    assert "location = /healthz { return 404; }" in SITE and "location = /readyz { return 404; }" in SITE
    log_format = re.search(r"log_format dangjian (.*?);", SITE, re.S)[1]  # type: ignore[index]
    assert "$request_uri" not in log_format and "$args" not in log_format and "$request " not in log_format
    assert SITE.count("{") == SITE.count("}")


@pytest.mark.skipif(not shutil.which("nginx") or not shutil.which("openssl"), reason="nginx is not installed")
def test_nginx_accepts_the_site(tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"], check=True, capture_output=True)
    site = (SITE.replace("/etc/ssl/dangjian/fullchain.pem", str(tmp_path / "cert.pem"))
            .replace("/etc/ssl/dangjian/privkey.pem", str(tmp_path / "key.pem"))
            .replace("/etc/nginx/dangjian_proxy.conf", str(DEPLOY / "nginx" / "dangjian_proxy.conf"))
            .replace("/var/log/nginx/", f"{tmp_path}/"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log stderr; events {{}} http {{ include {tmp_path}/site.conf; }}"
    )
    result = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


def test_each_service_runs_as_the_service_user_from_the_install_with_its_environment():
    services = [p for p in UNITS if p.suffix == ".service"]
    assert {p.name for p in services} == {"dangjian.service", "dangjian-reminders.service", "dangjian-backup.service"}
    for path in services:
        service = unit(path)["Service"]
        assert unit(path)["Unit"]["Description"]
        assert service["User"] == "dangjian" and service["WorkingDirectory"] == "/srv/dangjian"
        assert service["EnvironmentFile"] == "/etc/dangjian/env"
        assert service["UMask"] == "0077"
        assert service["ExecStart"].startswith("/srv/dangjian/.venv/bin/")
    web = unit(DEPLOY / "systemd" / "dangjian.service")
    assert web["Service"]["ExecStart"] == "/srv/dangjian/.venv/bin/gunicorn -c deploy/gunicorn.conf.py"
    assert web["Service"]["Restart"] == "on-failure"
    assert web["Install"]["WantedBy"] == "multi-user.target"


def test_each_timer_starts_a_oneshot_service_running_an_existing_dangjian_command():
    timers = [p for p in UNITS if p.suffix == ".timer"]
    assert {p.name for p in timers} == {"dangjian-reminders.timer", "dangjian-backup.timer"}
    for path in timers:
        timer = unit(path)
        assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == "true"
        assert timer["Install"]["WantedBy"] == "timers.target"
        service = unit(path.parent / timer["Timer"]["Unit"])["Service"]
        assert timer["Timer"]["Unit"] == path.with_suffix(".service").name
        assert service["Type"] == "oneshot"
        program, command = service["ExecStart"].split()[:2]
        assert program == "/srv/dangjian/.venv/bin/dangjian" and command in get_commands()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units_and_their_calendars():
    result = subprocess.run(["systemd-analyze", "verify", *map(str, UNITS)], capture_output=True, text=True,
                            check=False)
    # Only the programs under /srv/dangjian are missing on a build machine; anything else is a real error.
    problems = [line for line in result.stderr.splitlines() if line and "is not executable" not in line]
    assert problems == []
    for path in UNITS:
        if path.suffix == ".timer":
            calendar = unit(path)["Timer"]["OnCalendar"]
            assert subprocess.run(["systemd-analyze", "calendar", calendar], capture_output=True,
                                  check=False).returncode == 0
