"""发展党员 test helpers: time frozen before the world is built, an applicant's data, and a path driver."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from dangjian.recruitment import actions
from dangjian.recruitment.models import Applicant
from tests.world import World, make_id_card

# "Now" for these tests (Beijing noon); each test may move it.
NOW = dt.datetime(2026, 11, 20, 4, 0, tzinfo=dt.UTC)


def beijing_noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 4, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[time_machine.Traveller]:
    """Time stands still at NOW from before the world is built (autouse fixtures run first)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _totals_stay_exact(totals_stay_exact: None) -> None:
    """Admission creates members through members.actions: the kept totals must stay exact."""


def applicant_data(world: World, **overrides: Any) -> dict[str, Any]:
    birth = overrides.pop("birth_date", dt.date(1998, 5, 4))
    sex = overrides.pop("sex", "F")
    data: dict[str, Any] = {
        "org": world.a1, "name": "陈申请", "sex": sex, "ethnicity": "汉族", "birth_date": birth,
        "id_card": make_id_card(birth, male=sex == "M"), "phone": "13900001111", "education": "postgraduate",
        "occupation": "civil_servant", "person_category": "employed", "work_unit": "办公厅", "post": "科员",
        "applied_on": dt.date(2024, 3, 1), "handled_by": "",
    }
    data.update(overrides)
    return data


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def step(world: World, applicant: Applicant, number: int, day: dt.date, **data: Any) -> Any:
    return actions.record_step(applicant, actor=world.secretary, number=number, data={"date": day, **data})


TALLY = {"entitled": 3, "present": 3, "yes": 3, "no": 0, "abstain": 0}


def full_members(world: World) -> list[Any]:
    """Two 正式党员 of A1 besides the world's 李党员 (mentors and introducers)."""
    return [world.make_member(world.a1, name="王介绍"), world.make_member(world.a1, name="刘联系")]


def walk(world: World, applicant: Applicant, upto: int, people: list[Any] | None = None) -> Applicant:
    """Record the regular path (dates of test_full_path) up to and including step `upto`."""
    people = people or full_members(world)
    plan: list[tuple[int, dt.date, dict[str, Any]]] = [
        (2, dt.date(2024, 3, 20), {"handled_by": "组织委员 周书记"}),
        (3, dt.date(2024, 5, 10), {}),
        (4, dt.date(2024, 5, 20), {}),
        (5, dt.date(2024, 5, 25), {"people": people[:1]}),
        (6, dt.date(2024, 11, 5), {}),
        (6, dt.date(2025, 4, 30), {}),
        (7, dt.date(2025, 5, 10), {}),
        (8, dt.date(2025, 5, 20), {}),
        (9, dt.date(2025, 5, 25), {"people": people[:2]}),
        (10, dt.date(2025, 6, 10), {}),
        (11, dt.date(2025, 6, 20), {"training_days": 3, "training_hours": 24}),
        (12, dt.date(2025, 7, 1), {}),
        (13, dt.date(2025, 7, 10), {}),
        (14, dt.date(2025, 7, 15), {}),
        (15, dt.date(2025, 7, 20), dict(TALLY)),
        (16, dt.date(2025, 8, 1), {}),
        (17, dt.date(2025, 9, 1), {"doc_no": "机党发〔2025〕12号"}),
        (18, dt.date(2025, 9, 10), {}),
        (19, dt.date(2025, 9, 15), {}),
        (20, dt.date(2025, 9, 20), {}),
        (21, dt.date(2026, 1, 10), {}),
        (22, dt.date(2026, 7, 10), {}),
        (23, dt.date(2026, 7, 20), {"outcome": "confirm", **TALLY}),
        (24, dt.date(2026, 8, 15), {}),
        (25, dt.date(2026, 9, 1), {}),
    ]
    for number, day, data in plan:
        if number > upto:
            break
        step(world, applicant, number, day, **data)
    applicant.refresh_from_db()
    return applicant
