"""API building blocks shared by every app's api.py: pagination, strict serializers, scoped viewsets.

Scoping in the API is the UI's scoping, not a second rule set: lists come from `visible_to(user)`, single
objects from `get_for_user` (404 for missing and forbidden alike, the forbidden case audited), and every
write goes through the app's actions, whose Django ValidationError the exception handler turns into a 400
with field errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from dangjian.core.scoping import ScopedQuerySet, get_for_user, scope_for


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        """The asked page size, refused (400) when it is not a whole number from 1 to the maximum, rather than
        quietly clamped; absent, the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise serializers.ValidationError(
                {self.page_size_query_param: [f"每页条数应为1至{self.max_page_size}之间的整数"]})
        return int(raw)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and (not raw.isdigit() or int(raw) < 1):
            raise serializers.ValidationError({self.page_query_param: ["页码应为从1开始的整数"]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """The page from 1, the page size from 1 to the maximum: what the API takes, as the document says."""
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.page_query_param: {"minimum": 1},
                  self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size}}
        for parameter in parameters:
            parameter["schema"] = {**parameter["schema"], **bounds.get(parameter["name"], {})}
        return parameters


class StrictSerializerMixin:
    """Rejects fields the serializer does not know, so a typo is a 400 rather than silently ignored."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = {name for name, f in self.fields.items() if not f.read_only}  # type: ignore[attr-defined]
            unknown = sorted(set(data) - allowed)
            if unknown:
                raise serializers.ValidationError({name: ["未知字段"] for name in unknown})
        return super().to_internal_value(data)  # type: ignore[misc]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: the actions' Django ValidationError is a 400 with {field: [msgs]}; 404 says nothing.

    Actions raise `django.core.exceptions.ValidationError({field: [msg]})`; left alone DRF would answer 500.
    Out-of-scope refusals (OutOfScope is an Http404) keep DRF's 404, with the same body as a missing object.
    """
    if isinstance(exc, DjangoValidationError):
        exc = serializers.ValidationError(_field_errors(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == 404:
        response.data = {"detail": "未找到该记录"}
    return response


def _field_errors(exc: DjangoValidationError) -> dict[str, list[str]] | list[str]:
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): list(messages)
            for field, messages in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}


#
# Scoped lookups
#


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of a related object, resolved only among the objects the caller may reach for `action`.

    An id outside that scope gets the same answer as one that does not exist, so the API cannot be used to
    probe which ids exist elsewhere.
    """

    def __init__(self, *, model: type[models.Model], action: str = "change", label: str = "", **kwargs: Any) -> None:
        self.scoped_model = model
        self.scope_action = action
        label = label or str(model._meta.verbose_name)
        kwargs["error_messages"] = {
            "does_not_exist": f"所选{label}不存在或不在您的管理范围内",
            "incorrect_type": f"请填写{label}的编号（整数）",
            **kwargs.get("error_messages", {}),
        }
        # An empty queryset only tells the schema generator the model; lookups go through get_queryset().
        super().__init__(queryset=model._default_manager.none(), **kwargs)

    def get_queryset(self) -> Any:
        manager: Any = self.scoped_model._default_manager
        return manager.get_queryset().visible_to(self.context["request"].user, self.scope_action)


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter's backend that also hands the caller to the FilterSet (`user=`).

    Our FilterSets are shared with the UI and take `user` to limit their choices (an org filter offers only the
    orgs the caller can see); DRF's stock backend does not pass it. Every FilterSet used here accepts `user`.
    """

    def get_filterset_kwargs(self, request: Request, queryset: Any, view: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["user"] = request.user
        return kwargs


if TYPE_CHECKING:
    from rest_framework.viewsets import GenericViewSet as _ViewSetBase
else:
    # Not imported at run time: rest_framework.generics reads DEFAULT_PAGINATION_CLASS, which is in this module.
    _ViewSetBase = object


class ScopedViewSetMixin(_ViewSetBase):  # type: ignore[type-arg]
    """What every org-owned viewset shares: the scope action per request and the 404-for-forbidden lookup.

    The subclass's `get_queryset()` returns `Model.objects.visible_to(self.request.user, self.scope_action)`:
    reads need the "view" scope, writes (and custom POST actions) the "change" scope, so a 上级查看 who can
    read a member gets 404, not 403, when trying to edit it. `get_object()` does not reuse the list filters
    (a 已转出 member is hidden from the default list but still has a detail page) and goes through
    `get_for_user`, which also audits reaching for something out of scope. Combine with GenericViewSet and the
    DRF model mixins for the operations a resource has; there is no destroy anywhere, records are kept for life.
    """

    filter_backends = [ScopedFilterBackend]
    # Record ids are numbers: anything else in the id's place is not a route at all (404), never a lookup.
    lookup_value_regex = "[0-9]{1,18}"
    # Programs send JSON. Form encodings are what a hostile page can post cross-site; refusing them (415) adds a
    # layer behind CSRF and keeps the schema to one request format.
    parser_classes = [JSONParser]

    @property
    def scope_action(self) -> str:
        return "view" if self.request.method in permissions.SAFE_METHODS else "change"

    def validated(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The request body as `serializer_class` checks it (a 400 with Chinese field errors otherwise)."""
        form = serializer_class(data=self.request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        return dict(form.validated_data)

    def get_object(self) -> Any:
        scoped: Any = self.get_queryset()
        base: ScopedQuerySet[Any] = scoped.model._default_manager.get_queryset()  # unfiltered: denials get audited
        obj = get_for_user(base, self.request.user, self.scope_action, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, obj)
        return obj


#
# Who may read the API description
#


def is_api_administrator(user: Any) -> bool:
    """党务管理员 (a "structure" scope somewhere) or 系统管理员: the only users shown the schema and docs."""
    scope = scope_for(user)
    return bool(scope.structure_roots) or "sysadmin" in scope.system_roles


class IsApiAdministrator(permissions.BasePermission):
    """Schema and docs exist only for administrators; for everyone else they are not found (ASVS 13.4)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not is_api_administrator(request.user):
            raise NotFound()
        return True
