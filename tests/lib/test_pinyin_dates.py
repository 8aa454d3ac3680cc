"""Pinyin for names (with 多音字 surnames) and whole-year arithmetic at its boundaries."""

from __future__ import annotations

import datetime as dt

from dangjian.lib import pinyin
from dangjian.lib.dates import add_years, whole_years


def test_surnames_read_as_surnames():
    assert pinyin.full("曾国藩") == "zeng guo fan"
    assert pinyin.full("单雄信") == "shan xiong xin"
    assert pinyin.initials("尉迟恭") == "ycg"


def test_ordinary_names():
    assert pinyin.full("张三") == "zhang san"
    assert pinyin.initials("买买提·艾力") == "mmtal"


def test_whole_years_at_the_birthday():
    born = dt.date(2000, 5, 20)
    assert whole_years(born, dt.date(2018, 5, 19)) == 17
    assert whole_years(born, dt.date(2018, 5, 20)) == 18
    assert whole_years(born, dt.date(2018, 5, 21)) == 18


def test_leap_day_anniversary_falls_back_to_28_february():
    assert add_years(dt.date(2004, 2, 29), 1) == dt.date(2005, 2, 28)
    assert add_years(dt.date(2004, 2, 29), 4) == dt.date(2008, 2, 29)
