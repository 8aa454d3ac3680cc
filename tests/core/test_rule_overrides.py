"""Rule overrides: local practice set freely, central rules only stricter, every change dated, reasoned, audited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.core import actions, rules
from dangjian.core.models import AuditEvent, RuleParameter

LECTURE = "orglife.lecture_period"  # local practice, default quarterly
ASSEMBLY = "orglife.assembly_period"  # central, quarterly, may only become more frequent
BRANCH_MIN = "orgs.setup.branch_min_full_members"  # central, no stricter direction: not editable
SILENT = "orglife.silent_days"  # local integer
SUBMITTED_ONLY = "orglife.count_submitted_only"  # local boolean


@pytest.mark.parametrize(("key", "raw", "expected"), [
    (LECTURE, "month", "month"), (LECTURE, "year", "year"),
    (ASSEMBLY, "month", "month"), (ASSEMBLY, "quarter", "quarter"),
    (SILENT, "0", 0), (SILENT, "45", 45),
    (SUBMITTED_ONLY, "false", False),
])
def test_valid_overrides_parse_to_the_rules_type(key, raw, expected):
    assert rules.parse_override(rules.REGISTRY[key], raw) == expected


@pytest.mark.parametrize(("key", "raw", "message"), [
    (ASSEMBLY, "year", "只能从严"),
    (BRANCH_MIN, "4", "不能在系统中修改"),
    (LECTURE, "weekly", "请选择"),
    (SILENT, "-1", "不能小于0"),
    (SILENT, "3.5", "请输入整数"),
    (SUBMITTED_ONLY, "maybe", "是”或“否"),
])
def test_invalid_overrides_are_refused_with_the_reason(key, raw, message):
    with pytest.raises(ValueError, match=message):
        rules.parse_override(rules.REGISTRY[key], raw)


@pytest.mark.parametrize(("raw", "ok"), [("0", False), ("1", True), ("12", True), ("13", False)])
def test_bounds_are_inclusive(raw, ok):
    from dangjian.core.models import RuleStatus

    month = rules.Rule("x.month", "月份", 10, "本单位做法", "", RuleStatus.LOCAL, minimum=1, maximum=12)
    if ok:
        assert rules.parse_override(month, raw) == int(raw)
    else:
        with pytest.raises(ValueError, match="不能(小于1|大于12)"):
            rules.parse_override(month, raw)


@time_machine.travel(dt.datetime(2025, 6, 30, 4, tzinfo=dt.UTC), tick=False)
def test_an_override_applies_from_its_date_and_keeps_the_earlier_value_for_earlier_days(world):
    actions.set_rule(actor=world.admin, key=LECTURE, raw_value="month", effective_from=dt.date(2025, 7, 1),
                     reason="机关党委2025年第3次会议决定")
    assert rules.value(LECTURE, dt.date(2025, 6, 30)) == "quarter"
    assert rules.value(LECTURE, dt.date(2025, 7, 1)) == "month"
    event = AuditEvent.objects.get(action="core.rule_set")
    assert event.changes["value"] == ["quarter", "month"] and event.actor_name



@time_machine.travel(dt.datetime(2025, 6, 30, 4, tzinfo=dt.UTC), tick=False)
def test_a_page_snapshot_reads_every_override_once_and_answers_each_day_as_the_database_would(
        world, django_assert_num_queries):
    actions.set_rule(actor=world.admin, key=LECTURE, raw_value="month", effective_from=dt.date(2025, 7, 1),
                     reason="机关党委2025年第3次会议决定")
    actions.set_rule(actor=world.admin, key=SILENT, raw_value="45", effective_from=dt.date(2025, 1, 1),
                     reason="机关党委2025年第1次会议决定")
    days = [dt.date(2024, 12, 31), dt.date(2025, 1, 1), dt.date(2025, 6, 30), dt.date(2025, 7, 1)]
    keys = [LECTURE, SILENT, ASSEMBLY]
    outside = [rules.values(keys, day) for day in days]
    with rules.snapshot():
        with django_assert_num_queries(1):
            rules.preload(dt.date(2025, 6, 30))
        with django_assert_num_queries(0):
            inside = [rules.values(keys, day) for day in days]
    assert inside == outside
    assert [v[LECTURE] for v in inside] == ["quarter", "quarter", "quarter", "month"]
    assert [v[SILENT] for v in inside] == [rules.REGISTRY[SILENT].default, 45, 45, 45]


def test_a_bad_override_names_the_field_and_writes_nothing(world):
    with pytest.raises(ValidationError) as exc:
        actions.set_rule(actor=world.admin, key=ASSEMBLY, raw_value="year", effective_from=dt.date(2025, 1, 1),
                         reason="")
    assert set(exc.value.message_dict) == {"value", "reason"}
    actions.set_rule(actor=world.admin, key=SILENT, raw_value="20", effective_from=dt.date(2025, 1, 1), reason="决定")
    with pytest.raises(ValidationError) as exc:
        actions.set_rule(actor=world.admin, key=SILENT, raw_value="25", effective_from=dt.date(2025, 1, 1),
                         reason="决定")
    assert "effective_from" in exc.value.message_dict
    assert RuleParameter.objects.count() == 1


def test_only_a_top_level_administrator_may_set_rules(world, login):
    for user in (world.secretary, world.viewer, world.outsider):
        with pytest.raises(Exception):  # noqa: B017 — OutOfScope, audited
            actions.set_rule(actor=user, key=SILENT, raw_value="20", effective_from=dt.date(2025, 1, 1), reason="x")
        response = login(user).post(reverse("core:rule_detail", args=[SILENT]),
                                    {"value": "20", "effective_from": "2025-01-01", "reason": "x"})
        assert response.status_code == 404
    assert not RuleParameter.objects.exists()
    assert login(world.nobody).get(reverse("core:rules")).status_code == 404


def test_the_rules_pages_show_every_rule_and_take_an_override(world, login):
    client = login(world.admin)
    page = client.get(reverse("core:rules")).content.decode()
    assert "党支部党课周期" in page and "本单位做法" in page
    assert "不能在系统中修改" in client.get(reverse("core:rule_detail", args=[BRANCH_MIN])).content.decode()
    response = client.post(reverse("core:rule_detail", args=[ASSEMBLY]),
                           {"value": "year", "effective_from": "2025-01-01", "reason": "试"})
    assert "只能从严" in response.content.decode()
    response = client.post(reverse("core:rule_detail", args=[LECTURE]),
                           {"value": "month", "effective_from": "2025-01-01", "reason": "机关党委决定"}, follow=True)
    assert "已记录" in response.content.decode() and "机关党委决定" in response.content.decode()
    viewer_page = login(world.viewer).get(reverse("core:rule_detail", args=[LECTURE])).content.decode()
    assert "调整取值" not in viewer_page and "机关党委决定" in viewer_page
    assert client.get(reverse("core:rule_detail", args=["no.such"])).status_code == 404
