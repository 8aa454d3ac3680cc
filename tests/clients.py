"""Clients of the list tests: the API as a persona and the rows a list answers, whichever way it is read (the
page's context, its Excel export, the API), so a test can say that all three give the same rows."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from rest_framework.test import APIClient


def api(user: Any) -> APIClient:
    """A DRF client for a fresh copy of `user` (no scope cached on it), as each real request has."""
    client = APIClient()
    client.force_authenticate(user=type(user).objects.get(pk=user.pk))
    return client


def api_rows(user: Any, url: str, query: dict[str, Any], key: str = "id") -> set[Any]:
    """The `key` of every row of one page of an API list, asserting the query was accepted."""
    response = api(user).get(url, query)
    assert response.status_code == 200, response.json()
    return {row[key] for row in response.json()["results"]}


def xlsx_rows(response: Any) -> list[tuple[Any, ...]]:
    """The rows of an exported workbook's first sheet, without its header."""
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
