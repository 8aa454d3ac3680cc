"""The audit log's hash chain (SEC-12): every event carries HMAC-SM3 over the previous event's hash and its own
content, under a key that lives outside the database. Rewriting, removing or inserting a row anywhere breaks the
chain from there on, and `dangjian audit verify` names the first row that no longer fits; removing rows from the
end is caught by the chain head, which keeps the last position and hash.

The head row is locked while an event is written, so events are chained in one order on PostgreSQL too (SQLite
serialises writers anyway).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes, hmac
from django.conf import settings

GENESIS = "0" * 64
# The fields an event's hash covers, in this order; adding one needs a new chain version, never a silent change.
FIELDS = (
    "seq", "time", "actor_id", "actor_name", "role", "ip", "user_agent", "request_id", "action", "object_type",
    "object_id", "object_repr", "org_path", "org_name", "result", "reason", "changes",
)


def _key() -> bytes:
    return str(settings.DANGJIAN_AUDIT_KEY).encode()


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def content(values: dict[str, Any]) -> bytes:
    """The bytes an event's hash covers: its fields as canonical JSON (sorted keys, no spaces, UTF-8)."""
    body = {name: _canonical(values[name]) for name in FIELDS}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def link(prev_hash: str, values: dict[str, Any]) -> str:
    """HMAC-SM3(key, previous hash ‖ content) as hex."""
    mac = hmac.HMAC(_key(), hashes.SM3())
    mac.update(prev_hash.encode())
    mac.update(content(values))
    return mac.finalize().hex()


def as_stored(changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` as the JSON column gives it back (tuples become lists), so the hash written is the hash read."""
    return json.loads(json.dumps(changes))


@dataclass(frozen=True)
class Break:
    """Where the chain stops holding: the event (or the head) and why, in Chinese for the operator."""

    seq: int | None
    event_id: int | None
    reason: str


@dataclass(frozen=True)
class Report:
    checked: int
    broken: Break | None


def _rows(batch: int = 5000) -> Iterator[dict[str, Any]]:
    from dangjian.core.models import AuditEvent

    last = 0
    names = ["id", "prev_hash", "hash", *FIELDS]
    while True:
        chunk = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq").values(*names)[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1]["seq"]


def verify() -> Report:
    """Walk the chain in order and report the first event that does not fit, else how many were checked."""
    from dangjian.core.models import AuditChainHead, AuditEvent

    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for row in _rows():
        if row["seq"] != expected_seq:
            return Report(checked, Break(expected_seq, None, f"缺少第{expected_seq}条（下一条为第{row['seq']}条）"))
        if row["prev_hash"] != expected_prev:
            return Report(checked, Break(row["seq"], row["id"], "与前一条的链接不符（前一条被改动、删除或插入）"))
        if link(row["prev_hash"], row) != row["hash"]:
            return Report(checked, Break(row["seq"], row["id"], "内容与其校验值不符（本条被改动）"))
        expected_prev, expected_seq, checked = row["hash"], expected_seq + 1, checked + 1
    unchained = AuditEvent.objects.filter(seq__isnull=True).values_list("id", flat=True).first()
    if unchained is not None:
        return Report(checked, Break(None, unchained, "该条不在校验链中（被绕过写入）"))
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != checked or head_hash != expected_prev:
        return Report(checked, Break(head_seq, None, f"链尾记录为第{head_seq}条，实有{checked}条（末尾的日志被删除或改动）"))
    return Report(checked, None)
