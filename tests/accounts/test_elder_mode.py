"""长辈版 (issue 9): a user turns on larger text and higher contrast from the top bar, and it stays on for them,
the 三员 included; every change is audited; nobody changes it for someone else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.accounts import actions
from dangjian.accounts.models import User
from dangjian.core.models import AuditEvent

SWITCH = reverse("accounts:elder_mode")


def html_class(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get(reverse("core:home")).content.decode()
    return page.split("<html", 1)[1].split(">", 1)[0]


def test_a_member_turns_elder_mode_on_and_it_stays_on_for_the_next_session(world, login, client):
    member = login(world.member_user)
    assert "dj-elder" not in html_class(member)
    response = member.post(SWITCH, {"on": "1", "next": "/orglife/"})
    assert response.status_code == 302 and response.url == "/orglife/"
    assert User.objects.get(pk=world.member_user.pk).elder_mode
    member.logout()
    assert "dj-elder" in html_class(login(world.member_user))
    event = AuditEvent.objects.get(action="accounts.elder_mode", actor=world.member_user)
    assert event.changes == {"长辈版": "开启"}


def test_the_top_bar_offers_the_switch_that_turns_it_back_off(world, login):
    member = login(world.member_user)
    actions.set_elder_mode(world.member_user, on=True)
    page = member.get(reverse("core:home")).content.decode()
    assert f'action="{SWITCH}"' in page and 'name="on" value="0"' in page and 'aria-pressed="true"' in page
    member.post(SWITCH, {"on": "0"})
    assert not User.objects.get(pk=world.member_user.pk).elder_mode
    assert "dj-elder" not in html_class(member)


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor"])
def test_the_three_admins_can_use_elder_mode_too(world, login, persona):
    user = getattr(world, persona)
    client = login(user, verified=True)
    client.post(SWITCH, {"on": "1"})
    assert "dj-elder" in html_class(client)


def test_the_switch_changes_only_the_caller_and_never_leaves_the_site(world, login):
    secretary = login(world.secretary)
    response = secretary.post(SWITCH, {"on": "1", "next": "https://evil.example/"})
    assert response.url == reverse("core:home")
    assert User.objects.get(pk=world.secretary.pk).elder_mode
    assert not User.objects.get(pk=world.admin.pk).elder_mode


def test_the_switch_needs_a_login_and_a_post(world, client, login):
    assert client.post(SWITCH, {"on": "1"}).status_code == 302
    assert not User.objects.filter(elder_mode=True).exists()
    assert login(world.member_user).get(SWITCH).status_code == 405


def test_every_page_has_a_skip_link_to_its_main_landmark(world, login):
    page = login(world.secretary).get(reverse("members:list")).content.decode()
    assert '<a class="dj-skip" href="#dj-main">跳到正文</a>' in page
    assert '<main class="container-xl py-3" id="dj-main"' in page
    assert page.index("dj-skip") < page.index("<header")
