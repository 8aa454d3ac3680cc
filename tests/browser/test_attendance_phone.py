"""Attendance in seconds on a phone (issue 9), measured at 390×844 on the demo: the 支部书记 records a 主题党日
that is also a 党员大会 for their branch with two absent (with reasons) and one on leave in at most 15
interactions; with QR sign-in (members scanning on their own phones, in other browser contexts) the
secretary's part after recording the meeting takes at most 6. Every click, fill and check is counted."""

from __future__ import annotations

from typing import Any

import pytest

from dangjian.demo.loader import DEMO_PASSWORD
from dangjian.lib import pinyin

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
PHONE = {"width": 390, "height": 844}


class Counted:
    """A page whose user interactions (click, fill, check) are counted."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.count = 0

    def click(self, selector: str) -> None:
        self.count += 1
        self.page.locator(selector).first.click()

    def fill(self, selector: str, value: str) -> None:
        self.count += 1
        self.page.locator(selector).first.fill(value)


def phone(browser: Any, live_url: str, username: str) -> Any:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def record_draft(user: Counted, live_url: str) -> None:
    user.page.goto(f"{live_url}/orglife/")
    user.click("text=登记本支部组织生活")
    user.click("label:has-text('主题党日') input")
    user.click("label:has-text('支部党员大会') input")
    user.click("button:has-text('保存并登记出席')")
    user.page.wait_for_load_state("networkidle")
    assert user.page.url.endswith("/attendance/"), user.page.inner_text("form.card")[:900]


def roll(page: Any) -> list[str]:
    return page.eval_on_selector_all("[data-dj-roll] [data-dj-row]", "rows => rows.map(r => r.dataset.name)")


def mark(user: Counted, name: str, status: str, reason: str) -> None:
    user.fill("[data-dj-search]", pinyin.initials(name))
    row = f"[data-dj-row][data-name='{name}']"
    user.click(f"{row} label:has-text('{status}')")
    user.fill(f"{row} [data-dj-reason] input[type=text]", reason)


def test_a_theme_day_assembly_with_two_absent_and_one_on_leave_in_at_most_15_interactions(browser, live_url):
    user = Counted(phone(browser, live_url, "secretary"))
    record_draft(user, live_url)
    page = user.page
    names = roll(page)
    assert len(names) >= 30, "the demo secretary's branch has about 33 members"
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 2 * PHONE["height"], f"the sheet is {height}px high"
    first, second, third = names[3], names[10], names[20]
    mark(user, first, "缺席", "临时外出办事")
    mark(user, second, "缺席", "联系不上")
    mark(user, third, "请假", "出差")
    page.screenshot(path="test-results/attendance-phone.png", full_page=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 2 * PHONE["height"], f"with three marked the sheet is {height}px high"
    user.click("button:has-text('保存并提交')")
    page.wait_for_url("**/orglife/*/")
    text = page.inner_text("body")
    assert "已提交" in text and "临时外出办事" in text and "联系不上" in text and "出差" in text
    assert f"/{len(names) - 3}（请假" in text
    print(f"\n[phone scenario] interactions: {user.count}")
    assert user.count <= 15


def test_with_qr_sign_in_the_secretarys_part_takes_at_most_6_interactions(browser, live_url):
    secretary = Counted(phone(browser, live_url, "secretary"))
    record_draft(secretary, live_url)
    recording = secretary.count
    secretary.count = 0
    page = secretary.page
    secretary.click("button:has-text('开始扫码签到')")
    page.wait_for_url("**/signin/")
    assert page.locator(".dj-qr svg").count() == 1
    url = page.inner_text("[data-dj-signin-url]").strip()
    for username in ("member", "organizer"):
        member = phone(browser, live_url, username)
        member.goto(url)
        member.click("button:has-text('本人签到')")
        assert "签到成功" in member.inner_text("body")
        member.context.close()
    page.wait_for_selector("[data-dj-signed]:has-text('2')", timeout=10000)
    page.screenshot(path="test-results/signin-phone.png", full_page=True)
    secretary.click("button:has-text('结束签到')")
    page.wait_for_url("**/attendance/")
    away = [n for n in roll(page)][5]
    mark(secretary, away, "请假", "病假")
    secretary.click("button:has-text('保存并提交')")
    page.wait_for_url("**/orglife/*/")
    text = page.inner_text("body")
    assert "已提交" in text and "扫码签到" in text and "病假" in text
    print(f"\n[QR scenario] recording the draft: {recording}, secretary's sign-in part: {secretary.count}")
    assert secretary.count <= 6
