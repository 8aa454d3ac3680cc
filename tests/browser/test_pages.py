"""The pages a person uses, in a real browser at desktop (1280×800) and phone (390×844) sizes: they render
without CSP violations or horizontal overflow, and the tree, search and login flows work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dangjian.demo.loader import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = Path(__file__).resolve().parents[2] / "test-results"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def open_page(browser: Any, live_url: str, username: str, size: str) -> tuple[Any, list[str]]:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{live_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page, problems


def assert_fits(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name}: page is {overflow}px wider than the screen"


@pytest.mark.parametrize("size", SIZES)
def test_admin_pages_render_cleanly(browser, live_url, size):
    page, problems = open_page(browser, live_url, "admin", size)
    assert "首页" in page.title()
    assert_fits(page, f"home-{size}")
    for path, name in (
        ("/orgs/", "tree"), ("/members/", "members"), ("/members/import/", "import"), ("/orglife/", "meetings"),
        ("/orglife/compliance/", "compliance"), ("/orglife/compliance/rollup/", "rollup"),
        ("/orgs/leadership/board/", "board"), ("/reminders/", "reminders"),
        ("/orglife/compliance/talks/", "talks"), ("/rules/", "rules"), ("/measures/", "measures"),
        ("/documents/", "documents"),
        ("/recruitment/", "recruitment"), ("/transfers/", "transfers"), ("/transfers/floating/", "floating"),
        ("/transfers/lost/", "lost"), ("/dues/", "dues"), ("/learning/", "learning"),
        ("/learning/shortfall/", "shortfall"), ("/appraisal/", "appraisal"), ("/appraisal/summary/", "appraisal-summary"),
    ):
        page.goto(f"{live_url}{path}")
        page.wait_for_load_state("networkidle")
        assert_fits(page, f"{name}-{size}")
    page.goto(f"{live_url}/members/")
    page.locator("table a").first.click()
    page.wait_for_load_state("networkidle")
    assert "身份证号" in page.content()
    assert_fits(page, f"member-detail-{size}")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not problems, problems


def test_the_tree_expands_and_collapses(browser, live_url):
    page, problems = open_page(browser, live_url, "admin", "desktop")
    page.goto(f"{live_url}/orgs/")
    toggle = page.locator("[data-dj-collapse]").first
    before = page.locator(".dj-tree li").count()
    toggle.click()
    page.locator(".dj-tree li").nth(before).wait_for()
    expanded = page.locator(".dj-tree li").count()
    toggle.click()
    target = toggle.get_attribute("data-dj-collapse")
    assert page.locator(f"#{target}").is_hidden()
    assert expanded > before
    assert not problems, problems


def test_member_search_by_name(browser, live_url):
    page, _ = open_page(browser, live_url, "admin", "phone")
    page.goto(f"{live_url}/members/")
    first_name = page.locator("table tbody tr td a").first.inner_text()
    page.goto(f"{live_url}/members/?q={first_name}")
    assert first_name in page.locator("table tbody").inner_text()


def test_wrong_password_shows_the_generic_message(browser, live_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_url}/accounts/login/")
    page.fill("#id_username", "viewer")
    page.fill("#id_password", "Wrong#Password1")
    page.click("button[type=submit]")
    page.locator(".alert-danger").wait_for()
    assert "用户名或密码错误" in page.locator(".alert-danger").inner_text()


def test_the_phone_menu_opens_the_lifecycle_pages(browser, live_url):
    page, problems = open_page(browser, live_url, "admin", "phone")
    page.click("button.navbar-toggler")
    page.click("text=党员")
    page.click("text=发展党员")
    page.wait_for_load_state("networkidle")
    assert "/recruitment/" in page.url
    assert_fits(page, "menu-recruitment-phone")
    assert not problems, problems


def test_a_secretary_ticks_dues_on_a_phone(browser, live_url):
    page, problems = open_page(browser, live_url, "secretary", "phone")
    page.goto(f"{live_url}/dues/")
    page.wait_for_load_state("networkidle")
    assert_fits(page, "dues-secretary-phone")
    assert not problems, problems
