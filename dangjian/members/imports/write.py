"""The write of a validated member import: every row prepared first, then one short transaction of plain INSERTs.

Everything that costs CPU per row — SM4-GCM encryption of the 身份证号 and phone, masking, pinyin, turning values
into driver parameters — happens in `prepare`, before any transaction is opened; `write` stages the rows in TEMP
tables, still outside the transaction, and then holds the database's write lock only for what must be atomic:
allocating the member ids, three `INSERT … SELECT` copies (members, their simple-history rows, their 入党/转正
events), the kept subtree totals and the one audit entry. Any error there (a unique-constraint clash with a member
registered meanwhile, a lost connection) rolls all of it back, so an import is still all-or-nothing. Why staging
and one transaction rather than chunks: docs/decisions.md, "Imports: stage, then one short transaction".
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.rows import RowWriter, Staging, allocate_ids
from dangjian.lib import pinyin
from dangjian.members import pii
from dangjian.members.choices import MemberEventKind, MemberState
from dangjian.members.models import Member, MemberEvent
from dangjian.orgs import counters

HISTORY_REASON = "Excel导入"
IMPORT_PAGE_CACHE_KIB = 128 * 1024
# The member fields an import row fills from its cells as they are (strings stripped).
PLAIN_FIELDS = (
    "name", "sex", "ethnicity", "birth_date", "education", "occupation", "work_unit", "post", "person_category",
    "party_status", "joined_on", "confirmed_on", "party_post",
)


@dataclass
class Prepared:
    """The rows of one import as driver parameters, waiting for their member ids.

    `members` and `history` hold one row per imported member (in file order), `events` one row per 入党/转正
    event with the index of its member; the id slots are filled in by `write` once the ids are allocated.
    """

    members: list[list[Any]] = field(default_factory=list)
    history: list[list[Any]] = field(default_factory=list)
    events: list[tuple[int, list[Any]]] = field(default_factory=list)
    per_org: dict[str, int] = field(default_factory=dict)  # org path → members added there

    def __len__(self) -> int:
        return len(self.members)


class Writers:
    """The three INSERTs of an import and where each row's member id goes."""

    def __init__(self) -> None:
        self.member = RowWriter(Member, explicit_pk=True)
        self.history = RowWriter(Member.history.model, explicit_pk=False)  # type: ignore[attr-defined]
        self.event = RowWriter(MemberEvent, explicit_pk=False)
        self.member_id = self.member.slot("id")
        self.history_id = self.history.slot("id")
        self.event_member = self.event.slot("member_id")


def prepare(rows: list[dict[str, Any]], *, who: Any, now: dt.datetime | None = None) -> tuple[Writers, Prepared]:
    """Turn validated rows ({field: value}, as `validate` leaves them) into INSERT parameters, outside any transaction.

    `who`: the importing user (None for a command), named on the history rows and the events.
    """
    now = now or timezone.now()
    writers = Writers()
    out = Prepared()
    scratch = Member()  # pii writes the encrypted fields onto it; they are copied into the row
    actor_id = who.pk if who is not None else None
    for data in rows:
        org = data["org"]
        group = data.get("group")
        values: dict[str, Any] = {}
        for name in PLAIN_FIELDS:
            value = data.get(name)
            values[name] = value.strip() if isinstance(value, str) else value
        pii.set_id_card(scratch, data["id_card"], index=data.get("id_card_index"))
        pii.set_phone(scratch, data.get("phone") or "")
        values.update(
            org_id=org.pk, group_id=group.pk if group is not None else None, state=MemberState.ACTIVE,
            name_pinyin=pinyin.full(values["name"]), name_initials=pinyin.initials(values["name"]),
            id_card_cipher=scratch.id_card_cipher, id_card_index=scratch.id_card_index,
            id_card_masked=scratch.id_card_masked, phone_cipher=scratch.phone_cipher,
            phone_masked=scratch.phone_masked, created_at=now, updated_at=now,
        )
        index = len(out.members)
        out.members.append(list(writers.member.row(values)))
        out.history.append(list(writers.history.row({
            **values, "history_date": now, "history_change_reason": HISTORY_REASON, "history_type": "+",
            "history_user_id": actor_id,
        })))
        event = {"kind": MemberEventKind.JOINED, "date": values["joined_on"], "to_org_id": org.pk,
                 "actor_id": actor_id, "created_at": now}
        out.events.append((index, list(writers.event.row(event))))
        if values["confirmed_on"]:
            event.update(kind=MemberEventKind.CONFIRMED, date=values["confirmed_on"])
            out.events.append((index, list(writers.event.row(event))))
        out.per_org[org.path] = out.per_org.get(org.path, 0) + 1
    return writers, out


def write(writers: Writers, prepared: Prepared, *, actor: Any, file_name: str) -> list[int]:
    """Write a prepared import; the new members' ids, in file order. All of it or, on any error, none of it.

    The rows are first sent to session-private TEMP tables (`core.rows.Staging`) outside any transaction, which on
    SQLite holds no lock on the database. The transaction then only copies them (`INSERT … SELECT`, no per-row
    Python), shifts the kept totals and records the audit entry — the audit chain's head is locked last, since
    every audited action in the system waits for it.

    Member ids: on PostgreSQL drawn from the sequence before anything is staged; on SQLite the staged rows carry
    their position in the file and the copy adds the first free id, read inside the transaction (BEGIN IMMEDIATE,
    settings), so no other writer can take the same range.
    """
    count = len(prepared)
    early = allocate_ids(Member, count) if connection.vendor == "postgresql" else list(range(count))
    _fill_ids(writers, prepared, early)
    with (
        Staging(writers.member, "import_member") as members,
        Staging(writers.history, "import_history") as history,
        Staging(writers.event, "import_event") as events,
    ):
        members.insert(prepared.members)
        history.insert(prepared.history)
        events.insert([row for _, row in prepared.events])
        with _sqlite_page_cache(), transaction.atomic():
            offset = 0
            if connection.vendor != "postgresql":
                offset = allocate_ids(Member, count)[0] if count else 0
            members.copy({"id": offset})
            history.copy({"id": offset})
            events.copy({"member_id": offset})
            counters.shift_many(prepared.per_org)
            audit.record("members.import", actor=actor, changes={"rows": count, "file": file_name[:200]})
    return [pk + offset for pk in early]


@contextlib.contextmanager
def _sqlite_page_cache() -> Iterator[None]:
    """SQLite's default page cache (2 MiB) makes the copy re-read index pages from disk: 20,000 members into a
    table of 10,000 took 4.2 s with it and 1.1 s with 128 MiB, and the copy holds the write lock. Raised for the
    copy only, then put back (the connection may be reused)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-IMPORT_PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def _fill_ids(writers: Writers, prepared: Prepared, ids: list[int]) -> None:
    for pk, row, history in zip(ids, prepared.members, prepared.history, strict=True):
        row[writers.member_id] = pk
        history[writers.history_id] = pk
    for index, row in prepared.events:
        row[writers.event_member] = ids[index]
