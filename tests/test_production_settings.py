"""The production profile (issue 11 finding 6): DANGJIAN_PROFILE=production turns secure transport on by default,
refuses DEBUG, a missing or wildcard host list, secure cookies turned off and a remote database without verified
TLS, and passes `check --deploy` with only the two HSTS choices that belong to the whole domain. The local
profile (the README's scripts/start) keeps plain HTTP."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dangjian.settings import production_problems

ROOT = Path(__file__).resolve().parent.parent
FIT = {"DANGJIAN_ALLOWED_HOSTS": "dj.example.gov.cn"}


def run_django(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m dangjian ARGS` in a clean process with only the given DANGJIAN_*/DATABASE_URL variables."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DANGJIAN_", "DATABASE_URL", "DJANGO_"))}
    base.update(PYTHONPATH=str(ROOT), DANGJIAN_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "dangjian", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def test_a_fit_production_environment_has_no_problems():
    assert production_problems(FIT) == []
    assert production_problems({**FIT, "DANGJIAN_DEBUG": "False", "DANGJIAN_SECURE_COOKIES": "True"}) == []


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DANGJIAN_DEBUG": "True"}, "DANGJIAN_DEBUG"),
        ({"DANGJIAN_ALLOWED_HOSTS": ""}, "DANGJIAN_ALLOWED_HOSTS"),
        ({"DANGJIAN_ALLOWED_HOSTS": "dj.example.gov.cn,*"}, "通配符"),
        ({"DANGJIAN_SECURE_COOKIES": "False"}, "DANGJIAN_SECURE_COOKIES"),
        ({"DANGJIAN_SECURE_COOKIES": ""}, "DANGJIAN_SECURE_COOKIES"),
        ({"DATABASE_URL": "postgres://dangjian:pw@db.example.gov.cn:5432/dangjian"}, "sslmode=verify-full"),
        ({"DATABASE_URL": "postgres://dangjian:pw@10.0.0.5/dangjian?sslmode=require"}, "sslmode=verify-full"),
    ],
)
def test_each_insecure_setting_is_named(env, named):
    problems = production_problems({**FIT, **env})
    assert len(problems) == 1 and named in problems[0]


def test_a_database_on_this_host_needs_no_tls_and_a_remote_one_with_verify_full_is_fit():
    for url in (
        "postgres://dangjian@127.0.0.1:5432/dangjian",
        "postgres://dangjian@localhost/dangjian",
        "postgres:///dangjian",
        "postgres://dangjian@%2Fvar%2Frun%2Fpostgresql/dangjian",
        "postgres://dangjian:pw@db.example.gov.cn/dangjian?sslmode=verify-full&sslrootcert=/etc/dangjian/pg-ca.crt",
        "sqlite:////srv/dangjian/var/dangjian.sqlite3",
    ):
        assert production_problems({**FIT, "DATABASE_URL": url}) == [], url


def test_the_production_profile_refuses_to_start_with_debug_on(tmp_path):
    result = run_django(tmp_path, "check", DANGJIAN_PROFILE="production", DANGJIAN_DEBUG="True", **FIT)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DANGJIAN_DEBUG" in result.stderr


def test_check_deploy_under_the_production_profile_leaves_only_the_domain_wide_hsts_choices(tmp_path):
    result = run_django(
        tmp_path,
        "check",
        "--deploy",
        "--tag",
        "security",
        "--fail-level",
        "ERROR",
        DANGJIAN_PROFILE="production",
        **FIT,
    )
    assert result.returncode == 0, result.stderr
    warned = sorted(set(re.findall(r"\(security\.(W\d+)\)", result.stderr + result.stdout)))
    assert warned == ["W005", "W021"]


SHOW = (
    "from django.conf import settings as s;"
    "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
    " s.SECURE_SSL_REDIRECT, s.DANGJIAN_PROXY_COUNT, s.ALLOWED_HOSTS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
    " s.SECURE_HSTS_PRELOAD, len(s.SECRET_KEY), s.SECRET_KEY_FALLBACKS)"
)


def test_the_production_profile_turns_on_secure_cookies_hsts_one_proxy_and_private_key_files(tmp_path):
    production = run_django(
        tmp_path / "prod",
        "shell",
        "--no-imports",
        "-c",
        SHOW,
        DANGJIAN_PROFILE="production",
        DANGJIAN_HSTS_SUBDOMAINS="True",
        DANGJIAN_SECRET_KEY_FALLBACKS="old-one,older-one",
        **FIT,
    )
    assert production.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "31536000",
        "True",
        "1",
        "['dj.example.gov.cn']",
        "True",
        "False",
        "64",
        "['old-one',",
        "'older-one']",
    ], production.stderr
    keys = tmp_path / "prod" / "keys"
    assert oct(keys.stat().st_mode & 0o777) == "0o700"
    for name in ("secret_key", "field_key", "index_key", "audit_key", "backup_key"):
        assert oct((keys / name).stat().st_mode & 0o777) == "0o600", name


def test_the_local_profile_keeps_plain_http_for_the_demo(tmp_path):
    local = run_django(tmp_path, "shell", "--no-imports", "-c", SHOW.replace(" s.SECURE_HSTS_INCLUDE_SUBDOMAINS,", ""))
    assert local.stdout.split()[:7] == ["sessionid", "csrftoken", "False", "0", "False", "0", "['127.0.0.1',"]


def test_an_unknown_profile_is_refused(tmp_path):
    result = run_django(tmp_path, "check", DANGJIAN_PROFILE="prod")
    assert result.returncode != 0 and "DANGJIAN_PROFILE" in result.stderr
