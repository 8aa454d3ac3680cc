"""/api/v1/recruitment/: applicants and steps, scoped like the pages, writes through the actions (400 with the
rule named, nothing written), personal data only masked."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from dangjian.recruitment import actions
from dangjian.recruitment.models import Applicant, Step
from tests.recruitment.conftest import applicant_data, full_members, walk
from tests.world import make_id_card

BASE = "/api/v1/recruitment/applicants/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user=type(user).objects.get(pk=user.pk))
    return client


@pytest.fixture
def applicant(world):
    return actions.create_applicant(actor=world.secretary, data=applicant_data(world))


def payload(world, **overrides):
    birth = dt.date(1999, 1, 2)
    data = {
        "org": world.a1.pk, "name": "林接口", "sex": "M", "ethnicity": "汉族", "birth_date": birth.isoformat(),
        "id_card": make_id_card(birth, male=True), "phone": "13700001234", "education": "bachelor",
        "occupation": "civil_servant", "person_category": "employed", "applied_on": "2026-11-01",
    }
    data.update(overrides)
    return data


def test_register_list_and_detail(world, applicant):
    client = client_for(world.secretary)
    response = client.post(BASE, payload(world), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["step"] == 1 and body["next_step"] == 2 and body["due_on"] == "2026-12-01"
    assert "id_card" not in body and "*" in body["id_card_masked"]
    listed = client.get(BASE, {"due": "overdue"}).json()
    assert [a["name"] for a in listed["results"]] == ["陈申请"]
    detail = client.get(f"{BASE}{applicant.pk}/").json()
    assert detail["steps"][0]["number"] == 1 and detail["steps"][0]["name"] == "递交入党申请书"


def test_register_refuses_bad_input_naming_the_field(world):
    response = client_for(world.secretary).post(
        BASE, payload(world, applied_on="2026-11-21", id_card="110101199901020000"), format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["applied_on"] == ["递交入党申请书的日期不能晚于今天"] and "id_card" in errors
    assert not Applicant.objects.exists()


def test_record_step_and_refuse_out_of_order(world, applicant):
    client = client_for(world.secretary)
    url = f"{BASE}{applicant.pk}/steps/"
    bad = client.post(url, {"number": 7, "date": "2024-03-20"}, format="json")
    assert bad.status_code == 400 and "步骤顺序不对" in bad.json()["number"][0]
    good = client.post(url, {"number": 2, "date": "2024-03-20", "handled_by": "组织委员"}, format="json")
    assert good.status_code == 201 and good.json()["name"] == "党组织派人谈话"
    assert Step.objects.filter(applicant=applicant).count() == 2


def test_introducer_who_is_probationary_is_refused_by_the_api(world, applicant):
    walk(world, applicant, 8)
    probationary = world.make_member(world.a1, name="孙预备", party_status="probationary",
                                     joined_on=dt.date(2026, 1, 5), confirmed_on=None)
    response = client_for(world.secretary).post(
        f"{BASE}{applicant.pk}/steps/", {"number": 9, "date": "2025-05-25",
                                         "people": [world.member.pk, probationary.pk]}, format="json")
    assert response.status_code == 400
    assert "孙预备是预备党员，不能担任入党介绍人：入党介绍人须是正式党员（党章第五条" in response.json()["people"][0]


def test_steps_endpoint_lists_only_visible_steps(world, applicant):
    mentors = full_members(world)
    walk(world, applicant, 5, mentors)
    rows = client_for(world.admin).get("/api/v1/recruitment/steps/", {"applicant": applicant.pk}).json()["results"]
    assert [r["number"] for r in rows] == [1, 2, 3, 4, 5] and rows[-1]["people"] == [mentors[0].pk]
    assert client_for(world.outsider).get("/api/v1/recruitment/steps/").json()["results"] == []
    step_id = rows[0]["id"]
    assert client_for(world.outsider).get(f"/api/v1/recruitment/steps/{step_id}/").status_code == 404
    assert client_for(world.viewer).get(f"/api/v1/recruitment/steps/{step_id}/").status_code == 200


def test_outsider_gets_404_and_nothing(world, applicant):
    client = client_for(world.outsider)
    assert client.get(BASE).json()["results"] == []
    assert client.get(f"{BASE}{applicant.pk}/").status_code == 404
    assert client.post(f"{BASE}{applicant.pk}/steps/", {"number": 2, "date": "2024-03-20"},
                       format="json").status_code == 404
    assert client.post(BASE, payload(world), format="json").status_code == 400
    assert Step.objects.count() == 1


def test_viewer_may_read_but_not_record(world, applicant):
    client = client_for(world.viewer)
    assert client.get(f"{BASE}{applicant.pk}/").status_code == 200
    assert client.post(f"{BASE}{applicant.pk}/steps/", {"number": 2, "date": "2024-03-20"},
                       format="json").status_code == 404


def test_a_full_id_card_number_in_the_search_is_refused_never_searched(world, applicant):
    number = actions.pii.read_id_card(applicant)
    response = client_for(world.admin).get(BASE, {"q": number.lower()})
    assert response.status_code == 400 and "身份证号" in response.content.decode()