"""The 党组织 pages: the tree with lazily loaded levels, search, an org's page and the forms of its actions.

Views only parse input, call one action from orgs.actions and render; what a user may reach comes from
`visible_to` / `get_for_user`, what they may do from their Scope (the same rules the actions enforce).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.forms import submit_action
from dangjian.core.lists import refuses_long_search
from dangjian.core.pagination import paginate
from dangjian.core.pickers import parse_id, parse_query
from dangjian.core.scoping import Scope, get_for_user, scope_for, subtree_q
from dangjian.orgs import actions, pickers
from dangjian.orgs.checks import warnings_for
from dangjian.orgs.forms import CreateOrgForm, DissolveForm, MergeForm, MoveForm, OrgInfoForm, RenameForm
from dangjian.orgs.models import ALLOWED_PARENTS, Organization, OrgEvent, OrgEventKind, OrgKind, OrgStatus
from dangjian.orgs.stats import subtree_counts

# --- helpers -------------------------------------------------------------------------------------------------


@dataclass
class TreeNode:
    """One org as the tree shows it: its subtree counts and whether it has a level the user may open."""

    org: Organization
    counts: dict[str, int]
    expandable: bool


def _orgs() -> Any:
    """The unfiltered org queryset, for get_for_user (which applies the scope itself)."""
    return Organization.objects.get_queryset()


def _can_view(scope: Scope, org: Organization) -> bool:
    return scope.covers(org.path, "view") or org.pk == scope.own_org_id


def _strictly_inside(scope: Scope, org: Organization, action: str) -> bool:
    """The org lies below (not at) one of the user's roots for `action`: only then has it a place to move to."""
    return any(org.path.startswith(root) and org.path != root for root in scope.roots(action))


def _nodes(scope: Scope, orgs: list[Organization]) -> list[TreeNode]:
    """Tree nodes of one level: one subtree_counts call for the whole level, never one per org."""
    counts = subtree_counts(orgs)
    return [
        TreeNode(org=o, counts=counts[o.pk], expandable=o.numchild > 0 and scope.covers(o.path, "view"))
        for o in orgs
    ]


def _ancestors_by_path(orgs: list[Organization]) -> dict[str, Organization]:
    """The ancestors of all `orgs`, in one query by their paths.

    Deliberately not scoped: a breadcrumb names the orgs above the user's scope too, but only those the user
    may see become links (see `_breadcrumb`).
    """
    paths = {p for o in orgs for p in o.ancestor_paths()}
    if not paths:
        return {}
    rows = _orgs().filter(path__in=paths).only("id", "path", "depth", "name", "kind", "status")
    return {a.path: a for a in rows}


def _breadcrumb(scope: Scope, org: Organization, ancestors: dict[str, Organization]) -> list[dict[str, Any]]:
    return [
        {"name": a.name, "pk": a.pk, "link": _can_view(scope, a)}
        for p in org.ancestor_paths()
        if (a := ancestors.get(p)) is not None
    ]


def _child_kinds(scope: Scope, parent: Organization) -> list[str]:
    """The kinds the user may set up under `parent`: any placement-allowed kind with 'structure' rights there,
    only 党小组 with 'change' rights (a 支部书记 or 组织委员 organizes their branch's groups)."""
    may_structure = scope.covers(parent.path, "structure")
    may_change = scope.covers(parent.path, "change")
    return [
        kind for kind in OrgKind.values
        if parent.kind in ALLOWED_PARENTS[kind] and (may_structure or (kind == OrgKind.GROUP and may_change))
    ]


def _render_form(request: HttpRequest, org: Organization, form: BaseForm, **context: Any) -> HttpResponse:
    return render(request, "orgs/form.html", {"org": org, "form": form, **context})


def _org_form(
    request: HttpRequest, org: Organization, form: BaseForm, run: Callable[..., Any],
    message: str | Callable[[Any], str], *, goes_to: Callable[[Any], Organization] | None = None, **page: Any,
) -> HttpResponse:
    """A form acting on one org: a valid POST runs `run(org, actor=…, **cleaned_data)` and goes to the org's page
    (or to the page of the org `goes_to(result)`); otherwise orgs/form.html with `page` and the form's errors."""
    done = submit_action(
        request, form, lambda data: run(org, actor=request.user, **data), message=message,
        then=lambda result: redirect("orgs:detail", pk=(goes_to(result) if goes_to else org).pk),
    )
    return done or _render_form(request, org, form, **page)


def _children(user: Any, org: Organization, *, include_dissolved: bool) -> list[Organization]:
    """The org's direct children that the user may see, in their display order. Selected by the mirrored
    `parent` (its index), not a path range plus depth, which reads the whole subtree (bench/README.md)."""
    qs = Organization.objects.visible_to(user).filter(parent=org)
    if not include_dissolved:
        qs = qs.filter(status=OrgStatus.ACTIVE)
    return list(qs.order_by("sort_order", "path"))


