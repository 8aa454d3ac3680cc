"""The org and member pickers in a real browser: type a few characters, pick a result with the keyboard, submit
the filter; browse the tree with the arrow keys; the appoint page's member picker finds a member by name."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_pages import SHOTS, open_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _combobox(page: Any, label: str) -> Any:
    box = page.get_by_role("combobox", name=label)
    assert box.get_attribute("aria-expanded") == "false"
    return box


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_type_pick_with_the_keyboard_and_filter_the_transfer_list(browser: Any, live_url: str, size: str) -> None:
    page, problems = open_page(browser, live_url, "admin", size)
    page.goto(f"{live_url}/transfers/")
    box = _combobox(page, "党组织（含下级）")
    box.click()
    box.press_sequentially("党支部", delay=30)
    page.locator(".dj-picker-name", has_text="党支部").first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    option = page.locator(f"#{active}")
    assert option.get_attribute("aria-selected") == "true"
    chosen = option.locator(".dj-picker-name").inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"picker-open-{size}.png"))
    box.press("Enter")
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value().endswith(chosen) and "›" in box.input_value()
    org_id = page.locator("input[type=hidden][name=org]").input_value()
    assert org_id.isdigit()
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state("networkidle")
    assert re.search(rf"[?&]org={org_id}(&|$)", page.url)
    assert _combobox(page, "党组织（含下级）").input_value().endswith(chosen)
    page.screenshot(path=str(SHOTS / f"picker-filtered-{size}.png"), full_page=True)
    assert problems == []


def test_browse_the_tree_with_the_arrow_keys(browser: Any, live_url: str) -> None:
    page, problems = open_page(browser, live_url, "admin", "desktop")
    page.goto(f"{live_url}/orglife/compliance/")
    box = _combobox(page, "党组织范围")
    box.focus()
    box.press("ArrowDown")  # opens the top of the scope
    page.get_by_role("option").first.wait_for()
    box.press("ArrowDown")
    top = page.locator(f"#{box.get_attribute('aria-activedescendant')}").locator(".dj-picker-name").inner_text()
    box.press("ArrowRight")  # one level down
    page.locator(".dj-picker-up").wait_for()
    assert top in page.locator(".dj-picker-up").inner_text()
    box.press("ArrowDown")
    box.press("ArrowDown")
    child = page.locator(f"#{box.get_attribute('aria-activedescendant')}").locator(".dj-picker-name").inner_text()
    box.press("Enter")
    assert box.input_value() == f"{top} › {child}"
    page.get_by_role("button", name="查看").click()
    page.wait_for_load_state("networkidle")
    assert _combobox(page, "党组织范围").input_value() == f"{top} › {child}"
    assert problems == []


def test_appoint_finds_a_member_by_name(browser: Any, live_url: str) -> None:
    page, problems = open_page(browser, live_url, "admin", "desktop")
    page.goto(f"{live_url}/orgs/leadership/org/1/appoint/")
    box = _combobox(page, "党员")
    box.click()
    page.get_by_role("option").first.wait_for()
    first = page.get_by_role("option").first.locator(".dj-picker-name").inner_text()
    box.fill("")
    box.press_sequentially(first, delay=30)
    page.wait_for_timeout(500)
    page.get_by_role("option").first.wait_for()
    box.press("ArrowDown")
    box.press("Enter")
    assert box.input_value().startswith(first)
    assert page.locator("input[type=hidden][name=member]").input_value().isdigit()
    assert problems == []
