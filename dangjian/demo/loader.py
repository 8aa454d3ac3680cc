"""Writes a demo plan to the database in batches: orgs level by level, then members branch by branch.

Inserts are plain multi-row INSERTs (`core.rows.RowWriter`, shared with the member import): tree paths, depth and
`numchild` come from the plan, so treebeard's per-node `add_child` (one locked UPDATE per insert) is not
needed. Members are generated and written one batch at a time, so memory stays flat at any scale. Each batch
is its own transaction when `commit_batches` is set (large runs); otherwise the caller wraps the whole load.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from dangjian.accounts.actions import bootstrap_user, grant_role
from dangjian.accounts.models import User
from dangjian.accounts.roles import Role
from dangjian.core import audit
from dangjian.core.rows import RowWriter, reset_sequences
from dangjian.lib import pinyin
from dangjian.lib.demo import registry
from dangjian.members import pii
from dangjian.members.choices import ON_ROLL_STATES, MemberEventKind, MemberState, PartyStatus
from dangjian.members.demo import IdAllocator, Person, branch_members
from dangjian.members.models import Member, MemberEvent
from dangjian.orgs.demo import OrgSpec, Plan
from dangjian.orgs.models import Organization, OrgEvent, OrgEventKind, OrgKind, OrgStatus

# One password for every demo account. It passes the project's policy: 12+ characters, three classes, and
# none of the context words (dangjian, zhibu, mima, admin, password …) or the usernames.
DEMO_PASSWORD = "Shifan#Jiguan2026"  # nosec B105 # the published password of the local demo accounts (docs)
DEMO_USERNAMES = ("admin", "viewer", "secretary", "organizer", "member", "sysadmin", "secadmin", "auditor")
HISTORY_REASON = "演示数据"
# Who the loader's audit entries name. No account can be called this (usernames have no spaces), and the audit log is
# append-only: its "orgs.create" entry is the lasting mark of a demo database (dangjian.demo.actions).
DEMO_ACTOR = "dangjian demo"

def registered_steps() -> list[registry.Step]:
    """The apps' demo steps, found in their `demo` modules (imported here, when demo data is loaded, not at every
    start of the app)."""
    autodiscover_modules("demo")
    return registry.steps()


T = TypeVar("T")


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Progress:
    """'党员 120000/2000000 (6%)' on stderr: rewritten in place on a terminal, a line per 5 % otherwise."""

    def __init__(self, enabled: bool, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = self.stream.isatty()
        self._last: dict[str, int] = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        pct = done * 100 // total
        if self.tty:
            self.stream.write(f"\r{label} {done}/{total} ({pct}%)" + ("\n" if done >= total else ""))
        elif pct // 5 != self._last.get(label, -1) // 5 or done >= total and self._last.get(label) != 100:
            self.stream.write(f"{label} {done}/{total} ({pct}%)\n")
        else:
            return
        self._last[label] = pct
        self.stream.flush()


@dataclass
class LoadResult:
    orgs: int = 0
    members: int = 0
    member_events: int = 0
    history_rows: int = 0
    distinct_names: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, where)


def _up_the_tree(plan: Plan, own: dict[int, int]) -> dict[int, int]:
    """{id(spec): total over its subtree} from {id(spec): its own count}."""
    totals: dict[int, int] = {}
    for spec in plan.walk():
        n = own.get(id(spec), 0)
        node: OrgSpec | None = spec
        while n and node is not None:
            totals[id(node)] = totals.get(id(node), 0) + n
            node = node.parent
    return totals


class PinyinCache:
    """name → (full pinyin, initials); a demo of 2 M members repeats names often, pypinyin is ~45 µs a call."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str) -> tuple[str, str]:
        hit = self._cache.get(name)
        if hit is None:
            hit = self._cache[name] = (pinyin.full(name), pinyin.initials(name))
        return hit

    def __len__(self) -> int:
        return len(self._cache)