# --- tree and search ---------------------------------------------------------------------------------------


@login_required
@require_GET
@refuses_long_search
def tree(request: HttpRequest) -> HttpResponse:
    """The orgs the user may see, from their scope roots down, one level at a time; or name-search results.

    A role-holder starts at the orgs where their roles sit; a plain 党员 sees only their own branch.
    """
    scope = scope_for(request.user)
    show_dissolved = request.GET.get("dissolved") == "1"
    query = request.GET.get("q", "").strip()
    visible = Organization.objects.visible_to(request.user)
    context: dict[str, Any] = {"scope": scope, "show_dissolved": show_dissolved, "query": query}
    if query:
        hits = visible.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
        if not show_dissolved:
            hits = hits.filter(status=OrgStatus.ACTIVE)
        page = paginate(request, hits.order_by("path"))
        ancestors = _ancestors_by_path(list(page))
        context["page"] = page
        context["results"] = [{"org": o, "crumbs": _breadcrumb(scope, o, ancestors)} for o in page]
    else:
        # The roots are the scope itself: shown even when dissolved, or the user would see nothing at all.
        root_q = Q(path__in=scope.view_roots)
        if scope.own_org_id:
            root_q |= Q(pk=scope.own_org_id)
        # A plain 党员's own branch is a root of its own only when no role already shows it.
        roots = [o for o in visible.filter(root_q) if o.path in scope.view_roots or not scope.covers(o.path, "view")]
        context["nodes"] = _nodes(scope, roots)
    return render(request, "orgs/tree.html", context)


@login_required
@require_GET
def tree_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The <ul> of an org's visible children, loaded by htmx when its node is first opened."""
    scope = scope_for(request.user)
    org = get_for_user(_orgs(), request.user, "view", pk=pk)
    show_dissolved = request.GET.get("dissolved") == "1"
    children = _children(request.user, org, include_dissolved=show_dissolved)
    return render(request, "orgs/_children.html", {
        "parent": org, "nodes": _nodes(scope, children), "show_dissolved": show_dissolved,
    })


# --- an org's page -------------------------------------------------------------------------------------------


