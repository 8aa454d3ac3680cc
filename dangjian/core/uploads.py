"""Uploaded photos and scans (meeting attachments, 发展党员 materials, 处置 decisions), checked one way.

A file is recognised by its first bytes, never by its name or the type the browser declares, and refused
above 10 MB, before anything is saved.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ValidationError

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
ATTACHMENT_TYPE_ERROR = "仅支持 JPG、PNG 图片和 PDF 扫描件"
_HEAD_BYTES = 16


def sniff_attachment(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG, PNG or PDF recognised by its first bytes, else None."""
    for magic, content_type, ext in _SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    return None


def check_upload(name: str, size: int, head: bytes) -> tuple[str, str]:
    """Refuse an upload that is too large or not a JPEG/PNG/PDF, as {"file": [message]} naming the file;
    else its (content type, extension) to store it under."""
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": [f"“{name}”超过10MB，请压缩后上传"]})
    found = sniff_attachment(head)
    if found is None:
        raise ValidationError({"file": [f"“{name}”：{ATTACHMENT_TYPE_ERROR}"]})
    return found


def original_name(upload: Any, default: str) -> str:
    """The file's own name as shown to users (no directories, at most 200 characters), else `default`."""
    return os.path.basename(str(getattr(upload, "name", "") or default))[:200] or default


def check_file(upload: Any, default_name: str) -> tuple[str, int, str, str]:
    """Check an uploaded file (`check_upload`) and leave it rewound for saving: its (original name, size,
    content type, extension)."""
    name = original_name(upload, default_name)
    size = int(upload.size)
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    content_type, ext = check_upload(name, size, head)
    return name, size, content_type, ext
