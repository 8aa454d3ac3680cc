"""/rules/ shows each parameter as a person reads it (issue 9, defect 8): brackets as a table, choices and listed
kinds by their Chinese names, 是/否, numbers with their unit — never a Python value or an internal name."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from dangjian.core import rules
from dangjian.core.models import RuleStatus
from dangjian.core.rules import Rule, display

PYTHON_VALUES = ("[[", "[&#x27;", "['", "None", "True", "False", "ROUND_", "reading_class", "party_lecture", "joined")


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_the_rules_page_reads_like_a_regulation_not_like_python(world, login):
    html = login(world.admin).get(reverse("core:rules")).content.decode()
    text = _text(html)
    for raw in PYTHON_VALUES:
        assert raw not in text, raw
    assert "3,000元以下（含）" in text and "10,000元以上" in text and "0.5%" in text
    assert 'class="table table-sm table-borderless mb-0 dj-rule-brackets"' in html
    assert "四舍五入" in text
    assert "读书班、专题培训、党校培训" in text
    assert "每季度" in text and "30天" in text and "6个月" in text and "3年" in text and "50人" in text
    assert "10月" in text and "32学时" in text and "0.20元" in text


def test_the_detail_page_shows_the_value_as_read_and_no_internal_key(world, login):
    client = login(world.admin)
    brackets = _text(client.get(reverse("core:rule_detail", args=["dues.retired_brackets"])).content.decode())
    assert "5,000元以下（含）" in brackets and "5,000元以上" in brackets and "1%" in brackets
    assert "dues.retired_brackets" not in brackets and "规则编号" not in brackets
    basis = client.get(reverse("core:rule_detail", args=["reminders.political_birthday_basis"])).content.decode()
    assert "入党日期" in basis and "joined 入党日期" not in basis
    rounding = client.get(reverse("core:rule_detail", args=["dues.rounding_mode"])).content.decode()
    assert '<option value="ROUND_HALF_UP" selected>四舍五入</option>' in rounding
    silent = client.get(reverse("core:rule_detail", args=["orglife.silent_days"])).content.decode()
    assert "新取值（天）" in silent


def test_the_rounding_mode_is_chosen_by_name_and_nothing_else_is_taken():
    rule = rules.REGISTRY["dues.rounding_mode"]
    assert rules.parse_override(rule, "ROUND_DOWN") == "ROUND_DOWN"
    with pytest.raises(ValueError, match="四舍五入"):
        rules.parse_override(rule, "ROUND_CEILING")


@pytest.mark.parametrize(("brackets", "rows"), [
    ([["3000", "0.005"], ["5000", "0.01"], [None, "0.02"]],
     [("3,000元以下（含）", "0.5%"), ("3,000元以上至5,000元（含）", "1%"), ("5,000元以上", "2%")]),
    ([[None, "0.01"]], [("全部", "1%")]),
    ([["2500.50", "0.015"], [None, "0.1"]], [("2,500.50元以下（含）", "1.5%"), ("2,500.50元以上", "10%")]),
])
def test_brackets_become_rows_of_range_and_rate(brackets, rows):
    assert display.bracket_rows(brackets) == rows


def test_a_value_takes_the_unit_declared_or_the_one_its_label_ends_with():
    def rule(label: str, default: object, **kw: object) -> Rule:
        return Rule("t.r", label, default, "来源", "", RuleStatus.LOCAL, **kw)  # type: ignore[arg-type]

    assert rule("提醒（天）", 30).label_of(30) == "30天"
    assert rule("期限（月）", 6).label_of(6) == "6个月"
    assert rule("任期（年）", 5).label_of(5) == "5年"
    assert rule("副书记人数上限", 1).label_of(1) == "1人"
    assert rule("达到多少元", "1000", unit="元").label_of("1000") == "1,000.00元"
    assert rule("起始月份", 10, unit="月").label_of(10) == "10月"
    assert rule("形式", ["a", "b"], choices=(("a", "甲"), ("b", "乙"))).label_of(["b", "a"]) == "乙、甲"
    assert rule("开关", True).label_of(False) == "否"
    assert rule("比例", "1/3").label_of("1/3") == "1/3"
