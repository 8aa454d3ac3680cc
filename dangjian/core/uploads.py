"""Uploaded photos and scans (meeting attachments, 发展党员 materials, 处置 decisions), checked one way.

A file is recognised by its first bytes, never by its name or the type the browser declares, and refused
above 10 MB, before anything is saved. Its structure is then checked to its end, so a valid header with a script
or an archive behind it (a polyglot) is refused too: a PNG ends at its IEND chunk with every chunk's CRC right,
a JPEG at its end-of-image marker, a PDF at %%EOF and without JavaScript, launch actions or embedded files; no file
may carry an HTML script tag.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
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


STRUCTURE_ERROR = "文件内容与其格式不符（可能夹带了其他内容），请重新导出或扫描后上传"
_HTML = re.compile(rb"<\s*(script|html|svg|iframe|object|embed)\b", re.IGNORECASE)
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData)\b")


def _png_ok(data: bytes) -> bool:
    at = 8
    while at + 12 <= len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind = data[at + 4:at + 8]
        end = at + 8 + length
        if end + 4 > len(data):
            return False
        (crc,) = struct.unpack(">I", data[end:end + 4])
        if zlib.crc32(data[at + 4:end]) != crc:
            return False
        at = end + 4
        if kind == b"IEND":
            return at == len(data)
    return False


def _jpeg_ok(data: bytes) -> bool:
    return data.rstrip(b"\x00").endswith(b"\xff\xd9")


def _pdf_ok(data: bytes) -> bool:
    return data.rstrip().endswith(b"%%EOF") and _PDF_ACTIVE.search(data) is None


_STRUCTURE = {"image/png": _png_ok, "image/jpeg": _jpeg_ok, "application/pdf": _pdf_ok}


def check_structure(name: str, content_type: str, data: bytes) -> None:
    """Refuse a file whose body does not end where its format ends, or that carries active content."""
    if not _STRUCTURE[content_type](data) or _HTML.search(data):
        raise ValidationError({"file": [f"“{name}”：{STRUCTURE_ERROR}"]})


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
    data = upload.read()
    upload.seek(0)
    check_structure(name, content_type, data)
    return name, size, content_type, ext
