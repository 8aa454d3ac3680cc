"""Importing 党员 from Excel: the template, file checks, per-row errors, preview, all-or-nothing commit."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import time
import zipfile
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dangjian.core.models import AuditEvent
from dangjian.lib import idcard
from dangjian.members import imports, pii
from dangjian.members.choices import MemberEventKind
from dangjian.members.models import Member, MemberEvent
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import OrgKind

UPLOAD = reverse("members:import")
TEMPLATE = reverse("members:import_template")
XLSX = imports.XLSX_TYPE


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    """Kept uploads go to a fresh folder per test."""
    settings.VAR_DIR = tmp_path
    return tmp_path / "imports"


def kept_files(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def id_card(birth: dt.date = dt.date(1990, 5, 20), male: bool = True, seq: int = 1) -> str:
    """A valid number with a region code the test world does not use, so it never clashes with world members."""
    return idcard.make("310104", birth, (seq * 2 + (1 if male else 0)) % 1000)


def person(org: str = "第一党支部", *, birth: dt.date = dt.date(1990, 5, 20), male: bool = True, seq: int = 1,
           **overrides: Any) -> dict[str, Any]:
    """One spreadsheet row by column label; dates mix text and real Excel dates, as people's files do."""
    row: dict[str, Any] = {
        "党支部": org, "党小组": "", "姓名": "张三", "性别": "男" if male else "女", "民族": "汉族",
        "出生日期": birth.isoformat(), "身份证号": id_card(birth, male, seq), "手机号": "13812345678",
        "学历": "大学本科", "职业": "党政机关工作人员", "工作单位": "办公厅", "职务": "科员", "人员类别": "在职",
        "党员类别": "正式党员", "入党日期": "2015-07-01", "转正日期": dt.date(2016, 7, 1), "党内职务": "",
    }
    row.update(overrides)
    return row


def workbook(rows: list[dict[str, Any]], header: list[str] | None = None) -> bytes:
    header = header or imports.LABELS
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员信息")
    ws.append(header)
    for row in rows:
        ws.append([row.get(label) for label in header])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def post_file(client, content: bytes, name: str = "党员名单.xlsx", **extra: Any):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content, content_type=XLSX)}, **extra)


def upload_ok(client, rows: list[dict[str, Any]]) -> str:
    """Upload without htmx and return the token of the preview it redirects to."""
    response = post_file(client, workbook(rows))
    assert response.status_code == 302, response.content.decode()
    return response["Location"].rstrip("/").split("/")[-1]


def commit_button(page: str) -> str:
    match = re.search(r"<button[^>]*>确认导入</button>", page)
    assert match is not None
    return match[0]


def preview_url(token: str) -> str:
    return reverse("members:import_preview", kwargs={"token": token})


def commit_url(token: str) -> str:
    return reverse("members:import_commit", kwargs={"token": token})


# --- Template -----------------------------------------------------------------------------------------------


def test_template_has_the_headers_dropdowns_help_sheet_and_an_example_row(world, login):
    client = login(world.secretary)
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["党员信息"]
    assert [c.value for c in ws[1]] == [
        "党支部", "党小组", "姓名", "性别", "民族", "出生日期", "身份证号", "手机号", "学历", "职业", "工作单位", "职务",
        "人员类别", "党员类别", "入党日期", "转正日期", "党内职务",
    ]
    assert ws["A2"].value == "第一党支部" and ws["C2"].value == "张三"
    rules = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert set(rules) == {"D2", "E2", "I2", "J2", "M2", "N2"}  # 性别 民族 学历 职业 人员类别 党员类别
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    lists = {options.cell(1, n).value: [options.cell(r, n).value for r in range(2, options.max_row + 1)]
             for n in range(1, options.max_column + 1)}
    assert lists["性别"][:2] == ["男", "女"]
    assert "党政机关工作人员" in lists["职业"] and "预备党员" in lists["党员类别"] and "高中、中技" in lists["学历"]
    assert len([e for e in lists["民族"] if e]) == 56
    help_text = " ".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    assert "2025-01-01" in help_text and "组织代码" in help_text
    # The secretary's only branch is listed; branches outside their scope are not.
    assert "第一党支部" in help_text and "第三党支部" not in help_text


