"""文书模板: the administrators' page to see each generated Word document, download its template (built-in or
uploaded), upload a replacement and go back to the built-in one. Top-level 党务管理员 only (404 for others)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from dangjian.core import actions, documents
from dangjian.core.models import DocumentTemplate


class TemplateUploadForm(forms.Form):
    file = forms.FileField(label="Word模板（.docx）", widget=forms.ClearableFileInput(attrs={"class": "form-control",
                                                                                        "accept": ".docx"}))


def _require(request: HttpRequest) -> None:
    if not actions.manages_deployment(request.user):
        raise Http404("未找到该页面")


def _template(key: str) -> documents.DocTemplate:
    try:
        return documents.REGISTRY[key]
    except KeyError as exc:
        raise Http404("没有这种文书") from exc


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    uploads: dict[str, list[DocumentTemplate]] = {}
    for row in DocumentTemplate.objects.select_related("uploaded_by").defer("content"):
        uploads.setdefault(row.key, []).append(row)
    rows = [
        {"t": t, "uploads": uploads.get(t.key, []),
         "active": next((u for u in uploads.get(t.key, []) if u.active), None)}
        for t in sorted(documents.REGISTRY.values(), key=lambda t: t.key)
    ]
    return render(request, "core/documents.html", {"rows": rows, "form": TemplateUploadForm()})


@login_required
def template_download(request: HttpRequest, key: str, which: str) -> HttpResponse:
    _require(request)
    t = _template(key)
    if which not in ("default", "current"):
        raise Http404("未找到该页面")
    data = documents.build_default(t) if which == "default" else documents.current_template(key)[0]
    suffix = "默认模板" if which == "default" else "当前模板"
    return documents.docx_response(data, f"{t.title}（{suffix}）.docx")


@login_required
def template_sample(request: HttpRequest, key: str) -> HttpResponse:
    """The current template filled with the sample context, to check the look before real use."""
    _require(request)
    t = _template(key)
    return documents.docx_response(documents.render(key, t.sample), f"{t.title}（样例）.docx")


@login_required
@require_POST
def template_upload(request: HttpRequest, key: str) -> HttpResponse:
    _require(request)
    t = _template(key)
    form = TemplateUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            actions.upload_template(actor=request.user, key=key, filename=upload.name,
                                    data=upload.read(documents.MAX_TEMPLATE_BYTES + 1))
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                messages.error(request, f"{t.title}：{message}")
        else:
            messages.success(request, f"已替换“{t.title}”的模板")
    else:
        messages.error(request, f"{t.title}：请选择要上传的Word文件")
    return redirect("core:documents")


@login_required
@require_POST
def template_reset(request: HttpRequest, key: str) -> HttpResponse:
    _require(request)
    t = _template(key)
    actions.reset_template(actor=request.user, key=key)
    messages.success(request, f"“{t.title}”已恢复为系统默认模板")
    return redirect("core:documents")


urlpatterns = [
    path("documents/", template_list, name="documents"),
    path("documents/<str:key>/download/<str:which>/", template_download, name="document_download"),
    path("documents/<str:key>/sample/", template_sample, name="document_sample"),
    path("documents/<str:key>/upload/", template_upload, name="document_upload"),
    path("documents/<str:key>/reset/", template_reset, name="document_reset"),
]
