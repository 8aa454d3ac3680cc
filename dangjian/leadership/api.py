"""REST API for 班子 and 换届: read-only. Terms, posts and steps change only through the reviewed forms, which
call dangjian.leadership.actions.

Lists are scoped like the pages: terms and post holdings of the orgs the caller may see (leadership's
`terms_visible_to` / `holdings_visible_to`; neither model has a scoped manager of its own), the board from the
same single-statement query as the board page. Dates are ISO 8601.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.core.api import ScopedViewSetMixin
from dangjian.core.filters import IdFilter, StrictBooleanFilter
from dangjian.leadership import queries, rules
from dangjian.leadership.models import ElectionStep, PostHolding, Term
from dangjian.orgs.models import Organization

#
# Filters
#


class OrgFilterSet(django_filters.FilterSet):
    """`org`: the id of one org; an id outside the caller's scope matches nothing (the queryset is scoped)."""

    org = IdFilter(label="党组织编号", field_name="org_id")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class TermFilterSet(OrgFilterSet):
    class Meta:
        model = Term
        fields = ["org"]


class PostHoldingFilterSet(OrgFilterSet):
    current = StrictBooleanFilter(label="仅现任", method="filter_current")

    class Meta:
        model = PostHolding
        fields = ["org", "current"]

    def filter_current(self, qs: QuerySet[PostHolding], name: str, value: bool | None) -> QuerySet[PostHolding]:
        if value is None:
            return qs
        in_office = rules.in_office_q(timezone.localdate())
        return qs.filter(in_office) if value else qs.exclude(in_office)


#
# Serializers
#


class ElectionStepSerializer(serializers.ModelSerializer):
    """换届步骤。"""

    # A plain string, not an enum, in the schema: an enum named "kind" would collide with the org kind's.
    kind = serializers.CharField(read_only=True, help_text="reminded 提醒换届 / requested 换届请示 / approved_plan 上级批复 / "
                                 "elected 召开大会选举 / reported 选举结果报批/备案 / confirmed 上级批准 / "
                                 "extended 批准延期换届 / advanced 批准提前换届")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ElectionStep
        fields = ["id", "kind", "kind_display", "date", "doc_no", "meeting", "note"]
        read_only_fields = fields


class TermSerializer(serializers.ModelSerializer):
    """届次，含换届步骤和今天的状态。"""

    due_on = serializers.DateField(read_only=True, help_text="届满日期（经批准调整的以调整后为准）")
    state = serializers.SerializerMethodField(help_text="done 已换届 / overdue 已逾期 / due_soon 半年内到期 / normal 正常")
    steps = ElectionStepSerializer(many=True, read_only=True)

    class Meta:
        model = Term
        fields = ["id", "org", "number", "starts_on", "planned_end", "adjusted_end", "adjustment_doc_no", "due_on",
                  "closed_on", "state", "steps"]
        read_only_fields = fields

    def get_state(self, term: Term) -> str:
        return str(rules.term_state(term.due_on, term.closed_on, self.context["today"],
                                         self.context["reminder_months"]).value)


class PostHoldingSerializer(serializers.ModelSerializer):
    """班子成员任职：职务、姓名和任职期间（不含其他个人信息）。"""

    post_display = serializers.CharField(source="get_post_display", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = PostHolding
        fields = ["id", "org", "term", "member", "member_name", "post", "post_display", "starts_on", "ends_on",
                  "doc_no"]
        read_only_fields = fields


class BoardRowSerializer(serializers.Serializer):
    """换届情况一行：党组织及其最新一届。"""

    org = serializers.IntegerField(source="pk")
    org_name = serializers.CharField(source="name")
    kind = serializers.CharField()
    parent_name = serializers.CharField(source="parent.name", default="")
    term = serializers.IntegerField(source="term_id", allow_null=True)
    number = serializers.IntegerField(source="term_number", allow_null=True)
    starts_on = serializers.DateField(source="term_starts_on", allow_null=True)
    planned_end = serializers.DateField(source="term_planned_end", allow_null=True)
    adjusted_end = serializers.DateField(source="term_adjusted_end", allow_null=True)
    due_on = serializers.DateField(source="term_due_on", allow_null=True)
    closed_on = serializers.DateField(source="term_closed_on", allow_null=True)
    state = serializers.SerializerMethodField(help_text="已换届 / 已逾期 / 半年内到期 / 正常 / 未录入届次")
    secretary_name = serializers.CharField(allow_null=True, help_text="现任书记姓名，空缺为 null")

    def get_state(self, org: Organization) -> str:
        return queries.row_state(org, self.context["board"])


#
# Views
#


@extend_schema_view(list=extend_schema(summary="届次列表", description="调用者可见范围内党组织的届次及换届步骤；?org= 按党组织筛选。"))
@extend_schema(tags=["班子和换届"])
class TermViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """届次, read-only."""

    serializer_class = TermSerializer
    filterset_class = TermFilterSet

    def get_queryset(self) -> QuerySet[Term]:
        return queries.terms_visible_to(self.request.user, "view").prefetch_related("steps").order_by(
            "org__path", "-number"
        )

    def get_serializer_context(self) -> dict[str, Any]:
        ctx = queries.board_context(timezone.localdate())
        return {**super().get_serializer_context(), "today": ctx.today, "reminder_months": ctx.reminder_months,
                "board": ctx}

    @extend_schema(
        summary="换届情况",
        description="调用者可见范围内每个党委、党总支、党支部的最新一届及状态。tab：due_soon 半年内到期、overdue 已逾期、"
                    "adjusted 已批准延期或提前、done 本年已换届、missing 未录入届次；不填为全部。",
        parameters=[OpenApiParameter("tab", str, enum=[c for c, _ in queries.BOARD_TABS if c])],
        responses=BoardRowSerializer(many=True),
        filters=False,
    )
    @action(detail=False, filter_backends=[])
    def board(self, request: Request) -> Response:
        tab = request.query_params.get("tab", "")
        codes = {c for c, _ in queries.BOARD_TABS}
        if tab not in codes:
            raise serializers.ValidationError({"tab": ["未知的筛选项"]})
        ctx = queries.board_context(timezone.localdate())
        page = self.paginate_queryset(queries.board_rows(request.user, ctx, tab))
        data = BoardRowSerializer(page, many=True, context={"board": ctx}).data
        return self.get_paginated_response(data)


@extend_schema_view(list=extend_schema(summary="班子成员", description="调用者可见范围内党组织的任职记录；?org= 按党组织筛选，?current=true 仅现任。"))
@extend_schema(tags=["班子和换届"])
class PostHoldingViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """任职记录, read-only."""

    serializer_class = PostHoldingSerializer
    filterset_class = PostHoldingFilterSet

    def get_queryset(self) -> QuerySet[PostHolding]:
        return queries.holdings_visible_to(self.request.user, "view").select_related("member").order_by(
            "org__path", "post", "-starts_on"
        )
