"""发展对象 training recorded as study sessions (learning.Trainee) counts for the admission rule (细则 第十七条):
added to the step's days and 学时 by recruitment.training, never to member totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.learning import actions as learning_actions
from dangjian.learning import measures
from dangjian.learning.choices import SessionKind
from dangjian.learning.models import Trainee
from dangjian.recruitment import actions
from dangjian.recruitment.training import training_hours
from tests.recruitment.conftest import TALLY, applicant_data, errors_of, full_members, step, walk


def party_school(world, hours="24", org=None, day=dt.date(2025, 6, 15)):
    return learning_actions.create_session(
        actor=world.admin, org=org or world.general,
        data={"kind": SessionKind.PARTY_SCHOOL, "title": "发展对象培训班", "held_on": day, "hours": hours},
        participants=[],
    )


def test_session_hours_count_for_admission_and_not_for_member_totals(world):
    people = full_members(world)
    applicant = walk(world, actions.create_applicant(actor=world.secretary, data=applicant_data(world)), 10, people)
    # Step 11 recorded with too little (1 day, 8 学时); the rest comes from a 党校 course recorded in the system.
    step(world, applicant, 11, dt.date(2025, 6, 20), training_days=1, training_hours=8)
    assert training_hours(applicant).hours == Decimal("8")
    session = party_school(world, hours="16", org=world.a1)
    learning_actions.add_trainee(session, actor=world.secretary, applicant=applicant.pk, hours="16")
    assert training_hours(applicant).hours == Decimal("24")
    for n, day in ((12, dt.date(2025, 7, 1)), (13, dt.date(2025, 7, 10)), (14, dt.date(2025, 7, 15))):
        step(world, applicant, n, day)
    step(world, applicant, 15, dt.date(2025, 7, 20), **TALLY)  # admitted: the 24 学时 rule is met
    assert not any(measures.hours_for([m.pk for m in people], 2025).values())  # not a member's 学时


def test_without_the_session_the_admission_meeting_is_refused(world):
    applicant = walk(world, actions.create_applicant(actor=world.secretary, data=applicant_data(world)), 10)
    step(world, applicant, 11, dt.date(2025, 6, 20), training_days=1, training_hours=8)
    for n, day in ((12, dt.date(2025, 7, 1)), (13, dt.date(2025, 7, 10)), (14, dt.date(2025, 7, 15))):
        step(world, applicant, n, day)
    with pytest.raises(ValidationError) as exc:
        step(world, applicant, 15, dt.date(2025, 7, 20), **TALLY)
    assert "未经培训" in str(errors_of(exc))


@pytest.mark.parametrize(("change", "field"), [
    ({"hours": "25"}, "hours"),
    ({"hours": "0"}, "hours"),
    ({"hours": ""}, "hours"),
    ({"applicant": "outsider"}, "applicant"),
    ({"applicant": "twice"}, "applicant"),
    ({"applicant": "applying"}, "applicant"),
])
def test_bad_trainee_records_name_the_field_and_write_nothing(world, change, field):
    applicant = walk(world, actions.create_applicant(actor=world.secretary, data=applicant_data(world)), 3)
    session = party_school(world, hours="24")
    if change.get("applicant") == "twice":
        learning_actions.add_trainee(session, actor=world.admin, applicant=applicant.pk, hours="8")
    before = Trainee.objects.count()
    args = {"applicant": applicant.pk, "hours": "8", **change}
    if args["applicant"] == "outsider":
        born = dt.date(1999, 1, 2)
        other = actions.create_applicant(actor=world.admin, data=applicant_data(
            world, org=world.b, name="外单位", birth_date=born, sex="M", id_card=_other_card(born)))
        args["applicant"] = other.pk
    elif args["applicant"] == "twice":
        args["applicant"] = applicant.pk
    elif args["applicant"] == "applying":  # still at the application stage: not yet an 积极分子
        born = dt.date(1999, 1, 2)
        args["applicant"] = actions.create_applicant(actor=world.admin, data=applicant_data(
            world, name="刚申请", birth_date=born, sex="M", id_card=_other_card(born))).pk
    with pytest.raises(ValidationError) as exc:
        learning_actions.add_trainee(session, actor=world.admin, **args)
    assert field in exc.value.message_dict
    assert Trainee.objects.count() == before


def _other_card(born: dt.date) -> str:
    from tests.world import make_id_card

    return make_id_card(born, male=True)


def test_only_managers_of_the_session_may_add_trainees(world, login):
    applicant = walk(world, actions.create_applicant(actor=world.secretary, data=applicant_data(world)), 3)
    session = party_school(world)
    for user in (world.viewer, world.member_user, world.outsider):
        with pytest.raises(Exception):  # noqa: B017 — OutOfScope, a 404
            learning_actions.add_trainee(session, actor=user, applicant=applicant.pk, hours="8")
        response = login(user).post(reverse("learning:trainee_add", args=[session.pk]),
                                    {"applicant": applicant.pk, "hours": "8"})
        assert response.status_code == 404
    assert not Trainee.objects.exists()
    page = login(world.admin).get(reverse("learning:detail", args=[session.pk])).content.decode()
    assert "发展对象、入党积极分子培训" in page and 'id="dj-trainee"' in page and "data-dj-picker" in page
    response = login(world.admin).post(reverse("learning:trainee_add", args=[session.pk]),
                                       {"applicant": applicant.pk, "hours": "8"}, follow=True)
    assert "已登记发展对象培训学时" in response.content.decode()
    assert Trainee.objects.get().hours == Decimal("8")


def test_the_trainee_is_picked_by_search_not_listed_and_an_outsider_is_refused_on_the_field(world, login):
    from tests.growth import weight

    applicant = walk(world, actions.create_applicant(actor=world.secretary, data=applicant_data(world)), 3)
    born = dt.date(1999, 1, 2)
    outsider = actions.create_applicant(actor=world.admin, data=applicant_data(
        world, org=world.b, name="外单位", birth_date=born, sex="M", id_card=_other_card(born)))
    for number, day in ((2, dt.date(2024, 3, 20)), (3, dt.date(2024, 4, 20))):  # an 积极分子 of 第三党支部
        actions.record_step(outsider, actor=world.admin, number=number, data={"date": day, "handled_by": "组织委员"})
    session = party_school(world, org=world.a1)
    client = login(world.secretary)
    url = reverse("learning:detail", args=[session.pk])
    page = client.get(url).content.decode()
    assert 'id="dj-trainee"' in page and f'<option value="{applicant.pk}"' not in page and "<select" not in page
    found = client.get(reverse("recruitment:pick"), {"q": applicant.name[:1], "within": world.a1.pk}).json()
    assert [r["id"] for r in found["results"]] == [applicant.pk]
    assert client.get(reverse("recruitment:pick"), {"q": "外单位"}).json()["results"] == []
    refused = client.post(reverse("learning:trainee_add", args=[session.pk]),
                          {"applicant": outsider.pk, "hours": "8"}, follow=True).content.decode()
    assert "发展对象或积极分子：所选人员不存在、不在本组织或不是积极分子、发展对象" in refused
    assert not Trainee.objects.exists()
    _, queries = weight(client, url)
    for i in range(8):
        born = dt.date(1998, 1, 1 + i)
        walk(world, actions.create_applicant(actor=world.admin, data=applicant_data(
            world, name="新积极" + "一二三四五六七八"[i], birth_date=born, sex="M", id_card=_other_card(born))), 3)
    assert weight(client, url)[1] == queries
    client.post(reverse("learning:trainee_add", args=[session.pk]), {"applicant": applicant.pk, "hours": "8"})
    assert Trainee.objects.get().applicant == applicant
    # Each manager finds only their own: 第三党支部's secretary their 积极分子, a plain 党员 no one.
    assert [r["id"] for r in login(world.outsider).get(reverse("recruitment:pick")).json()["results"]] == [outsider.pk]
    assert login(world.member_user).get(reverse("recruitment:pick")).json()["results"] == []
