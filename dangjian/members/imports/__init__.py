"""Importing 党员 from an .xlsx file: template, file checks, row validation and the all-or-nothing write.

The pipeline is: `read_upload` (type, size and zip-bomb checks) → `read_sheet` (python-calamine) →
`validate` (every row, with set-based lookups) → `import_members` (validates the kept file once more, since the
database may have changed since the preview, prepares every row, then writes members, their history, their
入党/转正 events, the kept totals and one audit entry in one short transaction: `imports.write`). Nothing here
knows about requests; the views store the file between preview and commit.

Errors are keyed by Excel row number and Chinese column label so that the person fixing the spreadsheet can
find each cell: "第12行 身份证号：身份证号校验位不正确".
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import python_calamine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from dangjian.core import audit
from dangjian.core.scoping import require
from dangjian.lib import idcard
from dangjian.lib.masking import mask_id_card
from dangjian.members import pii
from dangjian.members.actions import check_placement
from dangjian.members.choices import (
    ETHNICITIES,
    ON_ROLL_STATES,
    Education,
    Occupation,
    PartyStatus,
    PersonCategory,
    Sex,
)
from dangjian.members.imports import write
from dangjian.members.models import Member
from dangjian.members.validation import check_member_data
from dangjian.orgs.models import Organization, OrgKind, OrgStatus

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA_SHEET = "党员信息"
HELP_SHEET = "说明"
CHOICES_SHEET = "选项"
# Zip-bomb guard (ASVS 5.2.3): an .xlsx is a zip; its content may not unpack beyond these.
MAX_ZIP_ENTRIES = 1000
MAX_UNPACK_RATIO = 20
# The template's example row carries this number; importing it by mistake would register a fictitious person.
EXAMPLE_ID_CARD = idcard.make("110101", dt.date(1985, 3, 12), 11)

NOT_XLSX = "请上传 .xlsx 格式的 Excel 文件"


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: the member field it fills, its Chinese header and how its cells are read."""

    key: str
    label: str
    kind: str  # "text", "date", "choice", "org", "group", "id_card"
    required: bool
    help: str
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    max_length: int | None = None


def _pairs(choices: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(v), str(label)) for v, label in choices)


