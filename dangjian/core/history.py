"""A record's edit history as the pages show it (django-simple-history, newest first), for every app's detail
pages (templates/includes/history_card.html, history_table.html)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

HISTORY_LIMIT = 50


def edit_history(obj: models.Model, *, hidden: Iterable[str] = (), limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """The last `limit` versions of `obj`, newest first: when, who, whether it was the first version, which
    fields changed from the version before (by their labels, `hidden` left out) and the reason given.

    One version more than shown is read, so the oldest one shown still says what it changed.
    """
    manager: Any = getattr(obj, "history")  # noqa: B009 (simple-history adds it; the type does not say so)
    records = list(manager.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    labels = {f.name: str(f.verbose_name) for f in obj._meta.get_fields() if hasattr(f, "verbose_name")}
    excluded = list(hidden)
    out: list[dict[str, Any]] = []
    for newer, older in zip(records[:limit], [*records[1:], None][:limit], strict=True):
        changed = [] if older is None else [
            labels.get(c.field, c.field) for c in newer.diff_against(older, excluded_fields=excluded).changes
        ]
        out.append({
            "date": newer.history_date, "user": newer.history_user, "created": newer.history_type == "+",
            "changed": changed, "reason": newer.history_change_reason or "",
        })
    return out
