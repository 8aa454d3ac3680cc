"""Mutation testing of the pure rule modules: do the tests notice when a rule's code is wrong?

Run on demand (scripts/mutate), never in CI or the test suite. For one module it makes every mutant below, one at
a time, writes it over the module in a private copy of the project (the working tree is never touched, so Ctrl-C
leaves nothing behind), runs the given tests against the copy and records whether they failed (killed), passed
(survived) or ran past the timeout. The score is killed / (mutants − equivalent).

Mutations, inside function and method bodies only (the rule declarations at module level are data, checked by the
rule documentation tests):
  comparisons     <  ↔ <=,  >  ↔ >=,  == ↔ !=,  is ↔ is not,  in ↔ not in
  integers        n → n+1 and n → n−1 (booleans excepted)
  boolean logic   and ↔ or;  `not x` → x
  arithmetic      + ↔ −,  * ↔ /,  // → /,  += ↔ −=
  min ↔ max       in calls
  returns         return True ↔ return False
Docstrings, `assert` statements and type annotations are left alone.

A mutant that cannot change behaviour (an equivalent mutant) is excluded from the score when marked: a comment
`# mutation: equivalent` on its line marks every mutant of that line, or a line in the list file
(bench/mutation-equivalent.txt) `path:line: description  # why` marks one mutant, description as printed here.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import fnmatch
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT_FILE = ROOT / "bench" / "mutation-equivalent.txt"
INLINE_MARK = "# mutation: equivalent"
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "node_modules", "var", "__pycache__", "*.pyc", "static",
                                     "results", ".mypy_cache", ".ruff_cache", ".pytest_cache")

COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In,
}
BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
}
SYMBOLS = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is",
    ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in", ast.Add: "+", ast.Sub: "-", ast.Mult: "*",
    ast.Div: "/", ast.FloorDiv: "//", ast.And: "and", ast.Or: "or",
}


@dataclass(frozen=True)
class Mutant:
    index: int  # the site's place in the walk, so a fresh parse finds it again
    variant: int  # which change at that site (an integer gets two)
    line: int
    function: str
    description: str


@dataclass
class Result:
    mutant: Mutant
    outcome: str  # killed | survived | timeout | equivalent
    seconds: float


# --- finding and applying mutations ------------------------------------------------------------------------------


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """ids of nodes never mutated: docstrings, asserts, annotations, decorators."""
    skip: set[int] = set()

    def mark(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            mark(node)
        elif isinstance(node, ast.AnnAssign | ast.arg):
            mark(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            mark(node.returns)
            for d in node.decorator_list:
                mark(d)
        elif isinstance(node, ast.ClassDef):
            for d in node.decorator_list:
                mark(d)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
                    first.value.value, str):
                mark(first)
    return skip


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every function and method with its qualified name (Class.method, outer.inner)."""

    def visit(body: list[ast.stmt], prefix: str) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                name = prefix + node.name
                yield name, node
                yield from visit(node.body, name + ".")
            elif isinstance(node, ast.ClassDef):
                yield from visit(node.body, prefix + node.name + ".")

    yield from visit(tree.body, "")


def _sites(tree: ast.Module, patterns: list[str]) -> Iterator[tuple[ast.AST, str]]:
    """The nodes that can be mutated, in a fixed order, with the function they are in."""
    skip = _skipped_nodes(tree)
    seen: set[int] = set()
    for name, func in _functions(tree):
        if patterns and not any(fnmatch.fnmatchcase(name, p) for p in patterns):
            continue
        for stmt in func.body:
            for node in ast.walk(stmt):
                if id(node) in skip or id(node) in seen:
                    continue
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue  # a nested function is visited as its own entry
                seen.add(id(node))
                yield node, name


def _changes(node: ast.AST) -> list[str]:
    """What can be done to this node, as descriptions (one mutant each)."""
    if isinstance(node, ast.Compare):
        return [f"{SYMBOLS[type(op)]} → {SYMBOLS[COMPARE_SWAPS[type(op)]]}" + (f" (#{i + 1})" if len(node.ops) > 1
                                                                                else "")
                for i, op in enumerate(node.ops) if type(op) in COMPARE_SWAPS]
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return [f"{node.value} → {node.value + 1}", f"{node.value} → {node.value - 1}"]
    if isinstance(node, ast.BoolOp):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        return [f"{SYMBOLS[type(node.op)]} → {SYMBOLS[other]}"]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return ["not removed"]
    if isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAPS:
        return [f"{SYMBOLS[type(node.op)]} → {SYMBOLS[BINOP_SWAPS[type(node.op)]]}"]
    if isinstance(node, ast.AugAssign) and type(node.op) in (ast.Add, ast.Sub):
        return [f"{SYMBOLS[type(node.op)]}= → {SYMBOLS[BINOP_SWAPS[type(node.op)]]}="]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max"):
        return [f"{node.func.id} → {'max' if node.func.id == 'min' else 'min'}"]
    if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, bool):
        return [f"return {node.value.value} → return {not node.value.value}"]
    return []


