"""Template filters used everywhere: Chinese dates, audit action labels. (Query strings: Django's {% querystring %}.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import formats, timezone

from dangjian.lib.dates import cn_date

register = template.Library()


@register.filter
def cndate(value: Any) -> str:
    """2025年1月1日 (the settings' DATE_FORMAT); datetimes are shown in Asia/Shanghai with the time
    (DATETIME_FORMAT, 2025年1月1日 08:05)."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(local, "DATETIME_FORMAT", use_l10n=False)
    if isinstance(value, dt.date):
        return cn_date(value)
    return str(value)


@register.filter
def audit_label(code: str) -> str:
    from dangjian.core.audit import ACTIONS

    return ACTIONS.get(code, code)

