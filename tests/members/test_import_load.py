"""Issue 10 item 4: writes never fail while a member import runs — on a real SQLite file (WAL, busy_timeout,
BEGIN IMMEDIATE, as deployed), 20 writer processes record meetings and attendance through the actions during a
2,000-row import (the same staging-and-copy write as 20,000 rows: bench/imports.py times that size)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS = 2000
WRITERS = 20


@pytest.mark.slow
def test_twenty_writers_during_an_import_all_succeed_and_the_import_commits_whole(tmp_path):
    env = {**os.environ, "DANGJIAN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "dangjian.settings_test",
           "DATABASE_URL": f"sqlite:///{tmp_path}/load.sqlite3", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.members.import_under_load", str(ROWS), str(WRITERS)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["imported"] == ROWS and outcome["members"] == ROWS
    assert len(outcome["writes"]) == WRITERS and all(n >= 1 for n in outcome["writes"])
