"""Every API endpoint scoped exactly like the UI: outsider, plain member, 上级查看, the 三员 and a user with no role.

Forbidden and missing answer alike (404 on objects, empty lists), never 403, so the API cannot be used to learn
what exists outside one's scope.
"""

from __future__ import annotations

import pytest

from dangjian.core.models import AuditEvent
from dangjian.members.models import Member
from tests.api.conftest import member_payload

NO_BUSINESS_DATA = ["sysadmin", "secadmin", "auditor", "nobody"]


def ids(response) -> set[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def a_side_object_urls(world) -> list[str]:  # type: ignore[no-untyped-def]
    """Every GET endpoint that names one of 第一党总支's objects."""
    return [
        f"/api/v1/organizations/{world.general.pk}/",
        f"/api/v1/organizations/{world.a1.pk}/",
        f"/api/v1/organizations/{world.general.pk}/children/",
        f"/api/v1/organizations/{world.general.pk}/subtree/",
        f"/api/v1/members/{world.member.pk}/",
        f"/api/v1/members/{world.a2_member.pk}/",
    ]


# --- Outsider: 支部书记 of B ---------------------------------------------------------------------------------


def test_outsider_lists_only_their_own_branch(world, api):
    client = api(world.outsider)
    assert ids(client.get("/api/v1/organizations/")) == {world.b.pk}
    assert ids(client.get("/api/v1/members/")) == {world.b_member.pk}
    assert ids(client.get("/api/v1/members/", {"state": "all"})) == {world.b_member.pk}
    assert [r["id"] for r in client.get("/api/v1/organizations/tree/").json()] == [world.b.pk]


def test_outsider_gets_404_on_every_a_side_object(world, api):
    client = api(world.outsider)
    for url in a_side_object_urls(world):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "未找到该记录"}


def test_outsider_cannot_write_to_a_side_members(world, api):
    client = api(world.outsider)
    patch = client.patch(f"/api/v1/members/{world.member.pk}/", {"post": "x"}, format="json")
    put = client.put(f"/api/v1/members/{world.member.pk}/", member_payload(world.a1), format="json")
    moved = client.post(f"/api/v1/members/{world.member.pk}/transfer/", {"to_org": world.b.pk, "date": "2024-01-02"},
                        format="json")
    assert (patch.status_code, put.status_code, moved.status_code) == (404, 404, 404)
    world.member.refresh_from_db()
    assert world.member.post == "科员" and world.member.org == world.a1


def test_outsider_cannot_register_a_member_in_an_a_side_branch(world, api):
    response = api(world.outsider).post("/api/v1/members/", member_payload(world.a1), format="json")
    assert response.status_code == 400
    assert response.json() == {"org": ["所选党组织不存在或不在您的管理范围内"]}
    assert not Member.objects.filter(name="张三").exists()


def test_outsider_cannot_pull_an_a_side_member_into_their_branch(world, api):
    response = api(world.outsider).post(
        f"/api/v1/members/{world.a2_member.pk}/transfer/", {"to_org": world.b.pk, "date": "2024-01-02"}, format="json"
    )
    assert response.status_code == 404


