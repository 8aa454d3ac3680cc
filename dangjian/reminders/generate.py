"""The reminder job: `generate(today)` computes every reminder that should be open now and brings the table in line.

Idempotent and safe on two nodes at once (architecture.md, background work): rows are written with
`bulk_create(ignore_conflicts=True)` under the unique (user, key) constraint, so a second run — or a concurrent
one — inserts nothing twice; open reminders whose key this run did not produce are closed with one UPDATE.

Set-based (architecture.md, pattern 5): each source is ONE query over all orgs (never one per org or per user);
the rows are then handed to users in Python by path prefix, with a binary search over the sorted org paths.

The sources are the apps' own: each registers them in its `reminders` module (dangjian.core.reminders.registry), so
this job imports none of the apps it reminds of. The rules the sources declare are loaded here in one query.

Who gets what:
- The reminders of an org go to the users who can change it: 支部书记, 组织委员 and 党务管理员 whose change roots
  cover the org's path (the same roots `dangjian.accounts.roles.build_scope` gives them, computed here for all
  users in one query instead of one per user). A 上级查看 changes nothing and gets nothing.
- A user linked to a 党员 record gets their own 政治生日 in its month, and nothing else about their branch.
- The 三员 hold no business data (SEC-25) and get nothing, even when a business role was also recorded.
- More than `reminders.summary_threshold` reminders of one kind (and, for meetings, one meeting kind and period)
  become one summary for that user, keyed by kind and period so it stays the same row while the period lasts.

A reminder the user dismissed keeps its row, so the job does not raise the same key again. Keys therefore name
the episode: the period of a meeting obligation, the 届 and its due date, the end of the last secretary's
holding, the month of a 政治生日, the 入党 date of a 预备党员.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangjian.accounts.models import RoleAssignment
from dangjian.accounts.roles import CHANGE_ROLES, ORG_ROLES, SYSTEM_ROLES
from dangjian.core import rules as rule_registry
from dangjian.core.reminders import registry, rules
from dangjian.core.reminders.types import Entry, Group, Item, Own, cn
from dangjian.core.scoping import collapse_roots, path_upper_bound
from dangjian.reminders.models import Reminder, ReminderKind

__all__ = ["Group", "Item", "Result", "cn", "compute", "generate", "recipients", "summary_of"]

BATCH = 500


@dataclass
class Result:
    """What a run did: open reminders per kind after the run (summaries count once), rows inserted (at most —
    conflicts with existing rows are ignored), rows closed."""

    counts: dict[str, int] = field(default_factory=dict)
    inserted: int = 0
    resolved: int = 0


# --- users -----------------------------------------------------------------------------------------------------


@dataclass
class Recipient:
    change_roots: list[str]
    member_id: int | None


def recipients() -> dict[int, Recipient]:
    """Active users with a business role, with their change roots and linked member: one query. Anyone holding
    one of the 三员 roles is left out altogether (SEC-25), as build_scope leaves them without business scope."""
    roots: dict[int, set[str]] = defaultdict(set)
    business: set[int] = set()
    system: set[int] = set()
    members: dict[int, int | None] = {}
    for user_id, role, path, member_id in RoleAssignment.objects.filter(user__is_active=True).values_list(
        "user_id", "role", "org__path", "user__member_id"
    ):
        members[user_id] = member_id
        if role in SYSTEM_ROLES:
            system.add(user_id)
        elif role in ORG_ROLES and path is not None:
            business.add(user_id)
            if role in CHANGE_ROLES:
                roots[user_id].add(path)
    return {
        uid: Recipient(collapse_roots(roots[uid]), members[uid]) for uid in sorted(business - system)
    }


def _in_subtrees(paths: list[str], entries: list[tuple[str, Item]], roots: list[str]) -> list[Item]:
    """The entries (sorted by path, `paths` their paths) whose path lies under one of `roots`."""
    found: list[Item] = []
    for root in roots:
        lo = bisect.bisect_left(paths, root)
        upper = path_upper_bound(root)
        hi = bisect.bisect_left(paths, upper) if upper is not None else len(paths)
        found.extend(item for _path, item in entries[lo:hi])
    return found


def _with_summaries(items: list[Item], threshold: int) -> list[Item]:
    """Items of a group beyond `threshold` become one summary item for that group."""
    by_group: dict[Group, list[Item]] = defaultdict(list)
    for item in items:
        by_group[item.group].append(item)
    result: list[Item] = []
    for group, members in by_group.items():
        if len(members) <= threshold:
            result.extend(members)
            continue
        due = min((i.due_on for i in members if i.due_on is not None), default=None)
        result.append(Item(group.kind, group.key, group.title.format(n=len(members)), group.url, group, due))
    return result


# --- the job ---------------------------------------------------------------------------------------------------


def compute(today: dt.date) -> dict[int, dict[str, Item]]:
    """{user id: {key: item}}: every reminder that should be open on `today`. Read-only; a fixed number of
    queries whatever the number of orgs, members or users."""
    sources = registry.sources()
    keys = list(dict.fromkeys([rules.SUMMARY_THRESHOLD, *(k for source in sources for k in source.rules)]))
    values = rule_registry.values(keys, today)
    users = recipients()
    entries: list[Entry] = []
    own: dict[int, Item] = {}
    for source in sources:
        for found in source(today, values):
            if isinstance(found, Own):
                own[found.member_id] = found.item
            else:
                entries.append(found)
    entries.sort(key=lambda e: e[0])
    paths = [p for p, _ in entries]
    threshold = int(values[rules.SUMMARY_THRESHOLD])
    produced: dict[int, dict[str, Item]] = {}
    for uid, user in users.items():
        items: dict[str, Item] = {}
        # Their own items first (their 政治生日), so the personal wording wins over the managers' for the same key.
        if user.member_id is not None and user.member_id in own:
            items[own[user.member_id].key] = own[user.member_id]
        for item in _in_subtrees(paths, entries, user.change_roots):
            items.setdefault(item.key, item)
        if items:
            produced[uid] = {i.key: i for i in _with_summaries(list(items.values()), threshold)}
    return produced


def generate(today: dt.date | None = None) -> Result:
    """Bring the reminders table in line with `today`: insert what is new (ignoring rows that already exist,
    open or dismissed), refresh the wording of open rows whose kind or title changed (a summary's count), and close the
    open rows no longer produced. Safe to run twice, or on two nodes at the same time."""
    today = today or timezone.localdate()
    produced = compute(today)
    now = timezone.now()
    open_rows = {
        (r.user_id, r.key): r
        for r in Reminder.objects.filter(resolved_at__isnull=True).only("id", "user_id", "key", "kind", "title", "due_on",
                                                                 "url")
    }
    new: list[Reminder] = []
    changed: list[Reminder] = []
    counts: Counter[str] = Counter()
    for uid, items in produced.items():
        for key, item in items.items():
            counts[item.kind] += 1
            row = open_rows.get((uid, key))
            if row is None:
                new.append(Reminder(user_id=uid, kind=item.kind, key=key, org_id=item.org_id, title=item.title[:300],
                                    due_on=item.due_on, url=item.url[:300]))
            elif (row.kind, row.title, row.due_on, row.url) != (item.kind, item.title[:300], item.due_on, item.url[:300]):
                row.kind, row.title, row.due_on, row.url = item.kind, item.title[:300], item.due_on, item.url[:300]
                changed.append(row)
    stale = [r.pk for (uid, key), r in open_rows.items() if key not in produced.get(uid, {})]
    resolved = 0
    with transaction.atomic():
        if new:
            Reminder.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
        if changed:
            Reminder.objects.bulk_update(changed, ["kind", "title", "due_on", "url"], batch_size=BATCH)
        for start in range(0, len(stale), BATCH):
            resolved += Reminder.objects.filter(
                pk__in=stale[start:start + BATCH], resolved_at__isnull=True
            ).update(resolved_at=now)
    return Result(counts={k: counts.get(k, 0) for k in ReminderKind.values}, inserted=len(new), resolved=resolved)


def summary_of(result: Result) -> dict[str, Any]:
    """The result as plain data for the command's output and logs."""
    return {"counts": result.counts, "inserted": result.inserted, "resolved": result.resolved}
