"""A persona's walk through the site in a real browser: log in (binding the TOTP device the 三员 must have), open
every menu link, then from each page the first links of its content (detail, edit, export), one URL per pattern,
and run axe-core (from npm, WCAG 2.1 A/AA rules) on every HTML page. Used by test_crawl.py."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from django_otp.oath import totp

from dangjian.demo.loader import DEMO_PASSWORD
from tests.navigation import menu_links

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"critical", "serious"}
# Links whose target is a file rather than a page: fetched for their status, not opened in the page.
FILE_LINK = re.compile(r"(export|download|sample|\.xlsx|\.docx|\.csv|\.pdf)", re.I)
# Never followed: leaving the session, the API's own browser, the schema, static files.
SKIP = re.compile(r"^/(accounts/logout|accounts/otp|api/|static/|admin/)")
# A path segment that names one object: a number, or a dotted key such as a rule's.
ID = re.compile(r"/(\d+|\w+\.[\w.]+)(?=/|$)")


def pattern(url: str) -> str:
    """The URL with ids replaced, without its query: /members/12/edit/ and /members/40/edit/ are one page."""
    return ID.sub("/<id>", urlsplit(url).path)


@dataclass
class Finding:
    url: str
    rule: str
    impact: str
    nodes: int
    target: str

    def __str__(self) -> str:
        return f"{self.url}: {self.impact} {self.rule} ×{self.nodes} ({self.target})"


@dataclass
class Walk:
    """What one persona's walk saw: each visited URL with its status, the axe findings, the denials met."""

    persona: str
    visited: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    denials: dict[str, str] = field(default_factory=dict)
    menu: list[str] = field(default_factory=list)
    audited: list[str] = field(default_factory=list)
    seconds: float = 0.0


_KEYS: dict[str, bytes] = {}  # the TOTP keys bound during this test run, by username


def log_in(page: Any, base: str, username: str, on_page: Callable[[Any], None] = lambda page: None) -> None:
    """Log in with the demo password; the 三员 bind their TOTP device on first login, later ones verify it.
    `on_page` sees the login and second-factor pages before they are filled in."""
    page.goto(f"{base}/accounts/login/")
    on_page(page)
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    if "/accounts/otp/" in page.url:
        on_page(page)
    if "/accounts/otp/setup/" in page.url:
        _KEYS[username] = _key(page.locator("main code").first.inner_text())
        page.fill("input[name=token]", _token(_KEYS[username]))
        page.click("main button[type=submit]")
        page.wait_for_load_state("domcontentloaded")
    elif "/accounts/otp/verify/" in page.url and username in _KEYS:
        # The next step's token: django-otp accepts one step of drift and refuses a token already used.
        page.fill("input[name=token]", _token(_KEYS[username], ahead=1))
        page.click("main button[type=submit]")
        page.wait_for_load_state("domcontentloaded")
    page.goto(f"{base}/")
    assert "/accounts/" not in page.url, f"{username} did not get past login: {page.url}"


def _key(shown: str) -> bytes:
    """The device key as the enrolment page shows it: django-otp's lowercase hex, or Base32 for the apps."""
    shown = "".join(shown.split())
    if re.fullmatch(r"[0-9a-f]+", shown):
        return bytes.fromhex(shown)
    return base64.b32decode(shown.upper() + "=" * (-len(shown) % 8))


def _token(key: bytes, ahead: int = 0) -> str:
    return f"{totp(key, drift=ahead):06d}"


def axe_findings(page: Any, url: str) -> list[Finding]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS,
    )
    return [
        Finding(url, v["id"], v["impact"], len(v["nodes"]), " ".join(v["nodes"][0]["target"][:1]))
        for v in result["violations"] if v["impact"] in BLOCKING
    ]


APP_CSS = re.compile(r"dangjian/app(\.[0-9a-f]{12})?\.css")  # hashed by the manifest storage the server uses


def has_site_layout(html: str) -> bool:
    """The styled error page (templates/errors): the site's stylesheet and name, the Chinese message block and
    both ways back."""
    return (APP_CSS.search(html) is not None and "机关党建工作管理系统" in html and "dj-error" in html
            and "返回首页" in html and "返回上一页" in html)