def test_outsider_cannot_transfer_their_own_member_into_a(world, api):
    response = api(world.outsider).post(
        f"/api/v1/members/{world.b_member.pk}/transfer/", {"to_org": world.a1.pk, "date": "2024-01-02"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"to_org": ["所选党组织不存在或不在您的管理范围内"]}


def test_reaching_for_an_out_of_scope_object_is_audited_as_a_denial(world, api):
    api(world.outsider).get(f"/api/v1/members/{world.member.pk}/")
    denial = AuditEvent.objects.get(action="auth.denied", actor=world.outsider)
    assert denial.object_id == str(world.member.pk) and denial.result == "denied"


def test_a_missing_object_is_not_audited_as_a_denial(world, api):
    assert api(world.outsider).get("/api/v1/members/987654/").status_code == 404
    assert not AuditEvent.objects.filter(action="auth.denied").exists()


# --- Plain member ------------------------------------------------------------------------------------------


def test_plain_member_sees_only_their_own_record_and_branch(world, api):
    client = api(world.member_user)
    assert ids(client.get("/api/v1/members/")) == {world.member.pk}
    assert client.get(f"/api/v1/members/{world.member.pk}/").status_code == 200
    assert client.get(f"/api/v1/members/{world.a2_member.pk}/").status_code == 404
    assert ids(client.get("/api/v1/organizations/")) == {world.a1.pk}
    assert client.get(f"/api/v1/organizations/{world.a1.pk}/").status_code == 200
    assert client.get(f"/api/v1/organizations/{world.general.pk}/").status_code == 404
    assert client.get(f"/api/v1/organizations/{world.a1_group.pk}/").status_code == 404


def test_plain_member_tree_children_and_subtree_stop_at_their_branch(world, api):
    client = api(world.member_user)
    (root,) = client.get("/api/v1/organizations/tree/").json()
    assert root["id"] == world.a1.pk and root["children"] == []
    assert ids(client.get(f"/api/v1/organizations/{world.a1.pk}/subtree/")) == {world.a1.pk}
    assert ids(client.get(f"/api/v1/organizations/{world.a1.pk}/children/")) == set()


def test_plain_member_cannot_edit_or_transfer_even_their_own_record(world, api):
    client = api(world.member_user)
    patch = client.patch(f"/api/v1/members/{world.member.pk}/", {"post": "书记"}, format="json")
    moved = client.post(f"/api/v1/members/{world.member.pk}/transfer/", {"to_org": world.a2.pk, "date": "2024-01-02"},
                        format="json")
    create = client.post("/api/v1/members/", member_payload(world.a1), format="json")
    assert (patch.status_code, moved.status_code, create.status_code) == (404, 404, 400)


# --- 上级查看 ------------------------------------------------------------------------------------------------


def test_viewer_reads_the_general_branch_subtree_only(world, api):
    client = api(world.viewer)
    assert ids(client.get("/api/v1/members/")) == {world.member.pk, world.a2_member.pk}
    assert ids(client.get("/api/v1/organizations/")) == {world.general.pk, world.a1.pk, world.a1_group.pk, world.a2.pk}
    assert client.get(f"/api/v1/members/{world.a2_member.pk}/").status_code == 200
    assert client.get(f"/api/v1/members/{world.b_member.pk}/").status_code == 404
    assert client.get(f"/api/v1/organizations/{world.root.pk}/").status_code == 404


def test_viewer_gets_404_not_403_on_writes_to_what_they_can_read(world, api):
    client = api(world.viewer)
    url = f"/api/v1/members/{world.member.pk}/"
    assert client.patch(url, {"post": "x"}, format="json").status_code == 404
    payload = member_payload(world.a1)
    payload.pop("org")
    payload.pop("id_card")
    assert client.put(url, payload, format="json").status_code == 404
    moved = client.post(f"{url}transfer/", {"to_org": world.a2.pk, "date": "2024-01-02"}, format="json")
    assert moved.status_code == 404
    world.member.refresh_from_db()
    assert world.member.post == "科员"


def test_viewer_cannot_register_members(world, api):
    response = api(world.viewer).post("/api/v1/members/", member_payload(world.a1), format="json")
    assert response.status_code == 400
    assert response.json() == {"org": ["所选党组织不存在或不在您的管理范围内"]}


# --- Secretary: change scope is their branch ---------------------------------------------------------------


def test_secretary_cannot_edit_a_member_of_the_neighbouring_branch(world, api):
    client = api(world.secretary)
    assert client.get(f"/api/v1/members/{world.a2_member.pk}/").status_code == 404
    assert client.patch(f"/api/v1/members/{world.a2_member.pk}/", {"post": "x"}, format="json").status_code == 404


# --- The 三员 and users without roles -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", NO_BUSINESS_DATA)
def test_no_business_data_for_the_three_administrators_or_the_roleless(world, api, persona):
    client = api(getattr(world, persona))
    assert ids(client.get("/api/v1/organizations/")) == set()
    assert ids(client.get("/api/v1/members/")) == set()
    assert client.get("/api/v1/organizations/tree/").json() == []
    for url in [*a_side_object_urls(world), f"/api/v1/organizations/{world.root.pk}/",
                f"/api/v1/members/{world.b_member.pk}/"]:
        assert client.get(url).status_code == 404, url
    assert client.patch(f"/api/v1/members/{world.b_member.pk}/", {"post": "x"}, format="json").status_code == 404
    assert client.post(f"/api/v1/members/{world.b_member.pk}/transfer/", {"to_org": world.b.pk, "date": "2024-01-02"},
                       format="json").status_code == 404
    create = client.post("/api/v1/members/", member_payload(world.b), format="json")
    assert create.status_code == 400 and "org" in create.json()


@pytest.mark.parametrize(
    "url",
    ["/api/v1/organizations/", "/api/v1/organizations/tree/", "/api/v1/members/", "/api/v1/members/1/",
     "/api/v1/organizations/1/", "/api/v1/organizations/1/children/", "/api/v1/organizations/1/subtree/"],
)
def test_anonymous_callers_are_refused(world, api, url):
    assert api(None).get(url).status_code in (401, 403)


def test_anonymous_callers_cannot_write(world, api):
    client = api(None)
    assert client.post("/api/v1/members/", member_payload(world.a1), format="json").status_code in (401, 403)
    assert client.post(f"/api/v1/members/{world.member.pk}/transfer/", {}, format="json").status_code in (401, 403)