COLUMNS: tuple[Column, ...] = (
    Column("org", "党支部", "org", True, "填写党支部全称或组织代码；有同名党支部时请填组织代码。只能导入到您管理范围内的党支部。"),
    Column("group", "党小组", "group", False, "选填。填写该党支部下党小组的名称。"),
    Column("name", "姓名", "text", True, "不能包含数字、空格或符号。", max_length=50),
    Column("sex", "性别", "choice", True, "从下拉列表选择，须与身份证号一致。", _pairs(Sex.choices)),
    Column("ethnicity", "民族", "choice", False, "从下拉列表选择；不填则为汉族。", tuple((e, e) for e in ETHNICITIES)),
    Column("birth_date", "出生日期", "date", True, "须与身份证号中的出生日期一致。"),
    Column("id_card", "身份证号", "id_card", True, "18位，末位可为X。请以文本格式填写，数字格式会丢失末尾几位。"),
    Column("phone", "手机号", "text", False, "选填。11位手机号码或带区号的固定电话。", max_length=20),
    Column("education", "学历", "choice", True, "从下拉列表选择。", _pairs(Education.choices)),
    Column("occupation", "职业", "choice", True, "从下拉列表选择（党内统计职业分类）。", _pairs(Occupation.choices)),
    Column("work_unit", "工作单位", "text", False, "选填，不超过100个字。", max_length=100),
    Column("post", "职务", "text", False, "选填，不超过100个字。", max_length=100),
    Column("person_category", "人员类别", "choice", True, "从下拉列表选择。", _pairs(PersonCategory.choices)),
    Column("party_status", "党员类别", "choice", True, "从下拉列表选择。", _pairs(PartyStatus.choices)),
    Column("joined_on", "入党日期", "date", True, "支部大会通过接收为预备党员的日期；入党时须年满18周岁。"),
    Column("confirmed_on", "转正日期", "date", False, "正式党员必填，预备党员不填；应在入党日期满一年之后。"),
    Column("party_post", "党内职务", "text", False, "选填，如：支部书记、组织委员。", max_length=50),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
# label → stored value for each choice column, built once rather than per cell.
CHOICE_VALUES = {c.key: {label: value for value, label in c.choices} for c in COLUMNS if c.kind == "choice"}
LABELS = [c.label for c in COLUMNS]
REQUIRED_LABELS = [c.label for c in COLUMNS if c.required]


def _size_label(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / 1024 / 1024:g}MB"
    if limit >= 1024:
        return f"{limit / 1024:g}KB"
    return f"{limit}字节"


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


# --- Reading the file -----------------------------------------------------------------------------------------


def read_upload(upload: UploadedFile) -> bytes:
    """The bytes of an uploaded .xlsx after the type, size and zip-bomb checks; ValidationError on "file".

    Size is checked before anything is read into memory; the zip is inspected before calamine parses it.
    """
    name = (upload.name or "").strip()
    if not name.lower().endswith(".xlsx"):
        raise _file_error(NOT_XLSX)
    limit = int(settings.DANGJIAN_IMPORT_MAX_BYTES)
    if (upload.size or 0) > limit:
        raise _file_error(f"文件超过 {_size_label(limit)} 上限")
    content = upload.read()
    if len(content) > limit:
        raise _file_error(f"文件超过 {_size_label(limit)} 上限")
    check_xlsx_zip(content, limit)
    return content


def check_xlsx_zip(content: bytes, limit: int) -> None:
    """Refuse anything that is not a plain .xlsx zip, or that would unpack beyond 20× the upload limit.

    The sizes a zip declares can lie, so every entry is also decompressed (and thrown away) with a running
    total: zipfile stops at the declared size and fails the CRC check if the data is longer.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise _file_error("Excel 文件结构异常（压缩包内文件过多），已拒绝")
            names = {e.filename for e in entries}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise _file_error(NOT_XLSX)
            budget = limit * MAX_UNPACK_RATIO
            if sum(e.file_size for e in entries) > budget:
                raise _file_error("Excel 文件解压后过大，已拒绝")
            unpacked = 0
            for entry in entries:
                with archive.open(entry) as stream:
                    while chunk := stream.read(1024 * 1024):
                        unpacked += len(chunk)
                        if unpacked > budget:
                            raise _file_error("Excel 文件解压后过大，已拒绝")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, RuntimeError) as exc:
        # RuntimeError: an encrypted entry; NotImplementedError: an unknown compression method.
        raise _file_error(NOT_XLSX) from exc


@dataclass
class Sheet:
    """The data rows of the import sheet: cells by column label, with their Excel row numbers."""

    rows: list[tuple[int, dict[str, Any]]]


def read_sheet(content: bytes) -> Sheet:
    """Read the member sheet with python-calamine: find the header row, map the columns, count the rows.

    The sheet named 党员信息 is used when present, else the first sheet. Wholly empty rows are skipped;
    more than DANGJIAN_IMPORT_MAX_ROWS data rows refuse the whole file.
    """
    max_rows = int(settings.DANGJIAN_IMPORT_MAX_ROWS)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = workbook.sheet_names
        sheet = workbook.get_sheet_by_name(DATA_SHEET) if DATA_SHEET in names else workbook.get_sheet_by_index(0)
        raw_rows = sheet.iter_rows()
        header: dict[str, int] | None = None
        rows: list[tuple[int, dict[str, Any]]] = []
        for index, cells in enumerate(raw_rows):
            if all(c in (None, "") for c in cells):
                continue
            if header is None:
                header = _header(cells)
                continue
            if len(rows) >= max_rows:
                raise _file_error(f"文件超过 {max_rows} 行上限（不含表头），请分批导入")
            rows.append((index + 1, {label: cells[i] if i < len(cells) else None for label, i in header.items()}))
    except python_calamine.CalamineError as exc:
        raise _file_error("无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式") from exc
    if header is None or not rows:
        raise _file_error("文件中没有党员数据，请在模板的表头下方逐行填写")
    return Sheet(rows=rows)


def _header(cells: list[Any]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for i, cell in enumerate(cells):
        label = str(cell).strip().rstrip("*＊").strip() if cell is not None else ""
        if label in LABELS and label not in positions:
            positions[label] = i
    missing = [label for label in REQUIRED_LABELS if label not in positions]
    if missing:
        raise _file_error(f"表头缺少列：{'、'.join(missing)}。请使用系统提供的导入模板")
    return positions


# --- Validating the rows --------------------------------------------------------------------------------------


@dataclass
class RowResult:
    number: int  # Excel row number
    data: dict[str, Any]  # Python values, ready for the member model
    errors: dict[str, list[str]] = field(default_factory=dict)  # column label → messages

    def add(self, label: str, message: str) -> None:
        self.errors.setdefault(label, []).append(message)


@dataclass
class Validation:
    rows: list[RowResult]

    @property
    def valid_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.errors]

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def errors(self) -> dict[int, dict[str, list[str]]]:
        """{Excel row number: {column label: [messages]}} for the rows that have errors."""
        return {r.number: r.errors for r in self.rows if r.errors}

    def messages(self) -> list[tuple[int, str, str]]:
        """(row, column, message) in row order, columns in template order."""
        order = {label: i for i, label in enumerate(LABELS)}
        out: list[tuple[int, str, str]] = []
        for r in self.error_rows:
            for label in sorted(r.errors, key=lambda lb: order.get(lb, len(order))):
                out.extend((r.number, label, m) for m in r.errors[label])
        return out

    def report(self, sample_size: int = 20) -> dict[str, Any]:
        """A JSON-ready summary for the preview: counts, every error, and the first valid rows (masked)."""
        sample = []
        for r in self.valid_rows[:sample_size]:
            d = r.data
            sample.append({
                "row": r.number,
                "org": d["org"].name,
                "group": d["group"].name if d.get("group") else "",
                "name": d["name"],
                "sex": Sex(d["sex"]).label,
                "id_card": mask_id_card(d["id_card"]),
                "party_status": PartyStatus(d["party_status"]).label,
                "joined_on": d["joined_on"].isoformat(),
            })
        return {
            "total": len(self.rows),
            "valid": len(self.valid_rows),
            "invalid": len(self.error_rows),
            "errors": [list(m) for m in self.messages()],
            "sample": sample,
        }


def format_error(row: int, label: str, message: str) -> str:
    return f"第{row}行 {label}：{message}"


def _text(value: Any) -> str:
    """A cell as text: whole numbers without ".0", dates as 2025-01-01."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
DATE_FORMAT_ERROR = "日期格式应为 2025-01-01（或使用 Excel 日期）"


def parse_date(value: Any) -> dt.date | None:
    """A date from an Excel date cell or from text such as 2025-01-01, 2025/1/1, 2025年1月1日, 20250101.

    Raises ValueError with a Chinese message; returns None for an empty cell.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        raise ValueError(DATE_FORMAT_ERROR)
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise ValueError("日期不存在，请核对年月日") from exc


@dataclass
class _Orgs:
    """The orgs the file names, fetched in one query: by code, by name, and 党小组 by (党支部, name)."""

    by_code: dict[str, list[Organization]]
    by_name: dict[str, list[Organization]]
    groups: dict[tuple[int, str], Organization]


def _load_orgs(user: Any, org_values: set[str], group_values: set[str]) -> _Orgs:
    wanted = {v for v in org_values | group_values if v}
    found = Organization.objects.visible_to(user, "change").filter(status=OrgStatus.ACTIVE).filter(
        Q(name__in=wanted) | Q(code__in=wanted)
    )
    orgs = _Orgs(by_code={}, by_name={}, groups={})
    for org in found:
        if org.kind == OrgKind.GROUP and org.parent_id is not None:
            orgs.groups[(org.parent_id, org.name)] = org
        if org.code:
            orgs.by_code.setdefault(org.code, []).append(org)
        orgs.by_name.setdefault(org.name, []).append(org)
    return orgs


def _resolve_org(value: str, orgs: _Orgs, row: RowResult) -> Organization | None:
    label = COLUMN_BY_KEY["org"].label
    if not value:
        row.add(label, "请填写党支部")
        return None
    candidates = orgs.by_code.get(value) or orgs.by_name.get(value) or []
    if not candidates:
        row.add(label, f"党支部“{value}”不存在或不在您的管理范围内")
        return None
    if len(candidates) > 1:
        row.add(label, f"有多个名为“{value}”的党组织，请改填组织代码")
        return None
    return candidates[0]


def _cell_value(column: Column, raw: Any, row: RowResult) -> Any:
    """One cell turned into the Python value the member model takes; problems go to row.errors."""
    if column.kind == "date":
        try:
            return parse_date(raw)
        except ValueError as exc:
            row.add(column.label, str(exc))
            return None
    if column.kind == "id_card":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            row.add(column.label, "身份证号请以文本格式填写，数字格式会丢失末尾几位")
            return ""
        return idcard.normalize(_text(raw))
    text = _text(raw)
    if column.kind == "choice":
        if not text:
            return "汉族" if column.key == "ethnicity" else ""
        # An unknown label passes through unchanged: check_member_data names it as out of range.
        return CHOICE_VALUES[column.key].get(text, text)
    if column.max_length is not None and len(text) > column.max_length:
        row.add(column.label, f"不能超过{column.max_length}个字")
    return text


def validate(sheet: Sheet, *, user: Any, today: dt.date | None = None) -> Validation:
    """Check every row before anything is written; a constant number of queries whatever the row count.

    党支部 and 党小组 are resolved among the user's changeable active orgs in one query; duplicate
    身份证号 are found within the file and among on-roll members (by blind index) in one query.
    """
    today = today or timezone.localdate()
    results: list[RowResult] = []
    raw_orgs: list[tuple[str, str]] = []
    for number, cells in sheet.rows:
        row = RowResult(number=number, data={})
        for column in COLUMNS:
            if column.kind in ("org", "group"):
                continue
            row.data[column.key] = _cell_value(column, cells.get(column.label), row)
        raw_orgs.append((_text(cells.get("党支部")), _text(cells.get("党小组"))))
        results.append(row)

    orgs = _load_orgs(user, {o for o, _ in raw_orgs}, {g for _, g in raw_orgs})
    for row, (org_value, group_value) in zip(results, raw_orgs, strict=True):
        org = _resolve_org(org_value, orgs, row)
        group = None
        if org is not None and group_value:
            group = orgs.groups.get((org.pk, group_value))
            if group is None:
                row.add("党小组", f"党支部“{org.name}”下没有名为“{group_value}”的党小组")
        row.data["org"] = org
        row.data["group"] = group
        if org is not None:
            for key, messages in check_placement(org, group).items():
                for m in messages:
                    row.add(COLUMN_BY_KEY[key].label, m)
        already = set(row.errors)
        for key, messages in check_member_data(row.data, today=today).errors.items():
            label = COLUMN_BY_KEY[key].label
            if label in already:  # the cell could not be read; "请填写…" would only repeat that
                continue
            for m in messages:
                row.add(label, m)

    _check_duplicates(results)
    return Validation(rows=results)


def _check_duplicates(results: list[RowResult]) -> None:
    """Duplicate 身份证号 within the file, and against on-roll members anywhere in the system (one query).

    The database check is deliberately not limited to the user's scope: one person may be on the roll only
    once (the unique constraint is global), and the message does not say where the other record is.
    """
    label = COLUMN_BY_KEY["id_card"].label
    first_seen: dict[str, int] = {}
    by_index: dict[str, list[RowResult]] = {}
    for row in results:
        number = row.data.get("id_card") or ""
        if not number or label in row.errors:
            continue
        if number == EXAMPLE_ID_CARD:
            row.add(label, "这是导入模板中的示例行，请删除后再导入")
            continue
        if number in first_seen:
            row.add(label, f"与第{first_seen[number]}行的身份证号重复")
            continue
        first_seen[number] = row.number
        index = row.data["id_card_index"] = pii.id_card_index(number)  # kept: the write needs it again
        by_index.setdefault(index, []).append(row)
    if not by_index:
        return
    taken = set(
        Member.objects.filter(id_card_index__in=list(by_index), state__in=ON_ROLL_STATES).values_list(
            "id_card_index", flat=True
        )
    )
    for index in taken:
        for row in by_index[index]:
            row.add(label, "已有相同身份证号的在册党员")


# --- Writing --------------------------------------------------------------------------------------------------


class ImportRejected(ValidationError):
    """The file has rows with errors; nothing was written. `validation` holds the per-row result."""

    def __init__(self, validation: Validation) -> None:
        messages = [format_error(*m) for m in validation.messages()]
        super().__init__({"rows": messages or ["文件中有错误"]})
        self.validation = validation


@audit.records_denials
def import_members(*, actor: Any, sheet: Sheet, file_name: str, today: dt.date | None = None) -> int:
    """Validate every row and, only if all are valid, register them all; returns the number imported.

    Validation and the preparation of every row (encryption, pinyin) run before any transaction; the write is
    one short transaction (`write.write`), so any error (a row, a scope refusal, a unique-constraint clash with a
    member registered meanwhile) leaves nothing written. Raises ImportRejected when rows have errors.
    """
    validation = validate(sheet, user=actor, today=today)
    if validation.error_rows:
        raise ImportRejected(validation)
    rows = [r.data for r in validation.rows]
    for org in {d["org"].pk: d["org"] for d in rows}.values():
        require(actor, org.path, "change", org)
    who = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    writers, prepared = write.prepare(rows, who=who)
    return len(write.write(writers, prepared, actor=actor, file_name=file_name))


# --- The template ---------------------------------------------------------------------------------------------


def branches_for(user: Any) -> list[Organization]:
    """The active 党支部 the user may import into, for the template's 说明 sheet."""
    return list(
        Organization.objects.visible_to(user, "change").filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)
    )


