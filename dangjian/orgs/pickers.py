"""The org picker: a search over the orgs a user may reach, by name or pinyin initials, each shown with its path
("机关党委 › 办公厅党总支 › 综合处党支部"), and a browse of one level of the tree. Its field replaces every org
<select> (issue 9 defect 10, issue 10): a page renders only the chosen org, never the tree.

Org names are structure, not personal data (SEC-25): a path names the ancestors even above the user's scope, so
that two 综合处党支部 can be told apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.urls import reverse_lazy

from dangjian.core.pickers import PAGE, Picker
from dangjian.orgs.models import Organization, OrgKind, OrgStatus

SEPARATOR = " › "
ACTIONS = ("view", "change", "structure")


def org_paths(orgs: Iterable[Organization]) -> dict[int, str]:
    """Each org's path from the top of the tree, its own name last; one query for all their ancestors."""
    orgs = list(orgs)
    wanted = {p for o in orgs for p in o.ancestor_paths()}
    names = dict(Organization.objects.filter(path__in=wanted).values_list("path", "name")) if wanted else {}
    return {o.pk: SEPARATOR.join([*(names.get(p, "…") for p in o.ancestor_paths()), o.name]) for o in orgs}


def org_label(org: Organization | None) -> str:
    return org_paths([org])[org.pk] if org is not None else ""


def pickable(user: Any, *, action: str = "view", kinds: Iterable[str] = (), active: bool = True) -> Any:
    """The orgs a picker may offer this user: in their scope for `action`, of `kinds` (all when empty), active."""
    qs = Organization.objects.visible_to(user, action)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if active:
        qs = qs.filter(status=OrgStatus.ACTIVE)
    return qs


def search(visible: Any, text: str, *, kinds: Iterable[str] = (), parent: int | None = None,
           top: list[str] | None = None) -> dict[str, Any]:
    """One answer of a picker endpoint over `visible` (the orgs it may offer, already scoped): up to PAGE orgs whose
    name contains `text` (or whose initials contain it, for latin letters); with no text, the children of
    `parent`, or else the top level: the orgs at the paths `top` (the user's scope roots; empty: all of `visible`,
    None: the roots of the tree).

    In a browse, orgs of other kinds are listed (so the tree can be walked down to a 党支部) but not selectable.
    """
    kinds = [k for k in kinds if k in OrgKind.values]
    heading: dict[str, Any] | None = None
    if text:
        rows = visible.filter(kind__in=kinds) if kinds else visible
        if text.isascii() and text.replace(" ", "").isalpha():
            rows = rows.filter(name_initials__contains=text.replace(" ", "").lower())
        else:
            rows = rows.filter(name__contains=text)
        rows = rows.order_by("depth", "path")
    elif parent is not None:
        node = visible.filter(pk=parent).first()
        if node is None:
            return {"results": [], "parent": None, "more": False}
        # The level above, when the user may see it (None: back to the top of their scope).
        up = visible.filter(path=node.path[: -Organization.steplen]).values_list("pk", flat=True).first()
        heading = {"id": node.pk, "name": node.name, "up": up}
        rows = visible.filter(parent_id=node.pk).order_by("sort_order", "path")
    elif top is None:
        rows = visible.filter(depth=1).order_by("path")
    else:
        rows = (visible.filter(path__in=top) if top else visible).order_by("path")
    found = list(rows.only("pk", "name", "kind", "path", "depth", "numchild")[: PAGE + 1])
    more = len(found) > PAGE
    found = found[:PAGE]
    paths = org_paths(found)
    return {
        "results": [
            {"id": o.pk, "name": o.name, "label": paths[o.pk], "context": paths[o.pk].rpartition(SEPARATOR)[0],
             "kind": o.get_kind_display(), "has_children": o.numchild > 0,
             "selectable": not kinds or o.kind in kinds}
            for o in found
        ],
        "parent": heading, "more": more,
    }


def active_tree() -> Any:
    """Every active org: what the 安全管理员 places roles on (org names are structure, SEC-25)."""
    return Organization.objects.get_queryset().active()


