"""谈心谈话 pages: the coverage of a subtree's branches (figures only, for anyone who views the subtree) and one
branch's page — record a talk, the talks of the year, the pairs still owed — for those who manage the branch.
The records hold who/when/topic/follow-up only and are shown to those entitled (HeartTalk.objects.visible_to)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from dangjian.core.scoping import get_for_user, require
from dangjian.members.choices import ON_ROLL_STATES
from dangjian.members.models import Member
from dangjian.members.pickers import MemberPickerField
from dangjian.orglife import actions, talks
from dangjian.orglife.compliance.views import LIST_PAGE_SIZE, _common, _root, _year
from dangjian.orglife.models import HeartTalk
from dangjian.orgs.models import Organization, OrgKind


class TalkForm(forms.Form):
    held_on = forms.DateField(label="谈话日期", widget=forms.DateInput(attrs={"type": "date"}))
    initiator = MemberPickerField(label="谈话人", action="change", state="on_roll")
    counterpart = MemberPickerField(label="谈话对象", action="change", state="on_roll")
    topic = forms.CharField(label="谈话主题", max_length=200)
    follow_up = forms.CharField(label="后续跟进", max_length=500, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, org: Organization, user: Any, *args: Any, **kwargs: Any) -> None:
        """Both people are picked among the branch's on-roll members the user manages (searched as one types);
        `record_talk` checks they were on the roll on the talk's day."""
        super().__init__(*args, **kwargs)
        people = Member.objects.visible_to(user, "change").filter(org=org, state__in=ON_ROLL_STATES)
        for name in ("initiator", "counterpart"):
            field: Any = self.fields[name]
            field.queryset = people
            field.within(org.pk)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def action_data(self) -> dict[str, Any]:
        return {**self.cleaned_data, "initiator": self.cleaned_data["initiator"].pk,
                "counterpart": self.cleaned_data["counterpart"].pk}


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """谈心谈话落实情况 of the subtree's branches for a year: pairs owed, covered, rate and status."""
    root = _root(request)
    today = timezone.localdate()
    year = _year(request, today)
    page = Paginator(talks.branches(request.user, root, year), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = talks.coverage_of(list(page.object_list), year)
    context = _common(request, root, today, year)
    context.update(page=page, rows=rows)
    return render(request, "orglife/talk_coverage.html", context)


@login_required
def branch(request: HttpRequest, pk: int) -> HttpResponse:
    """One branch: the record form, the year's talks and the pairs still owed. Managers of the branch only."""
    org = get_for_user(Organization.objects.filter(kind=OrgKind.BRANCH), request.user, "change", pk=pk)
    require(request.user, org.path, "change", org)
    today = timezone.localdate()
    year = _year(request, today)
    form = TalkForm(org, request.user, initial={"held_on": today})
    if request.method == "POST":
        form = TalkForm(org, request.user, request.POST)
        if form.is_valid():
            try:
                actions.record_talk(actor=request.user, org=org, data=form.action_data())
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, "已登记谈心谈话")
                return redirect("orglife:talk_branch", pk=org.pk)
    config = talks.load_config(today)
    records = (
        HeartTalk.objects.visible_to(request.user).filter(org=org, held_on__gte=dt.date(year, 1, 1), held_on__lte=dt.date(year, 12, 31))
        .select_related("initiator", "counterpart").order_by("-held_on", "-id")
    )
    figures = talks.coverage_of([org], year)[0]
    return render(request, "orglife/talk_branch.html", {
        "org": org, "year": year, "years": list(range(today.year - 4, today.year + 1)), "form": form,
        "page": Paginator(records, LIST_PAGE_SIZE).get_page(request.GET.get("page")),
        "missing": talks.missing(org, year, today, config), "figures": figures, "minimum": config.minimum,
    })


urlpatterns = [
    path("compliance/talks/", coverage, name="talk_coverage"),
    path("talks/org/<int:pk>/", branch, name="talk_branch"),
]
