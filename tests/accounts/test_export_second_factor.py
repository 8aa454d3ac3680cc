"""A second factor before any export for the roles that can export personal data in bulk (issue 11 finding 6,
SEC-05): without a bound 动态口令 they are sent to bind one, with one to verify it; a verified session exports;
a plain 党员 downloading their own record is not concerned."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from dangjian.accounts.otp_device import SealedTOTPDevice
from dangjian.core.models import AuditEvent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _exports(world) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        reverse("members:export"),
        reverse("recruitment:export"),
        reverse("orgs:leadership_board_export"),
        reverse("orglife:ledger", args=[world.root.pk, 2025]),
        reverse("transfers:list") + "?export=xlsx",
        reverse("learning:totals") + "?export=xlsx",
        reverse("dues:summary") + "?format=xlsx",
    ]


@pytest.mark.parametrize("persona", ["admin", "secretary", "viewer", "outsider"])
def test_a_bulk_export_role_without_a_device_is_sent_to_bind_one_before_any_export(world, login, persona):
    client = login(getattr(world, persona))
    for url in _exports(world):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("accounts:otp_setup"), url
    assert not AuditEvent.objects.filter(action__endswith=".export").exists()


def test_with_a_device_the_session_must_be_verified_and_comes_back_to_the_export(world, login):
    SealedTOTPDevice.objects.create(user=world.admin, name="手机", confirmed=True)
    client = login(world.admin)
    response = client.get(reverse("members:export"), {"q": "李"})
    assert response.status_code == 302
    target = urlparse(response.url)
    assert target.path == reverse("accounts:otp_verify")
    assert parse_qs(target.query)["next"] == [reverse("members:export") + "?q=%E6%9D%8E"]
    assert not AuditEvent.objects.filter(action="members.export").exists()


def test_a_posted_unmasked_export_returns_to_the_page_it_came_from(world, login):
    SealedTOTPDevice.objects.create(user=world.admin, name="手机", confirmed=True)
    client = login(world.admin)
    page = reverse("members:list") + "?org=" + str(world.a1.pk)
    response = client.post(reverse("members:export"), {"unmasked": "1", "reason": "报送上级组织部门"},
                           HTTP_REFERER="http://testserver" + page)
    assert parse_qs(urlparse(response.url).query)["next"] == [page]


def test_a_verified_session_exports(world, login):
    response = login(world.admin, verified=True).get(reverse("members:export"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert AuditEvent.objects.filter(action="members.export", actor=world.admin).count() == 1


def test_a_plain_member_downloads_their_own_record_without_a_second_factor(world, login):
    response = login(world.member_user).get(reverse("learning:member", args=[world.member.pk]) + "?export=xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX


def test_pages_that_do_not_export_are_not_held(world, login):
    assert login(world.secretary).get(reverse("members:list")).status_code == 200
