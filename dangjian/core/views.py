"""The audit log (审计管理员 only)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.exports import xlsx_response
from dangjian.core.models import AuditEvent, AuditResult
from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_for
from dangjian.core.widgets import DateInput


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="账号、对象或IP", required=False, max_length=100)
    action = forms.ChoiceField(
        label="操作", required=False,
        # Read when the form is built: the apps register their codes at start-up, after this module may load.
        choices=lambda: [("", "全部"), *sorted(audit.ACTIONS.items(), key=lambda item: item[0])],
    )
    result = forms.ChoiceField(label="结果", required=False, choices=[("", "全部"), *AuditResult.choices])
    start = forms.DateField(label="开始日期", required=False, widget=DateInput())
    end = forms.DateField(label="结束日期", required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "结束日期不能早于开始日期")
        return data

    def filter(self, qs: Any) -> Any:
        data = self.cleaned_data
        q = (data.get("q") or "").strip()
        if q:
            qs = qs.filter(
                Q(actor_name__icontains=q) | Q(object_repr__icontains=q) | Q(ip=q) | Q(request_id=q)
            )
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("result"):
            qs = qs.filter(result=data["result"])
        # Whole days in the local time zone, as an index range on `time` (not time__date, which scans).
        if data.get("start"):
            qs = qs.filter(time__gte=_day_start(data["start"]))
        if data.get("end"):
            qs = qs.filter(time__lt=_day_start(data["end"] + dt.timedelta(days=1)))
        return qs


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# Exports larger than this are refused with a request to narrow the filters (SEC-34: big exports are tasks).
AUDIT_EXPORT_MAX_ROWS = 5000


def _require_auditor(request: HttpRequest, what: str) -> None:
    """审计管理员 only (SEC-12, SEC-25). Others get 404, as for a page that does not exist, and are recorded."""
    if "auditor" not in scope_for(request.user).system_roles:
        audit.record("auth.denied", actor=request.user, result=AuditResult.DENIED, reason=what)  # type: ignore[arg-type]
        raise Http404("未找到该页面")


def _export_row(e: AuditEvent) -> list[Any]:
    return [
        timezone.localtime(e.time).strftime("%Y-%m-%d %H:%M:%S %z"), e.actor_name, e.role, e.ip,
        audit.ACTIONS.get(e.action, e.action), e.action, e.object_type, e.object_id, e.object_repr, e.org_name,
        e.get_result_display(), e.reason, e.request_id,
        json.dumps(e.changes, ensure_ascii=False, sort_keys=True, default=str) if e.changes else "",
    ]


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    exporting = request.GET.get("export") == "xlsx"
    _require_auditor(request, "audit.export" if exporting else "audit.view")
    form = AuditFilterForm(request.GET or None)
    qs = AuditEvent.objects.order_by("-time", "-id")
    if form.is_bound and not form.is_valid():
        # Bad filters show their errors and no rows: an export must never fall back to the whole log.
        qs = qs.none()
    elif form.is_bound:
        qs = form.filter(qs)
    filters = {k: str(v) for k, v in (form.cleaned_data.items() if form.is_bound and form.is_valid() else []) if v}
    if exporting and form.is_bound and form.is_valid():
        rows = list(qs[: AUDIT_EXPORT_MAX_ROWS + 1])
        if len(rows) > AUDIT_EXPORT_MAX_ROWS:
            audit.record(
                "audit.export", actor=request.user, result=AuditResult.FAILURE,  # type: ignore[arg-type]
                reason=f"超过{AUDIT_EXPORT_MAX_ROWS}条，未导出", changes={"filters": filters},
            )
            messages.error(request, f"符合条件的记录超过{AUDIT_EXPORT_MAX_ROWS}条，请缩小日期范围或增加条件后再导出")
        else:
            audit.record(
                "audit.export", actor=request.user, changes={"rows": len(rows), "filters": filters},  # type: ignore[arg-type]
            )
            return xlsx_response(
                f"审计日志{timezone.localdate():%Y%m%d}.xlsx", "审计日志",
                ["时间", "账号", "角色", "IP地址", "操作", "操作代码", "对象类型", "对象编号", "对象", "所属组织",
                 "结果", "事由", "请求编号", "变更内容"],
                (_export_row(e) for e in rows),
            )
    page = paginate(request, qs)
    audit.record(
        "audit.view", actor=request.user, changes={"filters": filters, "page": page.number},  # type: ignore[arg-type]
    )
    return render(request, "core/audit_log.html", {"form": form, "page": page})
