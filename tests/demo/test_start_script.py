"""`scripts/start` (issue 9, defect 12): another host and port by option or environment, a clear message for bad
ones, and on a database already loaded it serves there — and says how to get the demo password again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START = ROOT / "scripts" / "start"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(("args", "message"), [
    (["--port", "abc"], "端口应为 1—65535 的整数"),
    (["--port", "70000"], "端口应为 1—65535 的整数"),
    (["--host", "a b"], "监听地址只能是 IP 地址或主机名"),
    (["--bogus"], "不认识的参数"),
    (["--port"], "--port 后面要写端口"),
])
def test_bad_options_are_refused_before_anything_is_set_up(args, message):
    done = subprocess.run([str(START), *args], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert message in done.stderr


def test_help_names_the_options_and_the_password_command():
    done = subprocess.run([str(START), "--help"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0
    assert "--host" in done.stdout and "--port" in done.stdout and "DANGJIAN_PORT" in done.stdout
    assert "dangjian demo_password" in done.stdout


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A small demo database of its own (the test settings: quick hashing, static files from the finders)."""
    var = tmp_path_factory.mktemp("start-var")
    env = {**os.environ, "DANGJIAN_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "dangjian.settings_test",
           "DATABASE_URL": f"sqlite:///{var}/start.sqlite3"}
    for name in ("DANGJIAN_BIND", "DANGJIAN_HOST", "DANGJIAN_PORT"):
        env.pop(name, None)
    for args in (["migrate", "--noinput", "-v", "0"], ["demo", "--orgs", "20", "--members", "60"]):
        subprocess.run([sys.executable, "-m", "dangjian", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


@pytest.mark.parametrize("how", ["options", "environment"])
def test_it_serves_on_the_port_it_is_given(loaded, how):
    env = dict(loaded)
    port = _free_port()
    if how == "options":
        args = ["--no-setup", "--host", "127.0.0.1", "--port", str(port)]
    else:
        args = ["--no-setup"]
        env.update(DANGJIAN_HOST="127.0.0.1", DANGJIAN_PORT=str(port))
    server = subprocess.Popen([str(START), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        for _ in range(150):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("scripts/start did not serve on the given port")
        assert page.status == 200 and "账号登录" in page.read().decode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/accounts/login/" in output
    assert "dangjian demo_password" in output