def _apply(node: ast.AST, variant: int) -> ast.AST:
    """The node with one change made; a node replaced by another (not x → x) is returned as the replacement."""
    if isinstance(node, ast.Compare):
        swappable = [i for i, op in enumerate(node.ops) if type(op) in COMPARE_SWAPS]
        i = swappable[variant]
        node.ops[i] = COMPARE_SWAPS[type(node.ops[i])]()
    elif isinstance(node, ast.Constant):
        node.value = node.value + (1 if variant == 0 else -1)
    elif isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif isinstance(node, ast.UnaryOp):
        return node.operand
    elif isinstance(node, ast.BinOp | ast.AugAssign):
        node.op = BINOP_SWAPS[type(node.op)]()
    elif isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        node.func.id = "max" if node.func.id == "min" else "min"
    elif isinstance(node, ast.Return):
        assert isinstance(node.value, ast.Constant)
        node.value.value = not node.value.value
    return node


def find_mutants(source: str, patterns: list[str]) -> list[Mutant]:
    tree = ast.parse(source)
    mutants: list[Mutant] = []
    seen: dict[tuple[int, str], int] = {}
    for index, (node, function) in enumerate(_sites(tree, patterns)):
        for variant, description in enumerate(_changes(node)):
            line = getattr(node, "lineno", 0)
            # The same change twice on a line (two 1s) is told apart by its place from the left: "1 → 2 [2]".
            n = seen[line, description] = seen.get((line, description), 0) + 1
            label = description if n == 1 else f"{description} [{n}]"
            mutants.append(Mutant(index, variant, line, function, label))
    return mutants


def mutated_source(source: str, patterns: list[str], mutant: Mutant) -> str:
    tree = ast.parse(source)
    for index, (node, _function) in enumerate(_sites(tree, patterns)):
        if index == mutant.index:
            replacement = _apply(node, mutant.variant)
            if replacement is not node:
                _replace(tree, node, replacement)
            return ast.unparse(ast.fix_missing_locations(tree))
    raise LookupError(mutant)


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return
    raise LookupError("node not found")


# --- equivalent mutants ------------------------------------------------------------------------------------------


def load_equivalent(module: str, source_lines: list[str], list_file: Path) -> tuple[set[int], set[tuple[int, str]]]:
    """(lines marked inline, (line, description) pairs from the list file) for this module."""
    lines = {n for n, text in enumerate(source_lines, 1) if INLINE_MARK in text}
    pairs: set[tuple[int, str]] = set()
    if list_file.exists():
        for raw in list_file.read_text(encoding="utf-8").splitlines():
            entry = raw.split("  #", 1)[0].strip()
            if not entry or entry.startswith("#"):
                continue
            path, line, description = (p.strip() for p in entry.split(":", 2))
            if path == module:
                pairs.add((int(line), description))
    return lines, pairs


# --- running -----------------------------------------------------------------------------------------------------


def make_copy(parent: Path) -> Path:
    """A private copy of the project for one worker; its `dangjian` shadows the installed one (it is first on
    sys.path and pytest runs from it)."""
    target = parent / f"copy{len(list(parent.iterdir()))}"
    shutil.copytree(ROOT, target, ignore=COPY_IGNORE, symlinks=True)
    # A test database in a file, migrated by the clean run and kept (--reuse-db), so a run that needs the database
    # does not build it again for every mutant. Written into the copy's test settings only.
    (target / "var").mkdir(exist_ok=True)
    with (target / "dangjian" / "settings_test.py").open("a", encoding="utf-8") as settings:
        settings.write(f"\nif DATABASES['default']['ENGINE'].endswith('sqlite3'):  # noqa: F405\n"
                       f"    DATABASES['default']['TEST'] = {{'NAME': {str(target / 'var' / 'mutate.sqlite3')!r}}}"
                       "  # noqa: F405\n")
    return target


PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly", "--reuse-db"]


