"""The 发展党员 pages: list with stage/step/due filters and export, the applicant's timeline, recording steps,
documents, reveal — and nothing for an outsider (404, the same as a missing record)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.models import AuditEvent
from dangjian.recruitment import actions
from dangjian.recruitment.models import Applicant, Step, StepDocument
from tests.recruitment.conftest import applicant_data, walk
from tests.samples import PNG


@pytest.fixture
def applicant(world):
    return actions.create_applicant(actor=world.secretary, data=applicant_data(world))


def test_list_shows_step_and_overdue_talk_and_filters(world, login, applicant, django_assert_max_num_queries):
    other = actions.create_applicant(
        actor=world.admin, data=applicant_data(world, org=world.a2, name="赵新申", applied_on=dt.date(2026, 11, 10))
    )
    client = login(world.admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("recruitment:list"))
    body = response.content.decode()
    assert "陈申请" in body and "赵新申" in body and "已逾期" in body and "即将到期" in body
    overdue = client.get(reverse("recruitment:list"), {"due": "overdue"}).content.decode()
    assert "陈申请" in overdue and "赵新申" not in overdue
    by_org = client.get(reverse("recruitment:list"), {"org": world.a2.pk}).content.decode()
    assert "赵新申" in by_org and "陈申请" not in by_org
    by_step = client.get(reverse("recruitment:list"), {"step": 2}).content.decode()
    assert "陈申请" not in by_step
    by_stage = client.get(reverse("recruitment:list"), {"stage": 1, "q": "zxs"}).content.decode()
    assert "赵新申" in by_stage and "陈申请" not in by_stage
    assert other.id_card_masked in by_stage


def test_list_and_detail_are_not_found_for_an_outsider(world, login, applicant):
    client = login(world.outsider, verified=True)
    assert "陈申请" not in client.get(reverse("recruitment:list")).content.decode()
    assert client.get(reverse("recruitment:detail", args=[applicant.pk])).status_code == 404
    assert client.get(reverse("recruitment:step", args=[applicant.pk, 2])).status_code == 404
    assert client.get(reverse("recruitment:export")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.denied", object_id=str(applicant.pk)).exists()


def test_export_is_masked_and_audited(world, login, applicant):
    response = login(world.admin, verified=True).get(reverse("recruitment:export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[1][0] == "陈申请"
    assert rows[1][3] == applicant.id_card_masked and "*" in rows[1][3]
    event = AuditEvent.objects.get(action="recruitment.export")
    assert event.changes["rows"] == 1


def test_outsider_export_has_no_rows(world, login, applicant):
    response = login(world.outsider, verified=True).get(reverse("recruitment:export"))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1


def test_detail_shows_timeline_and_next_step(world, login, applicant):
    body = login(world.secretary).get(reverse("recruitment:detail", args=[applicant.pk])).content.decode()
    assert "1. 递交入党申请书" in body and "记录：2. 党组织派人谈话" in body
    assert "2024年4月1日" in body and "已逾期" in body
    assert applicant.id_card_masked in body


def test_create_page_registers_applicant_with_scan(world, login):
    data = applicant_data(world)
    post = {k: (v.pk if hasattr(v, "pk") else v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}
    post["scans"] = SimpleUploadedFile("申请书.png", PNG, content_type="image/png")
    response = login(world.secretary).post(reverse("recruitment:create"), post)
    applicant = Applicant.objects.get()
    assert response.status_code == 302 and response.url == reverse("recruitment:detail", args=[applicant.pk])
    assert StepDocument.objects.get().title == "入党申请书"


def test_create_page_refuses_a_minor_and_a_bad_upload_writing_nothing(world, login):
    data = applicant_data(world, birth_date=dt.date(2006, 3, 2), applied_on=dt.date(2024, 3, 1))
    post = {k: (v.pk if hasattr(v, "pk") else v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}
    post["scans"] = SimpleUploadedFile("申请书.exe", b"MZ\x90\x00", content_type="image/png")
    body = login(world.secretary).post(reverse("recruitment:create"), post).content.decode()
    assert "须年满18周岁" in body and "仅支持 JPG、PNG 图片和 PDF 扫描件" in body
    assert not Applicant.objects.exists()


def test_step_page_records_next_step_and_refuses_out_of_order(world, login, applicant):
    client = login(world.secretary)
    form = client.get(reverse("recruitment:step", args=[applicant.pk, 2])).content.decode()
    assert "经办人/谈话人" in form
    response = client.post(reverse("recruitment:step", args=[applicant.pk, 3]), {"date": "2024-03-20"})
    assert "步骤顺序不对" in response.content.decode()
    response = client.post(reverse("recruitment:step", args=[applicant.pk, 2]),
                           {"date": "2024-04-05", "handled_by": "组织委员"})
    assert response.status_code == 302
    follow = client.get(response.url).content.decode()
    assert "谈话晚于规定期限" in follow
    assert Step.objects.filter(applicant=applicant, number=2).count() == 1


def test_step_page_refuses_a_future_date(world, login, applicant):
    response = login(world.secretary).post(reverse("recruitment:step", args=[applicant.pk, 2]), {"date": "2026-11-21"})
    assert "日期不能晚于今天" in response.content.decode()
    assert not Step.objects.filter(number=2).exists()


def test_introducer_form_refuses_a_probationary_member(world, login, applicant):
    walk(world, applicant, 8)
    probationary = world.make_member(world.a1, name="孙预备", party_status="probationary",
                                     joined_on=dt.date(2026, 1, 5), confirmed_on=None)
    full = world.member
    response = login(world.secretary).post(
        reverse("recruitment:step", args=[applicant.pk, 9]),
        {"date": "2025-05-25", "people": full.pk, "people_2": probationary.pk},
    )
    body = response.content.decode()
    assert "孙预备是预备党员，不能担任入党介绍人" in body and "党章第五条" in body
    assert not Step.objects.filter(applicant=applicant, number=9).exists()


def test_document_upload_and_download(world, login, applicant):
    client = login(world.secretary)
    step = applicant.steps.get()
    response = client.post(reverse("recruitment:add_document", args=[applicant.pk]), {
        "step": step.pk, "title": "入党申请书（补）", "scans": SimpleUploadedFile("a.png", PNG, content_type="image/png"),
    })
    assert response.status_code == 302
    doc = StepDocument.objects.get()
    got = client.get(reverse("recruitment:document", args=[applicant.pk, doc.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"\x89PNG")
    assert login(world.outsider).get(reverse("recruitment:document", args=[applicant.pk, doc.pk])).status_code == 404


def test_reveal_is_audited_and_refused_to_the_viewer(world, login, applicant):
    client = login(world.admin, verified=True)
    body = client.post(reverse("recruitment:reveal", args=[applicant.pk]),
                       {"field": "phone", "reason": "核对联系方式"}).content.decode()
    assert "13900001111" in body
    assert AuditEvent.objects.filter(action="recruitment.reveal", reason="核对联系方式").exists()
    assert login(world.viewer).get(reverse("recruitment:reveal", args=[applicant.pk])).status_code == 404


def test_stop_page(world, login, applicant):
    client = login(world.secretary)
    client.post(reverse("recruitment:stop", args=[applicant.pk]), {"reason": "本人申请撤回"})
    applicant.refresh_from_db()
    assert applicant.status == "stopped" and applicant.next_step is None


def test_word_forms_from_the_recorded_steps(world, login, applicant):
    import zipfile

    from dangjian.core import documents
    from dangjian.recruitment.documents import FORMS, SAMPLE

    client = login(world.secretary)
    assert client.get(reverse("recruitment:form", args=[applicant.pk, "activist_filing"])).status_code == 404
    walk(world, applicant, 11)
    body = client.get(reverse("recruitment:detail", args=[applicant.pk])).content.decode()
    assert "发展对象审查表" in body and "预备党员转正公示" not in body
    response = client.get(reverse("recruitment:form", args=[applicant.pk, "candidate_review"]))
    assert response.status_code == 200
    xml = zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
    assert "陈申请" in xml and "入党介绍人：刘联系、王介绍" in xml
    assert "7. 确定发展对象" in xml and "2025年5月10日" in xml and "3天、24学时" in xml
    assert applicant.id_card_masked in xml
    assert AuditEvent.objects.filter(action="recruitment.form", object_id=str(applicant.pk)).exists()
    assert login(world.outsider).get(reverse("recruitment:form", args=[applicant.pk, "candidate_review"])).status_code == 404
    for form in FORMS.values():  # every default layout renders its sample strictly (as an upload must)
        documents.check_upload(form.key, documents.build_default(documents.REGISTRY[form.key]))
        assert documents.render(form.key, SAMPLE)


def test_member_section_shows_how_the_member_was_admitted(world, applicant, django_assert_max_num_queries):
    from django.template.loader import render_to_string

    from dangjian.recruitment.member_section import member_section

    walk(world, applicant, 17)
    applicant.refresh_from_db()
    with django_assert_max_num_queries(5):
        context = member_section(applicant.member, world.secretary)
    html = render_to_string("recruitment/member_section.html", context)
    assert "支部大会讨论" in html and "2025年7月20日" in html and "刘联系、王介绍" in html
    assert reverse("recruitment:detail", args=[applicant.pk]) in html
    assert member_section(world.member, world.secretary) == {"recruitment_applicant": None}
    assert render_to_string("recruitment/member_section.html", {"recruitment_applicant": None}).strip() == ""


def test_detail_queries_do_not_grow_with_the_steps(world, login, applicant, django_assert_max_num_queries):
    walk(world, applicant, 25)
    client = login(world.admin)
    client.get(reverse("recruitment:detail", args=[applicant.pk]))  # warm the session
    with django_assert_max_num_queries(16):
        body = client.get(reverse("recruitment:detail", args=[applicant.pk])).content.decode()
    assert "25. 材料归档" in body and "预备党员转正公示" in body and "已转正" in body


def test_vote_step_pages_record_the_counts_and_the_outcome(world, login, applicant):
    walk(world, applicant, 14)
    client = login(world.secretary)
    form = client.get(reverse("recruitment:step", args=[applicant.pk, 15])).content.decode()
    assert "应到会有表决权人数" in form and "会上已登记的表决" in form and "支部工作条例第十一条" in form
    response = client.post(reverse("recruitment:step", args=[applicant.pk, 15]), {
        "date": "2025-07-20", "entitled": 4, "present": 3, "yes": 2, "no": 1, "abstain": 0,
    })
    assert "赞成2票，未超过应到会有表决权党员4人的半数" in response.content.decode()
    response = client.post(reverse("recruitment:step", args=[applicant.pk, 15]), {
        "date": "2025-07-20", "entitled": 4, "present": 3, "yes": 3, "no": 0, "abstain": 0,
    })
    assert response.status_code == 302
    walk_rest = [(16, "2025-08-01"), (17, "2025-09-01"), (18, "2025-09-10"), (19, "2025-09-15"), (20, "2025-09-20"),
                 (22, "2026-07-10")]
    for number, day in walk_rest:
        data = {"date": day}
        if number == 17:
            data["approved"] = "1"
        assert client.post(reverse("recruitment:step", args=[applicant.pk, number]), data).status_code == 302, number
    page = client.get(reverse("recruitment:step", args=[applicant.pk, 23])).content.decode()
    assert "讨论结论" in page and "延长预备期（月）" in page
    response = client.post(reverse("recruitment:step", args=[applicant.pk, 23]), {
        "date": "2026-07-20", "outcome": "extend", "extension_months": 3, "entitled": 4, "present": 4, "yes": 4,
    })
    assert "延长预备期不能少于6个月" in response.content.decode()
    assert applicant.steps.filter(number=23).count() == 0


def test_mentors_and_introducers_are_picked_by_search_not_listed_and_an_outsider_is_refused_on_the_field(
        world, login, applicant):
    from tests.growth import weight

    walk(world, applicant, 4)
    client = login(world.secretary)
    url = reverse("recruitment:step", args=[applicant.pk, 5])
    page = client.get(url).content.decode()
    assert "培养联系人（正式党员）" in page and "第二名培养联系人（可不填）" in page and "data-dj-picker" in page
    assert f'<option value="{world.member.pk}"' not in page and "<select multiple" not in page
    outsider = world.make_member(world.b, name="外支部")
    refused = client.post(url, {"date": "2024-05-25", "people": world.member.pk, "people_2": outsider.pk})
    assert "第二名培养联系人（可不填）：所选党员不存在、不在本支部或不在您的管理范围内" in refused.content.decode()
    assert not Step.objects.filter(applicant=applicant, number=5).exists()
    _, queries = weight(client, url)
    for i in range(12):
        world.make_member(world.a1, name="新党员" + "一二三四五六七八九十"[i % 10] * (1 + i // 10))
    assert weight(client, url)[1] == queries
    done = client.post(url, {"date": "2024-05-25", "people": world.member.pk})
    assert done.status_code == 302
    assert list(Step.objects.get(applicant=applicant, number=5).people.all()) == [world.member]
