"""Checks of pages with org or member pickers: their weight must not grow with the tree (issue 10: the transfer
lists rendered every org, the appoint page every member, as an <option>), and a filter keeps to the scope."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.orgs.actions import create_org
from dangjian.orgs.models import OrgKind


def weight(client: Any, url: str) -> tuple[int, int]:
    """(HTML bytes, queries) of one GET, which must answer 200."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(response.content), len(ctx.captured_queries)


def grow_tree(world: Any, branches: int = 40, members_each: int = 0) -> None:
    """Add `branches` 党支部 under 第一党总支 (each with `members_each` members): a larger world, same rows."""
    digits = "零一二三四五六七八九"
    for i in range(branches):
        org = create_org(name=f"扩展第{i}党支部", kind=OrgKind.BRANCH, parent=world.general, actor=world.admin)
        for j in range(members_each):
            world.make_member(org, name=f"扩{digits[i % 10]}{digits[i // 10 % 10]}员{digits[j % 10]}")


def assert_secretary_picks_only_own_branch(world: Any, client: Any, url: str) -> None:
    """A list's org filter, as 第一党支部's secretary: their branch shows with its path (no option list); 第三党支部,
    outside their scope, shows as not found and nowhere by name."""
    mine = client.get(url, {"org": world.a1.pk}).content.decode()
    assert "已选：机关党委 › 第一党总支 › 第一党支部" in mine and f'<option value="{world.a1.pk}"' not in mine
    other = client.get(url, {"org": world.b.pk}).content.decode()
    assert "第三党支部" not in other and f"编号{world.b.pk}不存在或不在您的管理范围内" in other


def assert_queries_flat(world: Any, client: Any, url: str, branches: int = 40, members_each: int = 2) -> None:
    """The GET of `url` runs as many queries after `grow_tree(world, branches, members_each)` as before it (a warm
    request first, so one-off work of the first request is not counted)."""
    weight(client, url)
    _size, few = weight(client, url)
    grow_tree(world, branches=branches, members_each=members_each)
    _size, many = weight(client, url)
    assert many == few, f"{url}: {few} queries, {many} with {branches} more branches"
