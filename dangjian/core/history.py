"""A record's edit history (django-simple-history) as the 修改记录 table shows it: one reader for every app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

HISTORY_LIMIT = 50


def edit_history(obj: models.Model, *, hidden: Iterable[str] = (), limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """The record's history, newest first, at most `limit` rows: when, who, whether it was the creation, which
    fields changed (by their labels; `hidden` fields — ciphers, indexes, timestamps — never named) and the reason
    given. Each row is compared with the one before it, so one query reads `limit + 1` versions."""
    manager: Any = getattr(obj, "history")  # noqa: B009 - added by simple-history, unknown to the type checker
    records = list(manager.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    labels = {f.name: str(f.verbose_name) for f in obj._meta.get_fields() if hasattr(f, "verbose_name")}
    excluded = list(hidden)
    out: list[dict[str, Any]] = []
    for newer, older in zip(records[:limit], [*records[1:], None], strict=False):
        changed = [] if older is None else [
            labels.get(c.field, c.field) for c in newer.diff_against(older, excluded_fields=excluded).changes
        ]
        out.append({
            "date": newer.history_date, "user": newer.history_user, "created": newer.history_type == "+",
            "changed": changed, "reason": newer.history_change_reason or "",
        })
    return out
