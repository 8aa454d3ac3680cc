"""The one written-date format: 2025年1月1日, from the settings' DATE_FORMAT, in code and on the pages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from dangjian.core.templatetags.dj import cndate
from dangjian.lib.dates import cn_date


@pytest.mark.parametrize("day, text", [
    (dt.date(2025, 1, 1), "2025年1月1日"), (dt.date(2025, 12, 31), "2025年12月31日"),
    (dt.date(2024, 2, 29), "2024年2月29日"),
])
def test_cn_date(day: dt.date, text: str) -> None:
    assert cn_date(day) == text
    assert cndate(day) == text


def test_cn_date_does_not_follow_the_active_language() -> None:
    with translation.override("en"):
        assert cn_date(dt.date(2025, 1, 1)) == "2025年1月1日"


def test_no_date_is_empty() -> None:
    assert cn_date(None) == ""
    assert cndate(None) == "" and cndate("") == ""


def test_cndate_shows_datetimes_in_local_time_with_the_minute() -> None:
    utc = dt.datetime(2025, 12, 31, 16, 5, tzinfo=dt.UTC)
    assert cndate(utc) == "2026年1月1日 00:05"
    assert cndate(dt.datetime(2025, 1, 1, 8, 5, tzinfo=ZoneInfo("Asia/Shanghai"))) == "2025年1月1日 08:05"
    assert cndate(dt.datetime(2025, 1, 1, 8, 5)) == "2025年1月1日 08:05"
