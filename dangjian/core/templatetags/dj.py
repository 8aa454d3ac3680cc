"""Template filters and tags used everywhere: Chinese dates, money, audit action labels, breadcrumbs. (Query strings:
Django's {% querystring %}.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import formats, timezone

from dangjian.core.rules.display import percent as as_percent
from dangjian.lib.dates import cn_date
from dangjian.lib.money import format_money

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
def money(value: Any) -> str:
    """253,807.85: two decimals and thousands separators (dangjian.lib.money); "" for no amount."""
    return format_money(value)


@register.filter
def percent(value: Any) -> str:
    """0.015 → 1.5% (a rate such as a 党费 bracket's); "" for no value."""
    return "" if value in (None, "") else as_percent(value)


@register.filter
def audit_label(code: str) -> str:
    from dangjian.core.audit import ACTIONS

    return ACTIONS.get(code, code)


@register.inclusion_tag("includes/breadcrumb.html")
def crumbs(*parts: Any) -> dict[str, Any]:
    """A page's breadcrumb, written once: `{% crumbs "党员名册" list_url member.name detail_url "党籍变动" %}` gives
    linked (label, url) pairs and, last, the current page's label. A pair whose label is empty is left out, so a
    form shared by "new" and "edit" can pass its record's crumb either way."""
    *pairs, current = parts
    links = [(pairs[i], pairs[i + 1]) for i in range(0, len(pairs) - 1, 2) if pairs[i]]
    return {"links": links, "current": current}
