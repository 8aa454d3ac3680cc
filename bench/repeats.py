"""Count repeated blocks: pairs of places that share N (default 6) or more consecutive lines.

Run on demand, like the benchmarks: `python bench/repeats.py [--shape] [--no-migrations] [--top K] [dirs…]`
(default dirs: dangjian templates tests). Lines are stripped, blank lines skipped; with --shape, string and
number literals count as equal. Each maximal shared run between two places counts once.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import re
from pathlib import Path


def _norm(line: str, shape: bool) -> str | None:
    s = line.strip()
    if not s:
        return None
    if shape:
        s = re.sub(r"\"[^\"]*\"|'[^']*'", "S", s)
        s = re.sub(r"\b\d+\b", "0", s)
    return re.sub(r"\s+", " ", s)


def count(roots: list[str], n: int, shape: bool, migrations: bool) -> list[tuple[str, int, str, int]]:
    """Every (file a, line index, file b, line index) where a shared run of at least n lines starts."""
    seqs: dict[str, list[str]] = {}
    for root in roots:
        for path in sorted([*Path(root).rglob("*.py"), *Path(root).rglob("*.html")]):
            if not migrations and "migrations" in path.parts:
                continue
            lines = (_norm(x, shape) for x in path.read_text(encoding="utf-8").splitlines())
            seqs[str(path)] = [x for x in lines if x is not None]
    index: dict[str, list[tuple[str, int]]] = collections.defaultdict(list)
    for f, lines in seqs.items():
        for i in range(len(lines) - n + 1):
            index[hashlib.md5("\n".join(lines[i:i + n]).encode()).hexdigest()].append((f, i))
    pairs = []
    for places in index.values():
        for a, (fa, ia) in enumerate(places):
            for fb, ib in places[a + 1:]:
                if fa == fb and abs(ia - ib) < n:
                    continue
                if ia > 0 and ib > 0 and seqs[fa][ia - 1] == seqs[fb][ib - 1]:
                    continue  # not the start of the shared run
                pairs.append((fa, ia, fb, ib))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dirs", nargs="*", default=["dangjian", "templates", "tests"])
    parser.add_argument("-n", type=int, default=6)
    parser.add_argument("--shape", action="store_true")
    parser.add_argument("--no-migrations", action="store_true")
    parser.add_argument("--top", type=int, default=0)
    args = parser.parse_args()
    pairs = count(args.dirs, args.n, args.shape, not args.no_migrations)
    print(f"pairs {len(pairs)}")
    for (fa, fb), k in collections.Counter((p[0], p[2]) for p in pairs).most_common(args.top):
        print(k, fa, fb)


if __name__ == "__main__":
    main()
