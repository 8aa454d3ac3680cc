"""docs/rules.md (with the per-app pages under docs/rules/) lists every rule parameter the code declares, so the documented sources stay complete."""

from __future__ import annotations

import importlib
from pathlib import Path

from django.apps import apps

from dangjian.core.rules import REGISTRY


def test_every_registered_rule_is_documented():
    for app in apps.get_app_configs():
        if app.name.startswith("dangjian."):
            try:
                importlib.import_module(f"{app.name}.rules")
            except ModuleNotFoundError:
                continue
    docs = Path(__file__).resolve().parents[2] / "docs"
    doc = "\n".join(p.read_text() for p in [docs / "rules.md", *sorted((docs / "rules").glob("*.md"))])
    missing = [key for key in REGISTRY if f"`{key}`" not in doc]
    assert REGISTRY and not missing, missing
