"""Word documents generated from the records (台账, 发展党员 forms …), from templates an administrator can replace.

Each document is declared once by its app with `register(DocTemplate(...))`: a key, a title, a default layout
built in code (python-docx, 公文-style fonts) and a sample context. The default needs no binary file in the
repository; an administrator downloads it, edits the wording or the look in Word, keeps the `{{ … }}`
placeholders and uploads it back (`DocumentTemplate` rows, newest active one wins, history kept).

Rendering uses docxtpl in a sandboxed Jinja environment with autoescape (dependencies.md A6): a member's `&` or
`<` cannot corrupt the XML, and an uploaded template cannot reach Python objects (ASVS 1.3.7). An upload is
accepted only if it renders the sample context without error.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docxtpl import DocxTemplate, Listing
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
BODY_FONT = "仿宋"
TITLE_FONT = "宋体"


@dataclass(frozen=True)
class Heading:
    """A centred title (level 0) or a bold section heading (level 1)."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    """A paragraph; may hold placeholders or a docxtpl paragraph tag such as `{%p for m in meetings %}`."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table with a header row and one body row repeated `for {loop}` (docxtpl `{%tr %}` rows)."""

    headers: list[str]
    cells: list[str]
    loop: str  # e.g. "r in rows"


Block = Heading | Para | Table


@dataclass(frozen=True)
class DocTemplate:
    """One kind of generated document: its default layout and a sample context that exercises every placeholder
    (used to check uploads and shown to administrators as the list of fields)."""

    key: str
    title: str
    layout: list[Block]
    sample: dict[str, Any]
    fields: dict[str, str] = field(default_factory=dict)  # placeholder → meaning, for the administrators' page


REGISTRY: dict[str, DocTemplate] = {}


def register(*templates: DocTemplate) -> None:
    for t in templates:
        if t.key in REGISTRY and REGISTRY[t.key] != t:
            raise ValueError(f"document template {t.key} declared twice")
        REGISTRY[t.key] = t


def _set_font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc: DocumentObject, text: str, *, font: str = BODY_FONT, size: float = 14, bold: bool = False,
               centre: bool = False) -> None:
    p = doc.add_paragraph()
    if centre:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(p.add_run(text), font, size, bold)


def build_default(template: DocTemplate) -> bytes:
    """The default .docx of a template, built from its layout (A4, 公文-style fonts: 宋体 title, 仿宋 body)."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT  # type: ignore[attr-defined]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)  # type: ignore[attr-defined]
    for block in template.layout:
        if isinstance(block, Heading):
            if block.level == 0:
                _paragraph(doc, block.text, font=TITLE_FONT, size=22, bold=True, centre=True)
            else:
                _paragraph(doc, block.text, size=16, bold=True)
        elif isinstance(block, Para):
            _paragraph(doc, block.text)
        else:
            width = len(block.headers)
            table = doc.add_table(rows=4, cols=width)
            table.style = "Table Grid"
            for i, heading in enumerate(block.headers):
                _set_font(table.rows[0].cells[i].paragraphs[0].add_run(heading), BODY_FONT, 11, bold=True)
            table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {block.loop} %}}")
            for i, cell in enumerate(block.cells):
                _set_font(table.rows[2].cells[i].paragraphs[0].add_run(cell), BODY_FONT, 11)
            table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def current_template(key: str) -> tuple[bytes, Any]:
    """The template in use: the newest active upload, else the built default. Returns (bytes, the upload row
    or None)."""
    from dangjian.core.models import DocumentTemplate

    row = DocumentTemplate.objects.filter(key=key, active=True).order_by("-uploaded_at", "-id").first()
    if row is not None:
        return bytes(row.content), row
    return build_default(REGISTRY[key]), None


def _render_bytes(template: bytes, context: dict[str, Any], *, strict: bool = False) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template))
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined) if strict else SandboxedEnvironment(
        autoescape=True
    )
    tpl.render(context, jinja_env=env, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def render(key: str, context: dict[str, Any]) -> bytes:
    """The document for `context`, from the template in use."""
    template, _ = current_template(key)
    return _render_bytes(template, context)


def check_upload(key: str, data: bytes) -> None:
    """Refuse an upload that is not a Word .docx, is too large, or does not render the sample context
    (unknown placeholder, broken tag). Raises ValidationError({"file": …})."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationError({"file": [f"模板文件不能超过{MAX_TEMPLATE_BYTES // 1024 // 1024}MB"]})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        names = set()
    if "word/document.xml" not in names:
        raise ValidationError({"file": ["请上传Word文档（.docx格式）；.doc等旧格式请先在Word中另存为.docx"]})
    try:
        _render_bytes(data, REGISTRY[key].sample, strict=True)
    except TemplateError as exc:
        raise ValidationError({"file": [f"模板中的占位符或标签有误：{exc}"]}) from exc
    except Exception as exc:  # noqa: BLE001 — any failure of a foreign file is a validation error
        raise ValidationError({"file": [f"模板无法生成文档：{exc.__class__.__name__}"]}) from exc


def docx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def plain_text(html: str) -> str:
    """Sanitised rich text (minutes) as plain text for a Word paragraph: tags dropped, blocks become line breaks."""
    import re
    from html import unescape

    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</h[1-6]>", "\n", html or "")
    text = re.sub(r"<[^>]+>", "", text)
    return "\n".join(line.strip() for line in unescape(text).splitlines() if line.strip())


def multiline(text: str) -> Listing:
    """Text with line breaks kept in Word (docxtpl escapes it and turns newlines into breaks)."""
    return Listing(text or "")
