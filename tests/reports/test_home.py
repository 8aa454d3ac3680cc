"""The home page by role: the 三员 see their duty, never member counts (SEC-25)."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize(("persona", "link"), [
    ("sysadmin", "accounts:users"), ("secadmin", "accounts:roles"), ("auditor", "core:audit"),
])
def test_three_admins_home_shows_their_duty_and_no_business_data(world, login, persona, link):
    response = login(getattr(world, persona), verified=True).get(reverse("core:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse(link) in html
    assert "不查看党员业务数据" in html
    for business in ("在册党员", "预备党员", "李党员", "第一党支部", reverse("members:list")):
        assert business not in html
    assert "member_counts" not in response.context or response.context.get("member_counts") is None


def test_a_business_admin_home_shows_counts(world, login):
    response = login(world.admin).get(reverse("core:home"))
    assert "在册党员" in response.content.decode()
    assert response.context["member_counts"]["on_roll"] == 3


def test_a_plain_member_sees_their_branch(world, login):
    html = login(world.member_user).get(reverse("core:home")).content.decode()
    assert "第一党支部" in html
    assert "在册党员" not in html


def test_an_account_without_roles_is_told_to_ask_for_them(world, login):
    assert "尚未分配角色" in login(world.nobody).get(reverse("core:home")).content.decode()