def test_the_unchanged_template_example_row_is_refused(world, login):
    client = login(world.admin)
    template = client.get(TEMPLATE).content
    response = post_file(client, template)
    token = response["Location"].rstrip("/").split("/")[-1]
    page = client.get(preview_url(token)).content.decode()
    assert "这是导入模板中的示例行，请删除后再导入" in page


# --- A clean file -------------------------------------------------------------------------------------------


def test_a_valid_file_previews_clean_and_commits_everything(world, login, var_dir):
    client = login(world.secretary)
    rows = [
        person(姓名="曾国藩", seq=1, 党小组="第一党小组", 党内职务="组织委员"),
        person(姓名="李四", male=False, seq=2, 出生日期=dt.date(1990, 5, 20), 民族="", 手机号=13912345678),
        person(姓名="王五", seq=3, 党员类别="预备党员", 入党日期="2025/3/1", 转正日期=None),
    ]
    token = upload_ok(client, rows)
    page = client.get(preview_url(token)).content.decode()
    assert "总行数" in page and "无误行数" in page and "有误行数" in page
    assert "请修正 Excel 后重新上传" not in page
    assert "disabled" not in commit_button(page)
    assert "曾国藩" in page and id_card(seq=1) not in page and pii.mask_id_card(id_card(seq=1)) in page

    response = client.post(commit_url(token))
    assert response.status_code == 302 and response["Location"] == reverse("members:list")
    members = {m.name: m for m in Member.objects.filter(name__in=["曾国藩", "李四", "王五"])}
    assert set(members) == {"曾国藩", "李四", "王五"}
    zeng, li, wang = members["曾国藩"], members["李四"], members["王五"]
    assert zeng.org == world.a1 and zeng.group == world.a1_group and zeng.party_post == "组织委员"
    assert zeng.name_pinyin == "zeng guo fan" and zeng.name_initials == "zgf"
    assert pii.read_id_card(zeng) == id_card(seq=1) and zeng.id_card_masked == pii.mask_id_card(id_card(seq=1))
    assert li.sex == "F" and li.ethnicity == "汉族" and pii.read_phone(li) == "13912345678"
    assert zeng.confirmed_on == dt.date(2016, 7, 1) and zeng.birth_date == dt.date(1990, 5, 20)
    assert wang.party_status == "probationary" and wang.joined_on == dt.date(2025, 3, 1) and wang.confirmed_on is None
    events = MemberEvent.objects.filter(member__in=members.values())
    assert sorted(events.values_list("member__name", "kind")) == sorted([
        ("曾国藩", MemberEventKind.JOINED), ("曾国藩", MemberEventKind.CONFIRMED),
        ("李四", MemberEventKind.JOINED), ("李四", MemberEventKind.CONFIRMED), ("王五", MemberEventKind.JOINED),
    ])
    assert all(e.actor == world.secretary and e.to_org == world.a1 for e in events)
    entry = AuditEvent.objects.get(action="members.import")
    assert entry.actor == world.secretary and entry.changes == {"rows": 3, "file": "党员名单.xlsx"}
    history = Member.history.filter(id__in=[m.pk for m in members.values()])
    assert history.count() == 3 and {h.history_type for h in history} == {"+"}
    assert {h.history_user_id for h in history} == {world.secretary.pk}
    assert kept_files(var_dir) == []
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["已导入 3 名党员"]


