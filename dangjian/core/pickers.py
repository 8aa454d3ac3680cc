"""The search-as-you-type picker every org and member field uses instead of a <select> (issue 10: no page renders
all orgs or members as options).

The ground floor names no domain model: the app that declares a field hands the widget its search endpoint and a
function that turns the chosen id into the text shown (an org's path, a member's name and branch). Without script
the widget is a plain id box with the chosen value's text under it; `static/dangjian/picker.js` turns it into an
ARIA combobox that searches as one types and browses the tree level by level.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

# The longest search text a picker endpoint takes; a longer one is refused (400), never run.
MAX_QUERY = 50
# At most this many results per answer: a picker never lists a whole tree.
PAGE = 20

Describe = Callable[[Any], str | None]


def parse_query(raw: str | None) -> str:
    """The search text of a picker request, stripped; ValidationError when it is longer than MAX_QUERY."""
    text = (raw or "").strip()
    if len(text) > MAX_QUERY:
        raise ValidationError(f"搜索内容不能超过{MAX_QUERY}个字")
    return text


def parse_id(raw: str | None) -> int | None:
    """A positive id from a query string, None when absent or not a number."""
    text = (raw or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


class Picker(forms.TextInput):
    """A combobox over `url` (answers JSON: results with id, name, label, has_children, selectable).

    `params` go to the endpoint with every request (e.g. which kinds of org may be chosen); `describe(value)` gives
    the text of the chosen value (None: unknown or out of the user's scope, shown as nothing); `browse` lets the
    user open a result's children (tree-aware pickers).
    """

    template_name = "core/widgets/picker.html"
    input_type = "text"

    class Media:
        js = ("dangjian/picker.js",)
        css = {"all": ("dangjian/picker.css",)}

    def __init__(self, *, url: Any, describe: Describe | None = None, params: dict[str, Any] | None = None,
                 placeholder: str = "输入名称或拼音首字母", empty_label: str = "", browse: bool = True,
                 single: Callable[[], bool] | None = None, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self._single = single
        self.url = url
        self.describe: Describe = describe or (lambda value: None)
        self.params = params or {}
        self.placeholder = placeholder
        self.empty_label = empty_label
        self.browse = browse

    @property
    def single(self) -> bool:
        """Whether the user has one choice only (a page may then leave the field out); asked only when shown."""
        return self._single() if self._single is not None else False

    def format_value(self, value: Any) -> str | None:
        pk = getattr(value, "pk", value)
        return None if pk in (None, "") else str(pk)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        shown = context["widget"]["value"]
        label = (self.describe(shown) or "") if shown else ""
        context["picker"] = {
            "url": str(self.url), "params": json.dumps(self.params, ensure_ascii=False),
            "label": label, "unknown": bool(shown) and not label, "placeholder": self.placeholder,
            "empty_label": self.empty_label, "browse": self.browse,
        }
        return context

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> SafeString:
        # The project's template engine (templates/core/widgets), whatever form renderer the settings name.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - a template's own escaped output # nosec B308, B703
