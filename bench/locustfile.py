"""The load test's users (run by bench/load.py; see bench/README.md): demo personas who log in with the demo
password and then read and write as people do in a working day.

* 党务管理员 (`admin`, the root's org admin): home and the dashboards, member searches, the meeting list; records
  meetings with their attendance in a branch drawn from the plan, marks attendance again, pays dues in a branch.
* 支部书记 (`secretary`): the same writes, always in the own branch.
* 查看人员 (`viewer`): reads only — home, dashboards, searches, member and meeting pages.
* 党员 (`member`): the home page, own record and own dues.

Every form is read from the page first and posted back with what it holds (CSRF token, defaults, ticks), so the
test follows the forms as they are. A write counts as done when the server answers with the redirect that follows
a save; a form shown again (a validation error) is a failure with its first error message.

The plan (bench/load.py writes it; BENCH_LOAD_PLAN names the file): branch ids with members, search terms,
per persona a member and a meeting to open. Every request's time is also kept and written, when locust quits, to
the file BENCH_LOAD_SAMPLES names (one line per request: seconds since start, name, ms, failed, users), from
which bench/load.py computes exact percentiles per request type, overall and without the sign-ins. Traffic goes only to the --host given, which bench/load.py sets to 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events

PASSWORD = os.environ.get("BENCH_DEMO_PASSWORD", "Shifan#Jiguan2026")
PLAN: dict[str, Any] = (json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text()) if os.environ.get("BENCH_LOAD_PLAN")
                        else {"branches": [], "own_branch": None, "searches": ["王"], "records": {}})


_SAMPLES: list[str] = []
_T0: list[float] = []


@events.request.add_listener
def _keep(request_type: str, name: str, response_time: float, exception: Any = None, context: Any = None,
          **kwargs: Any) -> None:
    now = time.monotonic()
    if not _T0:
        _T0.append(now)
    users = _RUNNER[0].user_count if _RUNNER else 0
    _SAMPLES.append(f"{now - _T0[0]:.3f}\t{name}\t{response_time:.1f}\t{1 if exception else 0}\t{users}")


_RUNNER: list[Any] = []


@events.init.add_listener
def _init(environment: Any, **kwargs: Any) -> None:
    if environment.runner is not None:
        _RUNNER.append(environment.runner)


@events.quitting.add_listener
def _write(environment: Any, **kwargs: Any) -> None:
    if os.environ.get("BENCH_LOAD_SAMPLES"):
        Path(os.environ["BENCH_LOAD_SAMPLES"]).write_text("\n".join(_SAMPLES) + "\n")


class FormParser(HTMLParser):
    """Every <form> of a page: its action, method and the fields a browser would send as they stand (checked boxes,
    selected options, text and hidden values, textareas); file inputs and buttons are left out."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                               "fields": [], "boxes": {}})
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                form["boxes"].setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form["fields"].append((name, a.get("value", "on")))
                return
            form["fields"].append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and not self._select_chosen:
                form["fields"].append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if not self.forms:
            return
        if tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.forms[-1]["fields"].append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1]["fields"].append((self._textarea, self._text.strip("\n")))
            self._textarea = None


