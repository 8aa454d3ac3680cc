"""组织设置 warnings shown on an org's page, from the app that can compute them.

The checks count members and post holders, which live above orgs, so orgs does not import them: the app that
owns them (dangjian.leadership, its `checks.warnings_for`) registers a provider here at start-up, and the org
page asks here. With no provider registered an org simply shows no setup warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dangjian.orgs.models import Organization

Provider = Callable[["Organization"], list[Any]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a source of setup warnings for one org (each warning has a `message`); registering twice is a no-op."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def warnings_for(org: Organization) -> list[Any]:
    """Every registered provider's warnings for `org`, in registration order (the caller has checked the user
    may see the org)."""
    return [warning for provider in _providers for warning in provider(org)]
