"""The member page shows the sections the apps register, in their order, without importing those apps."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from dangjian.members.sections import register_section, sections


def test_the_apps_sections_are_registered_in_page_order():
    assert [s.template for s in sections()] == [
        "recruitment/member_section.html",
        "transfers/member_section.html",
        "dues/member_section.html",
        "learning/member_section.html",
        "appraisal/member_section.html",
    ]


def test_a_second_function_for_a_template_already_taken_fails():
    with pytest.raises(ImproperlyConfigured):
        register_section("dues/member_section.html", order=1)(lambda member, user: {})
