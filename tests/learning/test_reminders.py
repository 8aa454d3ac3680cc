"""学时不足 reminders: from October (the rule's month) to the end of the year, one per branch with members still
short, to the users who can change that branch; nothing before October, nothing once everyone has met the target,
and a query count that does not grow with the number of branches."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dangjian.learning.reminders import study_items
from dangjian.reminders.generate import generate
from dangjian.reminders.models import Reminder, ReminderKind
from tests.learning.conftest import direct_session

pytestmark = pytest.mark.usefixtures("world")


def at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC), tick=False)


def keys(user) -> set[str]:
    return set(Reminder.objects.filter(user=user, kind=ReminderKind.STUDY_SHORTFALL, resolved_at__isnull=True)
               .values_list("key", flat=True))


def test_no_study_reminder_before_october_and_one_per_short_branch_from_october_1(world):
    with at(dt.date(2025, 9, 30)):
        assert study_items(dt.date(2025, 9, 30)) == []
    with at(dt.date(2025, 10, 1)):
        items = dict((item.org_id, item) for _path, item in study_items(dt.date(2025, 10, 1)))
    assert set(items) == {world.a1.pk, world.a2.pk, world.b.pk}
    a1 = items[world.a1.pk]
    assert a1.key == f"study_shortfall:{world.a1.pk}:2025" and a1.title.startswith("第一党支部有1名党员2025年学时尚未达标")
    assert a1.due_on == dt.date(2025, 12, 31) and a1.url == f"/learning/shortfall/?org={world.a1.pk}&year=2025"


def test_a_branch_whose_members_reached_exactly_32_gets_no_reminder_and_31_5_still_does(world):
    with at(dt.date(2025, 10, 15)):
        direct_session(world, world.a1, dt.date(2025, 3, 1), "32", [(world.member.pk, "32")])
        direct_session(world, world.a2, dt.date(2025, 3, 1), "32", [(world.a2_member.pk, "31.5")])
        branches = {item.org_id for _p, item in study_items(dt.date(2025, 10, 15))}
    assert world.a1.pk not in branches and world.a2.pk in branches


def test_reminders_go_to_the_branch_secretary_and_the_admin_not_to_an_outsider(world):
    with at(dt.date(2025, 11, 1)):
        generate(dt.date(2025, 11, 1))
    assert keys(world.secretary) == {f"study_shortfall:{world.a1.pk}:2025"}
    assert f"study_shortfall:{world.a1.pk}:2025" in keys(world.admin)
    assert keys(world.outsider) == {f"study_shortfall:{world.b.pk}:2025"}
    with at(dt.date(2025, 11, 2)):
        direct_session(world, world.a1, dt.date(2025, 11, 1), "32", [(world.member.pk, "32")])
        generate(dt.date(2025, 11, 2))
    assert keys(world.secretary) == set()


def test_hours_of_last_year_do_not_count_for_this_years_reminder(world):
    with at(dt.date(2025, 10, 1)):
        direct_session(world, world.a1, dt.date(2024, 12, 31), "40", [(world.member.pk, "40")])
        assert world.a1.pk in {item.org_id for _p, item in study_items(dt.date(2025, 10, 1))}


def test_the_study_source_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    from dangjian.orgs.actions import create_org

    for i, name in enumerate(["甲", "乙", "丙", "丁"]):
        org = create_org(actor=world.admin, parent=world.root, name=f"新党支部{i}", kind="branch")
        world.make_member(org, name=f"新党员{name}")
    with at(dt.date(2025, 10, 1)), django_assert_max_num_queries(5):
        assert len(study_items(dt.date(2025, 10, 1))) == 7
