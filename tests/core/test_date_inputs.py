"""Every <input type=date> carries an ISO value (issue 9, defect 5): browsers reject 2026/12/07, so a date that
pre-fills must be 2026-12-07 — on the meeting form, in the list filters, wherever a form renders a date."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django import forms
from django.urls import reverse

DATE_INPUT = re.compile(r'<input type="date"[^>]*>')


def _values(html: str) -> list[str]:
    return [m.group(1) for tag in DATE_INPUT.findall(html) if (m := re.search(r'value="([^"]*)"', tag))]


@time_machine.travel(dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC), tick=False)
def test_the_meeting_form_prefills_today_as_an_iso_date(world, login):
    page = login(world.secretary).get(reverse("orglife:create"), {"org": world.a1.pk}).content.decode()
    assert _values(page) == ["2026-12-07"]


def test_a_filter_shows_a_date_typed_with_slashes_as_iso_and_still_filters(world, login):
    page = login(world.admin).get(reverse("transfers:list"), {"issued_from": "2026/12/07"})
    assert page.status_code == 200
    assert _values(page.content.decode()) == ["2026-12-07"]
    assert page.context["filter"].form.cleaned_data["issued_from"] == dt.date(2026, 12, 7)


def test_any_date_widget_renders_iso_and_reads_the_ways_people_type_dates():
    widget = forms.DateInput(attrs={"type": "date"})
    assert 'value="2026-12-07"' in widget.render("d", dt.date(2026, 12, 7))
    field = forms.DateField()
    for typed in ("2026-12-07", "2026/12/07", "2026/12/7", "2026年12月7日"):
        assert field.clean(typed) == dt.date(2026, 12, 7)
