"""How callers authenticate (token for programs, session with CSRF for the browser), issuing tokens, and the
OpenAPI schema and docs page, which only administrators may see."""

from __future__ import annotations

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dangjian.core.models import AuditEvent
from dangjian.members.models import Member
from tests.api.conftest import member_payload

# --- Token authentication ------------------------------------------------------------------------------------


def token_client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_token_reads_within_the_users_scope(world):
    response = token_client(world.secretary).get("/api/v1/members/")
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {world.member.pk}


def test_token_writes_need_no_csrf_and_are_audited_as_the_tokens_user(world):
    payload = member_payload(world.a1, name="令牌")
    response = token_client(world.secretary).post("/api/v1/members/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert AuditEvent.objects.filter(action="members.create", actor=world.secretary,
                                     object_id=str(response.json()["id"])).exists()


def test_token_of_an_outsider_is_scoped_like_their_session(world):
    client = token_client(world.outsider)
    assert client.get(f"/api/v1/members/{world.member.pk}/").status_code == 404
    assert {r["id"] for r in client.get("/api/v1/members/").json()["results"]} == {world.b_member.pk}


def test_wrong_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get("/api/v1/members/").status_code in (401, 403)


def test_token_of_a_disabled_account_is_refused(world):
    client = token_client(world.secretary)
    type(world.secretary).objects.filter(pk=world.secretary.pk).update(is_active=False)
    assert client.get("/api/v1/members/").status_code in (401, 403)


# --- Session authentication enforces CSRF -----------------------------------------------------------------------


def session_client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def with_csrf(client: APIClient) -> str:
    """Set a CSRF cookie on the client and return the value to echo in the X-CSRFToken header."""
    from django.conf import settings

    secret = "a" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    return secret


def test_session_reads_work_without_csrf(world):
    assert session_client(world.admin).get("/api/v1/members/").status_code == 200


def test_session_write_without_csrf_token_is_refused(world):
    response = session_client(world.admin).post("/api/v1/members/", member_payload(world.a1), format="json")
    assert response.status_code == 403
    assert not Member.objects.filter(name="张三").exists()


def test_session_write_with_csrf_token_goes_through(world):
    client = session_client(world.admin)
    csrf = with_csrf(client)
    response = client.post("/api/v1/members/", member_payload(world.a1), format="json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201, response.content


# --- Issuing tokens -----------------------------------------------------------------------------------------


def test_signed_in_user_gets_a_token_that_then_works(world):
    client = session_client(world.secretary)
    response = client.post("/api/v1/tokens/", HTTP_X_CSRFTOKEN=with_csrf(client))
    assert response.status_code == 201
    key = response.json()["key"]
    assert Token.objects.get(user=world.secretary).key == key
    assert AuditEvent.objects.filter(action="accounts.token_create", actor=world.secretary).exists()
    program = APIClient()
    program.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert program.get("/api/v1/members/").status_code == 200


def test_a_new_token_replaces_the_old_one(world):
    client = session_client(world.secretary)
    first = client.post("/api/v1/tokens/", HTTP_X_CSRFTOKEN=with_csrf(client)).json()["key"]
    second = client.post("/api/v1/tokens/", HTTP_X_CSRFTOKEN=with_csrf(client)).json()["key"]
    assert first != second
    old = APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert old.get("/api/v1/members/").status_code in (401, 403)


def test_a_token_cannot_mint_tokens(world):
    response = token_client(world.secretary).post("/api/v1/tokens/")
    assert response.status_code in (401, 403)
    assert Token.objects.filter(user=world.secretary).count() == 1


def test_token_issue_needs_csrf(world):
    assert session_client(world.secretary).post("/api/v1/tokens/").status_code == 403
    assert not Token.objects.filter(user=world.secretary).exists()


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor"])
def test_the_three_administrators_get_no_token(world, api, persona):
    """A token skips the session policy, so it would be a way around their mandatory second factor."""
    user = getattr(world, persona)
    response = api(user).post("/api/v1/tokens/")
    assert response.status_code == 403
    assert not Token.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="auth.denied", actor=user, reason="accounts.token_create").exists()