def test_htmx_upload_answers_with_the_result_in_place(world, login):
    client = login(world.admin)
    response = post_file(client, workbook([person()]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "校验结果" in body and "<html" not in body
    assert response["HX-Push-Url"].startswith("/members/import/")
    assert client.get(response["HX-Push-Url"]).status_code == 200


def test_the_upload_page_has_the_progress_bar_and_checking_indicator(world, login):
    body = login(world.admin).get(UPLOAD).content.decode()
    assert 'hx-encoding="multipart/form-data"' in body and 'enctype="multipart/form-data"' in body
    assert 'id="dj-upload-progress"' in body and 'id="dj-upload-label"' in body
    assert "正在逐行校验…" in body and "<script" not in body.split("</head>")[1]


# --- Row errors ---------------------------------------------------------------------------------------------


def test_each_bad_row_is_reported_by_row_and_column_and_nothing_is_written(world, login, var_dir):
    client = login(world.admin)
    good = id_card(seq=9)
    bad_checksum = good[:17] + ("0" if good[17] != "0" else "1")
    existing = pii.read_id_card(world.member)
    rows = [
        person(seq=1),  # row 2
        person(seq=2, 身份证号=bad_checksum),  # row 3
        person("机关党委", seq=3),  # row 4
        person(seq=4, 出生日期="1990-05-21"),  # row 5
        person(seq=5),  # row 6
        person(seq=5, 姓名="李重复"),  # row 7: same 身份证号 as row 6
        person(seq=6, 身份证号=existing),  # row 8
        person(seq=7, 姓名=""),  # row 9
        person(seq=8, 学历="硕士"),  # row 10
        person(seq=10),  # row 11
    ]
    before = Member.objects.count()
    token = upload_ok(client, rows)
    page = client.get(preview_url(token)).content.decode()
    expected = [
        (3, "身份证号", "身份证号校验位不正确"),
        (4, "党支部", "党员只能编入党支部，不能直接编入党委"),
        (5, "出生日期", "出生日期与身份证号中的出生日期不一致"),
        (7, "身份证号", "与第6行的身份证号重复"),
        (8, "身份证号", "已有相同身份证号的在册党员"),
        (9, "姓名", "请填写姓名"),
        (10, "学历", "学历“硕士”不在可选范围内"),
    ]
    for row, column, message in expected:
        assert f"<td>第{row}行</td><td>{column}</td><td>{message}</td>" in page, (row, column, message)
    assert "请修正 Excel 后重新上传，全部无误才能导入" in page
    assert "disabled" in commit_button(page)
    for row in (2, 6, 11):
        assert f"<td>第{row}行</td>" in page.split("无误的行")[1]

    response = client.post(commit_url(token))
    assert response.status_code == 302 and response["Location"] == preview_url(token)
    assert Member.objects.count() == before
    assert not AuditEvent.objects.filter(action="members.import").exists()
    assert len(kept_files(var_dir)) == 1  # still there to look at


def test_validation_result_names_row_and_column_for_each_error(world):
    sheet = imports.read_sheet(workbook([person(seq=1), person(seq=2, 性别="男性", 入党日期="2015-13-01")]))
    result = imports.validate(sheet, user=world.admin)
    assert result.errors == {3: {"性别": ["性别“男性”不在可选范围内"], "入党日期": ["日期不存在，请核对年月日"]}}
    assert imports.format_error(3, "性别", result.errors[3]["性别"][0]) == "第3行 性别：性别“男性”不在可选范围内"
    assert [r.number for r in result.valid_rows] == [2]


def test_a_branch_outside_the_uploaders_scope_is_an_error_for_that_row(world, login):
    client = login(world.secretary)
    token = upload_ok(client, [person(seq=1), person("第三党支部", seq=2), person("第二党支部", seq=3)])
    page = client.get(preview_url(token)).content.decode()
    assert "<td>第3行</td><td>党支部</td><td>党支部“第三党支部”不存在或不在您的管理范围内</td>" in page
    assert "<td>第4行</td><td>党支部</td><td>党支部“第二党支部”不存在或不在您的管理范围内</td>" in page


def test_the_outsider_cannot_import_into_another_subtree(world, login):
    client = login(world.outsider)
    token = upload_ok(client, [person("第一党支部", seq=1)])
    page = client.get(preview_url(token)).content.decode()
    assert "党支部“第一党支部”不存在或不在您的管理范围内" in page
    before = Member.objects.count()
    client.post(commit_url(token))
    assert Member.objects.count() == before


def test_an_ambiguous_branch_name_asks_for_the_org_code(world, login):
    create_org(actor=world.admin, parent=world.root, name="第一党支部", kind=OrgKind.BRANCH, code="B0099")
    client = login(world.admin)
    token = upload_ok(client, [person("第一党支部", seq=1), person("B0099", seq=2)])
    page = client.get(preview_url(token)).content.decode()
    assert "<td>第2行</td><td>党支部</td><td>有多个名为“第一党支部”的党组织，请改填组织代码</td>" in page
    assert "<td>第3行</td>" not in page.split("无误的行")[0]


def test_a_group_must_belong_to_the_rows_branch(world, login):
    client = login(world.admin)
    token = upload_ok(client, [person("第二党支部", seq=1, 党小组="第一党小组")])
    page = client.get(preview_url(token)).content.decode()
    assert "党支部“第二党支部”下没有名为“第一党小组”的党小组" in page


def test_an_id_number_typed_as_a_number_is_refused(world, login):
    client = login(world.admin)
    token = upload_ok(client, [person(seq=1, 身份证号=float(id_card(seq=1)[:15]))])
    page = client.get(preview_url(token)).content.decode()
    assert "身份证号请以文本格式填写，数字格式会丢失末尾几位" in page
    assert "请填写身份证号" not in page


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025-01-01", dt.date(2025, 1, 1)),
        ("2025/1/1", dt.date(2025, 1, 1)),
        ("2025.01.01", dt.date(2025, 1, 1)),
        ("2025年1月1日", dt.date(2025, 1, 1)),
        ("20250101", dt.date(2025, 1, 1)),
        (20250101.0, dt.date(2025, 1, 1)),
        (dt.date(2025, 1, 1), dt.date(2025, 1, 1)),
        (dt.datetime(2025, 1, 1, 0, 0), dt.date(2025, 1, 1)),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_read_from_text_or_excel_dates(cell, expected):
    assert imports.parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["2025-02-30", "明年", "01/02/2025", 45658.0])
def test_unreadable_dates_are_refused(cell):
    with pytest.raises(ValueError):
        imports.parse_date(cell)


# --- Bad files ----------------------------------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("党员.csv", "党支部,姓名\n第一党支部,张三\n".encode()),
        ("党员.xlsx", "党支部,姓名\n第一党支部,张三\n".encode()),  # a .csv renamed
        ("setup.xlsx", b"MZ\x90\x00" + b"\x00" * 200),  # an .exe renamed
        ("党员.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200),
        ("压缩包.xlsx", _zip({"readme.txt": b"hello"})),  # a zip, but not a workbook
    ],
)
def test_anything_but_an_xlsx_is_refused_and_nothing_is_kept(world, login, var_dir, name, content):
    response = post_file(login(world.admin), content, name=name)
    assert response.status_code == 400
    assert "请上传 .xlsx 格式的 Excel 文件" in response.content.decode()
    assert kept_files(var_dir) == []


