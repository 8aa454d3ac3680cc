"""Navigation entries for the sidebar, by what the user's roles allow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dangjian.core.scoping import scope_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from dangjian.core.actions import manages_deployment

    scope = scope_for(user)
    return {"nav_scope": scope, "nav_system_roles": scope.system_roles, "nav_settings": manages_deployment(user)}
