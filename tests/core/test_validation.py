"""The errors collector every action uses: messages per field, whole numbers, one refusal at the end."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from dangjian.core.validation import Errors


def test_add_keeps_messages_per_field_in_order() -> None:
    errors = Errors()
    errors.add("name", "请填写姓名")
    errors.add("name", "姓名过长")
    errors.add(NON_FIELD_ERRORS, "整体有误")
    assert errors == {"name": ["请填写姓名", "姓名过长"], NON_FIELD_ERRORS: ["整体有误"]}
    assert "name" in errors and "phone" not in errors


def test_raise_if_any_is_silent_when_empty() -> None:
    Errors().raise_if_any()


def test_raise_if_any_refuses_with_the_field_dict() -> None:
    errors = Errors()
    errors.add("year", "请填写整数")
    with pytest.raises(ValidationError) as info:
        errors.raise_if_any()
    assert info.value.message_dict == {"year": ["请填写整数"]}


@pytest.mark.parametrize("value, expected", [(None, None), ("", None), (0, 0), ("12", 12), (7, 7)])
def test_count_reads_non_negative_whole_numbers(value: object, expected: int | None) -> None:
    errors = Errors()
    assert errors.count(value, "present") == expected
    assert not errors


@pytest.mark.parametrize("value, message", [("abc", "请填写整数"), ([], "请填写整数"), (-1, "不能为负数"), ("-3", "不能为负数")])
def test_count_records_what_is_wrong(value: object, message: str) -> None:
    errors = Errors()
    assert errors.count(value, "present") is None
    assert errors == {"present": [message]}


def test_count_prefixes_the_label() -> None:
    errors = Errors()
    errors.count("x", "results", "张三：赞成")
    errors.count(-2, "results", "李四：反对")
    assert errors["results"] == ["张三：赞成请填写整数", "李四：反对不能为负数"]
