"""The demo command runs the steps the apps register in their own demo modules, in a fixed order."""

from __future__ import annotations

import pytest

from dangjian.demo.loader import registered_steps
from dangjian.lib.demo import registry


def test_the_apps_demo_steps_are_discovered_in_order():
    steps = registered_steps()
    assert [s.name for s in steps] == [
        "dangjian.orglife.demo.load",
        "dangjian.recruitment.demo.load",
        "dangjian.transfers.demo.load",
        "dangjian.dues.demo.load",
        "dangjian.learning.demo.load",
        "dangjian.appraisal.demo.load",
    ]
    assert [s.name for s in steps if s.reminders_after] == ["dangjian.orglife.demo.load"]


def test_two_steps_may_not_share_an_order():
    def load(*, seed, today):
        return ""

    registered_steps()
    with pytest.raises(ValueError, match="share the order"):
        registry.register(order=10)(load)
