"""Password policy and forced change (SEC-01, SEC-02)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.actions import bootstrap_user
from dangjian.accounts.models import User
from dangjian.accounts.validators import validate_password
from dangjian.core.models import AuditEvent
from tests.world import PASSWORD

NEW = "Xin#Kouling-2026q"


def refusal(password: str, user: User | None = None) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    return "；".join(exc.value.messages)


def test_a_short_password_is_refused_in_chinese(db):
    assert "至少需要12个字符" in refusal("Ab1#Cd2$")


def test_a_password_with_fewer_than_three_classes_is_refused(db):
    assert "至少三类" in refusal("abcdefghijklmnop")
    assert "至少三类" in refusal("abcdefgh12345678")


def test_three_classes_are_enough(db):
    validate_password("Qiuyue7Zhenhao4")  # upper, lower, digit: no symbol needed


def test_context_words_and_the_username_are_refused(world):
    assert "常见词" in refusal("Dangjian#2026xyz")
    assert "常见词" in refusal("Wo-Secretary#26", world.secretary)


def test_a_common_password_is_refused(db):
    assert "过于常见" in refusal("Password1234")


def test_a_password_longer_than_128_characters_is_refused_but_128_is_fine(db):
    assert "128" in refusal("Aa1#" * 33)
    validate_password("Aa1#Qz" + "x" * 122)


def change(user: User, password: str) -> None:
    user.set_password(password)
    user.save()


def test_the_last_five_passwords_cannot_be_reused(world):
    user = User.objects.get(pk=world.secretary.pk)
    olds = [PASSWORD] + [f"Lishi#{i}-Kouling" for i in range(1, 5)]
    for p in olds[1:]:
        change(user, p)
    # The current password and the four before it are all refused.
    for p in olds:
        assert "最近5次" in refusal(p, user)
    change(user, "Lishi#5-Kouling")
    # The oldest of the six is now out of the window.
    validate_password(PASSWORD, user)
    assert "最近5次" in refusal("Lishi#1-Kouling", user)


def test_a_new_account_keeps_its_must_change_flag(db):
    user = bootstrap_user(username="fresh", password=PASSWORD, display_name="新用户", member=None,
                          must_change_password=True)
    assert User.objects.get(pk=user.pk).must_change_password is True


@pytest.mark.parametrize("name", ["core:home", "orgs:tree", "members:list"])
def test_must_change_password_sends_every_page_to_the_change_page(world, login, name):
    User.objects.filter(pk=world.admin.pk).update(must_change_password=True)
    client = login(world.admin)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert "请先修改密码" in page.content.decode()


def test_the_three_admins_pages_are_also_held_by_a_forced_change(world, login):
    User.objects.filter(pk=world.sysadmin.pk).update(must_change_password=True)
    client = login(world.sysadmin, verified=True)
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change")


def test_a_password_older_than_ninety_days_must_be_changed(world, login):
    changed = User.objects.get(pk=world.admin.pk).password_changed_at
    with time_machine.travel(changed + dt.timedelta(days=89), tick=False):
        assert login(world.admin).get(reverse("core:home")).status_code == 200
    with time_machine.travel(changed + dt.timedelta(days=90, minutes=1), tick=False):
        response = login(world.admin).get(reverse("core:home"))
        assert response.status_code == 302
        assert response.url == reverse("accounts:password_change")


def post_change(client, old: str, new: str, again: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:password_change"), {
        "old_password": old, "new_password1": new, "new_password2": again if again is not None else new,
    })


def test_a_successful_change_clears_the_flag_and_is_audited(world, login):
    User.objects.filter(pk=world.admin.pk).update(must_change_password=True)
    client = login(world.admin)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1), tick=False):
        response = post_change(client, PASSWORD, NEW)
    assert response.status_code == 302
    user = User.objects.get(pk=world.admin.pk)
    assert user.must_change_password is False
    assert user.check_password(NEW)
    assert user.password_changed_at > world.admin.password_changed_at
    assert AuditEvent.objects.filter(action="auth.password_change", actor=world.admin).exists()
    # Still logged in, and free to go.
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.parametrize(("new", "message"), [
    ("Ab1#Cd2$", "至少需要12个字符"),
    ("abcdefghijklmnop", "至少三类"),
    ("Dangjian#2026xyz", "常见词"),
    (PASSWORD, "最近5次"),
])
def test_the_change_page_shows_the_policy_refusals_in_chinese(world, login, new, message):
    client = login(world.admin)
    response = post_change(client, PASSWORD, new)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.get(pk=world.admin.pk).check_password(PASSWORD)


def test_the_change_page_needs_the_old_password(world, login):
    client = login(world.admin)
    response = post_change(client, "Not#TheOld-1234", NEW)
    assert "原密码不正确" in response.content.decode()
    assert not AuditEvent.objects.filter(action="auth.password_change").exists()
