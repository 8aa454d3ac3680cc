"""What every operation of the API may answer besides its success, added to the OpenAPI document once
(drf-spectacular postprocessing hook) rather than repeated on each view: 400 with messages per field, 401 without
valid credentials, 403 for a refused action, 404 for what is missing or out of scope, 405/406/415 for a method,
an Accept or a body type the operation does not take, and 429 when a limit is reached."""

from __future__ import annotations

from typing import Any

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
