"""What a merge or a dissolution means for the records of the apps above orgs.

orgs sits below the member registry, so it cannot move members itself or see whether anyone is still on an
org's roll. The apps that own such records register here at start-up (members: `MembersConfig.ready`), and
`orgs.actions.merge_org` / `dissolve_org` call them inside their own transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from dangjian.orgs.models import Organization


class MergeHook(Protocol):
    """Moves an app's records from `source` to `target` on a merge; returns how many people moved."""

    def __call__(self, source: Organization, target: Organization, *, actor: Any, date: dt.date,
                 doc_no: str) -> int: ...


# Answers why `org` cannot be dissolved yet (a Chinese message), or None.
DissolveCheck = Callable[["Organization"], "str | None"]

_merge_hooks: list[MergeHook] = []
_dissolve_checks: list[DissolveCheck] = []


def on_merge(hook: MergeHook) -> MergeHook:
    """Register a merge hook (registering the same function twice is a no-op)."""
    if hook not in _merge_hooks:
        _merge_hooks.append(hook)
    return hook


def before_dissolve(check: DissolveCheck) -> DissolveCheck:
    """Register a dissolution check (registering the same function twice is a no-op)."""
    if check not in _dissolve_checks:
        _dissolve_checks.append(check)
    return check


def run_merge_hooks(source: Organization, target: Organization, *, actor: Any, date: dt.date, doc_no: str) -> int:
    """Every registered hook, in registration order; the number of people moved in all."""
    return sum(hook(source, target, actor=actor, date=date, doc_no=doc_no) for hook in _merge_hooks)


def dissolve_blockers(org: Organization) -> list[str]:
    """The reasons `org` cannot be dissolved yet, from every registered check."""
    return [message for check in _dissolve_checks if (message := check(org))]