def test_a_refused_file_over_htmx_shows_the_reason_in_place(world, login, var_dir):
    response = post_file(login(world.admin), b"not a zip", name="a.xlsx", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "请上传 .xlsx 格式的 Excel 文件" in response.content.decode() and "<html" not in response.content.decode()
    assert kept_files(var_dir) == []


def test_an_oversize_file_is_refused(world, login, settings, var_dir):
    settings.DANGJIAN_IMPORT_MAX_BYTES = 2048
    content = workbook([person(seq=i, 工作单位="单位" * 40) for i in range(30)])
    assert len(content) > 2048
    response = post_file(login(world.admin), content)
    assert response.status_code == 400
    assert "文件超过 2KB 上限" in response.content.decode()
    assert kept_files(var_dir) == []


def test_the_default_size_limit_message_says_10mb(settings):
    settings.DANGJIAN_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    with pytest.raises(ValidationError, match="文件超过 10MB 上限"):
        imports.read_upload(SimpleUploadedFile("a.xlsx", b"x" * (10 * 1024 * 1024 + 1)))


def test_a_zip_bomb_is_refused_before_it_is_parsed(world, login, settings, var_dir):
    settings.DANGJIAN_IMPORT_MAX_BYTES = 50 * 1024
    original = zipfile.ZipFile(io.BytesIO(workbook([person()])))
    entries = {i.filename: original.read(i) for i in original.infolist()}
    entries["xl/media/padding.bin"] = b"\x00" * (50 * 1024 * 20 + 1)  # compresses to a few KB
    bomb = _zip(entries)
    assert len(bomb) < 50 * 1024
    response = post_file(login(world.admin), bomb)
    assert response.status_code == 400
    assert "解压后过大" in response.content.decode()
    assert kept_files(var_dir) == []


def test_a_zip_with_too_many_entries_is_refused(world, login, var_dir):
    entries = {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}
    entries.update({f"xl/extra/{i}.xml": b"" for i in range(1001)})
    response = post_file(login(world.admin), _zip(entries))
    assert response.status_code == 400
    assert "压缩包内文件过多" in response.content.decode()


def test_a_zip_that_lies_about_its_sizes_is_refused(world, login, settings):
    settings.DANGJIAN_IMPORT_MAX_BYTES = 50 * 1024
    content = bytearray(_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>",
                              "xl/big.bin": b"\x00" * (50 * 1024 * 20 + 100)}))
    # Rewrite the declared uncompressed size of xl/big.bin (local header and central directory) to 1 byte.
    true_size = (50 * 1024 * 20 + 100).to_bytes(4, "little")
    assert content.count(true_size) == 2
    content = bytearray(bytes(content).replace(true_size, (1).to_bytes(4, "little")))
    with pytest.raises(ValidationError, match="请上传 .xlsx 格式的 Excel 文件|解压后过大"):
        imports.check_xlsx_zip(bytes(content), 50 * 1024)


