"""The to-do list (/reminders/, filtered by kind, org and due date), closing one reminder, and the home page block
(`home_items`, grouped by kind).

Every reminder is personal: pages read only `Reminder.objects.open_for(request.user)` and close through
`actions.resolve`, which answers 404 for anyone else's reminder.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.pagination import paginate
from dangjian.core.pickers import Picker
from dangjian.reminders import actions, queries
from dangjian.reminders.filters import ReminderFilter
from dangjian.reminders.models import Reminder

# The home card shows each kind's count and, unfolded, its first few (each names its org).
HOME_PER_KIND = 5
PAGE_SIZE = 30


def home_items(user: Any) -> dict[str, Any]:
    """Context for templates/reminders/_home_list.html: the user's open reminders grouped by kind (late kinds
    first), each kind with its count and first HOME_PER_KIND, and the total.

    The home view calls `context.update(home_items(request.user))` and includes the partial. Two queries.
    """
    groups = queries.grouped(Reminder.objects.open_for(user), HOME_PER_KIND)
    return {"home_groups": groups, "home_reminder_total": sum(g.count for g in groups)}


def org_picker(user: Any) -> Picker:
    """The org filter's picker (the orgs app's search endpoint, named by URL: this app imports no app it reminds
    of); the chosen org is shown with its path."""
    return Picker(url=reverse_lazy("orgs:pick"), describe=lambda value: queries.org_path_label(user, value),
                  empty_label="全部",
                  placeholder="输入名称或拼音首字母，或逐级展开", attrs={"class": "form-control"})


@login_required
@require_GET
def reminder_list(request: HttpRequest) -> HttpResponse:
    """待办事项: the user's open reminders, filtered by kind, org (its subtree) and due date, with a count per kind
    over the other filters; grouped by kind on the page (late things first), by due date inside a kind."""
    reminders = Reminder.objects.open_for(request.user)
    reminder_filter = ReminderFilter.for_page(request, reminders, org_picker)
    rows = reminder_filter.rows()
    # The kind tabs count over the same org and due filters, whatever kind is chosen.
    without_kind = request.GET.copy()
    without_kind.pop("kind", None)
    without_kind.pop("page", None)
    tabs = ReminderFilter(without_kind, queryset=reminders, user=request.user).rows()
    page = paginate(request, rows, per_page=PAGE_SIZE)
    return render(request, "reminders/list.html", {
        "page": page, "filter": reminder_filter, "kinds": queries.kind_counts(tabs),
        "kind": request.GET.get("kind", ""),
        "filters_active": any(v for k, v in request.GET.items() if k not in ("page", "kind")),
    })


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
