"""API building blocks shared by every app's api.py: pagination, strict serializers, scoped viewsets."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200


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
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == 404:
        response.data = {"detail": "未找到该记录"}
    return response
