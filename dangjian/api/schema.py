"""What every operation of the API may answer besides its success, added to the OpenAPI document once
(drf-spectacular postprocessing hook) rather than repeated on each view: 400 with messages per field, 401 without
valid credentials, 403 for a refused action, 404 for what is missing or out of scope, 405/406/415 for a method,
an Accept or a body type the operation does not take, and 429 when a limit is reached."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as _SpectacularAutoSchema

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "说明"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "按字段列出的错误说明；non_field_errors 为整体错误",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {}},
            {"type": "string"},
            {"type": "object"},
        ]
    },
}
ERRORS: dict[str, tuple[str, dict[str, Any]]] = {
    "400": ("请求参数或内容有误", FIELD_ERRORS),
    "401": ("未提供或提供了无效的身份凭据", DETAIL),
    "403": ("无权执行该操作", DETAIL),
    "404": ("记录不存在或不在管理范围内", DETAIL),
    "405": ("不支持该请求方法", DETAIL),
    "406": ("不支持所请求的返回格式", DETAIL),
    "415": ("不支持该请求内容类型", DETAIL),
    "429": ("请求过于频繁", DETAIL),
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Give every operation the error answers it can return, keeping any the view documented itself."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorDetail", DETAIL)
    components.setdefault("FieldErrors", FIELD_ERRORS)
    refs = {id(DETAIL): "#/components/schemas/ErrorDetail", id(FIELD_ERRORS): "#/components/schemas/FieldErrors"}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, (description, body) in ERRORS.items():
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": refs[id(body)]}}},
                })
    return result


class AutoSchema(_SpectacularAutoSchema):
    """drf-spectacular's schema, except that a viewset whose `list` answers one object (a summary, or a page of
    its own shape) says so with `list_answers_one_object = True`, instead of being documented as an array."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        if getattr(self.view, "list_answers_one_object", False):
            return False
        return bool(super()._is_list_view(serializer))


def _allow_empty(schema: dict[str, Any]) -> dict[str, Any]:
    """A string query parameter's schema that also takes "" (the HTML filter forms send empty fields)."""
    if "format" in schema:
        return {"anyOf": [schema, {"type": "string", "enum": [""]}]}
    allowed = dict(schema)
    allowed.pop("minLength", None)
    if "enum" in allowed and "" not in allowed["enum"]:
        allowed["enum"] = [*allowed["enum"], ""]
    if "pattern" in allowed:
        allowed["pattern"] = f"^(?:{allowed['pattern'].lstrip('^').rstrip('$')})?$"
    return allowed


def empty_means_not_given(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Every string query parameter documents that an empty value is the same as leaving it out, which is how
    the API reads it (page filters and API share one FilterSet)."""
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "query" and schema.get("type") == "string":
                    parameter["schema"] = _allow_empty(schema)
    return result