def preload(copy_root: Path, tests: list[str]) -> None:
    """Import in this process what a test run imports, except the project itself, so each forked run starts warm.

    The module list comes from one clean run in a child process; modules that need Django's apps loaded fail here
    and are simply imported later, in the forked run. `dangjian` and `tests` are dropped again, so every run
    imports them fresh from its copy — with the mutant in it.
    """
    listing = copy_root / "modules.txt"
    plugin = copy_root / "_mutate_list_modules.py"
    plugin.write_text("import sys\n\n\ndef pytest_unconfigure(config):\n"
                      f"    open({str(listing)!r}, 'w').write('\\n'.join(sorted(sys.modules)))\n")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(copy_root))
    subprocess.run([sys.executable, "-m", "pytest", *PYTEST_ARGS, "-p", "_mutate_list_modules", *tests],
                   cwd=copy_root, env=env, capture_output=True, timeout=600)
    plugin.unlink()
    if not listing.exists():
        return
    names = listing.read_text().split()
    own = ("dangjian", "tests", "conftest", "_mutate")
    for name in names:
        if name.split(".")[0] in own or name == "__main__":
            continue
        with contextlib.suppress(BaseException):  # what cannot load early loads in the run
            __import__(name)
    for name in list(sys.modules):
        if name.split(".")[0] in own:
            del sys.modules[name]


def run_tests(copy_root: Path, tests: list[str], timeout: float, fork: bool) -> tuple[str, float, str]:
    """Run the tests against one copy: in a forked child of this warm process, or in a fresh interpreter."""
    started = time.monotonic()
    if not fork:
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(copy_root))
        command = [sys.executable, "-m", "pytest", *PYTEST_ARGS, *tests]
        try:
            done = subprocess.run(command, cwd=copy_root, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "timeout", time.monotonic() - started, ""
        return _outcome(done.returncode), time.monotonic() - started, done.stdout + done.stderr
    log = copy_root / "run.log"
    pid = os.fork()
    if pid == 0:  # the child: run pytest from the copy, never return into the parent's code
        code = 3
        try:
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.chdir(copy_root)
            sys.path.insert(0, str(copy_root))
            import pytest

            code = int(pytest.main([*PYTEST_ARGS, *tests]))
        finally:
            os._exit(code)
    while True:
        done_pid, status = os.waitpid(pid, os.WNOHANG)
        if done_pid:
            break
        if time.monotonic() - started > timeout:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            return "timeout", time.monotonic() - started, ""
        time.sleep(0.02)
    seconds = time.monotonic() - started
    output = log.read_text(errors="replace") if log.exists() else ""
    return _outcome(os.waitstatus_to_exitcode(status)), seconds, output


def _outcome(code: int) -> str:
    if code == 0:
        return "survived"
    if code == 5:
        return "error"  # no tests collected
    return "killed"


TARGETS_FILE = ROOT / "bench" / "mutation-targets.txt"


@dataclass(frozen=True)
class Target:
    module: str
    tests: list[str]
    functions: list[str]


def load_targets(path: Path) -> list[Target]:
    """`module | functions or * | tests…` per line, as bench/mutation-targets.txt lists the rule modules."""
    targets = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        module, functions, tests = (part.strip() for part in line.split("|"))
        targets.append(Target(module, tests.split(), [] if functions == "*" else functions.split(",")))
    return targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("module", nargs="?", help="the module to mutate, e.g. dangjian/lib/votes.py")
    parser.add_argument("tests", nargs="*", help="the test files or directories to run against each mutant")
    parser.add_argument("--all", action="store_true",
                        help="every module of bench/mutation-targets.txt with its tests, then a table of scores")
    parser.add_argument("--targets", type=Path, default=TARGETS_FILE, help="the module list --all reads")
    parser.add_argument("--functions", default="",
                        help="comma-separated function names or globs to mutate (default: all), e.g. status_for,Period.*")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="mutants run in parallel (default 1)")
    parser.add_argument("--timeout", type=float, default=0,
                        help="seconds per mutant (default: 3 × the clean run + 5)")
    parser.add_argument("--equivalent", type=Path, default=EQUIVALENT_FILE, help="the list of equivalent mutants")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--subprocess", action="store_true",
                        help="start a fresh interpreter per mutant instead of forking a warm one (slower)")
    args = parser.parse_args(argv)
    if args.all:
        targets = load_targets(args.targets)
    elif args.module and args.tests:
        targets = [Target(args.module, args.tests, [p.strip() for p in args.functions.split(",") if p.strip()])]
    else:
        parser.error("give a module and its tests, or --all")
    summaries = [mutate(t, args) for t in targets]
    if len(targets) > 1:
        print(f"\n{'module':<40} {'mutants':>7} {'killed':>6} {'equiv.':>6} {'survived':>8}  score")
        for t, s in zip(targets, summaries, strict=True):
            if s is None:
                print(f"{t.module:<40} tests fail on the unmutated module")
                continue
            print(f"{t.module:<40} {s['mutants']:>7} {s['caught']:>6} {s['equivalent']:>6} {s['survived']:>8}  "
                  f"{s['score']:.1f}%")
    return 0 if all(s is not None for s in summaries) else 2


