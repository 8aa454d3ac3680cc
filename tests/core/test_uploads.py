"""Uploads are recognised by their first bytes and refused above 10 MB, before anything is saved."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core import uploads
from tests.samples import JPEG, PDF, PNG


@pytest.mark.parametrize("data, expected", [
    (PNG, ("image/png", ".png")), (JPEG, ("image/jpeg", ".jpg")), (PDF, ("application/pdf", ".pdf")),
])
def test_known_types_are_recognised_by_content(data: bytes, expected: tuple[str, str]) -> None:
    assert uploads.sniff_attachment(data[:16]) == expected
    assert uploads.check_upload("x", len(data), data[:16]) == expected


@pytest.mark.parametrize("data", [b"PK\x03\x04docx", b"<html>", b"GIF89a", b""])
def test_other_types_are_refused_whatever_the_name(data: bytes) -> None:
    with pytest.raises(ValidationError) as info:
        uploads.check_upload("照片.jpg", len(data), data)
    assert info.value.message_dict == {"file": [f"“照片.jpg”：{uploads.ATTACHMENT_TYPE_ERROR}"]}


def test_size_limit_is_inclusive() -> None:
    assert uploads.check_upload("a.pdf", uploads.MAX_ATTACHMENT_BYTES, PDF) == ("application/pdf", ".pdf")
    with pytest.raises(ValidationError) as info:
        uploads.check_upload("a.pdf", uploads.MAX_ATTACHMENT_BYTES + 1, PDF)
    assert info.value.message_dict == {"file": ["“a.pdf”超过10MB，请压缩后上传"]}


def test_check_file_reads_the_head_and_rewinds() -> None:
    upload = SimpleUploadedFile("dir/会议照片.png", PNG)
    upload.read(5)
    assert uploads.check_file(upload, "附件") == ("会议照片.png", len(PNG), "image/png", ".png")
    assert upload.read() == PNG


def test_check_file_names_a_nameless_file_by_default() -> None:
    upload = io.BytesIO(b"not a scan")
    upload.size = 10  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as info:
        uploads.check_file(upload, "扫描件")
    assert info.value.messages == [f"“扫描件”：{uploads.ATTACHMENT_TYPE_ERROR}"]


@pytest.mark.parametrize(("name", "data"), [
    ("polyglot.png", PNG + b"<script>alert(1)</script>"),
    ("zip-behind.png", PNG + b"PK\x03\x04" + b"\0" * 20),
    ("bad-crc.png", PNG[:-5] + bytes([PNG[-5] ^ 1]) + PNG[-4:]),
    ("no-iend.png", PNG[:33]),
    ("trailing.jpg", JPEG + b"<html><script>x</script></html>"),
    ("js.pdf", PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>")),
    ("launch.pdf", PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>")),
    ("after-eof.pdf", PDF + b"<script>alert(1)</script>"),
    ("html-inside.pdf", PDF.replace(b"trailer", b"% <svg onload=alert(1)>\ntrailer")),
])
def test_a_valid_header_with_something_else_behind_it_is_refused(name: str, data: bytes) -> None:
    upload = SimpleUploadedFile(name, data)
    with pytest.raises(ValidationError) as exc:
        uploads.check_file(upload, "附件")
    assert "文件内容与其格式不符" in exc.value.message_dict["file"][0] and name in exc.value.message_dict["file"][0]


@pytest.mark.parametrize("data", [PNG, JPEG, PDF, JPEG + b"\0\0\0"])
def test_well_formed_files_pass_the_structure_check(data: bytes) -> None:
    assert uploads.check_file(SimpleUploadedFile("f", data), "附件")[1] == len(data)
