"""The menu: each persona's links lead to pages they may open (no dead or forbidden entries)."""

from __future__ import annotations

import pytest

from tests.navigation import menu_links


@pytest.mark.parametrize("persona", ["admin", "viewer", "secretary", "member_user"])
def test_every_menu_link_opens(world, login, persona):
    user = getattr(world, persona)
    client = login(user)
    links = menu_links(client.get("/").content.decode())
    assert links
    for href in links:
        response = client.get(href, follow=True)
        assert response.status_code == 200, (persona, href, response.status_code)


def test_the_lifecycle_menu_is_there_for_managers_and_mine_for_members(world, login):
    admin = login(world.admin).get("/").content.decode()
    for label in ("发展党员", "组织关系转接", "党费", "学习培训", "民主评议", "谈心谈话", "规则参数", "指标", "文书模板"):
        assert label in admin
    member = login(world.member_user).get("/").content.decode()
    assert "我的党费" in member and "我的学时" in member and "发展党员" not in member and "规则参数" not in member
