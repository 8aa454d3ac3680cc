"""Reads for dashboards, statistics and exports from a PostgreSQL streaming replica; everything else from the primary.

With DATABASE_REPLICA_URL set, settings define a second alias `replica` (a hot standby, read-only) and this router
decides per query (docs/scale.md, docs/operations.md):

- Nothing goes to the replica unless the code asked for it, explicitly: a view decorated with `reads_from_replica`
  (or a block under `reading_from_replica()`). Those are the report read paths: the home dashboard, statistics,
  ledgers and exports. Every other read stays on the primary.
- Writes always go to the primary, whatever alias an object was read from.
- Read-your-writes: once something was written in the current unit of work (a request, or a `unit_of_work()` block
  in a job), later reads in it stay on the primary; so does every read inside a transaction. `ReplicaPinMiddleware`
  carries this over to the user's next requests: after a write (or any POST/PUT/PATCH/DELETE) the session is pinned
  to the primary for DANGJIAN_REPLICA_PIN_SECONDS, longer than the replica is expected to lag.
- Sessions, sign-in lockouts and second-factor devices are always read from the primary; their writes and the
  audit log's (an export records itself before reading) do not pin.
- Migrations never run on the replica.

Without DATABASE_REPLICA_URL there is no `replica` alias and every answer here is the primary's: nothing changes.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# The session key holding until when (epoch seconds) this browser's reads stay on the primary.
PIN_SESSION_KEY = "_dj_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Security state is read where it is written: a lockout or a revoked device must take effect at once.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "otp_totp", "otp_static", "django_otp"})
# Writes that change nothing a report reads back: they do not pin the unit of work to the primary.
NON_PINNING_MODELS = frozenset({"sessions.session", "core.auditevent", "core.auditchainhead"})
NON_PINNING_APPS = frozenset({"axes"})

_replica_wanted: ContextVar[bool] = ContextVar("dangjian_replica_wanted", default=False)
_wrote: ContextVar[bool] = ContextVar("dangjian_wrote", default=False)
_pinned: ContextVar[bool] = ContextVar("dangjian_pinned", default=False)

F = TypeVar("F", bound=Callable[..., Any])


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def reads_go_to_replica() -> bool:
    """True when a read issued now would be sent to the replica (see the module docstring for when)."""
    return (
        _replica_wanted.get()
        and replica_configured()
        and not _wrote.get()
        and not _pinned.get()
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Within this block, reads may be served by the replica (when there is one and nothing pins the primary)."""
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


def reads_from_replica(view: F) -> F:
    """A view whose reads may come from the replica: dashboards, statistics, ledgers, exports. Rendering must happen
    inside the view (render(), an eagerly built download), not in a lazy response."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with reading_from_replica():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@contextmanager
def unit_of_work(*, pinned: bool = False) -> Iterator[None]:
    """One request or job: a write in it keeps its later reads on the primary; `pinned` starts it so."""
    wrote, pin = _wrote.set(False), _pinned.set(pinned)
    try:
        yield
    finally:
        _wrote.reset(wrote)
        _pinned.reset(pin)


def wrote_in_unit_of_work() -> bool:
    return _wrote.get()


class PrimaryReplicaRouter:
    """DATABASE_ROUTERS entry: the replica only for explicitly marked reads, the primary for all the rest."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if model._meta.app_label not in PRIMARY_ONLY_APPS and reads_go_to_replica():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        meta = model._meta
        if meta.label_lower not in NON_PINNING_MODELS and meta.app_label not in NON_PINNING_APPS:
            _wrote.set(True)
        # Always the primary, also for an object read from the replica (Django would otherwise reuse its alias).
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True  # the same data: the replica is a copy of the primary
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


class ReplicaPinMiddleware:
    """Read-your-writes across requests: after a request that wrote (or was a POST/PUT/PATCH/DELETE), this browser's
    reads stay on the primary for DANGJIAN_REPLICA_PIN_SECONDS. Needs the session and the user (placed after
    them). Does nothing without a replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        pinned_until = request.session.get(PIN_SESSION_KEY, 0)
        pinned = isinstance(pinned_until, int | float) and pinned_until > time.time()
        # The signed-in user is loaded now, from the primary, not lazily inside a replica read.
        request.user.is_authenticated  # noqa: B018
        with unit_of_work(pinned=pinned):
            response = self.get_response(request)
            wrote = wrote_in_unit_of_work()
        if (wrote or request.method not in SAFE_METHODS) and request.user.is_authenticated:
            request.session[PIN_SESSION_KEY] = time.time() + settings.DANGJIAN_REPLICA_PIN_SECONDS
        return response