MAIN = re.compile(r"<main\b.*?</main>", re.S)
HREF = re.compile(r'<a\b[^>]*?href="([^"]+)"')


def content_links(html: str, here: str, base: str, limit: int) -> list[str]:
    """The first links of the page's <main> that stay on the site and lead to another kind of page (sorting and
    paging links lead to the same one), at most `limit`, in document order."""
    main = MAIN.search(html)
    found: dict[str, str] = {}
    for href in HREF.findall(main.group(0) if main else ""):
        url = urljoin(here, href.replace("&amp;", "&"))
        if not url.startswith(base) or "#" in href or SKIP.match(urlsplit(url).path):
            continue
        if pattern(url) != pattern(here):
            found.setdefault(pattern(url), url)
        if len(found) >= limit:
            break
    return list(found.values())


@dataclass
class Crawler:
    """Walks the site as each persona in turn. Every URL is fetched for its status and links; axe runs in the
    browser on the first page of each pattern (the same template with other ids or another persona's rows
    adds time, not findings)."""

    browser: Any
    base: str
    depth: int = 2
    per_page: int = 6
    audited: set[str] = field(default_factory=set)

    def crawl(self, persona: str, probe: Sequence[str] = ()) -> Walk:
        """Menu links, then `depth` levels of content links, one URL per pattern; then `probe`, pages found by
        other personas, each fetched once for its status (a denial must be a styled page, never a 500)."""
        walk = Walk(persona)
        started = time.perf_counter()
        context = self.browser.new_context(
            viewport={"width": 1280, "height": 800}, locale="zh-CN", bypass_csp=True,
        )
        page = context.new_page()
        page.on("pageerror", lambda e: walk.errors.append(f"{page.url}: {e}"))
        try:
            log_in(page, self.base, persona, on_page=lambda p: self._audit(p, walk))
            walk.menu = [urljoin(self.base, href) for href in menu_links(page.content())]
            seen: set[str] = set()
            level = [self.base + "/", *walk.menu]
            for _ in range(self.depth + 1):
                following: list[str] = []
                for url in level:
                    if pattern(url) not in seen:
                        seen.add(pattern(url))
                        following += self._visit(page, walk, url)
                level = following
            for url in probe:
                if pattern(url) not in seen:
                    seen.add(pattern(url))
                    self._visit(page, walk, url, audit=False)
        finally:
            context.close()
        walk.seconds = time.perf_counter() - started
        return walk

    def _visit(self, page: Any, walk: Walk, url: str, *, audit: bool = True) -> list[str]:
        """Fetch one URL, audit it if its pattern is new; return the links worth following from it."""
        path = urlsplit(url).path
        response = page.request.get(url)
        walk.visited[path] = response.status
        if "text/html" not in response.headers.get("content-type", ""):
            return []
        html = response.text()
        if response.status in (403, 404):
            walk.denials[path] = html
        if response.status >= 500:
            return []
        if audit and pattern(url) not in self.audited and not FILE_LINK.search(url):
            page.goto(url)
            self._audit(page, walk)
        return content_links(html, url, self.base, self.per_page) if response.status == 200 else []

    def _audit(self, page: Any, walk: Walk) -> None:
        """Run axe on the page in the browser, once per pattern."""
        if pattern(page.url) not in self.audited:
            self.audited.add(pattern(page.url))
            walk.audited.append(urlsplit(page.url).path)
            walk.findings += axe_findings(page, urlsplit(page.url).path)


PHONE = {"width": 390, "height": 844}


def phone_findings(browser: Any, base: str, persona: str, paths: Sequence[str]) -> tuple[list[Finding], int]:
    """axe at 390×844 (a phone) on the pages `persona` opened in their walk, one per pattern (files left out):
    the findings, each URL marked @390, and how many pages were audited."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    findings: list[Finding] = []
    seen: set[str] = set()
    try:
        log_in(page, base, persona)
        for path in paths:
            if pattern(path) in seen or FILE_LINK.search(path):
                continue
            seen.add(pattern(path))
            fetched = page.request.get(base + path)  # a Word form or a file answers a download, not a page
            if fetched.status != 200 or "text/html" not in fetched.headers.get("content-type", ""):
                continue
            page.goto(base + path)
            findings += axe_findings(page, f"@390 {path}")
    finally:
        context.close()
    return findings, len(seen)
