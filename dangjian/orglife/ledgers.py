"""台账 generated from the records, never typed: for one org's subtree and one year, the organizational-life
ledger (every record with its attendance), the compliance sheet and the 换届 register, as one workbook.

Each sheet is a fixed number of queries whatever the number of meetings or orgs (set-based).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from dangjian.core.documents import plain_text
from dangjian.core.scoping import subtree_q
from dangjian.leadership.queries import board_context, board_rows, row_state
from dangjian.orglife.choices import AttendanceStatus, MeetingKind
from dangjian.orglife.compliance import KINDS, load_config, matrix, matrix_orgs
from dangjian.orglife.models import Attendance, Meeting
from dangjian.orgs.models import Organization

# The compliance sheet covers at most this many orgs (a 机关党委's whole tree is far below it).
LEDGER_ORG_LIMIT = 2000

MEETING_HEADER = ["日期", "党组织", "类型", "会议名称", "地点", "线上", "主持人", "党课主讲人", "应到", "实到",
                  "请假", "缺席", "请假人员及事由", "缺席人员及原因", "议题", "决议事项", "状态"]
REGISTER_HEADER = ["党组织", "上级党组织", "届次", "任期开始", "原定届满", "调整后届满", "换届日期", "状态", "书记"]


# 应到: the expected members, not the leaders in 双重组织生活 nor those left out of 应到 on a recorded basis.
COUNTED = Q(attendance__dual=False, attendance__excluded=False)


def meeting_rows(user: Any, root: Organization, year: int) -> Iterator[list[Any]]:
    """One row per meeting of the subtree in the year, with counts and the names of those on leave or absent."""
    meetings = list(
        Meeting.objects.visible_to(user).filter(subtree_q(root.path, "org__path"),
                                                held_on__gte=dt.date(year, 1, 1), held_on__lte=dt.date(year, 12, 31))
        .select_related("org", "host").prefetch_related("kind_tags")
        .annotate(
            expected=Count("attendance", filter=COUNTED),
            present=Count("attendance", filter=COUNTED & Q(attendance__status=AttendanceStatus.PRESENT)),
            on_leave=Count("attendance", filter=COUNTED & Q(attendance__status=AttendanceStatus.LEAVE)),
            absent=Count("attendance", filter=COUNTED & Q(attendance__status=AttendanceStatus.ABSENT)),
        )
        .order_by("held_on", "org__path", "pk")
    )
    away: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"leave": [], "absent": []})
    for meeting_id, status, name, reason in (
        Attendance.objects.filter(meeting__in=[m.pk for m in meetings])
        .exclude(status=AttendanceStatus.PRESENT)
        .order_by("member__name_pinyin")
        .values_list("meeting_id", "status", "member__name", "reason")
    ):
        away[meeting_id]["leave" if status == AttendanceStatus.LEAVE else "absent"].append(
            f"{name}（{reason}）" if reason else name)
    for m in meetings:
        kinds = "、".join(MeetingKind(t.kind).label for t in m.kind_tags.all())
        yield [
            m.held_on, m.org.name, kinds, m.title, m.place, "是" if m.online else "", m.host.name if m.host else "",
            m.lecturer, m.expected, m.present, m.on_leave, m.absent, "；".join(away[m.pk]["leave"]),  # type: ignore[attr-defined]
            "、".join(away[m.pk]["absent"]), plain_text(m.topics), plain_text(m.resolutions), m.get_status_display(),
        ]


def compliance_sheet(user: Any, root: Organization, year: int, today: dt.date) -> tuple[list[str], list[list[Any]]]:
    """Every org of the subtree that owes a kind × its periods of the year, with the status words."""
    config = load_config(today)
    kinds = list(KINDS)
    total = matrix_orgs(user, root, year, kinds).count()
    result = matrix(user, root, year, kinds, page_number=1, per_page=min(max(total, 1), LEDGER_ORG_LIMIT),
                    today=today, config=config)
    width = max((len(config.periods_of(k, year)) for k in kinds), default=12)
    header = ["党组织", "类型"] + [f"第{i + 1}期" for i in range(width)]
    rows: list[list[Any]] = []
    for row in result.rows:
        for kind, cells in row.cells.items():
            if all(c.status.value == "not_applicable" for c in cells):
                continue
            rows.append([row.org.name, MeetingKind(kind).label]
                        + [f"{c.period.short_label}：{c.status.label}" + (f"（{c.count}次）" if c.count else "")
                           for c in cells])
    if total > LEDGER_ORG_LIMIT:
        rows.append([f"（仅列出前{LEDGER_ORG_LIMIT}个党组织，共{total}个，请选择下级组织导出）"])
    return header, rows


def register_rows(user: Any, root: Organization, today: dt.date) -> Iterator[list[Any]]:
    """The 换届 register of the subtree: each org's latest 届 and its state, from the board's one query."""
    ctx = board_context(today)
    for org in board_rows(user, ctx).filter(subtree_q(root.path)).order_by("path"):
        yield [
            org.name, org.parent.name if org.parent else "", org.term_number or "",  # type: ignore[attr-defined]
            org.term_starts_on, org.term_planned_end, org.term_adjusted_end, org.term_closed_on,  # type: ignore[attr-defined]
            row_state(org, ctx), org.secretary_name or "",  # type: ignore[attr-defined]
        ]


def ledger_sheets(user: Any, root: Organization, year: int) -> list[tuple[str, list[str], Any]]:
    today = timezone.localdate()
    compliance_header, compliance_rows = compliance_sheet(user, root, year, today)
    return [
        ("组织生活台账", MEETING_HEADER, meeting_rows(user, root, year)),
        ("落实情况", compliance_header, compliance_rows),
        ("换届登记", REGISTER_HEADER, register_rows(user, root, today)),
    ]
