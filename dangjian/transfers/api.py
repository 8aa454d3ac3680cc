"""REST API of 组织关系转接: the routes this app adds to /api/v1/ (dangjian.api.urls registers them)."""

from __future__ import annotations

from typing import Any

# (prefix, viewset, basename) for each route of this app.
ROUTES: list[tuple[str, Any, str]] = []
