"""Home page per role and the audit log (审计管理员 only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.exports import xlsx_response
from dangjian.core.models import AuditEvent, AuditResult
from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_for
from dangjian.lib.dates import add_years
from dangjian.members.choices import MemberState, PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind, OrgStatus


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    context: dict[str, Any] = {"scope": scope}
    today = timezone.localdate()
    if scope.view_roots:
        roots = list(Organization.objects.filter(path__in=scope.view_roots))
        org_counts = (
            Organization.objects.visible_to(request.user)
            .filter(status=OrgStatus.ACTIVE)
            .values("kind")
            .annotate(n=Count("id"))
            .order_by()
        )
        members = Member.objects.visible_to(request.user)
        member_counts = members.aggregate(
            on_roll=Count("id", filter=Q(state=MemberState.ACTIVE)),
            probationary=Count("id", filter=Q(state=MemberState.ACTIVE, party_status=PartyStatus.PROBATIONARY)),
            suspended=Count("id", filter=Q(state=MemberState.SUSPENDED)),
        )
        due_before = add_years(today, -1) + dt.timedelta(days=30)
        context.update(
            roots=roots,
            org_counts={OrgKind(r["kind"]).label: r["n"] for r in org_counts},
            member_counts=member_counts,
            confirmation_due=members.filter(
                state=MemberState.ACTIVE, party_status=PartyStatus.PROBATIONARY, joined_on__lte=due_before
            ).select_related("org").order_by("joined_on")[:10],
        )
    if scope.own_member_id:
        context["own_member"] = Member.objects.select_related("org").filter(pk=scope.own_member_id).first()
    return render(request, "core/home.html", context)


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="账号或对象", required=False)
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部")] + sorted(audit.ACTIONS.items()))
    result = forms.ChoiceField(label="结果", required=False, choices=[("", "全部"), *AuditResult.choices])
    start = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filter(self, qs: Any) -> Any:
        data = self.cleaned_data
        if data.get("q"):
            qs = qs.filter(Q(actor_name__icontains=data["q"]) | Q(object_repr__icontains=data["q"]))
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("result"):
            qs = qs.filter(result=data["result"])
        if data.get("start"):
            qs = qs.filter(time__date__gte=data["start"])
        if data.get("end"):
            qs = qs.filter(time__date__lte=data["end"])
        return qs


def _require_auditor(request: HttpRequest) -> None:
    if "auditor" not in scope_for(request.user).system_roles:
        audit.record("auth.denied", actor=request.user, result=AuditResult.DENIED, reason="audit.view")
        raise PermissionDenied("只有审计管理员可以查看审计日志")


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    form = AuditFilterForm(request.GET or None)
    qs = AuditEvent.objects.all()
    if form.is_valid():
        qs = form.filter(qs)
    filters = {k: str(v) for k, v in (form.cleaned_data.items() if form.is_valid() else []) if v}
    if request.GET.get("export") == "xlsx":
        rows = list(qs[:100000])
        audit.record("audit.export", actor=request.user, changes={"rows": len(rows), "filters": filters})
        return xlsx_response(
            f"审计日志{timezone.localdate():%Y%m%d}.xlsx", "审计日志",
            ["时间", "账号", "角色", "IP地址", "操作", "对象", "所属组织", "结果", "事由", "请求编号", "变更内容"],
            (
                [timezone.localtime(e.time).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name, e.role, e.ip,
                 audit.ACTIONS.get(e.action, e.action), e.object_repr, e.org_name, e.get_result_display(),
                 e.reason, e.request_id, str(e.changes) if e.changes else ""]
                for e in rows
            ),
        )
    page = paginate(request, qs)
    if request.GET.get("page") in (None, "1"):
        audit.record("audit.view", actor=request.user, changes={"filters": filters})
    return render(request, "core/audit_log.html", {"form": form, "page": page})