def single_org(queryset: Any) -> Organization | None:
    """The one org of `queryset` (a user's scoped choice) when it holds exactly one: pre-selected on forms."""
    found = list(queryset.only("pk", "name", "path", "depth")[:2])
    return found[0] if len(found) == 1 else None


def preselect_single(form: forms.BaseForm, name: str, queryset: Any) -> None:
    """On an unbound form, choose the field's only possible org (a 支部书记's own branch) unless one is given."""
    if not form.is_bound and form.initial.get(name) in (None, ""):
        only = single_org(queryset)
        if only is not None:
            form.initial[name] = only.pk


def _describe(queryset: Any, value: Any) -> str | None:
    """The path of the org `value` (an id or an org) if `queryset` holds it, else None."""
    pk = getattr(value, "pk", value)
    if not str(pk).isdigit():
        return None
    org = queryset.filter(pk=int(pk)).only("pk", "name", "path", "depth").first()
    return org_label(org) if org is not None else None


def filter_picker(user: Any) -> Picker:
    """The org filter's widget on a list page: any org the user can see (dissolved ones too: old records), empty
    for 全部. `single` marks a user who sees one org only, whose page may leave the filter out."""
    visible = Organization.objects.visible_to(user)
    return Picker(url=reverse_lazy("orgs:pick"), describe=lambda value: _describe(visible, value),
                  single=lambda: single_org(visible) is not None, empty_label="全部",
                  placeholder="输入名称或拼音首字母，或逐级展开", attrs={"class": "form-control"})


def use_filter_picker(field: forms.Field, user: Any) -> None:
    """Put the org picker on a FilterSet's org field (a ModelChoiceField over the user's orgs), with a refusal
    that names the field."""
    field.widget = filter_picker(user)
    field.error_messages["invalid_choice"] = f"{field.label}：所选党组织不存在或不在您的管理范围内"


class OrgPickerField(forms.ModelChoiceField):
    """An org chosen with the picker. The queryset is the user's (scoped) choice; an id outside it is refused with
    a message naming the field. Validation reads one row; rendering reads the chosen org and its ancestors only.
    """

    def __init__(self, *, label: str, queryset: Any = None, action: str = "view", kinds: Iterable[str] = (),
                 empty_label: str = "", url: Any = None, **kwargs: Any) -> None:
        params: dict[str, Any] = {}
        if action != "view":
            params["action"] = action
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"请选择{label}")
        kwargs["error_messages"].setdefault("invalid_choice", f"{label}：所选党组织不存在或不在您的管理范围内")
        super().__init__(
            queryset=queryset if queryset is not None else Organization.objects.none(), label=label,
            empty_label=None,
            widget=Picker(url=reverse_lazy("orgs:pick") if url is None else url, params=params, empty_label=empty_label,
                          placeholder="输入名称或拼音首字母，或逐级展开",
                          attrs={"class": "form-control"}),
            **kwargs,
        )
        self.widget.describe = self.describe  # type: ignore[attr-defined]
        self.only_kinds(kinds)

    def only_kinds(self, kinds: Iterable[str]) -> None:
        """Offer only orgs of these kinds in a search (a browse still walks through the others)."""
        kinds = [str(k) for k in kinds]
        params = {k: v for k, v in self.widget.params.items() if k != "kind"}  # type: ignore[attr-defined]
        self.widget.params = {**params, "kind": ",".join(kinds)} if kinds else params  # type: ignore[attr-defined]

    def describe(self, value: Any) -> str | None:
        return _describe(self.queryset, value)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        result = super().__deepcopy__(memo)  # type: ignore[misc]
        result.widget.describe = result.describe
        return result


class SubtreeRootForm(forms.Form):
    """The subtree a page is about (compliance, 谈心谈话): any org the user may view."""

    org = OrgPickerField(label="党组织范围")


def root_field(user: Any, root: Organization) -> forms.BoundField:
    """The org picker of a subtree page's filter bar, showing `root` (the page's current subtree)."""
    form = SubtreeRootForm(initial={"org": root.pk})
    form.fields["org"].queryset = Organization.objects.visible_to(user)  # type: ignore[attr-defined]
    return form["org"]
