"""The org and member pickers in a real browser: type a few characters, pick a result with the keyboard, submit
the filter; browse the tree with the arrow keys; the appoint page's member picker finds a member by name."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_pages import SHOTS, open_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _start(browser: Any, live_url: str, path: str, label: str, size: str = "desktop") -> tuple[Any, list[str], Any]:
    """The admin on `path`: the page, the problems seen so far, and the picker labelled `label`."""
    page, problems = open_page(browser, live_url, "admin", size)
    page.goto(f"{live_url}{path}")
    return page, problems, _combobox(page, label)


def _active_name(page: Any, box: Any) -> str:
    """The name of the option the keyboard is on."""
    return page.locator(f"#{box.get_attribute('aria-activedescendant')}").locator(".dj-picker-name").inner_text()


def _submit_and_see(page: Any, button: str, label: str, shown: str) -> None:
    """Submit the form; the reloaded page's picker shows the chosen value (rendered by the server)."""
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("networkidle")
    assert _combobox(page, label).input_value().endswith(shown)


def _combobox(page: Any, label: str) -> Any:
    box = page.get_by_role("combobox", name=label)
    assert box.get_attribute("aria-expanded") == "false"
    return box


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_type_pick_with_the_keyboard_and_filter_the_transfer_list(browser: Any, live_url: str, size: str) -> None:
    page, problems, box = _start(browser, live_url, "/transfers/", "党组织（含下级）", size)
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
    _submit_and_see(page, "查询", "党组织（含下级）", chosen)
    assert re.search(rf"[?&]org={org_id}(&|$)", page.url)
    page.screenshot(path=str(SHOTS / f"picker-filtered-{size}.png"), full_page=True)
    assert problems == []


def test_browse_the_tree_with_the_arrow_keys(browser: Any, live_url: str) -> None:
    page, problems, box = _start(browser, live_url, "/orglife/compliance/", "党组织范围")
    box.focus()
    box.press("ArrowDown")  # opens the top of the scope
    page.get_by_role("option").first.wait_for()
    box.press("ArrowDown")
    top = _active_name(page, box)
    box.press("ArrowRight")  # one level down
    page.locator(".dj-picker-up").wait_for()
    assert top in page.locator(".dj-picker-up").inner_text()
    box.press("ArrowDown")
    box.press("ArrowDown")
    child = _active_name(page, box)
    box.press("Enter")
    assert box.input_value() == f"{top} › {child}"
    _submit_and_see(page, "查看", "党组织范围", f"{top} › {child}")
    assert problems == []


def test_appoint_finds_a_member_by_name(browser: Any, live_url: str) -> None:
    page, problems, box = _start(browser, live_url, "/orgs/leadership/org/1/appoint/", "党员")
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
