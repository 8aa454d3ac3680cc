"""身份证号 checks at their edges: the seventeenth character, and the earliest birth year accepted."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.lib import idcard


def test_the_seventeenth_character_must_be_a_digit_too():
    with pytest.raises(idcard.IdCardError, match="前17位应为数字"):
        idcard.parse("1101051949123100A1")


def test_births_from_1900_are_accepted_and_earlier_ones_refused():
    assert idcard.parse(idcard.make("110105", dt.date(1900, 1, 1), 1)).birth_date == dt.date(1900, 1, 1)
    with pytest.raises(idcard.IdCardError, match="出生日期不合理"):
        idcard.parse(idcard.make("110105", dt.date(1899, 12, 31), 1))


def test_the_last_character_is_a_digit_or_x_and_nothing_else():
    with pytest.raises(idcard.IdCardError, match="最后一位为数字或X"):
        idcard.parse("11010519491231002Y")