class Loader:
    def __init__(
        self, plan: Plan, *, seed: int, today: dt.date, batch_size: int = 5000, events: bool = True,
        history: bool = False, commit_batches: bool = False, progress: Progress | None = None,
    ) -> None:
        self.plan = plan
        self.seed = seed
        self.today = today
        self.batch_size = batch_size
        self.events = events
        self.history = history
        self.commit_batches = commit_batches
        self.progress = progress or Progress(False)
        self.result = LoadResult()
        self.pinyin = PinyinCache()
        self.demo_member_ids: list[int] = []
        self.branch_totals: dict[int, int] = {}

    def _atomic(self) -> Any:
        return transaction.atomic() if self.commit_batches else contextlib.nullcontext()

    # --- orgs -------------------------------------------------------------------------------------------------

    def load_orgs(self) -> None:
        """Level by level, so that every parent's id is known when its children are written."""
        started = time.perf_counter()
        total = self.plan.org_count
        orgs = RowWriter(Organization, explicit_pk=True)
        events = RowWriter(OrgEvent, explicit_pk=False)
        now = timezone.now()
        next_id = (Organization.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.branch_totals = _up_the_tree(self.plan, {id(b): 1 for b in self.plan.branches()})
        done = 0
        for level in self.plan.by_depth():
            for chunk in chunked(level, self.batch_size):
                for spec in chunk:
                    spec.pk = next_id
                    next_id += 1
                with self._atomic():
                    orgs.insert([orgs.row(self._org_values(spec, now)) for spec in chunk])
                    events.insert([
                        events.row({"org_id": spec.pk, "kind": OrgEventKind.CREATED, "date": spec.founded_on,
                                    "doc_no": spec.doc_no, "data": {"parent": spec.parent.name if spec.parent else ""},
                                    "created_at": now})
                        for spec in chunk
                    ])
                done += len(chunk)
                self.progress("党组织", done, total)
        with self._atomic():
            reset_sequences(Organization, OrgEvent)
        self.result.orgs = total
        self.result.timings["党组织"] = time.perf_counter() - started

    def _org_values(self, spec: OrgSpec, now: dt.datetime) -> dict[str, Any]:
        return {
            "id": spec.pk, "path": spec.path, "depth": spec.depth, "numchild": len(spec.children),
            "parent_id": spec.parent.pk if spec.parent is not None else None,
            "name": spec.name, "name_initials": pinyin.initials(spec.name)[:100], "short_name": spec.short_name, "kind": spec.kind, "unit_category": spec.unit_category,
            "sort_order": spec.sort_order, "founded_on": spec.founded_on, "status": OrgStatus.ACTIVE,
            "is_temporary": spec.is_temporary, "temporary_task": spec.temporary_task,
            "temporary_start": spec.temporary_start, "temporary_end": spec.temporary_end,
            "is_joint": spec.is_joint, "joint_units": spec.joint_units, "created_at": now, "updated_at": now,
            # The subtree totals orgs.counters keeps: branches are known from the plan, members once written.
            "subtree_branches": self.branch_totals.get(id(spec), 0), "subtree_members": 0,
        }

    # --- members ----------------------------------------------------------------------------------------------

    def load_members(self) -> None:
        """Members and their 入党/转正/status events, one batch (one transaction at scale) at a time."""
        started = time.perf_counter()
        total = self.plan.member_count
        ids = IdAllocator(self.today)
        members = RowWriter(Member, explicit_pk=True)
        events = RowWriter(MemberEvent, explicit_pk=False)
        now = timezone.now()
        first_id = next_id = (Member.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        scratch = Member()  # pii writes the encrypted fields onto it; we copy them into the row
        rows: list[tuple[Any, ...]] = []
        event_rows: list[tuple[Any, ...]] = []
        demo_ids: list[int] = []
        on_roll: dict[int, int] = {}
        done = 0
        for index, branch in enumerate(self.plan.branches()):
            if branch.members == 0:
                continue
            groups = [c for c in branch.children if c.kind == OrgKind.GROUP]
            # One generator per branch: a branch's members do not depend on how batches fall.
            rng = random.Random(self.seed * 1_000_003 + index)  # nosec B311 # seeded generator for reproducible demo data, not a secret
            for person in branch_members(rng, branch, self.today, ids, len(groups)):
                rows.append(members.row(self._member_values(next_id, person, branch, groups, scratch, now)))
                if person.state in ON_ROLL_STATES:
                    on_roll[id(branch)] = on_roll.get(id(branch), 0) + 1
                if self.events:
                    event_rows.extend(events.row(v) for v in self._event_values(next_id, person, branch, now))
                if branch is self.plan.demo_branch:
                    demo_ids.append(next_id)
                next_id += 1
                if len(rows) >= self.batch_size:
                    done += self._flush(members, rows, events, event_rows)
                    rows, event_rows = [], []
                    self.progress("党员", done, total)
        if rows:
            done += self._flush(members, rows, events, event_rows)
            self.progress("党员", done, total)
        with self._atomic():
            reset_sequences(Member, MemberEvent)
            self._write_member_totals(on_roll)
            if self.history:
                # Small runs only: one history row per member, as the actions would have written.
                loaded = Member.objects.filter(pk__gte=first_id).order_by("pk")
                for chunk in chunked(loaded.iterator(chunk_size=self.batch_size), self.batch_size):
                    Member.history.bulk_history_create(  # type: ignore[attr-defined]
                        chunk, default_change_reason=HISTORY_REASON, default_date=now
                    )
                    self.result.history_rows += len(chunk)
        self.demo_member_ids = demo_ids
        self.result.members = done
        self.result.distinct_names = len(self.pinyin)
        self.result.timings["党员"] = time.perf_counter() - started

    def _write_member_totals(self, on_roll: dict[int, int]) -> None:
        """Set each org's on-roll member total (subtree included), as orgs.counters would have kept it.

        One UPDATE per org that has members, sent as a batch; members.counters.recount() would give the same numbers
        but its bulk_update takes about a minute at 100,000 orgs.
        """
        totals = _up_the_tree(self.plan, on_roll)
        params = [(n, spec.pk) for spec in self.plan.walk() if (n := totals.get(id(spec), 0))]
        table = connection.ops.quote_name(Organization._meta.db_table)
        with connection.cursor() as cursor:
            for chunk in chunked(params, self.batch_size):
                cursor.executemany(f"UPDATE {table} SET subtree_members = %s WHERE id = %s", chunk)  # nosec B608 # table names from the catalogue or the model, never user input

    def _member_values(
        self, pk: int, p: Person, branch: OrgSpec, groups: list[OrgSpec], scratch: Member, now: dt.datetime
    ) -> dict[str, Any]:
        full, initials = self.pinyin(p.name)
        pii.set_id_card(scratch, p.id_number)
        pii.set_phone(scratch, p.phone)
        return {
            "id": pk, "org_id": branch.pk,
            "group_id": groups[p.group_index].pk if p.group_index is not None else None,
            "name": p.name, "name_pinyin": full, "name_initials": initials, "sex": p.sex, "ethnicity": p.ethnicity,
            "birth_date": p.birth_date, "id_card_cipher": scratch.id_card_cipher,
            "id_card_index": scratch.id_card_index, "id_card_masked": scratch.id_card_masked,
            "phone_cipher": scratch.phone_cipher, "phone_masked": scratch.phone_masked, "education": p.education,
            "occupation": p.occupation, "work_unit": p.work_unit, "post": p.post,
            "person_category": p.person_category, "party_status": p.party_status, "joined_on": p.joined_on,
            "confirmed_on": p.confirmed_on, "party_post": p.party_post, "state": p.state,
            "created_at": now, "updated_at": now,
        }

    @staticmethod
    def _event_values(pk: int, p: Person, branch: OrgSpec, now: dt.datetime) -> Iterator[dict[str, Any]]:
        yield {"member_id": pk, "kind": MemberEventKind.JOINED, "date": p.joined_on, "to_org_id": branch.pk,
               "created_at": now}
        if p.confirmed_on is not None:
            yield {"member_id": pk, "kind": MemberEventKind.CONFIRMED, "date": p.confirmed_on,
                   "to_org_id": branch.pk, "created_at": now}
        e = p.event
        if e is not None:
            yield {"member_id": pk, "kind": e.kind, "date": e.date, "from_org_id": branch.pk, "reason": e.reason,
                   "leave_reason": e.leave_reason, "outside_org": e.outside_org, "letter_no": e.letter_no,
                   "doc_no": e.doc_no, "created_at": now}

    def _flush(
        self, members: RowWriter, rows: list[tuple[Any, ...]], events: RowWriter, event_rows: list[tuple[Any, ...]]
    ) -> int:
        with self._atomic():
            members.insert(rows)
            if event_rows:
                events.insert(event_rows)
        self.result.member_events += len(event_rows)
        return len(rows)

    # --- accounts ---------------------------------------------------------------------------------------------

    def create_users(self) -> None:
        """The demo logins; the 三员 must still bind a TOTP device at their first login (SEC-05)."""
        started = time.perf_counter()
        root = Organization.objects.get(pk=self.plan.roots[0].pk)
        general = Organization.objects.get(pk=self.plan.demo_general_branch.pk)
        branch = Organization.objects.get(pk=self.plan.demo_branch.pk)
        demo_members = Member.objects.filter(pk__in=self.demo_member_ids).order_by("pk")
        on_roll = [m for m in demo_members if m.state == MemberState.ACTIVE and m.party_status == PartyStatus.FULL]
        by_post = {m.party_post: m for m in on_roll if m.party_post}
        plain = next((m for m in on_roll if not m.party_post), None)
        if "书记" not in by_post or "组织委员" not in by_post or plain is None:
            raise RuntimeError("演示党支部人数太少，无法设置演示账号")

        def user(username: str, name: str = "", member: Member | None = None) -> User:
            return bootstrap_user(username=username, password=DEMO_PASSWORD, display_name=name, member=member,
                                  must_change_password=False)

        def grant(u: User, role: str, org: Organization | None) -> None:
            grant_role(u, actor=None, role=role, org=org, bootstrap=True)
            self.result.users.append((u.username, Role(role).label, org.name if org else "全系统"))

        grant(user("sysadmin", "系统管理员"), Role.SYSADMIN, None)
        grant(user("secadmin", "安全管理员"), Role.SECADMIN, None)
        grant(user("auditor", "审计管理员"), Role.AUDITOR, None)
        grant(user("admin", "张立新"), Role.ORG_ADMIN, root)
        grant(user("viewer", "刘文博"), Role.VIEWER, general)
        grant(user("secretary", member=by_post["书记"]), Role.SECRETARY, branch)
        grant(user("organizer", member=by_post["组织委员"]), Role.ORGANIZER, branch)
        grant(user("member", member=plain), Role.MEMBER, branch)
        self.result.timings["账号"] = time.perf_counter() - started

    def record_audit(self) -> None:
        """Two summary entries: bulk loads bypass the per-object audit records of the actions."""
        root = Organization.objects.get(pk=self.plan.roots[0].pk)
        audit.record("orgs.create", actor=None, actor_name=DEMO_ACTOR, obj=root, org=root,
                     reason=HISTORY_REASON, changes={"党组织数": self.result.orgs})
        audit.record("members.import", actor=None, actor_name=DEMO_ACTOR, org=root, reason=HISTORY_REASON,
                     changes={"党员数": self.result.members, "党籍变动记录数": self.result.member_events})
