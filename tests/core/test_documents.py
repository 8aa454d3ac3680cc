"""Word documents from templates an administrator can replace: built-in layouts, checked uploads, audit."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from dangjian.core import actions, documents
from dangjian.core.models import AuditEvent, DocumentTemplate
from dangjian.orglife.documents import LEDGER


def text_of(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def docx_with(*paragraphs: str) -> bytes:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_built_in_layout_renders_its_sample_with_rows_repeated():
    sample = documents.REGISTRY[LEDGER].sample
    text = text_of(documents.render(LEDGER, sample))
    assert "国家示范部机关党委2025年组织生活台账" in text
    assert "一季度党员大会暨专题党课" in text and "第一季度：已完成（1次）" in text
    assert "{%" not in text and "{{" not in text


@pytest.mark.django_db
def test_an_uploaded_template_replaces_the_layout_and_a_reset_restores_it(world):
    actions.upload_template(actor=world.admin, key=LEDGER, filename="新台账.docx",
                            data=docx_with("本单位台账：{{ org }}（{{ year }}）"))
    assert text_of(documents.render(LEDGER, {"org": "甲", "year": 2025})) == "本单位台账：甲（2025）"
    assert AuditEvent.objects.filter(action="core.template_upload", actor=world.admin).exists()
    actions.reset_template(actor=world.admin, key=LEDGER)
    assert "组织生活台账" in text_of(documents.render(LEDGER, documents.REGISTRY[LEDGER].sample))
    assert DocumentTemplate.objects.filter(key=LEDGER).count() == 1  # kept on record, inactive
    assert AuditEvent.objects.filter(action="core.template_reset").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "message"), [
    (b"MZ\x90\x00 not a document", "请上传Word文档"),
    (docx_with("{{ no_such_field }}"), "占位符或标签有误"),
    (docx_with("{% for x in %}"), "占位符或标签有误"),
    (docx_with("{{ org.__class__.__mro__ }}"), "占位符或标签有误"),
])
def test_a_bad_upload_is_refused_with_a_message_and_nothing_changes(world, data, message):
    with pytest.raises(ValidationError) as exc:
        actions.upload_template(actor=world.admin, key=LEDGER, filename="x.docx", data=data)
    assert message in str(exc.value.message_dict["file"])
    assert not DocumentTemplate.objects.exists()


@pytest.mark.django_db
def test_only_a_top_level_administrator_may_replace_templates(world, login):
    for user in (world.secretary, world.viewer, world.member_user, world.outsider, world.sysadmin):
        assert not actions.manages_deployment(user)
        assert login(user, verified=True).get(reverse("core:documents")).status_code == 404
        with pytest.raises(Exception):  # noqa: B017 — OutOfScope (a 404), audited
            actions.upload_template(actor=user, key=LEDGER, filename="x.docx", data=docx_with("x"))
    assert not DocumentTemplate.objects.exists()
    assert AuditEvent.objects.filter(action="auth.denied").exists()


@pytest.mark.django_db
def test_the_templates_page_lists_downloads_and_takes_uploads(world, login):
    client = login(world.admin)
    page = client.get(reverse("core:documents"))
    assert page.status_code == 200 and "组织生活台账" in page.content.decode()
    default = client.get(reverse("core:document_download", args=[LEDGER, "default"]))
    assert "{%p for m in meetings %}" in text_of(default.content)
    assert client.get(reverse("core:document_download", args=[LEDGER, "other"])).status_code == 404
    assert client.get(reverse("core:document_download", args=["no.such", "current"])).status_code == 404
    sample = client.get(reverse("core:document_sample", args=[LEDGER]))
    assert "一季度党员大会暨专题党课" in text_of(sample.content)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("t.docx", docx_with("{{ org }}"))
    response = client.post(reverse("core:document_upload", args=[LEDGER]), {"file": upload}, follow=True)
    assert "已替换" in response.content.decode()
    bad = SimpleUploadedFile("t.docx", b"not a zip")
    response = client.post(reverse("core:document_upload", args=[LEDGER]), {"file": bad}, follow=True)
    assert "请上传Word文档" in response.content.decode()
    assert DocumentTemplate.objects.filter(active=True).count() == 1
