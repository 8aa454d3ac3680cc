"""The README says what works today (issue 9, defect 12): planned capabilities are named only as planned, the two
opening commands stay as they are, and the start options and the demo password command are documented."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
PLANNED_CN = ("四强", "述职评议考核", "督查督办", "巡视整改", "廉政档案", "数据看板")
PLANNED_EN = ("evaluations", "supervision", "integrity", "dashboards")


def _section(title: str) -> str:
    return README.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_two_opening_commands_are_unchanged():
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    assert blocks[:2] == ["scripts/start\n", "scripts/test\n"]


def test_what_it_is_claims_only_what_exists_and_names_the_rest_as_planned():
    cn = _section("这是什么")
    works, planned = cn.split("规划中", 1)
    for item in PLANNED_CN:
        assert item not in works, item
        assert item in planned, item
    en = _section("What it is")
    works, planned = en.split("Planned, **not built yet**", 1)
    for item in PLANNED_EN:
        assert item not in works.lower(), item
        assert item in planned.lower(), item


def test_the_start_options_and_the_demo_password_command_are_documented():
    assert "scripts/start --host" in README and "--port" in README and "DANGJIAN_PORT" in README
    assert "dangjian demo_password" in README
    assert "demo_password" in get_commands()
