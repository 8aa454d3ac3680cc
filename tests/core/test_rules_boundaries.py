"""The rule registry's pure parts at their edges (no database): which rules a deployment may change, how a value is
labelled, every branch of `parse_override` including the stricter direction of a central rule, and declaring a
rule twice."""

from __future__ import annotations

import pytest

from dangjian.core import rules
from dangjian.core.models import RuleStatus
from dangjian.core.rules import PERIOD_CHOICES, Rule

LOCAL, CENTRAL = RuleStatus.LOCAL, RuleStatus.CENTRAL


def rule(default, status=LOCAL, **kw) -> Rule:
    return Rule("test.rule", "测试规则", default, "来源", "第一条", status, **kw)


def test_local_scalar_rules_are_editable_and_central_ones_only_with_a_stricter_direction():
    assert rule(3).is_local and rule(3).editable
    assert rule(True).editable and rule(1.5).editable and rule("x").editable
    assert not rule([["3000", "0.005"]]).editable  # a list is not set on the page
    assert not rule(3, CENTRAL).is_local
    assert not rule(3, CENTRAL).editable
    assert rule(3, CENTRAL, tighter="lower").editable


def test_a_value_is_labelled_by_its_choice_or_as_yes_no_or_as_itself():
    period = rule("quarter", choices=PERIOD_CHOICES)
    assert period.label_of("month") == "每月"
    assert period.label_of("year") == "每年"
    assert period.label_of("week") == "week"
    assert rule(True).label_of(True) == "是" and rule(True).label_of(False) == "否"
    assert rule(3).label_of(3) == "3"


@pytest.mark.parametrize(("r", "raw", "expected"), [
    (rule("quarter", choices=PERIOD_CHOICES), " month ", "month"),
    (rule(True), "true", True),
    (rule(False), "false", False),
    (rule(3), "0", 0),
    (rule(3, minimum=2), "2", 2),
    (rule(3, maximum=5), "5", 5),
    (rule(1.5), "2.5", 2.5),
    (rule("本单位"), " 上级党委 ", "上级党委"),
    (rule(6, CENTRAL, tighter="lower"), "6", 6),
    (rule(6, CENTRAL, tighter="lower"), "5", 5),
    (rule(1, CENTRAL, tighter="higher"), "1", 1),
    (rule(1, CENTRAL, tighter="higher"), "2", 2),
    (rule("quarter", CENTRAL, choices=PERIOD_CHOICES, tighter="lower"), "quarter", "quarter"),
    (rule("quarter", CENTRAL, choices=PERIOD_CHOICES, tighter="lower"), "month", "month"),
])
def test_accepted_overrides(r, raw, expected):
    value = rules.parse_override(r, raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(("r", "raw", "message"), [
    (rule("quarter", choices=PERIOD_CHOICES), "week", "请选择：每月、每季度、每年"),
    (rule(True), "True", "请选择“是”或“否”"),
    (rule(3), "", "请输入整数"),
    (rule(1.5), "abc", "请输入数字"),
    (rule("本单位"), "  ", "不能为空"),
    (rule(3), "-1", "不能小于0"),
    (rule(1.5), "-0.5", "不能小于0"),
    (rule(3, minimum=2), "1", "不能小于2"),
    (rule(3, maximum=5), "6", "不能大于5"),
    (rule(3, CENTRAL), "3", "中央规定，不能在系统中修改"),
    (rule(6, CENTRAL, tighter="lower"), "7", "中央规定只能从严执行，不能宽于“6”"),
    (rule(1, CENTRAL, tighter="higher"), "0", "不能宽于“1”"),
    (rule("quarter", CENTRAL, choices=PERIOD_CHOICES, tighter="lower"), "year", "不能宽于“每季度”"),
])
def test_refused_overrides_say_why(r, raw, message):
    with pytest.raises(ValueError, match=message):
        rules.parse_override(r, raw)


def test_a_boolean_is_never_checked_against_number_bounds():
    assert rules.parse_override(rule(True, minimum=5), "true") is True


def test_a_rule_may_be_declared_again_only_unchanged():
    key = "test.registry_twice"
    first = Rule(key, "测试", 1, "来源", "", LOCAL)
    try:
        rules.register(first)
        rules.register(Rule(key, "测试", 1, "来源", "", LOCAL))
        assert rules.REGISTRY[key] == first
        with pytest.raises(ValueError, match="declared twice"):
            rules.register(Rule(key, "测试", 2, "来源", "", LOCAL))
    finally:
        rules.REGISTRY.pop(key, None)
