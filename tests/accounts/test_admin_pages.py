"""账号管理 (系统管理员) and 授权管理 (安全管理员): only their holder sees them; no member data shows (SEC-25)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from dangjian.accounts.actions import bootstrap_user
from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.otp_device import SealedTOTPDevice
from dangjian.accounts.roles import Role
from dangjian.core.models import AuditEvent
from dangjian.members import pii
from tests.world import PASSWORD

GOOD = "Chushi#Kouling-77"


@pytest.fixture
def sysadmin(world, login):  # type: ignore[no-untyped-def]
    return login(world.sysadmin, verified=True)


@pytest.fixture
def secadmin(world, login):  # type: ignore[no-untyped-def]
    return login(world.secadmin, verified=True)


# --- Who may reach the pages -----------------------------------------------------------------------------------

SYSADMIN_PAGES = [("accounts:users", []), ("accounts:user_create", []), ("accounts:user_detail", ["pk"]),
                  ("accounts:user_link", ["pk"])]
SECADMIN_PAGES = [("accounts:roles", []), ("accounts:role_grant", []), ("accounts:otp_reset", ["pk"])]


def url(world, name, args):  # type: ignore[no-untyped-def]
    return reverse(name, args=[world.nobody.pk for _ in args])


def assert_denied(client, page, user, **event):  # type: ignore[no-untyped-def]
    """The page answers 404, as if it did not exist, and the attempt is in the audit log as auth.denied."""
    assert client.get(page).status_code == 404
    assert AuditEvent.objects.filter(action="auth.denied", actor=user, **event).exists()


@pytest.mark.parametrize(("name", "args"), SYSADMIN_PAGES)
@pytest.mark.parametrize("persona", ["admin", "secretary", "member_user", "secadmin", "auditor", "nobody"])
def test_only_the_sysadmin_reaches_account_pages_others_get_404_and_are_recorded(world, login, name, args, persona):
    user = getattr(world, persona)
    assert_denied(login(user, verified=True), url(world, name, args), user, result="denied")


@pytest.mark.parametrize(("name", "args"), SECADMIN_PAGES)
@pytest.mark.parametrize("persona", ["admin", "secretary", "member_user", "sysadmin", "auditor", "nobody"])
def test_only_the_secadmin_reaches_role_pages_others_get_404_and_are_recorded(world, login, name, args, persona):
    user = getattr(world, persona)
    assert_denied(login(user, verified=True), url(world, name, args), user)


@pytest.mark.parametrize("name", ["accounts:user_toggle", "accounts:user_unlock", "accounts:user_password_reset"])
def test_account_changes_are_post_only_and_hidden_from_others(world, login, sysadmin, name):
    target = reverse(name, args=[world.nobody.pk])
    assert sysadmin.get(target).status_code == 405
    other = login(world.secadmin, verified=True)
    assert other.post(target).status_code == 404
    assert User.objects.get(pk=world.nobody.pk).is_active


def test_role_revoke_is_post_only_and_hidden_from_others(world, login, secadmin):
    assignment = RoleAssignment.objects.get(user=world.secretary)
    target = reverse("accounts:role_revoke", args=[assignment.pk])
    assert secadmin.get(target).status_code == 405
    assert login(world.sysadmin, verified=True).post(target).status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_anonymous_visitors_are_sent_to_login(world, client):
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_duty_check_also_requires_a_verified_second_factor(world, login):
    # Even if the session policy were bypassed, the page itself wants a verified session.
    from dangjian.accounts.admin_views import users

    request = RequestFactory().get(reverse("accounts:users"))
    user = world.sysadmin
    user.is_verified = lambda: False
    request.user = user
    response = users(request)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))


# --- 账号管理 -------------------------------------------------------------------------------------------------------

def test_the_user_list_shows_accounts_roles_and_linked_member_without_personal_data(world, sysadmin):
    page = sysadmin.get(reverse("accounts:users")).content.decode()
    for username in ("admin", "secretary", "member", "sysadmin", "auditor"):
        assert username in page
    assert "李党员（第一党支部）" in page
    assert "支部书记（第一党支部）" in page
    member = world.member
    for secret in (member.id_card_masked, member.phone_masked, pii.read_id_card(member), pii.read_phone(member)):
        assert secret not in page


def test_the_user_list_searches_by_username_name_and_member_name(world, sysadmin):
    rows = sysadmin.get(reverse("accounts:users"), {"q": "secre"}).context["rows"]
    assert [r["user"].username for r in rows] == ["secretary"]
    rows = sysadmin.get(reverse("accounts:users"), {"q": "李党员"}).context["rows"]
    assert [r["user"].username for r in rows] == ["member"]
    rows = sysadmin.get(reverse("accounts:users"), {"state": "inactive"}).context["rows"]
    assert rows == []


def test_the_user_list_paginates(world, sysadmin):
    for i in range(25):
        bootstrap_user(username=f"bulk{i:02d}", password=PASSWORD, display_name="", member=None,
                       must_change_password=True)
    first = sysadmin.get(reverse("accounts:users"))
    assert len(first.context["rows"]) == 20
    second = sysadmin.get(reverse("accounts:users"), {"page": 2})
    assert len(second.context["rows"]) == User.objects.count() - 20
    assert "第 2/2 页" in second.content.decode()


def create(client, **data):  # type: ignore[no-untyped-def]
    payload = {"username": "newbie", "display_name": "新同志", "id_card": "", "password1": GOOD, "password2": GOOD}
    payload.update(data)
    return client.post(reverse("accounts:user_create"), payload)


def test_the_sysadmin_creates_an_account_that_must_change_its_password(world, sysadmin):
    response = create(sysadmin)
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.must_change_password is True
    assert user.check_password(GOOD)
    assert not user.role_assignments.exists()
    assert AuditEvent.objects.filter(action="accounts.user_create", actor=world.sysadmin, object_id=str(user.pk)).exists()


def test_creating_an_account_links_a_member_by_exact_id_number(world, sysadmin):
    number = pii.read_id_card(world.a2_member)
    response = create(sysadmin, display_name="", id_card=number)
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.member_id == world.a2_member.pk
    assert user.display_name == "赵二支"
    page = sysadmin.get(response.url).content.decode()
    assert "已关联：赵二支（第二党支部）" in page
    assert number not in page
    for event in AuditEvent.objects.all():
        assert number not in f"{event.changes} {event.reason} {event.object_repr}"


@pytest.mark.parametrize(("data", "message"), [
    ({"password1": "Ab1#Cd2$", "password2": "Ab1#Cd2$"}, "至少需要12个字符"),
    ({"password1": "abcdefghijklmnop", "password2": "abcdefghijklmnop"}, "至少三类"),
    ({"password2": "Another#Kouling-1"}, "两次输入的密码不一致"),
    ({"username": "Admin"}, "该用户名已被使用"),
    ({"username": "has space"}, "用户名"),
    ({"display_name": ""}, "请填写姓名"),
    ({"id_card": "110101198503120000"}, "校验位不正确"),
])
def test_account_creation_refusals_are_shown_in_chinese(world, sysadmin, data, message):
    response = create(sysadmin, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username=data.get("username", "newbie")).exclude(username="admin").exists()


def test_an_unknown_id_number_or_a_member_with_an_account_cannot_be_linked(world, sysadmin):
    from tests.world import make_id_card

    page = create(sysadmin, id_card=make_id_card()).content.decode()
    assert "未找到该身份证号对应的在册党员" in page
    page = create(sysadmin, id_card=pii.read_id_card(world.member)).content.decode()
    assert "该党员已有账号" in page
    assert not User.objects.filter(username="newbie").exists()


def test_every_member_lookup_by_id_number_is_audited_found_or_not(world, sysadmin):
    from tests.world import make_id_card

    unknown = make_id_card()
    create(sysadmin, id_card=unknown)
    known = pii.read_id_card(world.b_member)
    sysadmin.post(reverse("accounts:user_link", args=[world.nobody.pk]), {"id_card": known})
    create(sysadmin, username="noid")  # no number given: no lookup
    lookups = AuditEvent.objects.filter(action="accounts.member_lookup", actor=world.sysadmin).order_by("id")
    assert [e.result for e in lookups] == ["failure", "success"]
    assert lookups[1].object_id == str(world.b_member.pk)
    for event in lookups:
        assert unknown not in f"{event.changes}{event.reason}{event.object_repr}"
        assert known not in f"{event.changes}{event.reason}{event.object_repr}"


def test_an_existing_account_is_linked_to_a_member_later(world, sysadmin):
    number = pii.read_id_card(world.b_member)
    response = sysadmin.post(reverse("accounts:user_link", args=[world.nobody.pk]), {"id_card": number})
    assert response.status_code == 302
    assert User.objects.get(pk=world.nobody.pk).member_id == world.b_member.pk
    assert AuditEvent.objects.filter(action="accounts.user_update", object_id=str(world.nobody.pk)).exists()


def test_a_three_admin_account_is_not_linked_to_a_member(world, sysadmin):
    number = pii.read_id_card(world.b_member)
    page = sysadmin.post(reverse("accounts:user_link", args=[world.auditor.pk]), {"id_card": number})
    assert "三员账号不关联党员" in page.content.decode()
    assert User.objects.get(pk=world.auditor.pk).member_id is None


def test_the_sysadmin_disables_and_enables_an_account(world, sysadmin):
    target = reverse("accounts:user_toggle", args=[world.secretary.pk])
    assert sysadmin.post(target).status_code == 302
    assert User.objects.get(pk=world.secretary.pk).is_active is False
    assert AuditEvent.objects.filter(action="accounts.user_disable", object_id=str(world.secretary.pk)).exists()
    refused = Client().post(reverse("accounts:login"), {"username": "secretary", "password": PASSWORD})
    assert "用户名或密码错误" in refused.content.decode()
    sysadmin.post(target)
    assert User.objects.get(pk=world.secretary.pk).is_active is True
    assert AuditEvent.objects.filter(action="accounts.user_enable", object_id=str(world.secretary.pk)).exists()


def test_the_sysadmin_cannot_disable_themself(world, sysadmin):
    response = sysadmin.post(reverse("accounts:user_toggle", args=[world.sysadmin.pk]), follow=True)
    assert "不能停用自己的账号" in response.content.decode()
    assert User.objects.get(pk=world.sysadmin.pk).is_active


def test_a_disabled_account_loses_its_open_session(world, sysadmin):
    victim = Client()
    victim.force_login(world.secretary)
    assert victim.get(reverse("core:home")).status_code == 200
    sysadmin.post(reverse("accounts:user_toggle", args=[world.secretary.pk]))
    assert victim.get(reverse("core:home")).status_code == 302


def test_the_sysadmin_resets_a_password_shown_once_and_the_account_must_change_it(world, sysadmin):
    response = sysadmin.post(reverse("accounts:user_password_reset", args=[world.secretary.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    temporary = response.context["password"]
    assert temporary in response.content.decode()
    user = User.objects.get(pk=world.secretary.pk)
    assert user.check_password(temporary)
    assert user.must_change_password is True
    assert AuditEvent.objects.filter(action="auth.password_reset", actor=world.sysadmin, object_id=str(user.pk)).exists()
    for event in AuditEvent.objects.all():
        assert temporary not in f"{event.changes} {event.reason}"
    # Not carried in a message either (messages may live in a cookie).
    assert temporary not in str(response.cookies)


def test_a_password_reset_keeps_the_second_factor(world, sysadmin):
    SealedTOTPDevice.objects.create(user=world.auditor, name="手机", confirmed=True)
    sysadmin.post(reverse("accounts:user_password_reset", args=[world.auditor.pk]))
    assert SealedTOTPDevice.objects.filter(user=world.auditor, confirmed=True).exists()


def test_the_sysadmin_cannot_reset_their_own_password_here(world, sysadmin):
    response = sysadmin.post(reverse("accounts:user_password_reset", args=[world.sysadmin.pk]), follow=True)
    assert "修改密码" in response.content.decode()
    assert User.objects.get(pk=world.sysadmin.pk).check_password(PASSWORD)


# --- 授权管理 -------------------------------------------------------------------------------------------------------

def test_the_role_list_shows_and_searches_assignments(world, secadmin):
    page = secadmin.get(reverse("accounts:roles"))
    assert page.status_code == 200
    assert page.context["page"].paginator.count == RoleAssignment.objects.count()
    html = page.content.decode()
    assert 'data-confirm="确定撤销 secretary' in html
    found = secadmin.get(reverse("accounts:roles"), {"q": "第三党支部"}).context["page"]
    assert [a.user.username for a in found] == ["outsider"]
    found = secadmin.get(reverse("accounts:roles"), {"role": Role.AUDITOR}).context["page"]
    assert [a.user.username for a in found] == ["auditor"]


def grant(client, username, role, org=None):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:role_grant"), {"username": username, "role": role, "org": org.pk if org else ""})


def test_the_secadmin_grants_a_business_role_on_an_org(world, secadmin):
    response = grant(secadmin, "nobody", Role.SECRETARY, world.a2)
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=world.nobody, role=Role.SECRETARY, org=world.a2).exists()
    event = AuditEvent.objects.get(action="accounts.role_grant", actor=world.secadmin)
    assert event.org_name == "第二党支部"


def test_the_grant_page_finds_accounts_by_username(world, secadmin):
    page = secadmin.get(reverse("accounts:role_grant"), {"find": "out"})
    assert [u.username for u in page.context["found"]] == ["outsider"]
    prefilled = secadmin.get(reverse("accounts:role_grant"), {"user": "outsider"}).content.decode()
    assert 'value="outsider"' in prefilled


@pytest.mark.parametrize(("username", "role", "org", "message"), [
    ("nobody", Role.ORG_ADMIN, None, "请选择该角色所在的党组织"),
    ("nobody", Role.MEMBER, "a1", "党员角色须先关联党员档案"),
    ("nobody", Role.SYSADMIN, "a1", "不关联党组织"),
    ("admin", Role.AUDITOR, None, "三员角色互斥"),
    ("auditor", Role.SECADMIN, None, "三员角色互斥"),
    ("auditor", Role.SECRETARY, "a1", "三员账号，不能授予业务角色"),
    ("secretary", Role.SECRETARY, "a1", "已在此党组织担任该角色"),
    ("ghost", Role.SECRETARY, "a1", "没有这个账号"),
])
def test_role_combinations_are_refused_with_clear_messages(world, secadmin, username, role, org, message):
    before = RoleAssignment.objects.count()
    response = grant(secadmin, username, role, getattr(world, org) if org else None)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RoleAssignment.objects.count() == before


def test_a_role_is_not_granted_to_a_disabled_account(world, secadmin):
    User.objects.filter(pk=world.nobody.pk).update(is_active=False)
    response = grant(secadmin, "nobody", Role.VIEWER, world.root)
    assert "已停用" in response.content.decode()


def test_the_secadmin_revokes_a_role_and_it_is_audited(world, secadmin):
    assignment = RoleAssignment.objects.get(user=world.outsider)
    assert secadmin.post(reverse("accounts:role_revoke", args=[assignment.pk])).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    event = AuditEvent.objects.get(action="accounts.role_revoke")
    assert event.actor == world.secadmin
    assert event.changes == {"role": "支部书记", "org": "第三党支部"}


def test_the_secadmin_cannot_revoke_their_own_role(world, secadmin):
    own = RoleAssignment.objects.get(user=world.secadmin)
    response = secadmin.post(reverse("accounts:role_revoke", args=[own.pk]), follow=True)
    assert "不能撤销自己的角色" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_the_secadmin_resets_a_lost_second_factor_with_a_reason(world, secadmin):
    SealedTOTPDevice.objects.create(user=world.auditor, name="手机", confirmed=True)
    target = reverse("accounts:otp_reset", args=[world.auditor.pk])
    refused = secadmin.post(target, {"reason": "丢"})
    assert "至少4个字" in refused.content.decode()
    assert SealedTOTPDevice.objects.filter(user=world.auditor).exists()
    assert secadmin.post(target, {"reason": "本人持工作证当面核实"}).status_code == 302
    assert not SealedTOTPDevice.objects.filter(user=world.auditor).exists()
    event = AuditEvent.objects.get(action="auth.otp_reset")
    assert (event.actor, event.reason) == (world.secadmin, "本人持工作证当面核实")


def test_role_grant_chooses_the_org_with_a_picker_over_the_whole_tree(world, login):
    """The 安全管理员 places roles anywhere in the tree: searched, never listed as options."""
    client = login(world.secadmin, verified=True)
    page = client.get(reverse("accounts:role_grant")).content.decode()
    assert "第三党支部" not in page and 'data-url="/accounts/roles/orgs/"' in page
    found = client.get(reverse("accounts:role_org_pick"), {"q": "dsdzb"}).json()["results"]
    assert [r["label"] for r in found] == ["机关党委 › 第三党支部"]
    top = client.get(reverse("accounts:role_org_pick")).json()["results"]
    assert [r["id"] for r in top] == [world.root.pk]


@pytest.mark.parametrize("persona", ["admin", "sysadmin", "secretary"])
def test_role_org_picker_is_for_the_secadmin_only(world, login, persona):
    response = login(getattr(world, persona), verified=True).get(reverse("accounts:role_org_pick"), {"q": "党"})
    assert response.status_code == 404
