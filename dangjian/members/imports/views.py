"""党员 import pages: download the template, upload and check a file, preview the errors, commit.

The accepted file is kept under var/imports/<token>.xlsx between preview and commit, with a JSON sidecar
holding the uploader's id, the original file name and the preview report. Only the uploader may open the
preview or commit; the commit reads the file again and validates every row again (the report is only for
display, never trusted). Files left behind for more than a day are removed at the next upload.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
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

TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
STALE_SECONDS = 24 * 3600
ERRORS_PER_PAGE = 50


def _require_change_scope(request: HttpRequest) -> None:
    """Importing registers members, so only users who may change some subtree see these pages (else 404)."""
    require_some_subtree(request.user, "change")


# --- Stored uploads -------------------------------------------------------------------------------------------


def _import_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(token: str) -> tuple[Path, Path]:
    folder = _import_dir()
    return folder / f"{token}.xlsx", folder / f"{token}.json"


def _remove_stale() -> None:
    cutoff = time.time() - STALE_SECONDS
    for item in _import_dir().iterdir():
        if item.suffix in (".xlsx", ".json") and item.stat().st_mtime < cutoff:
            item.unlink(missing_ok=True)


def _store(content: bytes, request: HttpRequest, file_name: str, report: dict[str, Any]) -> str:
    _remove_stale()
    token = secrets.token_urlsafe(16)
    xlsx, sidecar = _paths(token)
    xlsx.write_bytes(content)
    xlsx.chmod(0o600)
    _write_meta(sidecar, {"user_id": request.user.pk, "file_name": file_name, "report": report})
    return token


def _write_meta(sidecar: Path, meta: dict[str, Any]) -> None:
    sidecar.write_text(json.dumps(meta, ensure_ascii=False))
    sidecar.chmod(0o600)


def _load(request: HttpRequest, token: str) -> dict[str, Any]:
    """The sidecar of the requesting user's own upload; 404 for a bad, unknown, expired or foreign token."""
    if not TOKEN.match(token):
        raise Http404("未找到该导入文件")
    xlsx, sidecar = _paths(token)
    try:
        meta: dict[str, Any] = json.loads(sidecar.read_text())
    except (OSError, ValueError) as exc:
        raise Http404("未找到该导入文件") from exc
    if meta.get("user_id") != request.user.pk or not xlsx.exists():
        raise Http404("未找到该导入文件")
    return meta


def _discard(token: str) -> None:
    for item in _paths(token):
        item.unlink(missing_ok=True)


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
    token = _store(content, request, file_name, validation.report())
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
    xlsx, sidecar = _paths(token)
    preview_url = reverse("members:import_preview", kwargs={"token": token})
    try:
        sheet = imports.read_sheet(xlsx.read_bytes())
        count = imports.import_members(actor=request.user, sheet=sheet, file_name=meta["file_name"])
    except imports.ImportRejected as exc:
        meta["report"] = exc.validation.report()
        _write_meta(sidecar, meta)
        messages.error(request, f"导入未执行：有 {meta['report']['invalid']} 行有误，未写入任何数据")
        return redirect(preview_url)
    except ValidationError as exc:
        messages.error(request, f"导入未执行：{'；'.join(exc.messages)}")
        return redirect(preview_url)
    except IntegrityError:
        # A member with one of these 身份证号 was registered at the same moment; the transaction rolled back.
        messages.error(request, "导入未执行：有身份证号与刚录入的在册党员重复，未写入任何数据，请重新上传")
        return redirect(preview_url)
    _discard(token)
    messages.success(request, f"已导入 {count} 名党员")
    return redirect("members:list")


urlpatterns = [
    path("", upload, name="import"),
    path("template/", template, name="import_template"),
    path("<str:token>/", preview, name="import_preview"),
    path("<str:token>/commit/", commit, name="import_commit"),
]
