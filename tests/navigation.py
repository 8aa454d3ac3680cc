"""The site menu as a test reads it: the links of the top bar's menu, for the Django-client and browser crawls."""

from __future__ import annotations

import re


def menu_links(html: str) -> list[str]:
    """The hrefs of the menu (#dj-nav), in order, without in-page anchors."""
    nav = html.split('id="dj-nav"', 1)[1].split("</header>", 1)[0]
    return re.findall(r'href="([^"#]+)"', nav)
