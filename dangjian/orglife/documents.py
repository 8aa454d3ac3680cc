"""The Word edition of the 台账 (dangjian.orglife.ledgers): the same rows as the workbook, laid out as a document
a 机关党委 files. Registered with dangjian.core.documents so an administrator can replace the layout."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from dangjian.core.documents import DocTemplate, Heading, Para, Table, register
from dangjian.lib.dates import cn_date
from dangjian.orglife.ledgers import MEETING_HEADER, REGISTER_HEADER, compliance_sheet, meeting_rows, register_rows
from dangjian.orgs.models import Organization

LEDGER = "orglife.ledger"

# Keys of a meeting in the document context, in the order of MEETING_HEADER.
MEETING_KEYS = ["date", "org", "kinds", "title", "place", "online", "host", "lecturer", "expected", "present",
                "leave", "absent", "leave_names", "absent_names", "topics", "resolutions", "status"]
REGISTER_KEYS = ["org", "parent", "number", "starts", "planned_end", "adjusted_end", "closed", "state", "secretary"]
assert len(MEETING_KEYS) == len(MEETING_HEADER) and len(REGISTER_KEYS) == len(REGISTER_HEADER)


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return cn_date(value)
    return "" if value is None else str(value)


def ledger_context(user: Any, root: Organization, year: int) -> dict[str, Any]:
    """The document context for one org's subtree and year, from the ledger's own row functions."""
    today = timezone.localdate()
    _, compliance = compliance_sheet(user, root, year, today)
    return {
        "org": root.name,
        "year": year,
        "generated": _text(today),
        "meetings": [dict(zip(MEETING_KEYS, map(_text, row), strict=True)) for row in meeting_rows(user, root, year)],
        "compliance": [
            {"org": _text(row[0]), "kind": _text(row[1]) if len(row) > 1 else "", "status": "；".join(map(_text, row[2:]))}
            for row in compliance
        ],
        "terms": [dict(zip(REGISTER_KEYS, map(_text, row), strict=True)) for row in register_rows(user, root, today)],
    }


_SAMPLE_MEETING = {
    "date": "2025年3月28日", "org": "第一党支部", "kinds": "支部党员大会、党课", "title": "一季度党员大会暨专题党课",
    "place": "3号楼会议室", "online": "", "host": "张三", "lecturer": "李四", "expected": "12", "present": "11",
    "leave": "1", "absent": "0", "leave_names": "王五（出差）", "absent_names": "", "topics": "学习贯彻有关精神",
    "resolutions": "通过季度工作安排", "status": "已提交",
}

register(DocTemplate(
    key=LEDGER,
    title="组织生活台账",
    layout=[
        Heading("{{ org }}{{ year }}年组织生活台账", level=0),
        Para("生成日期：{{ generated }}（根据系统记录自动生成）"),
        Heading("一、组织生活记录"),
        Para("{%p for m in meetings %}"),
        Para("（{{ loop.index }}）{{ m.date }}　{{ m.title }}"),
        Para("党组织：{{ m.org }}；类型：{{ m.kinds }}；地点：{{ m.place }}{% if m.online %}（线上）{% endif %}；"
             "主持人：{{ m.host }}{% if m.lecturer %}；党课主讲人：{{ m.lecturer }}{% endif %}"),
        Para("应到{{ m.expected }}人，实到{{ m.present }}人，请假{{ m.leave }}人，缺席{{ m.absent }}人。"
             "{% if m.leave_names %}请假：{{ m.leave_names }}。{% endif %}"
             "{% if m.absent_names %}缺席：{{ m.absent_names }}。{% endif %}"),
        Para("议题：{{ m.topics }}"),
        Para("决议事项：{{ m.resolutions }}（{{ m.status }}）"),
        Para("{%p endfor %}"),
        Heading("二、三会一课等落实情况"),
        Table(["党组织", "类型", "落实情况"], ["{{ r.org }}", "{{ r.kind }}", "{{ r.status }}"], "r in compliance"),
        Heading("三、换届情况"),
        Table(REGISTER_HEADER, [f"{{{{ r.{k} }}}}" for k in REGISTER_KEYS], "r in terms"),
    ],
    sample={
        "org": "国家示范部机关党委", "year": 2025, "generated": "2026年1月5日", "meetings": [_SAMPLE_MEETING],
        "compliance": [{"org": "第一党支部", "kind": "支部党员大会", "status": "第一季度：已完成（1次）"}],
        "terms": [dict(zip(REGISTER_KEYS, ["第一党支部", "机关党委", "2", "2023年5月1日", "2026年4月30日", "",
                                           "", "即将到期", "张三"], strict=True))],
    },
    fields={
        "org": "党组织名称", "year": "年度", "generated": "生成日期",
        "meetings": "组织生活记录列表，每条含 date、org、kinds、title、place、online、host、lecturer、expected、present、"
                    "leave、absent、leave_names、absent_names、topics、resolutions、status",
        "compliance": "落实情况列表，每条含 org、kind、status",
        "terms": "换届登记列表，每条含 " + "、".join(REGISTER_KEYS),
    },
))
