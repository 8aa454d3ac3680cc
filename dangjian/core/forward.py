"""Audit events forwarded to syslog as one JSON line each (SEC-12), so a copy lives outside the database that a
database administrator cannot rewrite. Configured by DANGJIAN_AUDIT_SYSLOG; a failure to send is logged, never
raised, so the action that was audited still stands (the chain in the database stays the record)."""

from __future__ import annotations

import json
import logging
import logging.handlers
import socket
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from dangjian.core.models import AuditEvent

log = logging.getLogger("dangjian.audit")


def address(target: str) -> tuple[str | tuple[str, int], socket.SocketKind]:
    """("host", port) or a socket path, and the socket type, from "host:port", "tcp:host:port" or "/dev/log"."""
    if target.startswith("/"):
        return target, socket.SOCK_DGRAM
    kind = socket.SOCK_DGRAM
    if target.startswith("tcp:"):
        kind, target = socket.SOCK_STREAM, target[4:]
    elif target.startswith("udp:"):
        target = target[4:]
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"DANGJIAN_AUDIT_SYSLOG 应为 host:port、tcp:host:port 或套接字路径，而不是 {target!r}")
    return (host, int(port)), kind


@lru_cache(maxsize=1)
def _handler(target: str) -> logging.Handler:
    where, kind = address(target)
    handler = logging.handlers.SysLogHandler(address=where, socktype=kind,
                                             facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV)
    handler.ident = "dangjian-audit: "
    return handler


def line(event: AuditEvent) -> str:
    """The event as forwarded: the fields of the chain, with its position and hash."""
    return json.dumps({
        "seq": event.seq, "time": event.time.isoformat(), "actor": event.actor_name, "role": event.role,
        "ip": event.ip, "request_id": event.request_id, "action": event.action, "object_type": event.object_type,
        "object_id": event.object_id, "object": event.object_repr, "org": event.org_name, "result": event.result,
        "reason": event.reason, "changes": event.changes, "hash": event.hash,
    }, ensure_ascii=False, separators=(",", ":"))


def send(event: AuditEvent) -> None:
    target = settings.DANGJIAN_AUDIT_SYSLOG
    if not target:
        return
    try:
        handler = _handler(target)
        handler.emit(logging.LogRecord("dangjian.audit", logging.INFO, __file__, 0, line(event), None, None))
    except (OSError, ValueError) as exc:
        log.error("audit event %s not forwarded to syslog: %s", event.seq, exc)
