"""党员 import pages: download the template, upload and check a file, preview the errors, commit.

The accepted file is kept encrypted between preview and commit (members.imports.stash), with the uploader's id,
the original file name and the preview report. Only the uploader may open the preview or commit; the commit
reads the file again and validates every row again (the report is only for display, never trusted). The file
is deleted on commit, on 放弃导入, and an hour after the upload.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.core.scoping import require_some_subtree
from dangjian.members import imports
from dangjian.members.imports import stash

TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
STALE_SECONDS = 24 * 3600
ERRORS_PER_PAGE = 50


def _require_change_scope(request: HttpRequest) -> None:
    """Importing registers members, so only users who may change some subtree see these pages (else 404)."""
    require_some_subtree(request.user, "change")


def _load(request: HttpRequest, token: str) -> dict[str, Any]:
    """The requesting user's own kept upload; 404 for a bad, unknown, expired or foreign token."""
    try:
        return stash.load(token, request.user.pk)
    except stash.Missing as exc:
        raise Http404("未找到该导入文件，或已超过1小时被删除，请重新上传") from exc


# --- Views ----------------------------------------------------------------------------------------------------


@login_required
def template(request: HttpRequest) -> HttpResponse:
    _require_change_scope(request)
    response = HttpResponse(imports.build_template(request.user), content_type=imports.XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('党员导入模板.xlsx')}"
    response["Cache-Control"] = "no-store"
    return response


def _result_context(request: HttpRequest, token: str, meta: dict[str, Any]) -> dict[str, Any]:
    report = meta["report"]
    page = Paginator(report["errors"], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "token": token,
        "file_name": meta["file_name"],
        "report": report,
        "page": page,
        "can_commit": report["invalid"] == 0 and report["total"] > 0,
    }


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: check and validate the file, keep it, and show (htmx) or redirect to the preview."""
    _require_change_scope(request)
    if request.method == "GET":
        return render(request, "members/import_upload.html", {})
    upload_file = request.FILES.get("file")
    try:
        if upload_file is None:
            raise ValidationError({"file": ["请选择要上传的 Excel 文件"]})
        content = imports.read_upload(upload_file)
        sheet = imports.read_sheet(content)
    except ValidationError as exc:
        errors = exc.message_dict.get("file", exc.messages)
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "members/import_error.html", {"errors": errors})
        return render(request, "members/import_upload.html", {"errors": errors}, status=400)
    validation = imports.validate(sheet, user=request.user)
    file_name = Path(upload_file.name or "导入文件.xlsx").name[:200]
    token = stash.keep(content, user_id=request.user.pk, file_name=file_name, report=validation.report())
    preview_url = reverse("members:import_preview", kwargs={"token": token})
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "members/import_result.html", _result_context(request, token, _load(request, token)))
        # The browser's address becomes the preview page, so pagination links and reloads land there.
        response["HX-Push-Url"] = preview_url
        return response
    return redirect(preview_url)


@login_required
@require_http_methods(["GET"])
def preview(request: HttpRequest, token: str) -> HttpResponse:
    _require_change_scope(request)
    meta = _load(request, token)
    return render(request, "members/import_preview.html", _result_context(request, token, meta))


@login_required
@require_POST
def commit(request: HttpRequest, token: str) -> HttpResponse:
    """Read the kept file again, validate again and write every row or none."""
    _require_change_scope(request)
    meta = _load(request, token)
    preview_url = reverse("members:import_preview", kwargs={"token": token})
    try:
        sheet = imports.read_sheet(meta["content"])
        count = imports.import_members(actor=request.user, sheet=sheet, file_name=meta["file_name"])
    except imports.ImportRejected as exc:
        meta["report"] = exc.validation.report()
        stash.update_report(token, meta, meta["report"])
        messages.error(request, f"导入未执行：有 {meta['report']['invalid']} 行有误，未写入任何数据")
        return redirect(preview_url)
    except ValidationError as exc:
        messages.error(request, f"导入未执行：{'；'.join(exc.messages)}")
        return redirect(preview_url)
    except IntegrityError:
        # A member with one of these 身份证号 was registered at the same moment; the transaction rolled back.
        messages.error(request, "导入未执行：有身份证号与刚录入的在册党员重复，未写入任何数据，请重新上传")
        return redirect(preview_url)
    stash.discard(token)
    messages.success(request, f"已导入 {count} 名党员")
    return redirect("members:list")


@login_required
@require_POST
def discard(request: HttpRequest, token: str) -> HttpResponse:
    """放弃导入: the kept file is deleted at once."""
    _require_change_scope(request)
    _load(request, token)
    stash.discard(token)
    messages.info(request, "已放弃本次导入，上传的文件已删除")
    return redirect("members:import")


urlpatterns = [
    path("", upload, name="import"),
    path("template/", template, name="import_template"),
    path("<str:token>/", preview, name="import_preview"),
    path("<str:token>/commit/", commit, name="import_commit"),
    path("<str:token>/discard/", discard, name="import_discard"),
]
