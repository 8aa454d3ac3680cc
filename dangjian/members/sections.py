"""The member page's sections from other apps: `@register_section(template, order=...)` in `<app>/member_section.py`.

The members app finds those modules at start-up (MembersConfig.ready, `autodiscover_modules("member_section")`), so
the member page shows what the apps above it know about a member (发展, 转接, 党费, 学时, 民主评议) without
importing them. A section's function gives its template's context from the member and the user; the caller has
already checked that the user may see the member, and each app decides what the user may see of its part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured

SectionContext = Callable[[Any, Any], dict[str, Any]]
F = TypeVar("F", bound=SectionContext)


@dataclass(frozen=True)
class Section:
    """One section of the member page: its template, the function giving its context and its place (lower first)."""

    template: str
    context: SectionContext
    order: int


_SECTIONS: dict[str, Section] = {}


def register_section(template: str, *, order: int) -> Callable[[F], F]:
    """Add a section to the member page. One function per template: registering another function for a template
    already taken is a configuration error."""

    def decorate(fn: F) -> F:
        known = _SECTIONS.get(template)
        if known is not None and known.context is not fn:
            raise ImproperlyConfigured(f"member page section {template} is registered twice")
        _SECTIONS[template] = Section(template, fn, order)
        return fn

    return decorate


def sections() -> list[Section]:
    """The registered sections in page order."""
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.template))