def mutate(target: Target, args: argparse.Namespace) -> dict[str, float] | None:
    """Run every mutant of one module against its tests; print each outcome and the survivors."""
    module = Path(target.module).as_posix()
    source = (ROOT / module).read_text(encoding="utf-8")
    source_lines = source.splitlines()
    patterns = target.functions
    tests = target.tests
    mutants = find_mutants(source, patterns)
    inline, listed = load_equivalent(module, source_lines, args.equivalent)

    def is_equivalent(m: Mutant) -> bool:
        return m.line in inline or (m.line, m.description) in listed

    if args.list:
        for m in mutants:
            mark = "  [equivalent]" if is_equivalent(m) else ""
            print(f"{module}:{m.line}: {m.description}  ({m.function}){mark}")
        print(f"{len(mutants)} mutants")
        return {"mutants": len(mutants), "caught": 0, "equivalent": 0, "survived": 0, "score": 0.0}

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        copies = [make_copy(Path(tmp)) for _ in range(max(1, args.jobs))]
        # The unmutated module as the mutants are written (unparsed), so a failure is the mutant's, not the format's.
        clean = ast.unparse(ast.parse(source))
        for c in copies:
            (c / module).write_text(clean, encoding="utf-8")
        fork = not args.subprocess and hasattr(os, "fork")
        if fork:
            sys.dont_write_bytecode = True
            preload(copies[0], tests)
        outcome, seconds, output = run_tests(copies[0], tests, 600, fork)
        if outcome != "survived":
            print(f"{module}: the tests do not pass on the unmutated module ({outcome}); nothing measured.\n"
                  f"{output[-3000:]}")
            return None
        timeout = args.timeout or seconds * 3 + 5
        print(f"{module}: {len(mutants)} mutants; clean run {seconds:.1f} s, timeout {timeout:.0f} s; "
              f"tests: {' '.join(tests)}", flush=True)

        free = list(copies)

        def one(m: Mutant) -> Result:
            if is_equivalent(m):
                return Result(m, "equivalent", 0.0)
            root = free.pop()
            try:
                (root / module).write_text(mutated_source(source, patterns, m), encoding="utf-8")
                outcome, seconds, _ = run_tests(root, tests, timeout, fork)
            finally:
                (root / module).write_text(clean, encoding="utf-8")
                free.append(root)
            return Result(m, outcome, seconds)

        try:
            with ThreadPoolExecutor(max_workers=len(copies)) as pool:
                for r in pool.map(one, mutants):
                    results.append(r)
                    m = r.mutant
                    print(f"  {r.outcome:<10} {module}:{m.line}: {m.description}  ({m.function})", flush=True)
        except KeyboardInterrupt:
            print("\ninterrupted: the working tree was never changed; partial results below")

    return report(module, source_lines, results)


def report(module: str, source_lines: list[str], results: list[Result]) -> dict[str, float]:
    count = {k: sum(1 for r in results if r.outcome == k) for k in ("killed", "survived", "timeout", "equivalent",
                                                                    "error")}
    scored = len(results) - count["equivalent"] - count["error"]
    # A mutant that makes the tests hang is noticed (it never passes), so it counts as killed.
    caught = count["killed"] + count["timeout"]
    score = 100.0 * caught / scored if scored else 100.0
    print(f"\n{module}: {len(results)} mutants — killed {count['killed']}, timed out {count['timeout']}, "
          f"survived {count['survived']}, equivalent {count['equivalent']}"
          + (f", errors {count['error']}" if count["error"] else "")
          + f"\nscore: {caught}/{scored} = {score:.1f}% of non-equivalent mutants killed")
    survivors = [r for r in results if r.outcome == "survived"]
    if survivors:
        print("survivors:")
        for r in sorted(survivors, key=lambda r: (r.mutant.line, r.mutant.description)):
            m = r.mutant
            text = source_lines[m.line - 1].strip() if 0 < m.line <= len(source_lines) else ""
            print(f"  {module}:{m.line}: {m.description}  ({m.function})  | {text}")
    return {"mutants": len(results), "caught": caught, "equivalent": count["equivalent"],
            "survived": count["survived"], "score": score}


if __name__ == "__main__":
    sys.exit(main())
