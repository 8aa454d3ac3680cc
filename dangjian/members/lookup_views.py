"""按身份证号查找: the one way to find a member by full 身份证号, by POST so that the number never lands in a URL,
the browser history or an access log (SEC-22). The answer is a redirect to the member's page by id."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dangjian.core.forms import apply_action_errors
from dangjian.core.scoping import require_some_subtree
from dangjian.members import actions
from dangjian.members.forms import IdCardLookupForm


@login_required
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """The lookup form; a valid POST goes to the member found in the user's scope (audited either way)."""
    require_some_subtree(request.user)
    form = IdCardLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = actions.lookup_by_id_card(form.cleaned_data["id_card"], actor=request.user)
        except ValidationError as exc:
            apply_action_errors(form, exc)
        else:
            if member is not None:
                messages.success(request, f"已按身份证号找到党员：{member.name}")
                return redirect("members:detail", member.pk)
            form.add_error("id_card", "您的管理范围内没有该身份证号的党员")
    return render(request, "members/lookup.html", {"form": form})
