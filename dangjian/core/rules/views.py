"""规则参数: every rule the system applies, with its value in force, source, article and status, grouped by app;
a top-level 党务管理员 records a deployment's value from a date (local practice freely, central rules only
stricter). Everyone who manages or views orgs may read the page, since the figures they see follow from it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from dangjian.core import actions, rules
from dangjian.core.models import RuleParameter, RuleStatus
from dangjian.core.rules import display
from dangjian.core.scoping import scope_for


class RuleForm(forms.Form):
    value = forms.CharField(label="新取值", max_length=100)
    effective_from = forms.DateField(label="生效日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="修改依据", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2, "placeholder": "文件名称文号或会议决定"}))

    def __init__(self, rule: rules.Rule, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if rule.choices:
            self.fields["value"] = forms.ChoiceField(label="新取值", choices=[(str(v), lbl) for v, lbl in rule.choices])
        elif isinstance(rule.default, bool):
            self.fields["value"] = forms.ChoiceField(label="新取值", choices=[("true", "是"), ("false", "否")])
        unit = display.unit_of(rule.label, rule.unit)
        if unit and not (rule.choices or isinstance(rule.default, bool)):
            self.fields["value"].label = f"新取值（{unit}）"
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def require_reader(request: HttpRequest) -> None:
    scope = scope_for(request.user)
    if not (scope.view_roots or actions.manages_deployment(request.user)):
        raise Http404("未找到该页面")


def group_label(key: str) -> str:
    label = key.split(".", 1)[0]
    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return label


def _row(rule: rules.Rule, in_force: Any) -> dict[str, Any]:
    return {
        "rule": rule, "value": rule.label_of(in_force), "default": rule.label_of(rule.default),
        "table": rule.table_of(in_force),
        "changed": in_force != rule.default,
        "status": "本单位做法" if rule.is_local else RuleStatus(rule.status).label,
        "local": rule.is_local, "partial": rule.status == RuleStatus.PARTIAL,
    }


@login_required
def rule_index(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    today = timezone.localdate()
    keys = sorted(rules.REGISTRY)
    in_force = rules.values(keys, today)
    groups: dict[str, list[dict[str, Any]]] = {}
    for key in keys:
        groups.setdefault(group_label(key), []).append(_row(rules.REGISTRY[key], in_force[key]))
    return render(request, "core/rules.html", {
        "groups": groups, "today": today, "can_edit": actions.manages_deployment(request.user),
    })


@login_required
def rule_detail(request: HttpRequest, key: str) -> HttpResponse:
    require_reader(request)
    rule = rules.REGISTRY.get(key)
    if rule is None:
        raise Http404("没有这条规则")
    can_edit = rule.editable and actions.manages_deployment(request.user)
    today = timezone.localdate()
    form = RuleForm(rule, initial={"value": str(rules.value(key, today)).lower() if isinstance(rule.default, bool)
                                   else rules.value(key, today), "effective_from": today})
    if request.method == "POST":
        if not can_edit:
            raise Http404("未找到该页面")
        form = RuleForm(rule, request.POST)
        if form.is_valid():
            try:
                actions.set_rule(actor=request.user, key=key, raw_value=str(form.cleaned_data["value"]),
                                 effective_from=form.cleaned_data["effective_from"], reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, f"已记录“{rule.label}”的新取值")
                return redirect("core:rule_detail", key=key)
    history = [
        {"row": row, "value": rule.label_of(row.value), "table": rule.table_of(row.value)}
        for row in RuleParameter.objects.filter(key=key).order_by("-effective_from", "-id")
    ]
    return render(request, "core/rule_detail.html", {
        "rule": rule, "row": _row(rule, rules.value(key, today)), "history": history, "form": form,
        "can_edit": can_edit, "today": today,
    })


urlpatterns = [
    path("rules/", rule_index, name="rules"),
    path("rules/<str:key>/", rule_detail, name="rule_detail"),
]
