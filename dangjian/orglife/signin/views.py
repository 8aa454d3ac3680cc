"""QR sign-in pages: the secretary's (open, the code with the live count, close) and the member's (scan, confirm).

The token is shown only on the secretary's screen: kept in their session after `open_signin`, as the hash alone
is stored. A member's page needs login; it names no member — the one signing in is the logged-in user.
"""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.orglife import actions
from dangjian.orglife.roll import roll_of
from dangjian.orglife.signin import actions as signin_actions


def _session_key(pk: int) -> str:
    return f"orglife.signin.{pk}"


@login_required
@require_POST
def open_signin(request: HttpRequest, pk: int) -> HttpResponse:
    """开始签到 for the window chosen; the token goes to this session only, for the code page."""
    user: Any = request.user
    meeting = actions.get_meeting_for_user(user, pk, "change")
    try:
        _signin, token = signin_actions.open_signin(meeting, actor=user, minutes=request.POST.get("minutes"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("orglife:attendance", pk=meeting.pk)
    request.session[_session_key(meeting.pk)] = token
    return redirect("orglife:signin", pk=meeting.pk)


def _counts(meeting: Any) -> dict[str, int]:
    """Signed in so far, of 应到 as the attendance sheet counts it (`roll_of`: those left out on a basis are not)."""
    return {"signed": signin_actions.signed_in_count(meeting), "expected": roll_of(meeting).expected}


@login_required
@require_GET
def signin_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code (SVG inline, no outside service) while the window is open, the live count, and 结束签到."""
    user: Any = request.user
    meeting = actions.get_meeting_for_user(user, pk, "change")
    signin = signin_actions.latest_signin(meeting)
    token = request.session.get(_session_key(meeting.pk))
    open_now = signin_actions.is_open(signin)
    qr = url = None
    if open_now and token and signin is not None and signin.token_hash == signin_actions.token_hash(token):
        url = request.build_absolute_uri(reverse("orglife:signin_member", args=[meeting.pk, token]))
        qr = mark_safe(segno.make(url, error="m").svg_inline(scale=6, dark="#000", light="#fff"))  # noqa: S308 - our own SVG # nosec B308, B703
    return render(request, "orglife/signin.html", {
        "meeting": meeting, "signin": signin, "open": open_now, "qr": qr, "url": url, **_counts(meeting),
        "minutes": signin_actions.WINDOW_CHOICES, "default_minutes": signin_actions.DEFAULT_WINDOW,
    })


@login_required
@require_GET
def signin_count(request: HttpRequest, pk: int) -> HttpResponse:
    """The live count (htmx polls it every few seconds)."""
    meeting = actions.get_meeting_for_user(request.user, pk, "change")
    return render(request, "orglife/signin_count.html", {"meeting": meeting, **_counts(meeting)})


@login_required
@require_POST
def close_signin(request: HttpRequest, pk: int) -> HttpResponse:
    """结束签到, then on to the sheet to mark the exceptions."""
    user: Any = request.user
    meeting = actions.get_meeting_for_user(user, pk, "change")
    try:
        count = signin_actions.close_signin(meeting, actor=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("orglife:detail", pk=meeting.pk)
    request.session.pop(_session_key(meeting.pk), None)
    messages.success(request, f"签到已结束：{count}人签到。未签到的人员默认为缺席，请标记请假或出席的情况")
    return redirect("orglife:attendance", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def member_signin(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Where the QR code leads: the meeting's name and one button; the POST signs in the logged-in member."""
    result = None
    if request.method == "POST":
        result = signin_actions.sign_in(pk, token, actor=request.user, for_member=request.POST.get("member"))
    return render(request, "orglife/signin_member.html", {"result": result, "pk": pk, "token": token},
                  status=200 if result is None or result.ok else 400)


urlpatterns = [
    path("<int:pk>/signin/", signin_page, name="signin"),
    path("<int:pk>/signin/open/", open_signin, name="signin_open"),
    path("<int:pk>/signin/count/", signin_count, name="signin_count"),
    path("<int:pk>/signin/close/", close_signin, name="signin_close"),
    path("signin/<int:pk>/<str:token>/", member_signin, name="signin_member"),
]
