"""docs/security.md keeps its promise (issue 11 item 2): every SEC item of the bar has one row with one of the four
statuses, every test it names exists, and the summary line counts what the table says."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
STATUSES = ("met and tested", "met, deployment duty", "partly met", "not met")
ROW = re.compile(r"^\| (SEC-\d\d) \|(.*)$", re.M)
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")


def rows() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for sec, rest in ROW.findall(DOC):
        assert sec not in table, f"{sec} has two rows"
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", rest)]
        table[sec] = cells[:-1] if cells and cells[-1] == "" else cells
    return table


def test_every_sec_item_has_one_row_with_a_known_status():
    table = rows()
    assert sorted(table) == [f"SEC-{n:02d}" for n in range(1, 37)]
    for sec, cells in table.items():
        assert len(cells) == 4, sec  # requirement, status, evidence, missing
        assert cells[1] in STATUSES, (sec, cells[1])


def test_an_item_not_fully_met_says_what_is_missing_and_a_met_one_names_its_proof():
    for sec, (_requirement, status, evidence, missing) in rows().items():
        if status in ("partly met", "not met"):
            assert missing not in ("", "—"), sec
        else:
            assert TEST_REF.search(evidence), sec
        if status == "met, deployment duty":
            assert "step" in evidence and "check" in evidence, sec


def test_every_test_named_in_the_table_exists():
    named = [ref for cells in rows().values() for ref in TEST_REF.findall(" ".join(cells))]
    assert named
    for path, name in named:
        source = ROOT / path
        assert source.is_file(), path
        if name:
            assert re.search(rf"^def {name}\(", source.read_text(encoding="utf-8"), re.M), f"{path}::{name}"


def test_the_summary_counts_the_table():
    counts = Counter(cells[1] for cells in rows().values())
    summary = re.search(r"^\*\*Summary:\*\* (.*)$", DOC, re.M)
    assert summary, "no summary line"
    stated = {status: int(n) for n, status in
              (re.match(r"(.+) (\d+)$", part.strip()).groups()[::-1]  # type: ignore[union-attr]
               for part in summary[1].split("(")[0].split("·"))}
    assert stated == {status: counts.get(status, 0) for status in STATUSES}
    not_met = re.search(r"^Not met: (.*)\.$", DOC, re.M)
    assert not_met and not_met[1].split(", ") == sorted(s for s, c in rows().items() if c[1] == "not met")
