"""The 民主评议党员 pages: a secretary drafts a round, fills the sheet and confirms it with the 1/3 warning shown;
corrections and follow-ups with a scan; 404 for outsiders on every list, detail, export and download; read-only
viewers; list query counts that do not grow with rows; the statistics page and its Excel."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.appraisal import actions
from dangjian.appraisal.choices import FollowUpKind, Rating, RoundStatus
from dangjian.appraisal.models import AppraisalResult, AppraisalRound, FollowUp
from dangjian.core.models import AuditEvent
from tests.appraisal.conftest import DAY, confirmed, draft, grow
from tests.samples import PDF

NOW = dt.datetime(2025, 12, 20, 4, tzinfo=dt.UTC)

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def with_followup(world):
    grow(world, 2)
    appraisal = confirmed(world, ratings=[Rating.UNQUALIFIED, Rating.QUALIFIED, Rating.QUALIFIED])
    result = appraisal.results.get(rating=Rating.UNQUALIFIED)
    followup = actions.record_followup(result, actor=world.admin, data={
        "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": dt.date(2026, 6, 1),
        "doc_no": "一支〔2025〕3号"}, upload=SimpleUploadedFile("决定.pdf", PDF))
    return appraisal, result, followup


def sheet_post(appraisal, ratings: dict[int, str], votes: int = 1) -> dict[str, str]:
    data: dict[str, str] = {}
    for r in appraisal.results.all():
        rating = ratings.get(r.member_id, Rating.QUALIFIED)
        data.update({f"rating_{r.member_id}": rating, f"votes_qualified_{r.member_id}": str(votes),
                     f"self_rating_{r.member_id}": Rating.QUALIFIED, f"peer_opinion_{r.member_id}": "认真"})
        if rating == Rating.UNQUALIFIED:
            data[f"reason_{r.member_id}"] = "长期不参加组织生活"
    return data


def test_a_secretary_drafts_fills_the_sheet_sees_the_warning_and_confirms(world, login):
    grow(world, 2)
    client = login(world.secretary)
    picker = client.get(reverse("appraisal:create"))
    assert [o.pk for o in picker.context["orgs"]] == [world.a1.pk]
    url = f"{reverse('appraisal:create')}?org={world.a1.pk}"
    refused = client.post(url, {"held_on": "2025-12-21", "participants": "3"})
    assert refused.status_code == 200 and "评议日期不能晚于今天" in refused.content.decode()
    assert not AppraisalRound.objects.exists()
    response = client.post(url, {"held_on": DAY.isoformat(), "participants": "3"})
    appraisal = AppraisalRound.objects.get()
    assert response["Location"] == reverse("appraisal:sheet", args=[appraisal.pk])
    sheet = reverse("appraisal:sheet", args=[appraisal.pk])
    page = client.get(sheet).content.decode()
    assert "成员甲" in page and "李党员" in page and "一般不超过参加评议党员总数的1/3" in page
    too_many = sheet_post(appraisal, {}, votes=4)
    refused = client.post(sheet, too_many)
    assert "测评票数合计（4）不能多于参加民主测评人数（3）" in refused.content.decode()
    assert not AppraisalResult.objects.exclude(rating="").exists()
    saved = client.post(sheet, {**sheet_post(appraisal, {world.member.pk: Rating.EXCELLENT,
                                                          **{m: Rating.EXCELLENT for m in appraisal.results.exclude(
                                                              member=world.member).values_list("member_id", flat=True)[:1]}}),
                                "then": "confirm"}, follow=True)
    body = saved.content.decode()
    assert "评议结果已确认" in body and "超过参加评议党员总数3人的1/3" in body
    appraisal.refresh_from_db()
    assert appraisal.status == RoundStatus.CONFIRMED
    detail = client.get(reverse("appraisal:detail", args=[appraisal.pk])).content.decode()
    assert "提示（不影响确认）" in detail and "条文待核实" in detail


def test_corrections_and_followups_through_the_pages(world, login):
    grow(world, 2)
    appraisal = confirmed(world, ratings=[Rating.UNQUALIFIED, Rating.QUALIFIED, Rating.QUALIFIED])
    client = login(world.secretary)
    result = appraisal.results.get(member=world.member)
    url = reverse("appraisal:correct_result", args=[result.pk])
    refused = client.post(url, {"rating": Rating.BASIC, "votes_excellent": 0, "votes_qualified": 0,
                                "votes_basic": 0, "votes_unqualified": 0})
    assert "这个字段是必填项" in refused.content.decode() or "必填" in refused.content.decode()
    client.post(url, {"rating": Rating.BASIC, "opinion": "有差距", "votes_excellent": 0, "votes_qualified": 0,
                      "votes_basic": 2, "votes_unqualified": 0, "reason": "复核"})
    result.refresh_from_db()
    assert result.rating == Rating.BASIC and result.reason == "有差距"
    unqualified = appraisal.results.get(rating=Rating.UNQUALIFIED)
    create = reverse("appraisal:followup_create", args=[unqualified.pk])
    assert client.get(create).context["form"].initial["deadline"] == dt.date(2026, 12, 20)
    bad = client.post(create, {"kind": FollowUpKind.CORRECTION, "decided_on": "2025-12-15", "deadline": "2025-12-14",
                               "scan": SimpleUploadedFile("x.pdf", PDF)})
    assert "改正期限须晚于决定日期（2025年12月15日）" in bad.content.decode() and not FollowUp.objects.exists()
    bad_scan = client.post(create, {"kind": FollowUpKind.CORRECTION, "decided_on": "2025-12-15",
                                    "deadline": "2026-06-01", "scan": SimpleUploadedFile("x.pdf", b"GIF89a....")})
    assert "仅支持 JPG、PNG 图片和 PDF 扫描件" in bad_scan.content.decode() and not FollowUp.objects.exists()
    done = client.post(create, {"kind": FollowUpKind.CORRECTION, "decided_on": "2025-12-15", "deadline": "2026-06-01",
                                "doc_no": "一支〔2025〕3号", "scan": SimpleUploadedFile("决定.pdf", PDF)})
    followup = FollowUp.objects.get()
    assert done["Location"] == reverse("appraisal:followup", args=[followup.pk])
    scan = client.get(reverse("appraisal:followup_scan", args=[followup.pk]))
    assert scan.status_code == 200 and b"".join(scan.streaming_content) == PDF
    page = client.get(reverse("appraisal:followup", args=[followup.pk])).content.decode()
    assert "登记处置结果" in page and "一支〔2025〕3号" in page


def test_lists_exports_and_statistics_for_a_manager(world, login, django_assert_max_num_queries):
    with_followup(world)
    draft(world, org=world.b)
    client = login(world.admin, verified=True)
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("appraisal:list"))
    assert len(listing.context["rows"]) == 2
    filtered = client.get(reverse("appraisal:list"), {"org": world.general.pk, "year": 2025})
    assert [r.org_id for r, _c in filtered.context["rows"]] == [world.a1.pk]
    export = client.get(reverse("appraisal:list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]][:3] == ["党支部", "评议年度", "评议日期"] and sheet.max_row == 3
    with django_assert_max_num_queries(12):
        followups = client.get(reverse("appraisal:followups"), {"state": "open"})
    assert len(followups.context["rows"]) == 1
    assert client.get(reverse("appraisal:followups"), {"state": "overdue"}).context["rows"] == []
    f_export = client.get(reverse("appraisal:followups"), {"export": "xlsx"})
    assert load_workbook(io.BytesIO(f_export.content)).active.max_row == 2
    summary = client.get(reverse("appraisal:summary"), {"org": world.root.pk, "year": 2025})
    assert summary.context["s"].appraised == 3 and summary.context["s"].drafts == 1
    workbook = load_workbook(io.BytesIO(client.get(reverse("appraisal:summary"), {
        "org": world.root.pk, "year": 2025, "export": "xlsx"}).content))
    assert workbook.sheetnames == ["汇总", "各党支部"] and workbook["各党支部"].max_row == 2
    table = load_workbook(io.BytesIO(client.get(reverse("appraisal:detail", args=[AppraisalRound.objects.get(
        org=world.a1).pk]), {"export": "xlsx"}).content)).active
    assert table.max_row == 4 and [c.value for c in table[1]][-3:] == ["评定等次", "评定意见", "组织处置"]
    assert "限期改正（进行中）" in [c.value for c in table[2]] + [c.value for c in table[3]] + [c.value for c in table[4]]
    assert AuditEvent.objects.filter(action="appraisal.export").count() == 4


def test_every_page_of_a_draft_and_a_confirmed_round_renders_for_its_manager(world, login):
    appraisal, result, followup = with_followup(world)
    drafted = draft(world, org=world.b)
    client = login(world.admin)
    for name, args in [("detail", [drafted.pk]), ("edit", [drafted.pk]), ("sheet", [drafted.pk]),
                       ("detail", [appraisal.pk]), ("correct", [appraisal.pk]), ("correct_result", [result.pk]),
                       ("followup", [followup.pk])]:
        response = client.get(reverse(f"appraisal:{name}", args=args))
        assert response.status_code == 200, name
    # a confirmed round's edit and sheet lead to its corrections; a draft's correction to its edit
    assert client.get(reverse("appraisal:edit", args=[appraisal.pk]))["Location"] == reverse("appraisal:correct", args=[appraisal.pk])
    assert client.get(reverse("appraisal:correct", args=[drafted.pk]))["Location"] == reverse("appraisal:edit", args=[drafted.pk])
    assert client.get(reverse("appraisal:sheet", args=[appraisal.pk])).status_code == 302
    edited = client.post(reverse("appraisal:edit", args=[drafted.pk]), {"held_on": "2025-12-11", "participants": "1",
                                                                        "note": "改期"})
    assert edited.status_code == 302
    drafted.refresh_from_db()
    assert (drafted.held_on, drafted.note) == (dt.date(2025, 12, 11), "改期")


def test_outsiders_get_404_on_every_page_and_empty_lists(world, login):
    appraisal, result, followup = with_followup(world)
    client = login(world.outsider, verified=True)
    assert client.get(reverse("appraisal:detail", args=[appraisal.pk]), {"export": "xlsx"}).status_code == 404
    for name, args in [("detail", [appraisal.pk]), ("edit", [appraisal.pk]), ("sheet", [appraisal.pk]),
                       ("correct", [appraisal.pk]), ("correct_result", [result.pk]),
                       ("followup_create", [result.pk]), ("followup", [followup.pk]),
                       ("followup_scan", [followup.pk])]:
        assert client.get(reverse(f"appraisal:{name}", args=args)).status_code == 404, name
    assert client.post(reverse("appraisal:confirm", args=[appraisal.pk])).status_code == 404
    assert client.get(reverse("appraisal:create"), {"org": world.a1.pk}).status_code == 404
    assert client.get(reverse("appraisal:list")).context["rows"] == []
    export = client.get(reverse("appraisal:list"), {"export": "xlsx"})
    assert load_workbook(io.BytesIO(export.content)).active.max_row == 1
    assert client.get(reverse("appraisal:list"), {"org": world.a1.pk}).context["rows"] == []
    assert client.get(reverse("appraisal:followups")).context["rows"] == []
    assert client.get(reverse("appraisal:followups")).context["pending"] == []
    assert load_workbook(io.BytesIO(client.get(reverse("appraisal:followups"), {"export": "xlsx"}).content)).active.max_row == 1
    assert client.get(reverse("appraisal:summary"), {"org": world.root.pk}).status_code == 404
    assert client.get(reverse("appraisal:summary"), {"org": world.a1.pk, "export": "xlsx"}).status_code == 404
    own = client.get(reverse("appraisal:summary"))
    assert own.context["org"] == world.b and own.context["s"].appraised == 0
    assert AuditEvent.objects.filter(action="auth.denied", actor=world.outsider).exists()


def test_viewers_read_but_change_nothing_and_plain_members_see_no_pages(world, login):
    appraisal, result, followup = with_followup(world)
    client = login(world.viewer)
    assert client.get(reverse("appraisal:detail", args=[appraisal.pk])).status_code == 200
    assert client.get(reverse("appraisal:followup", args=[followup.pk])).context["form"] is None
    for name, args in [("sheet", [appraisal.pk]), ("correct", [appraisal.pk]), ("correct_result", [result.pk]),
                       ("followup_create", [result.pk])]:
        assert client.get(reverse(f"appraisal:{name}", args=args)).status_code == 404, name
    assert client.post(reverse("appraisal:followup", args=[followup.pk]), {
        "outcome": "corrected", "closed_on": "2025-12-20"}).status_code == 404
    member = login(world.member_user)
    for name, args in [("list", []), ("followups", []), ("summary", []), ("detail", [appraisal.pk]),
                       ("followup", [followup.pk])]:
        assert member.get(reverse(f"appraisal:{name}", args=args)).status_code == 404, name
