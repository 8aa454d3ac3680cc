"""The member picker: a search over the members a user may reach, by name, pinyin or its initials, each shown
with the path of their branch. Its field replaces every member <select> (issue 10: the appoint page listed every
member under the org as an <option>). Only the name and the branch are shown: no personal data in a picker.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse_lazy

from dangjian.core.pickers import PAGE, Picker
from dangjian.core.scoping import subtree_q
from dangjian.members.choices import ON_ROLL_STATES, MemberState
from dangjian.members.models import Member
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import org_paths

# `state` of a picker request: which members it offers.
STATES: dict[str, tuple[str, ...]] = {"active": (MemberState.ACTIVE,), "on_roll": tuple(ON_ROLL_STATES)}


def name_q(text: str) -> Q:
    """A name containing `text`, or whose pinyin or initials start with it (latin letters)."""
    if text.isascii() and text.replace(" ", "").isalpha():
        lowered = text.lower()
        return Q(name_initials__startswith=lowered.replace(" ", "")) | Q(name_pinyin__startswith=lowered)
    return Q(name__contains=text)


def member_labels(members: list[Any]) -> dict[int, tuple[str, str]]:
    """(name, branch path) of each member (its org joined), one query for all the branches' ancestors."""
    paths = org_paths({m.org_id: m.org for m in members}.values())
    return {m.pk: (m.name, paths[m.org_id]) for m in members}


def pickable(user: Any, *, action: str = "view", state: str = "on_roll", within: int | None = None) -> QuerySet[Member]:
    """The members a picker may offer: in the user's scope for `action`, in `state`, under org `within`."""
    qs = Member.objects.visible_to(user, action).filter(state__in=STATES.get(state, STATES["on_roll"]))
    if within is not None:
        org = Organization.objects.visible_to(user).filter(pk=within).only("path").first()
        qs = qs.filter(subtree_q(org.path, "org__path")) if org is not None else qs.none()
    return qs  # type: ignore[return-value]


def search(user: Any, text: str, *, action: str = "view", state: str = "on_roll",
           within: int | None = None) -> dict[str, Any]:
    """One answer of the member picker endpoint: up to PAGE members matching `text` (all, in pinyin order, when
    there is no text), each with their branch's path."""
    return answer(pickable(user, action=action, state=state, within=within), text)


def answer(rows: QuerySet[Any], text: str) -> dict[str, Any]:
    """Up to PAGE people of `rows` (members, or anyone with a name, its pinyin and a branch: applicants) matching
    `text`, in pinyin order, each labelled with their branch's path — the JSON a person picker reads."""
    if text:
        rows = rows.filter(name_q(text))
    found = list(rows.select_related("org").only("pk", "name", "org_id", "org__name", "org__path", "org__depth")
                 .order_by("name_pinyin", "pk")[: PAGE + 1])
    more = len(found) > PAGE
    labels = member_labels(found[:PAGE])
    return {
        "results": [
            {"id": pk, "name": name, "label": f"{name}（{path}）", "context": path, "has_children": False,
             "selectable": True}
            for pk, (name, path) in labels.items()
        ],
        "parent": None, "more": more,
    }


class MemberPickerField(forms.ModelChoiceField):
    """A member chosen with the picker; the queryset (scoped by the view) decides what is accepted, and an id
    outside it is refused with a message naming the field. `within`/`action`/`state` narrow the search alike."""

    def __init__(self, *, label: str, queryset: Any = None, action: str = "view", state: str = "on_roll",
                 url: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"请选择{label}")
        kwargs["error_messages"].setdefault("invalid_choice", f"{label}：所选党员不存在或不在可选范围内")
        super().__init__(
            queryset=queryset if queryset is not None else Member.objects.none(), label=label, empty_label=None,
            widget=Picker(url=url if url is not None else reverse_lazy("members:pick"), params={"action": action, "state": state},
                          placeholder="输入姓名或拼音首字母", browse=False, attrs={"class": "form-control"}),
            **kwargs,
        )
        self.widget.describe = self.describe  # type: ignore[attr-defined]

    def within(self, org_id: int) -> None:
        """Search only under org `org_id` (the view's queryset says the same)."""
        self.widget.params = {**self.widget.params, "within": org_id}  # type: ignore[attr-defined]

    def describe(self, value: Any) -> str | None:
        pk = getattr(value, "pk", value)
        if not str(pk).isdigit():
            return None
        member = self.queryset.filter(pk=int(pk)).select_related("org").first()  # type: ignore[union-attr]
        if member is None:
            return None
        name, path = member_labels([member])[member.pk]
        return f"{name}（{path}）"

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        result = super().__deepcopy__(memo)  # type: ignore[misc]
        result.widget.describe = result.describe
        return result