def post_form(html: str, having: str) -> dict[str, Any] | None:
    """The page's POST form that has a field (or box) named `having`."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] == "post" and (having in form["boxes"] or any(n == having for n, _ in form["fields"])):
            return form
    return None


ERROR = re.compile(r'class="[^"]*(?:invalid-feedback|errorlist|alert-danger)[^"]*"[^>]*>\s*(?:<li>)?([^<]{1,120})')


def form_error(html: str) -> str:
    m = ERROR.search(html)
    return m.group(1).strip() if m else "表单未保存（无重定向）"


class Persona(HttpUser):
    """A demo persona's session: logs in once, then runs its tasks with a think time of 1–5 s."""

    abstract = True
    username = ""
    wait_time = between(1, 5)

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="GET login")
        form = post_form(page.text, "username") or {"fields": []}
        data = dict(form["fields"]) | {"username": self.username, "password": PASSWORD}
        with self.client.post("/accounts/login/", data=data, name="POST login", allow_redirects=False,
                              catch_response=True) as r:
            if r.status_code != 302 or "/accounts/" in r.headers.get("Location", "/accounts/"):
                r.failure(f"login as {self.username} failed: {r.status_code} {r.headers.get('Location', '')}")

    # --- reads ---------------------------------------------------------------------------------------------------

    def home(self) -> None:
        self.client.get("/", name="GET home")

    def dashboards(self) -> None:
        url, name = random.choice([("/orglife/compliance/", "GET compliance"), ("/dues/", "GET dues summary"),
                                   ("/learning/totals/", "GET learning totals"), ("/reminders/", "GET reminders"),
                                   ("/orgs/", "GET org tree")])
        self.client.get(url, name=name)

    def search(self) -> None:
        self.client.get("/members/", params={"q": random.choice(PLAN["searches"])}, name="GET member search")

    def lists(self) -> None:
        url, name = random.choice([("/orglife/", "GET meetings"), ("/members/", "GET members")])
        self.client.get(url, name=name)

    def records(self) -> None:
        """The first member and the latest meeting this persona may see (the plan has them per persona)."""
        mine = PLAN.get("records", {}).get(self.username, {})
        if mine.get("member"):
            self.client.get(f"/members/{mine['member']}/", name="GET member detail")
        if mine.get("meeting"):
            self.client.get(f"/orglife/{mine['meeting']}/", name="GET meeting detail")

    def mine(self) -> None:
        url, name = random.choice([("/members/mine/", "GET my record"), ("/dues/mine/", "GET my dues")])
        self.client.get(url, name=name)

    # --- writes --------------------------------------------------------------------------------------------------

    def branch(self) -> int | None:
        return PLAN.get("own_branch") if self.username == "secretary" else random.choice(PLAN["branches"] or [None])

    def branch_form(self, pattern: str, having: str, name: str) -> tuple[str, dict[str, Any] | None]:
        """The page of a branch this user writes in, and its POST form that has the field `having`."""
        org = self.branch()
        if org is None:
            return "", None
        url = pattern.format(org)
        return url, post_form(self.client.get(url, name=name).text, having)

    def submit(self, url: str, form: dict[str, Any], data: list[tuple[str, str]], name: str) -> str | None:
        """Post a form; the redirect that follows a save is success (its target returned), anything else failure."""
        target = form["action"] or url
        with self.client.post(target, data=data, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code in (302, 303):
                return r.headers.get("Location", "")
            r.failure(f"{r.status_code}: {form_error(r.text)}" if r.status_code == 200 else f"HTTP {r.status_code}")
            return None

    def record_meeting(self) -> None:
        """登记组织生活 with its attendance: the create form, then the attendance sheet the save leads to."""
        url, form = self.branch_form("/orglife/new/?org={}", "kinds", "GET meeting form")
        if form is None:
            return
        kinds = form["boxes"].get("kinds", [])
        kind = next((k for k in ("theme_day", "branch_assembly", "group_meeting") if k in kinds), kinds[0] if kinds else "")
        now = dt.datetime.now()
        data = [(n, v) for n, v in form["fields"] if n not in ("kinds", "title", "place", "date", "time")]
        data += [("kinds", kind), ("title", "负载测试会议"), ("place", "会议室"),
                 ("date", now.date().isoformat()), ("time", "09:00")]
        location = self.submit(url, form, data, "POST meeting create")
        if location and "/attendance/" in location:
            self.mark_attendance_at(location)

    def mark_attendance_at(self, url: str) -> None:
        page = self.client.get(url, name="GET attendance")
        form = next((f for f in self._forms(page.text) if f["method"] == "post" and len(f["fields"]) > 1), None)
        if form is None:
            return
        self.submit(url, form, form["fields"], "POST attendance")
        self.drafts = ([url] + getattr(self, "drafts", []))[:5]

    def mark_attendance(self) -> None:
        """Mark attendance again on one of the drafts this user recorded."""
        drafts = getattr(self, "drafts", [])
        if drafts:
            self.mark_attendance_at(random.choice(drafts))
        else:
            self.record_meeting()

    def pay_dues(self) -> None:
        """收缴表: tick one more member as paid this month and save."""
        url, form = self.branch_form("/dues/branch/{}/", "paid", "GET dues sheet")
        if form is None:
            return
        ticked = {v for n, v in form["fields"] if n == "paid"}
        open_ = [v for v in form["boxes"].get("paid", []) if v not in ticked]
        if not open_:
            return
        data = [*form["fields"], ("paid", random.choice(open_))]
        self.submit(url, form, data, "POST dues pay")

    @staticmethod
    def _forms(html: str) -> list[dict[str, Any]]:
        parser = FormParser()
        parser.feed(html)
        return parser.forms


class Admin(Persona):
    username = "admin"
    weight = 3
    tasks = {Persona.home: 4, Persona.dashboards: 3, Persona.search: 4, Persona.lists: 2, Persona.records: 1,
             Persona.record_meeting: 1, Persona.mark_attendance: 1, Persona.pay_dues: 2}


class Secretary(Persona):
    username = "secretary"
    weight = 2
    tasks = {Persona.home: 3, Persona.search: 2, Persona.lists: 1, Persona.record_meeting: 1,
             Persona.mark_attendance: 1, Persona.pay_dues: 2}


class Viewer(Persona):
    username = "viewer"
    weight = 2
    tasks = {Persona.home: 3, Persona.dashboards: 3, Persona.search: 3, Persona.records: 1}


class PartyMember(Persona):
    username = "member"
    weight = 1
    tasks = {Persona.home: 3, Persona.mine: 1}
