"""The to-do list (/reminders/), closing one reminder, and the home page block (`home_items`).

Every reminder is personal: pages read only `Reminder.objects.open_for(request.user)` and close through
`actions.resolve`, which answers 404 for anyone else's reminder.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.pagination import paginate
from dangjian.reminders import actions
from dangjian.reminders.models import Reminder

HOME_LIMIT = 10


def home_items(user: Any) -> dict[str, Any]:
    """Context for templates/reminders/_home_list.html: the first open reminders and how many there are.

    The home view calls `context.update(home_items(request.user))` and includes the partial. Two queries.
    """
    open_reminders = Reminder.objects.open_for(user)
    return {
        "home_reminders": list(open_reminders[:HOME_LIMIT]),
        "home_reminder_total": open_reminders.count(),
    }


@login_required
@require_GET
def reminder_list(request: HttpRequest) -> HttpResponse:
    """待办事项: the user's open reminders, grouped by kind (late things first), by due date inside a kind."""
    page = paginate(request, Reminder.objects.open_for(request.user))
    return render(request, "reminders/list.html", {"page": page})


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """完成/忽略: close one of the user's own reminders and go back where they came from."""
    reminder = actions.resolve(request.user, pk)
    messages.success(request, f"已办结：{reminder.title}")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(back)
    return redirect("reminders:list")


urlpatterns = [
    path("", reminder_list, name="list"),
    path("<int:pk>/resolve/", resolve, name="resolve"),
]
