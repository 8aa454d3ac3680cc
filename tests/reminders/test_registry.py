"""The reminder job calls the sources the apps register, and knows none of them by import."""

from __future__ import annotations

import datetime as dt
import pathlib

import time_machine

from dangjian.core.reminders import registry
from dangjian.core.reminders.types import Group, Item, Own
from dangjian.reminders.generate import generate
from dangjian.reminders.models import Reminder, ReminderKind

DAY = dt.date(2025, 4, 25)


def test_every_app_source_is_registered_in_the_order_of_the_run():
    names = [s.name for s in registry.sources()]
    assert names == [
        "dangjian.orglife.reminders.meeting_items",
        "dangjian.leadership.reminders.term_items",
        "dangjian.leadership.reminders.vacancy_items",
        "dangjian.orglife.reminders.draft_items",
        "dangjian.members.reminders.confirmation_items",
        "dangjian.recruitment.reminders.recruitment_items",
        "dangjian.transfers.reminders.transfer_items",
        "dangjian.dues.reminders.arrears_items",
        "dangjian.learning.reminders.study_items",
        "dangjian.appraisal.reminders.appraisal_items",
        "dangjian.members.reminders.birthday_items",
    ]


def test_a_registered_source_is_called_by_the_job_with_the_rules_it_declares(world):
    seen: list[tuple[dt.date, dict]] = []

    def extra_items(today, values):
        seen.append((today, dict(values)))
        group = Group(ReminderKind.VACANCY, "test:summary", "{n}", "/")
        item = Item(ReminderKind.VACANCY, f"test:{world.a1.pk}", "测试提醒", "/", group, None, world.a1.pk)
        own = Item(ReminderKind.POLITICAL_BIRTHDAY, "test:own", "本人测试提醒", "/", group)
        return [(world.a1.path, item), Own(world.member.pk, own)]

    registry.register(order=999, rules=["reminders.draft_days"])(extra_items)
    try:
        with time_machine.travel(dt.datetime(2025, 4, 25, 9, tzinfo=dt.UTC), tick=False):
            generate(DAY)
    finally:
        registry.unregister(f"{extra_items.__module__}.{extra_items.__qualname__}")
    assert seen == [(DAY, {"reminders.draft_days": 3})]
    assert Reminder.objects.filter(user=world.secretary, key=f"test:{world.a1.pk}").exists()
    assert not Reminder.objects.filter(user=world.outsider, key=f"test:{world.a1.pk}").exists()
    assert Reminder.objects.filter(user=world.member_user, key="test:own", title="本人测试提醒").exists()


def test_registering_another_function_under_the_same_name_fails():
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    def clash(today):
        return []

    registry.register(order=1)(clash)
    try:
        def clash(today):  # noqa: F811 - the same dotted name, another function
            return []

        with pytest.raises(ImproperlyConfigured):
            registry.register(order=1)(clash)
    finally:
        registry.unregister(f"{clash.__module__}.{clash.__qualname__}")


def test_the_job_imports_no_app_it_reminds_of():
    import ast

    root = pathlib.Path(__file__).resolve().parents[2] / "dangjian" / "reminders"
    apps = ("orgs", "members", "orglife", "learning", "dues", "appraisal", "recruitment", "transfers")
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[:2] not in [["dangjian", a] for a in apps], (path, node.module)