def test_too_many_rows_are_refused(world, login, settings, var_dir):
    settings.DANGJIAN_IMPORT_MAX_ROWS = 2
    response = post_file(login(world.admin), workbook([person(seq=i) for i in range(3)]))
    assert response.status_code == 400
    assert "文件超过 2 行上限" in response.content.decode()
    assert kept_files(var_dir) == []


def test_missing_columns_and_empty_sheets_are_refused(world, login, var_dir):
    client = login(world.admin)
    response = post_file(client, workbook([person()], header=["党支部", "姓名", "性别"]))
    assert response.status_code == 400
    assert "表头缺少列：出生日期、身份证号、学历、职业、人员类别、党员类别、入党日期" in response.content.decode()
    response = post_file(client, workbook([]))
    assert "文件中没有党员数据" in response.content.decode()
    response = client.post(UPLOAD, {})
    assert "请选择要上传的 Excel 文件" in response.content.decode()
    assert kept_files(var_dir) == []


# --- Who may import -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["viewer", "member_user", "nobody", "sysadmin", "secadmin", "auditor"])
def test_users_without_a_change_scope_get_404(world, login, var_dir, persona):
    client = login(getattr(world, persona), verified=True)  # the 三员 must pass a second factor first
    assert client.get(UPLOAD).status_code == 404
    assert client.get(TEMPLATE).status_code == 404
    assert post_file(client, workbook([person()])).status_code == 404
    assert kept_files(var_dir) == []


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_user_gets_404_on_someone_elses_preview_and_commit(world, login, client, var_dir):
    token = upload_ok(login(world.admin), [person()])
    before = Member.objects.count()
    for other in (world.secretary, world.outsider, world.viewer):
        client.force_login(other)
        assert client.get(preview_url(token)).status_code == 404
        assert client.post(commit_url(token)).status_code == 404
    assert Member.objects.count() == before
    assert len(kept_files(var_dir)) == 1


def test_malformed_or_unknown_tokens_get_404(world, login):
    client = login(world.admin)
    for token in ("..%2F..%2Fsettings", "x" * 22, "short"):
        assert client.get(f"/members/import/{token}/").status_code == 404
        assert client.post(f"/members/import/{token}/commit/").status_code == 404


def test_commit_only_accepts_post(world, login):
    client = login(world.admin)
    token = upload_ok(client, [person()])
    assert client.get(commit_url(token)).status_code == 405


# --- Commit ---------------------------------------------------------------------------------------------------


def test_commit_validates_again_and_refuses_a_duplicate_registered_meanwhile(world, login, var_dir):
    client = login(world.admin)
    token = upload_ok(client, [person(seq=1), person(seq=2, 姓名="李四")])
    assert "请修正 Excel" not in client.get(preview_url(token)).content.decode()
    # Someone registers the second person by hand between preview and commit.
    world.make_member(world.a2, name="李四", birth_date=dt.date(1990, 5, 20), id_card=id_card(seq=2))
    before = Member.objects.count()
    response = client.post(commit_url(token), follow=True)
    assert Member.objects.count() == before
    assert not AuditEvent.objects.filter(action="members.import").exists()
    page = response.content.decode()
    assert "导入未执行：有 1 行有误，未写入任何数据" in page
    assert "<td>第3行</td><td>身份证号</td><td>已有相同身份证号的在册党员</td>" in page
    assert len(kept_files(var_dir)) == 1


