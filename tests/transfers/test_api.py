"""The API: both sides of a transfer see it, each side's actions only for that side, outsiders get empty lists and
404 on every record and action; bad input is a 400 with Chinese field errors and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from dangjian.members.choices import MemberEventKind, MemberState
from dangjian.members.models import Member
from dangjian.transfers import actions
from dangjian.transfers.choices import TransferStatus
from dangjian.transfers.models import FloatingMember, Transfer

from ..api.conftest import member_payload
from .conftest import at

D = dt.date
TODAY = D(2025, 6, 15)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=type(user).objects.get(pk=user.pk))
    return client


@pytest.fixture
def records(world):
    with at(TODAY):
        transfer = actions.request_transfer(world.member, actor=world.secretary, to_org=world.a2, issued_on=TODAY)
        floating = actions.record_floating(world.a2_member, actor=world.admin,
                                           data={"left_on": D(2024, 12, 15), "place": "上海", "phone": "13912345678"})
        lost = actions.record_lost_contact(world.make_member(world.a1, name="孙失联"), actor=world.secretary,
                                           last_contact_on=D(2024, 12, 15))
    return {"transfers": transfer, "floating-members": floating, "lost-contacts": lost}


def test_outsider_lists_nothing_and_gets_404_on_records_and_actions(world, records):
    client = api(world.outsider)
    with at(TODAY):
        for prefix, obj in records.items():
            assert client.get(f"/api/v1/{prefix}/", {"status": "all", "flag": "all", "stage": "all"}).json()["results"] == []
            assert client.get(f"/api/v1/{prefix}/{obj.pk}/").status_code == 404
        assert client.get("/api/v1/suspended-members/").json()["results"] == []
        t = records["transfers"]
        for verb, body in [("accept", {"date": "2025-06-15"}), ("return", {"reason": "x"}), ("cancel", {}),
                           ("receipt", {"receipt_on": "2025-06-15"})]:
            assert client.post(f"/api/v1/transfers/{t.pk}/{verb}/", body, format="json").status_code == 404, verb
        assert client.post(f"/api/v1/floating-members/{records['floating-members'].pk}/end/",
                           {"returned_on": "2025-06-15"}, format="json").status_code == 404
        case = records["lost-contacts"]
        assert client.post(f"/api/v1/lost-contacts/{case.pk}/suspend/",
                           {"date": "2025-06-15", "doc_no": "X"}, format="json").status_code == 404
        assert client.post(f"/api/v1/suspended-members/{world.member.pk}/remove/",
                           {"date": "2025-06-15", "doc_no": "X"}, format="json").status_code == 404
        created = client.post("/api/v1/transfers/", {"member": world.member.pk, "to_org": world.b.pk,
                                                     "issued_on": "2025-06-15"}, format="json")
        out = client.post("/api/v1/transfers/out/", {"member": world.member.pk, "outside_org": "某党委", "letter_no": "1",
                                                    "issued_on": "2025-06-15"}, format="json")
        arrived = client.post("/api/v1/transfers/in/", {"member": member_payload(world.a1, name="吴转入"),
                                                       "outside_org": "某党委", "letter_no": "1",
                                                       "issued_on": "2025-06-01"}, format="json")
        patched = client.patch(f"/api/v1/floating-members/{records['floating-members'].pk}/", {"place": "北京"},
                               format="json")
        floated = client.post("/api/v1/floating-members/", {"member": world.member.pk, "left_on": "2025-06-01",
                                                           "place": "北京"}, format="json")
        lost = client.post("/api/v1/lost-contacts/", {"member": world.member.pk, "last_contact_on": "2025-06-01"},
                           format="json")
    assert created.status_code == 400 and "member" in created.json()
    assert out.status_code == 400 and "member" in out.json()
    assert arrived.status_code == 400 and "org" in arrived.json()["member"]
    assert patched.status_code == 404
    assert floated.status_code == 400 and lost.status_code == 400
    assert not Member.objects.filter(name="吴转入").exists() and FloatingMember.objects.count() == 1
    assert Transfer.objects.get(pk=records["transfers"].pk).status == TransferStatus.PENDING


def test_internal_transfer_through_the_api_from_request_to_acceptance(world):
    with at(TODAY):
        bad = api(world.secretary).post("/api/v1/transfers/", {"member": world.member.pk, "to_org": world.general.pk,
                                                              "issued_on": "2025-06-16"}, format="json")
        assert bad.status_code == 400
        assert "组织关系只能转入党支部" in bad.json()["to_org"][0] and bad.json()["issued_on"] == ["转出日期不能晚于今天"]
        assert not Transfer.objects.exists()
        created = api(world.secretary).post("/api/v1/transfers/", {"member": world.member.pk, "to_org": world.b.pk,
                                                                  "issued_on": "2025-06-15", "reason": "调动"},
                                            format="json")
        assert created.status_code == 201 and created.json()["status_label"] == "待接收"
        pk = created.json()["id"]
        incoming = api(world.outsider).get("/api/v1/transfers/", {"direction": "in"}).json()["results"]
        assert [r["id"] for r in incoming] == [pk]
        assert api(world.secretary).post(f"/api/v1/transfers/{pk}/accept/", {"date": "2025-06-15"},
                                         format="json").status_code == 404
        no_reason = api(world.outsider).post(f"/api/v1/transfers/{pk}/return/", {"reason": ""}, format="json")
        assert no_reason.status_code == 400 and "拒转拒接" in no_reason.json()["reason"][0]
        accepted = api(world.outsider).post(f"/api/v1/transfers/{pk}/accept/", {"date": "2025-06-15"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert Member.objects.get(pk=world.member.pk).org == world.b


def test_external_out_receipt_and_external_in(world):
    client = api(world.secretary)
    with at(TODAY):
        missing = client.post("/api/v1/transfers/out/", {"member": world.member.pk, "outside_org": "", "letter_no": "",
                                                        "issued_on": "2025-06-01"}, format="json")
        assert missing.status_code == 400 and set(missing.json()) == {"outside_org", "letter_no"}
        out = client.post("/api/v1/transfers/out/", {"member": world.member.pk, "outside_org": "某省委组织部",
                                                    "letter_no": "L-9", "issued_on": "2025-06-01"}, format="json")
        assert out.status_code == 201 and out.json()["status_label"] == "待回执"
        done = client.post(f"/api/v1/transfers/{out.json()['id']}/receipt/", {"receipt_on": "2025-06-10"}, format="json")
        assert done.json()["status_label"] == "回执已收"
        payload = member_payload(world.a1, name="吴转入")
        arrived = client.post("/api/v1/transfers/in/", {"member": payload, "outside_org": "某大学党委", "letter_no": "D-1",
                                                       "issued_on": "2025-06-01"}, format="json")
    assert arrived.status_code == 201 and arrived.json()["status_label"] == "已转入"
    assert Member.objects.get(pk=world.member.pk).state == MemberState.TRANSFERRED_OUT
    assert Member.objects.get(name="吴转入").events.filter(kind=MemberEventKind.TRANSFER_IN).exists()


def test_floating_and_lost_contact_through_the_api(world):
    client = api(world.secretary)
    with at(TODAY):
        created = client.post("/api/v1/floating-members/", {"member": world.member.pk, "left_on": "2024-12-15",
                                                           "place": "广州", "phone": "13712345678"}, format="json")
        assert created.status_code == 201
        body = created.json()
        assert body["must_transfer"] is True and body["transfer_due"] == "2025-06-15"
        assert body["phone_masked"] == "137****5678" and "phone" not in body
        pk = body["id"]
        assert client.patch(f"/api/v1/floating-members/{pk}/", {"certificate_no": "LD-1"},
                            format="json").json()["certificate_no"] == "LD-1"
        assert client.post(f"/api/v1/floating-members/{pk}/end/", {"returned_on": "2025-06-15"},
                           format="json").json()["returned_on"] == "2025-06-15"
        case = client.post("/api/v1/lost-contacts/", {"member": world.member.pk, "last_contact_on": "2024-12-16"},
                           format="json").json()
        assert case["stage"] == "lost"
        early = client.post(f"/api/v1/lost-contacts/{case['id']}/suspend/", {"date": "2025-06-15", "doc_no": "A1"},
                            format="json")
        assert early.status_code == 400 and "第二十四条" in early.json()["date"][0]
    with at(D(2025, 6, 16)):
        client = api(world.secretary)
        done = client.post(f"/api/v1/lost-contacts/{case['id']}/suspend/", {"date": "2025-06-16", "doc_no": "A1"},
                           format="json")
        assert done.status_code == 200 and done.json()["stage"] == "suspended"
        listed = client.get("/api/v1/suspended-members/").json()["results"]
    assert [(r["name"], r["removal_due"], r["lost_case"]) for r in listed] == [("李党员", False, case["id"])]
    assert FloatingMember.objects.get().returned_on == TODAY


def test_lost_contact_search_notes_through_the_api(world, records):
    case = records["lost-contacts"]
    with at(TODAY):
        done = api(world.secretary).patch(f"/api/v1/lost-contacts/{case.pk}/", {"search_notes": "走访户籍地"},
                                          format="json")
        assert done.status_code == 200 and done.json()["search_notes"] == "走访户籍地"
        assert api(world.outsider).patch(f"/api/v1/lost-contacts/{case.pk}/", {"search_notes": "x"},
                                         format="json").status_code == 404