def describe_event(event: OrgEvent) -> str:
    """A readable line for an OrgEvent's details (its `data` holds names and changes, never personal data)."""
    data = event.data or {}
    if event.kind == OrgEventKind.CREATED and data.get("parent"):
        return f"设在“{data['parent']}”之下"
    if event.kind == OrgEventKind.RENAMED:
        return f"由“{data.get('from', '')}”更名为“{data.get('to', '')}”"
    if event.kind == OrgEventKind.MOVED:
        suffix = "（因合并）" if data.get("merge") else ""
        return f"由“{data.get('from', '')}”调整至“{data.get('to', '')}”之下{suffix}"
    if event.kind == OrgEventKind.MERGED_IN:
        return f"并入“{data.get('target', '')}”，转出党员{data.get('members', 0)}名、下级组织{data.get('children', 0)}个"
    if event.kind == OrgEventKind.ABSORBED:
        return f"接收“{data.get('source', '')}”，转入党员{data.get('members', 0)}名、下级组织{data.get('children', 0)}个"
    if event.kind == OrgEventKind.UPDATED and data.get("changes"):
        labels = []
        for name in data["changes"]:
            try:
                labels.append(str(Organization._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:  # a field removed since the event was written
                labels.append(name)
        return "修改了" + "、".join(labels)
    return ""


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An org's page: breadcrumb, fields, counts, children, history and the actions the user may take.

    A plain 党员 reaches only their own branch here, and sees its public information only.
    """
    scope = scope_for(request.user)
    org = get_for_user(_orgs(), request.user, "view", pk=pk)
    full = scope.covers(org.path, "view")
    ancestors = _ancestors_by_path([org])
    context: dict[str, Any] = {
        "org": org, "full": full, "crumbs": _breadcrumb(scope, org, ancestors),
    }
    if full:
        children = _children(request.user, org, include_dissolved=True)
        counts = subtree_counts([org, *children])
        may_structure = scope.covers(org.path, "structure") and org.is_active
        may_reshape = may_structure and _strictly_inside(scope, org, "structure")
        context.update(
            counts=counts[org.pk],
            children=[TreeNode(org=c, counts=counts[c.pk], expandable=False) for c in children],
            events=[(e, describe_event(e)) for e in org.events.select_related("actor")],
            can_create=org.is_active and bool(_child_kinds(scope, org)),
            can_edit=scope.covers(org.path, "change"),
            can_rename=may_structure,
            can_move=may_reshape,
            can_merge=may_reshape,
            can_dissolve=may_structure,
            setup_warnings=warnings_for(org),
            ledger_year=timezone.localdate().year,
        )
    return render(request, "orgs/detail.html", context)


# --- action forms --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, parent_pk: int) -> HttpResponse:
    """新建下级组织: the kinds offered are those the tree rules and the user's rights allow under this parent."""
    parent = get_for_user(_orgs(), request.user, "change", pk=parent_pk)
    kinds = _child_kinds(scope_for(request.user), parent)
    if not kinds:
        raise Http404("未找到该记录")
    form = CreateOrgForm(request.POST or None, kinds=kinds)
    done = submit_action(
        request, form, lambda data: actions.create_org(actor=request.user, parent=parent, **data),
        message=lambda org: f"已新建“{org.name}”", then=lambda org: redirect("orgs:detail", pk=org.pk),
    )
    return done or _render_form(request, parent, form, title=f"在“{parent.name}”下新建党组织", submit="新建")


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """编辑信息: the descriptive fields; name, place and status have their own forms."""
    org = get_for_user(_orgs(), request.user, "change", pk=pk)
    initial = {f: getattr(org, f) for f in actions.EDITABLE_FIELDS}
    form = OrgInfoForm(request.POST or None, initial=initial)
    return _org_form(request, org, form, actions.update_org, "党组织信息已保存",
                     title=f"编辑“{org.name}”的信息", submit="保存")


@login_required
@require_http_methods(["GET", "POST"])
def rename(request: HttpRequest, pk: int) -> HttpResponse:
    """更名, with the date and document of the decision; the old name stays in the history."""
    org = get_for_user(_orgs(), request.user, "structure", pk=pk)
    form = RenameForm(request.POST or None, initial={"name": org.name})
    return _org_form(request, org, form, actions.rename_org, lambda renamed: f"已更名为“{renamed.name}”",
                     title=f"“{org.name}”更名", submit="更名")


@login_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """调整隶属关系: the new parent is chosen among active orgs the user may restructure that may hold this kind."""
    org = get_for_user(_orgs(), request.user, "structure", pk=pk)
    parent_kinds = [k for k in ALLOWED_PARENTS[org.kind] if k is not None]
    parents = (
        Organization.objects.visible_to(request.user, "structure").active()
        .filter(kind__in=parent_kinds).exclude(subtree_q(org.path)).exclude(pk=org.parent_id)
    )
    form = MoveForm(request.POST or None, parents=parents, kinds=parent_kinds)
    return _org_form(
        request, org, form, actions.move_org,
        lambda _: f"已将“{org.name}”调整至“{form.cleaned_data['new_parent'].name}”之下",
        title=f"调整“{org.name}”的隶属关系", submit="调整", hint="本组织的下级组织和党员随之调整。",
    )


@login_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """合并: this org's members and child orgs move to a same-kind org, and this org is dissolved."""
    org = get_for_user(_orgs(), request.user, "structure", pk=pk)
    targets = (
        Organization.objects.visible_to(request.user, "structure").active()
        .filter(kind=org.kind).exclude(subtree_q(org.path))
    )
    form = MergeForm(request.POST or None, targets=targets, kind=org.kind)
    return _org_form(
        request, org, form, actions.merge_org, lambda target: f"“{org.name}”已并入“{target.name}”",
        goes_to=lambda target: target, title=f"将“{org.name}”并入其他党组织", submit="合并", danger=True,
        hint="合并后本组织的党员和下级组织转入所选组织，本组织撤销。此操作不能撤回。",
        confirm=f"确定将“{org.name}”并入所选党组织吗？此操作不能撤回。",
    )


@login_required
@require_http_methods(["GET", "POST"])
def dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    """撤销: only an org without members or active child orgs; its record and history are kept."""
    org = get_for_user(_orgs(), request.user, "structure", pk=pk)
    form = DissolveForm(request.POST or None)
    return _org_form(
        request, org, form, actions.dissolve_org, f"“{org.name}”已撤销", title=f"撤销“{org.name}”", submit="撤销", danger=True,
        hint="须先转出全部在册党员、调整或撤销全部下级组织。撤销后记录和沿革保留。",
        confirm=f"确定撤销“{org.name}”吗？",
    )


# --- the org picker's endpoint --------------------------------------------------------------------------------


@login_required
@require_GET
def pick(request: HttpRequest) -> HttpResponse:
    """Up to 20 orgs for the org picker (orgs.pickers.search) as JSON: `q` searches by name or pinyin initials,
    `parent` browses one level, neither gives the top of the user's scope. `action` (view/change/structure) and
    `kind` (comma-separated) narrow to what the field accepts. A bad parameter is a 400 with the reason."""
    try:
        text = parse_query(request.GET.get("q"))
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    action = request.GET.get("action") or "view"
    if action not in pickers.ACTIONS:
        return JsonResponse({"error": "不支持的范围参数"}, status=400)
    kinds = [k for k in (request.GET.get("kind") or "").split(",") if k]
    return JsonResponse(pickers.search(
        pickers.pickable(request.user, action=action), text, kinds=kinds, parent=parse_id(request.GET.get("parent")),
        top=scope_for(request.user).roots(action),
    ))
