"""Issue 10 item 4: a plain GET by a signed-in user writes nothing to the database once the session exists.

On SQLite every write takes the one write lock; a page view that wrote (the session's last-seen stamp, a counter,
a cache row) would queue behind an import or a long action, and make readers wait like writers. The session's
activity stamp moves at most once a minute (accounts.middleware), so the second and later page views of that
minute must issue no INSERT, UPDATE or DELETE at all.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
PAGES = ["/", "/members/", "/orgs/", "/orglife/", "/dues/", "/learning/", "/transfers/", "/reminders/"]


def writes_during(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, follow=True)  # a plain 党员's 党费 page redirects to their own
    assert response.status_code == 200, (path, response.status_code)
    return [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


@pytest.mark.parametrize("persona", ["admin", "secretary", "member_user"])
def test_page_views_after_the_first_write_nothing(world, login, persona):
    client = login(getattr(world, persona))
    client.get("/")  # the first request after signing in may stamp the session
    for path in PAGES:
        if path == "/transfers/" and persona == "member_user":
            continue  # a plain 党员 has no 转接 list
        assert writes_during(client, path) == [], path
    assert writes_during(client, "/") == []