def test_a_new_upload_removes_files_older_than_an_hour(world, login, var_dir):
    client = login(world.admin)
    old_token = upload_ok(client, [person(seq=1)])
    hour_ago = time.time() - 3601
    for item in var_dir.iterdir():
        os.utime(item, (hour_ago, hour_ago))
    new_token = upload_ok(client, [person(seq=2)])
    assert kept_files(var_dir) == [f"{new_token}.djimp"]
    assert client.get(preview_url(old_token)).status_code == 404


def test_an_upload_older_than_an_hour_is_gone_when_opened(world, login, var_dir):
    client = login(world.admin)
    token = upload_ok(client, [person()])
    (item,) = var_dir.iterdir()
    os.utime(item, (time.time() - 3601, time.time() - 3601))
    assert client.get(preview_url(token)).status_code == 404
    assert client.post(commit_url(token)).status_code == 404
    assert kept_files(var_dir) == []


def test_the_kept_file_holds_no_id_number_in_clear_and_is_private(world, login, var_dir):
    row = person()
    upload_ok(login(world.admin), [row])
    (item,) = var_dir.iterdir()
    blob = item.read_bytes()
    assert row["身份证号"].encode() not in blob and b"PK\x03\x04" not in blob and "张三".encode() not in blob
    assert item.stat().st_mode & 0o777 == 0o600


def test_a_kept_file_renamed_to_another_token_does_not_open(world, login, var_dir):
    client = login(world.admin)
    token = upload_ok(client, [person()])
    other = "A" * 22
    (var_dir / f"{token}.djimp").rename(var_dir / f"{other}.djimp")
    assert client.get(preview_url(other)).status_code == 404


def test_discarding_an_upload_deletes_it(world, login, var_dir):
    client = login(world.admin)
    token = upload_ok(client, [person()])
    assert client.post(f"/members/import/{token}/discard/").status_code == 302
    assert kept_files(var_dir) == []
    assert client.get(preview_url(token)).status_code == 404


def test_the_purge_command_deletes_old_uploads_and_old_clear_files(world, login, var_dir):
    from django.core.management import call_command

    client = login(world.admin)
    keep = upload_ok(client, [person(seq=1)])
    (var_dir / "legacy.xlsx").write_bytes(b"clear")
    old = upload_ok(client, [person(seq=2)])
    os.utime(var_dir / f"{old}.djimp", (time.time() - 3601, time.time() - 3601))
    call_command("purge_imports")
    assert kept_files(var_dir) == [f"{keep}.djimp"]