def test_anonymous_gets_no_token(world, api):
    assert api(None).post("/api/v1/tokens/").status_code in (401, 403)


# --- Schema and docs: administrators only -----------------------------------------------------------------------

ADMINS = ["admin", "sysadmin"]
NOT_ADMINS = ["viewer", "secretary", "member_user", "outsider", "nobody", "secadmin", "auditor"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)


def test_urls_keep_their_global_names():
    assert reverse("api-schema") == "/api/v1/schema/"
    assert reverse("api-docs") == "/api/v1/docs/"


@pytest.mark.parametrize("persona", ADMINS)
def test_schema_is_served_to_administrators(world, api, persona):
    response = api(getattr(world, persona)).get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ["/api/v1/members/", "/api/v1/members/{id}/", "/api/v1/members/{id}/transfer/",
                 "/api/v1/organizations/", "/api/v1/organizations/tree/", "/api/v1/organizations/{id}/children/",
                 "/api/v1/organizations/{id}/subtree/", "/api/v1/tokens/"]:
        assert path in paths, path
    assert paths["/api/v1/members/{id}/transfer/"]["post"]["summary"] == "组织关系转接"
    assert "delete" not in paths["/api/v1/members/{id}/"]


def test_schema_never_offers_full_personal_data_in_output(world, api):
    schema = yaml.safe_load(api(world.admin).get("/api/v1/schema/").content)
    member = schema["components"]["schemas"]["Member"]["properties"]
    assert "id_card" not in member and "phone" not in member
    assert {"id_card_masked", "phone_masked"} <= set(member)
    assert "id_card" in schema["components"]["schemas"]["MemberRequest"]["properties"]


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_schema_and_docs_do_not_exist_for_everyone_else(world, api, persona):
    client = api(getattr(world, persona))
    assert client.get("/api/v1/schema/").status_code == 404
    assert client.get("/api/v1/docs/").status_code == 404
    assert client.get("/api/v1/docs/", {"script": ""}).status_code == 404


def test_schema_and_docs_do_not_exist_for_anonymous_callers(world, api):
    assert api(None).get("/api/v1/schema/").status_code == 404
    assert api(None).get("/api/v1/docs/").status_code == 404


def test_docs_page_has_no_inline_script_and_its_assets_are_served_locally(world, api):
    response = api(world.admin).get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not INLINE_SCRIPT.findall(html)
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    assert len(sources) == 3
    for src in sources:
        assert not src.startswith(("http:", "https:", "//")), src
        if src.startswith("/static/"):
            assert finders.find(src.removeprefix("/static/")), src
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def test_docs_init_script_is_a_separate_file_pointing_at_the_schema(world, api):
    response = api(world.admin).get("/api/v1/docs/", {"script": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in response.content.decode()


def test_tokens_of_the_three_administrators_and_of_expired_passwords_are_refused(world):
    """A token carries no second factor and skips the login page, so the policy applies here too."""
    import datetime as dt

    from django.utils import timezone
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    sys_token = Token.objects.create(user=world.sysadmin)
    client.credentials(HTTP_AUTHORIZATION=f"Token {sys_token.key}")
    assert client.get("/api/v1/members/").status_code == 401
    admin_token = Token.objects.create(user=world.admin)
    client.credentials(HTTP_AUTHORIZATION=f"Token {admin_token.key}")
    assert client.get("/api/v1/members/").status_code == 200
    type(world.admin).objects.filter(pk=world.admin.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    assert client.get("/api/v1/members/").status_code == 401
    anonymous = APIClient()
    response = anonymous.get("/api/v1/members/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Token")


def test_the_docs_page_style_carries_the_csp_nonce(world, client):
    client.force_login(world.admin)
    response = client.get("/api/v1/docs/")
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<style nonce="{nonce}">' in html
