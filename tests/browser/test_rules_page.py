"""/rules/ at desktop and phone sizes (issue 9, defect 8): nothing clipped — no box on the page scrolls sideways —
and the brackets show as a table."""

from __future__ import annotations

import pytest

from tests.browser.test_pages import SIZES, assert_fits, open_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("size", SIZES)
def test_the_rules_page_wraps_instead_of_clipping(browser, live_url, size):
    page, problems = open_page(browser, live_url, "admin", size)
    page.goto(f"{live_url}/rules/")
    page.wait_for_load_state("networkidle")
    assert_fits(page, f"rules-read-{size}")
    clipped = page.evaluate(
        "Array.from(document.querySelectorAll('main *, .page-wrapper *'))"
        ".filter(e => getComputedStyle(e).overflowX !== 'visible' && e.scrollWidth - e.clientWidth > 1)"
        ".map(e => e.className)")
    assert clipped == [], clipped
    assert page.locator("table.dj-rule-brackets").count() == 2
    assert "ROUND_HALF_UP" not in page.inner_text("body")
    assert problems == []
    page.context.close()