def test_five_thousand_rows_validate_and_import_with_a_constant_number_of_queries(
    world, login, var_dir, django_assert_max_num_queries
):
    start = dt.date(1960, 1, 1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员信息")
    ws.append(imports.LABELS)
    for i in range(5000):
        birth = start + dt.timedelta(days=i)
        male = i % 2 == 0
        ws.append([
            "第一党支部" if i % 3 else "第二党支部", "", f"张{'一二三四五六七八九十'[i % 10]}{'甲乙丙丁'[i % 4]}",
            "男" if male else "女", "汉族", birth, idcard.make("310104", birth, (i % 500) * 2 + (1 if male else 0)),
            "", "大学本科", "党政机关工作人员", "", "", "在职", "正式党员", "2000-07-01", dt.date(2001, 7, 1), "",
        ])
    buffer = io.BytesIO()
    wb.save(buffer)
    client = login(world.admin)
    before = Member.objects.count()

    with django_assert_max_num_queries(30):
        response = post_file(client, buffer.getvalue())
    assert response.status_code == 302
    token = response["Location"].rstrip("/").split("/")[-1]
    with django_assert_max_num_queries(60):
        response = client.post(commit_url(token))
    assert response.status_code == 302 and response["Location"] == reverse("members:list")
    assert Member.objects.count() == before + 5000
    assert MemberEvent.objects.filter(kind=MemberEventKind.CONFIRMED, date=dt.date(2001, 7, 1)).count() == 5000
    assert Member.history.filter(history_type="+", history_user=world.admin).count() >= 5000
    assert AuditEvent.objects.get(action="members.import").changes["rows"] == 5000


# --- The write: all or nothing, and everything an import records (issue 10) -------------------------------------


def _totals(*orgs) -> dict[str, int]:
    from dangjian.orgs.models import Organization

    return dict(Organization.objects.filter(pk__in=[o.pk for o in orgs]).values_list("name", "subtree_members"))


def _counts() -> tuple[int, int, int, int]:
    return (Member.objects.count(), Member.history.count(), MemberEvent.objects.count(),
            AuditEvent.objects.filter(action="members.import").count())


def test_a_bad_last_row_writes_nothing_and_names_its_row_and_field(world):
    rows = [person(seq=i, 姓名=f"张{'一二三四五六七八九'[i % 9]}") for i in range(1, 40)]
    rows.append(person(seq=40, 性别="未知"))
    before = _counts()
    totals = _totals(world.root, world.general, world.a1)
    with pytest.raises(imports.ImportRejected) as caught:
        imports.import_members(actor=world.admin, sheet=imports.read_sheet(workbook(rows)), file_name="x.xlsx")
    assert caught.value.messages == ["第41行 性别：性别“未知”不在可选范围内"]
    assert _counts() == before
    assert _totals(world.root, world.general, world.a1) == totals


def test_an_import_records_history_events_totals_and_one_audit_entry(world):
    rows = [person(seq=i, 姓名="王五") for i in range(1, 6)] + [
        person("第二党支部", seq=6, 姓名="赵六", 党员类别="预备党员", 入党日期="2025-03-01", 转正日期=None),
    ]
    orgs = (world.root, world.general, world.a1, world.a2, world.b)
    totals = _totals(*orgs)
    count = imports.import_members(actor=world.admin, sheet=imports.read_sheet(workbook(rows)), file_name="名单.xlsx")
    assert count == 6
    new = Member.objects.filter(name__in=["王五", "赵六"])
    assert new.count() == 6 and {m.state for m in new} == {"active"}
    history = Member.history.filter(id__in=new.values("id"))
    assert sorted((h.history_type, h.history_change_reason, h.history_user_id) for h in history) == [
        ("+", "Excel导入", world.admin.pk)] * 6
    assert {h.name_pinyin for h in new} == {"wang wu", "zhao liu"}
    events = MemberEvent.objects.filter(member__in=new)
    assert sorted(events.values_list("member__name", "kind", "date", "to_org", "actor")) == sorted(
        [("王五", MemberEventKind.JOINED, dt.date(2015, 7, 1), world.a1.pk, world.admin.pk)] * 5
        + [("王五", MemberEventKind.CONFIRMED, dt.date(2016, 7, 1), world.a1.pk, world.admin.pk)] * 5
        + [("赵六", MemberEventKind.JOINED, dt.date(2025, 3, 1), world.a2.pk, world.admin.pk)]
    )
    grown = {"机关党委": 6, "第一党总支": 6, "第一党支部": 5, "第二党支部": 1, "第三党支部": 0}
    assert _totals(*orgs) == {name: n + grown[name] for name, n in totals.items()}
    entry = AuditEvent.objects.get(action="members.import")
    assert entry.actor == world.admin and entry.changes == {"rows": 6, "file": "名单.xlsx"}
    assert pii.read_id_card(new.get(name="赵六")) == id_card(seq=6)


def test_a_clash_found_only_by_the_write_rolls_back_everything_and_a_retry_still_works(world):
    from django.db import IntegrityError

    from dangjian.members.actions import create_member
    from dangjian.members.imports import write
    from tests.world import member_data

    rows = [person(seq=i, 姓名="孙七") for i in range(1, 4)]
    validation = imports.validate(imports.read_sheet(workbook(rows)), user=world.admin)
    writers, prepared = write.prepare([r.data for r in validation.rows], who=world.admin)
    # Registered after the check and before the write: only the database's unique constraint can see it.
    create_member(actor=world.admin, data=member_data(world.a1, name="周八", id_card=id_card(seq=3),
                                                       birth_date=dt.date(1990, 5, 20)))
    before = _counts()
    with pytest.raises(IntegrityError):
        write.write(writers, prepared, actor=world.admin, file_name="x.xlsx")
    assert _counts() == before
    retry = imports.import_members(actor=world.admin, sheet=imports.read_sheet(workbook(rows[:2])), file_name="y")
    assert retry == 2 and Member.objects.filter(name="孙七").count() == 2
