"""REST API for 党组织: read-only. Changes to the tree stay in the UI, where each has its own reviewed form.

Every queryset is `Organization.objects.visible_to(user)`; a plain 党员 sees their own branch, the 三员 nothing.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.core.api import ScopedViewSetMixin
from dangjian.core.filters import IdFilter
from dangjian.core.scoping import collapse_roots, scope_for, subtree_q
from dangjian.orgs.models import Organization, OrganizationQuerySet, OrgKind, OrgStatus
from dangjian.orgs.stats import subtree_counts

#
# Filters
#


class OrganizationFilterSet(django_filters.FilterSet):
    """The API's org list filters. `parent` is a plain id: an id outside the caller's scope just matches nothing."""

    q = django_filters.CharFilter(label="名称或简称包含", method="filter_q")
    kind = django_filters.ChoiceFilter(label="组织类型", choices=OrgKind.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=OrgStatus.choices)
    parent = IdFilter(label="上级党组织编号", field_name="parent_id")

    class Meta:
        model = Organization
        fields = ["q", "kind", "status", "parent"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        # Accepts the caller like every FilterSet behind ScopedFilterBackend; the queryset is already scoped.
        super().__init__(*args, **kwargs)

    def filter_q(self, qs: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        value = value.strip()
        return qs.filter(Q(name__contains=value) | Q(short_name__contains=value)) if value else qs


#
# Serializers
#


class OrganizationSerializer(serializers.ModelSerializer):
    """党组织信息。"""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    joint_units = serializers.ListField(
        source="joint_unit_list", child=serializers.CharField(), read_only=True, help_text="联合党支部覆盖的单位"
    )

    class Meta:
        model = Organization
        fields = [
            "id", "name", "short_name", "kind", "kind_display", "parent", "path", "depth", "code", "unit_category",
            "founded_on", "status", "dissolved_on", "is_temporary", "temporary_task", "temporary_start",
            "temporary_end", "is_joint", "joint_units",
        ]
        read_only_fields = fields


class OrganizationTreeChildSerializer(serializers.ModelSerializer):
    """组织树节点及其下属党支部数、在册党员数。"""

    # Counts come from one `subtree_counts` call in the view (context["counts"]), never a query per node.

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    branch_count = serializers.SerializerMethodField(help_text="下属（含本级）正常状态的党支部数")
    member_count = serializers.SerializerMethodField(help_text="下属（含本级）在册党员数")

    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "kind", "kind_display", "parent", "depth", "status",
                  "branch_count", "member_count"]
        read_only_fields = fields

    def get_branch_count(self, org: Organization) -> int:
        return self.context["counts"][org.pk]["branches"]

    def get_member_count(self, org: Organization) -> int:
        return self.context["counts"][org.pk]["members"]


class OrganizationTreeSerializer(OrganizationTreeChildSerializer):
    """组织树顶层节点，含直属下级。"""

    children = serializers.SerializerMethodField()

    class Meta(OrganizationTreeChildSerializer.Meta):
        fields = [*OrganizationTreeChildSerializer.Meta.fields, "children"]
        read_only_fields = fields

    @extend_schema_field(OrganizationTreeChildSerializer(many=True))  # type: ignore[misc]
    def get_children(self, org: Organization) -> Any:
        children = self.context["children"].get(org.pk, [])
        return OrganizationTreeChildSerializer(children, many=True, context=self.context).data


#
# Views
#


@extend_schema_view(
    list=extend_schema(summary="党组织列表", description="调用者可见范围内的党组织，按组织树顺序。"),
    retrieve=extend_schema(summary="党组织详情", description="不在调用者可见范围内的与不存在的同样返回 404。"),
)
@extend_schema(tags=["党组织"])
class OrganizationViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """党组织, read-only: moves, merges and dissolutions need the UI's reviewed forms, not a bare PATCH."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet

    def get_queryset(self) -> OrganizationQuerySet:
        return Organization.objects.visible_to(self.request.user, self.scope_action)

    @extend_schema(
        summary="组织树概览",
        description="调用者可见范围的顶层党组织及其直属下级（仅正常状态），附各自下属党支部数和在册党员数。",
        responses=OrganizationTreeSerializer(many=True),
        filters=False,
    )
    @action(detail=False, pagination_class=None, filter_backends=[])
    def tree(self, request: Request) -> Response:
        visible = self.get_queryset()
        scope = scope_for(request.user)
        # The tops of what the caller sees: the roots of their view scope, and a plain member's own branch.
        candidates = list(visible.filter(Q(path__in=scope.view_roots) | Q(pk=scope.own_org_id or 0)))
        top_paths = set(collapse_roots({org.path for org in candidates}))
        roots = [org for org in candidates if org.path in top_paths]
        children = list(visible.active().filter(parent__in=roots)) if roots else []
        by_parent: dict[int, list[Organization]] = {}
        for child in children:
            by_parent.setdefault(child.parent_id, []).append(child)  # type: ignore[arg-type]
        context = {
            **self.get_serializer_context(), "counts": subtree_counts([*roots, *children]), "children": by_parent
        }
        return Response(OrganizationTreeSerializer(roots, many=True, context=context).data)

    @extend_schema(
        summary="直属下级党组织",
        description="该党组织的直属下级，与调用者的可见范围取交集。",
        responses=OrganizationSerializer(many=True),
    )
    @action(detail=True)
    def children(self, request: Request, pk: str) -> Response:
        org = self.get_object()
        return self._paginated(self.get_queryset().filter(parent=org))

    @extend_schema(
        summary="下属全部党组织",
        description="该党组织及其全部下级（按组织树顺序），与调用者的可见范围取交集。",
        responses=OrganizationSerializer(many=True),
    )
    @action(detail=True)
    def subtree(self, request: Request, pk: str) -> Response:
        org = self.get_object()
        return self._paginated(self.get_queryset().filter(subtree_q(org.path)))

    def _paginated(self, queryset: QuerySet[Organization]) -> Response:
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
