"""The locks (SEC-15): every pinned release carries the sha256 of its files, so `pip install --require-hashes`
(scripts/setup, the offline bundle) refuses a substituted file, and the development lock pins the runtime
packages at the same versions as the runtime lock."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("requirements.lock", "requirements-build.lock", "requirements-dev.lock")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", re.M)


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    found = {name.lower().replace("_", "-"): version for name, version, _ in PIN.findall(text)}
    bare = [line for line in text.splitlines() if line and not line.startswith(("#", " "))]
    assert len(found) == len(bare), f"{lock}: {len(bare) - len(found)} pins without a hash"
    return found


def test_every_pin_in_every_lock_carries_a_hash():
    for lock in LOCKS:
        assert pins(lock), lock
    check = subprocess.run(
        [sys.executable, "scripts/hash-locks", "--check", *LOCKS], cwd=ROOT, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


def test_a_lock_line_without_a_hash_is_found(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("# header\nDjango==5.2.19\n", encoding="utf-8")
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "hash-locks"), "--check", str(lock)], capture_output=True, text=True
    )
    assert check.returncode == 1 and "1 of 1 pins without --hash" in check.stderr


def test_the_development_lock_pins_the_runtime_packages_at_the_same_versions():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime
    assert {"pip-audit", "bandit", "cyclonedx-bom"} <= set(dev)
