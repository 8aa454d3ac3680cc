"""`dangjian audit verify`: walk the audit log's hash chain (SEC-12) and name the first event that does not fit.
Exits 0 when the whole chain holds, 1 when it is broken; the check itself is audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.core import audit, auditchain
from dangjian.core.models import AuditResult


class Command(BaseCommand):
    help = "审计日志：verify 逐条校验哈希链（HMAC-SM3），指出第一条被改动、删除或插入的日志。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("verify", help="校验审计日志的哈希链")

    def handle(self, *args: Any, what: str, **options: Any) -> None:
        report = auditchain.verify()
        broken = report.broken
        result = AuditResult.SUCCESS if broken is None else AuditResult.FAILURE
        audit.record("audit.verify", actor=None, actor_name="manage.py", result=result,
                     changes={"checked": report.checked, "broken_seq": broken.seq if broken else None,
                              "broken_id": broken.event_id if broken else None})
        if broken is None:
            self.stdout.write(f"审计日志校验通过：共 {report.checked} 条，哈希链完整")
            return
        where = "、".join(x for x in (
            f"第{broken.seq}条" if broken.seq is not None else "", f"编号 {broken.event_id}" if broken.event_id else "",
        ) if x)
        raise CommandError(f"审计日志校验失败：{where}：{broken.reason}（此前 {report.checked} 条完好）")
