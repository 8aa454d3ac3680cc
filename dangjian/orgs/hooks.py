"""What the apps above orgs contribute when the tree is counted or changed, registered at start-up (their
AppConfig.ready) so that orgs imports none of them.

- member counts: {org id: on-roll members placed directly in that org}, for the kept subtree totals
  (`counters.fresh_totals`); the members app registers the one source.
- merge handlers: when an org is merged into another, each moves what it keeps on the merged org and returns
  how many members moved (`actions.merge_org`).
- dissolve checks: each returns why an org cannot be dissolved yet (members still on its roll), or None
  (`actions.dissolve_org`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dangjian.orgs.models import Organization

MemberCounts = Callable[[], dict[int, int]]
MergeHandler = Callable[..., int]
DissolveCheck = Callable[["Organization"], "str | None"]

_member_counts: list[MemberCounts] = []
_merge_handlers: list[MergeHandler] = []
_dissolve_checks: list[DissolveCheck] = []


def _add(hooks: list[Any], fn: Any) -> Any:
    if fn not in hooks:
        hooks.append(fn)
    return fn


def register_member_counts(fn: MemberCounts) -> MemberCounts:
    """Add a source of on-roll member counts per org (registering twice is a no-op)."""
    return _add(_member_counts, fn)


def register_merge_handler(fn: MergeHandler) -> MergeHandler:
    """Add a step of merging one org into another: fn(source, target, *, actor, date, doc_no) -> members moved."""
    return _add(_merge_handlers, fn)


def register_dissolve_check(fn: DissolveCheck) -> DissolveCheck:
    """Add a reason that can keep an org from being dissolved: fn(org) -> message or None."""
    return _add(_dissolve_checks, fn)


def member_counts() -> dict[int, int]:
    """{org id: on-roll members placed directly in it}, summed over the registered sources."""
    total: Counter[int] = Counter()
    for source in _member_counts:
        total.update(source())
    return dict(total)


def run_merge_handlers(
    source: Organization, target: Organization, *, actor: Any, date: dt.date, doc_no: str
) -> int:
    """Run every merge step inside the caller's transaction; the number of members moved."""
    return sum(fn(source, target, actor=actor, date=date, doc_no=doc_no) for fn in _merge_handlers)


def dissolve_blockers(org: Organization) -> list[str]:
    """Every registered reason `org` cannot be dissolved yet, in registration order."""
    return [reason for check in _dissolve_checks if (reason := check(org))]
