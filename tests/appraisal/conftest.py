"""Helpers for the 民主评议党员 tests: a branch with a few more members, a drafted and a confirmed round."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dangjian.appraisal import actions
from dangjian.appraisal.choices import Rating

DAY = dt.date(2025, 12, 10)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded scans go to a temporary directory, not the project's var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


@pytest.fixture(autouse=True)
def _totals(totals_stay_exact: None) -> None:
    """Members change only through the actions here (除名, 劝退): the kept subtree totals must stay exact."""


def grow(world, n: int = 2) -> list[Any]:
    """`n` more members in A1 (so A1 has n + 1 members on its roll on DAY)."""
    return [world.make_member(world.a1, name=f"成员{'甲乙丙丁戊己庚辛壬癸子丑寅卯'[i]}", joined_on=dt.date(2015, 7, 1), confirmed_on=dt.date(2016, 7, 1))
            for i in range(n)]


def draft(world, *, org=None, day: dt.date = DAY, participants: int | None = None, **extra) -> Any:
    org = org or world.a1
    size = len(actions.roll(org, day))
    return actions.create_round(actor=world.admin, org=org, data={
        "held_on": day, "participants": participants if participants is not None else size, **extra})


def rate_all(world, appraisal, ratings: list[str] | None = None, actor=None) -> Any:
    """Rate everyone on the sheet (合格 unless `ratings` says otherwise, in pinyin order)."""
    results = list(appraisal.results.select_related("member").order_by("member__name_pinyin", "member_id"))
    ratings = ratings or [Rating.QUALIFIED] * len(results)
    entries = []
    for result, rating in zip(results, ratings, strict=True):
        entry = {"member": result.member_id, "rating": rating, "votes_qualified": 1}
        if rating == Rating.UNQUALIFIED:
            entry["reason"] = "长期不参加组织生活"
        entries.append(entry)
    return actions.set_results(appraisal, actor=actor or world.admin, entries=entries)


def confirmed(world, ratings: list[str] | None = None, **kw) -> Any:
    appraisal = draft(world, **kw)
    rate_all(world, appraisal, ratings)
    actions.confirm_round(appraisal, actor=world.admin)
    appraisal.refresh_from_db()
    return appraisal