def _example_row(branch: Organization | None) -> list[Any]:
    return [
        branch.name if branch else "第一党支部", "", "张三", "男", "汉族", dt.date(1985, 3, 12), EXAMPLE_ID_CARD,
        "13812345678", "大学本科", "党政机关工作人员", "办公厅", "科员", "在职", "正式党员",
        dt.date(2010, 7, 1), dt.date(2011, 7, 1), "",
    ]


def build_template(user: Any) -> bytes:
    """The import template: a header row, drop-downs for every list, one example row and a 说明 sheet."""
    branches = branches_for(user)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = DATA_SHEET
    ws.append(LABELS)
    head_fill = PatternFill("solid", fgColor="FDE2E2")
    for cell in ws[1]:
        cell.font = Font(bold=True, color="B71C1C" if cell.value in REQUIRED_LABELS else "000000")
        cell.fill = head_fill
    ws.append(_example_row(branches[0] if branches else None))
    for cell in ws[2]:
        cell.font = Font(italic=True, color="808080")
    ws.freeze_panes = "A2"
    last_row = int(settings.DANGJIAN_IMPORT_MAX_ROWS) + 1

    options = wb.create_sheet(CHOICES_SHEET)
    options.sheet_state = "hidden"
    choice_columns = [c for c in COLUMNS if c.kind == "choice"]
    for n, column in enumerate(choice_columns, start=1):
        letter = options.cell(row=1, column=n).column_letter
        options.cell(row=1, column=n, value=column.label)
        for i, (_value, label) in enumerate(column.choices, start=2):
            options.cell(row=i, column=n, value=label)
        validation = DataValidation(
            type="list", formula1=f"'{CHOICES_SHEET}'!${letter}$2:${letter}${len(column.choices) + 1}",
            allow_blank=True, showErrorMessage=True, errorTitle="输入有误", error=f"请从下拉列表中选择{column.label}",
        )
        target = ws.cell(row=1, column=LABELS.index(column.label) + 1).column_letter
        validation.add(f"{target}2:{target}{last_row}")
        ws.add_data_validation(validation)

    for i, column in enumerate(COLUMNS, start=1):
        dim = ws.column_dimensions[ws.cell(row=1, column=i).column_letter]
        dim.width = 22 if column.kind in ("org", "id_card") or (column.max_length or 0) >= 100 else 14
        if column.kind == "date":
            dim.number_format = "yyyy-mm-dd"
            for cell in ws[dim.index][1:]:
                cell.number_format = "yyyy-mm-dd"
        elif column.key in ("id_card", "phone"):
            dim.number_format = "@"
            for cell in ws[dim.index][1:]:
                cell.number_format = "@"

    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.append(["列名", "是否必填", "填写说明"])
    for column in COLUMNS:
        help_ws.append([column.label, "必填" if column.required else "选填", column.help])
    help_ws.append([])
    help_ws.append(["日期格式", "", "日期填写为 2025-01-01 格式的文本（也可写作 2025/1/1、2025年1月1日），或使用 Excel 日期单元格。"])
    help_ws.append(["示例行", "", "“党员信息”表第2行为填写示例，导入前请删除或覆盖。"])
    help_ws.append(["导入规则", "", "上传后系统逐行校验并列出全部错误；全部无误才能导入，有任何错误则一行也不写入。"])
    help_ws.append(["文件限制", "", f"仅限 .xlsx 文件，不超过 {_size_label(int(settings.DANGJIAN_IMPORT_MAX_BYTES))}，"
                    f"不超过 {int(settings.DANGJIAN_IMPORT_MAX_ROWS)} 行。"])
    help_ws.append([])
    help_ws.append(["您可导入的党支部", "组织代码", ""])
    for branch in branches:
        help_ws.append([branch.name, branch.code, ""])
    for cell in help_ws[1]:
        cell.font = Font(bold=True)
    help_ws.column_dimensions["A"].width = 24
    help_ws.column_dimensions["B"].width = 12
    help_ws.column_dimensions["C"].width = 90

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
