"""身份证号 parsing: checksum, normalisation, birth date and sex (GB 11643-1999)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.lib import idcard
from dangjian.lib.masking import mask_id_card, mask_phone


def test_it_accepts_a_valid_number_and_decodes_it():
    card = idcard.parse("11010519491231002X")
    assert card.birth_date == dt.date(1949, 12, 31)
    assert card.sex == "F"


def test_it_normalises_fullwidth_digits_spaces_and_lowercase_x():
    assert idcard.parse("１１０１０５ 19491231002x").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("11010519491231002", "18位"),
        ("1101051949123100AX", "前17位"),
        ("110105194902300021", "出生日期不存在"),
        ("110105194912310021", "校验位"),
        ("110105180001010011", "不合理"),
    ],
)
def test_it_rejects_bad_numbers_with_a_reason(raw, message):
    with pytest.raises(idcard.IdCardError, match=message):
        idcard.parse(raw)


@given(
    st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2008, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_made_numbers_always_parse_back(birth, seq):
    number = idcard.make("320102", birth, seq)
    card = idcard.parse(number)
    assert card.birth_date == birth
    assert card.sex == ("M" if seq % 2 else "F")


def test_masks_keep_only_the_ends():
    assert mask_id_card("11010519491231002X") == "1101**********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("010-12345678") == "********5678"
