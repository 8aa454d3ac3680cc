"""`core` is the ground floor: it imports no domain app (type-only imports under TYPE_CHECKING aside), and the
apps extend it by registering (audit codes, the scope builder) rather than by being imported from it."""

from __future__ import annotations

import ast
import pathlib

import pytest
from django.core.exceptions import ImproperlyConfigured

from dangjian.core import audit, scoping

ROOT = pathlib.Path(__file__).resolve().parents[2] / "dangjian"
DOMAIN_APPS = {
    "orgs", "accounts", "members", "leadership", "orglife", "learning", "dues", "appraisal", "recruitment",
    "transfers", "reminders", "reports", "demo", "api",
}


def _runtime_imports(tree: ast.AST) -> list[str]:
    """Every module imported outside an `if TYPE_CHECKING:` block, at any depth (functions included)."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@pytest.mark.parametrize("floor", ["core", "lib"])
def test_the_ground_floors_import_no_domain_app(floor):
    climbs = []
    for path in sorted((ROOT / floor).rglob("*.py")):
        for module in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            parts = module.split(".")
            if parts[0] == "dangjian" and len(parts) > 1 and parts[1] in DOMAIN_APPS:
                climbs.append(f"{path.relative_to(ROOT)}: {module}")
    assert climbs == []


def test_an_audit_code_registered_twice_fails_loudly_and_adds_nothing():
    before = dict(audit.ACTIONS)
    with pytest.raises(ImproperlyConfigured, match="orgs.create"):
        audit.register_actions({"orgs.brand_new": "新代码", "orgs.create": "另一个含义"})
    assert before == audit.ACTIONS


def test_each_app_declares_its_own_audit_codes():
    """Every code outside core's own (auth, core, audit) comes from the audit_codes module of the app it names,
    except the 班子 codes, stored as orgs.* before leadership split from orgs (docs/decisions.md, 11)."""
    prefixes = {"leadership": "orgs."}
    for path in ROOT.glob("*/audit_codes.py"):
        app = path.parent.name
        codes = [node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value
                 and " " not in node.value and node.value.isascii()]
        assert codes and all(code.startswith(prefixes.get(app, f"{app}.")) for code in codes), app
    assert {code.split(".")[0] for code in audit.ACTIONS} - {p.parent.name for p in ROOT.glob("*/audit_codes.py")} == {
        "auth", "core", "audit"}


def test_the_scope_builder_is_the_one_accounts_registered():
    from dangjian.accounts.roles import build_scope

    assert scoping._builder is build_scope
    with pytest.raises(ImproperlyConfigured):
        scoping.register_scope_builder(lambda user: scoping.Scope())


def test_core_knows_the_tree_s_step_length():
    from dangjian.orgs.models import Organization

    assert Organization.steplen == scoping.STEPLEN
    assert Organization.alphabet == scoping.ALPHABET


def test_starting_with_a_duplicate_audit_code_fails():
    """Two apps declaring one stored code is refused when Django starts, before any request is served."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.core.dup_audit_settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT.parent, env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "'orgs.create' is registered twice" in result.stderr
