"""REST API for compliance: per-org statuses for a year and the roll-up of rates, scoped exactly like the pages.

Both read from dangjian.orglife.compliance (the single source); the root org must lie in the caller's view scope
(404 otherwise, the same answer as a missing org). Dates and period keys are ISO (2025-01, 2025-Q1, 2025).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.core.measures import PeriodNotSupported
from dangjian.core.scoping import get_for_user, require, scope_for
from dangjian.orglife import compliance, talks
from dangjian.orgs.models import Organization

PAGE_SIZE = 50


class ComplianceQuerySerializer(serializers.Serializer):
    """Query parameters: the subtree root, the year, and which rule periods to include."""

    org = serializers.IntegerField(required=False, help_text="子树根党组织编号；缺省为调用者管理范围的第一个根")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text="年度；缺省为今年")
    period = serializers.ChoiceField(
        choices=[(compliance.MONTH, "每月"), (compliance.QUARTER, "每季度"), (compliance.YEAR, "每年")],
        required=False, help_text="只含该周期的规则（按月、按季度或按年）；缺省为全部",
    )
    page = serializers.IntegerField(required=False, min_value=1, help_text="页码，每页50个党组织")


class CellSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="周期：2025-01、2025-Q1 或 2025")
    start = serializers.DateField()
    end = serializers.DateField()
    status = serializers.CharField(
        help_text="done 已完成、overdue 逾期未开、due_soon 即将到期、open 进行中、future 未开始、not_applicable 不适用"
    )
    status_display = serializers.CharField()
    count = serializers.IntegerField(help_text="已提交的记录数")


class OrgStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    has_committee = serializers.BooleanField()
    kinds = serializers.DictField(child=CellSerializer(many=True), help_text="按组织生活类型的各周期状态")


class RateSerializer(serializers.Serializer):
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    applicable = serializers.IntegerField(help_text="应开展的组织数")
    done = serializers.IntegerField(help_text="已开展的组织数")
    rate = serializers.FloatField(allow_null=True)


class LevelSerializer(serializers.Serializer):
    depth = serializers.IntegerField(help_text="组织层级（1为根）")
    name = serializers.CharField(help_text="层级名称，按该层被统计的组织及其上级命名，如“机关党委直属党支部”“党总支下属党支部”“党小组”")
    applicable = serializers.IntegerField()
    done = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class TalkCoverageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    committee = serializers.IntegerField(help_text="在任支委人数")
    roll = serializers.IntegerField(help_text="党员人数")
    owed = serializers.IntegerField(help_text="应谈对数")
    covered = serializers.IntegerField(help_text="已谈对数")
    talks = serializers.IntegerField(help_text="登记的谈话次数")
    rate = serializers.IntegerField(allow_null=True, help_text="完成率（%）")
    status = serializers.CharField(help_text="done、overdue、due_soon、open、future、not_applicable（无支委）")
    status_display = serializers.CharField()


def _cell(cell: compliance.Cell) -> dict[str, Any]:
    """One matrix cell as JSON: ISO period key and dates, the status code and its Chinese label."""
    p = cell.period
    return {"period": p.key, "start": p.start.isoformat(), "end": p.end.isoformat(), "status": cell.status.value,
            "status_display": cell.status.label, "count": cell.count}


@extend_schema(tags=["组织生活落实情况"])
class ComplianceViewSet(viewsets.ViewSet):
    """组织生活落实情况 (no model of its own: everything is computed from the meeting records)."""

    list_answers_one_object = True  # documented as one object, not an array

    def _params(self, request: Request) -> tuple[Organization, dict[str, Any]]:
        """Validated query parameters (400 with field errors) and the root org, 404 outside the view scope."""
        query = ComplianceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        scope = scope_for(request.user)
        if not scope.view_roots:
            raise NotFound()
        orgs = Organization.objects.get_queryset()
        if "org" in params:
            root = get_for_user(orgs, request.user, "view", pk=params["org"])
        else:
            root = orgs.filter(path=sorted(scope.view_roots)[0]).get()
        require(request.user, root.path, "view", root)
        params.setdefault("year", timezone.localdate().year)
        return root, params

    @extend_schema(
        summary="各党组织组织生活落实状态",
        description="子树内须开展组织生活的党组织（党支部、党小组），每页50个；每个组织按类型列出该年度各周期的状态"
                    "（done 已完成、overdue 逾期未开、due_soon 即将到期、open 进行中、future 未开始、"
                    "not_applicable 不适用）。",
        parameters=[ComplianceQuerySerializer],
        responses=inline_serializer("CompliancePage", {
            "count": serializers.IntegerField(), "page": serializers.IntegerField(),
            "num_pages": serializers.IntegerField(), "year": serializers.IntegerField(),
            "results": OrgStatusSerializer(many=True),
        }),
    )
    def list(self, request: Request) -> Response:
        """Per-org statuses for a page of orgs, from compliance.matrix."""
        root, params = self._params(request)
        today = timezone.localdate()
        config = compliance.load_config(today)
        kinds = [k for k in compliance.KINDS if "period" not in params or config.periods[k] == params["period"]]
        if not kinds:
            return Response({"count": 0, "page": 1, "num_pages": 1, "year": params["year"], "results": []})
        m = compliance.matrix(request.user, root, params["year"], kinds, params.get("page", 1), PAGE_SIZE, today,
                              config)
        results = [
            {"id": row.org.pk, "name": row.org.name, "kind": row.org.kind, "has_committee": row.has_committee,
             "kinds": {k: [_cell(c) for c in cells] for k, cells in row.cells.items()}}
            for row in m.rows
        ]
        return Response({"count": m.page.paginator.count, "page": m.page.number,
                         "num_pages": m.page.paginator.num_pages, "year": params["year"], "results": results})

    @extend_schema(
        summary="组织生活落实率",
        description="子树内按类型和周期的落实率（已开展组织数÷应开展组织数），以及按组织层级汇总的已结束周期落实率"
                    "（指标 orglife.meetings.rate 的汇总）。尚未开始的年度答400。",
        parameters=[ComplianceQuerySerializer],
        responses=inline_serializer("ComplianceRollup", {
            "org": serializers.IntegerField(), "year": serializers.IntegerField(),
            "by_kind": serializers.DictField(child=RateSerializer(many=True)),
            "by_level": LevelSerializer(many=True),
        }),
    )
    @action(detail=False)
    def rollup(self, request: Request) -> Response:
        """Rates by kind, period and tree level: the summary of the measure orglife.meetings.rate."""
        root, params = self._params(request)
        today = timezone.localdate()
        config = compliance.load_config(today)
        kinds = [k for k in compliance.KINDS if "period" not in params or config.periods[k] == params["period"]]
        try:
            # The summary of the measure orglife.meetings.rate, narrowed to the kinds of one rule period.
            r = compliance.rollup(request.user, root, params["year"], kinds or compliance.KINDS)
        except PeriodNotSupported as error:
            raise ValidationError({"year": [str(error)]}) from error
        return Response({
            "org": root.pk, "year": params["year"],
            "by_kind": {
                kind: [{"period": c.period.key, "start": c.period.start.isoformat(), "end": c.period.end.isoformat(),
                        "applicable": c.applicable, "done": c.done, "rate": c.rate} for c in cells]
                for kind, cells in r.by_kind.items()
            },
            "by_level": [{"depth": lv.depth, "name": lv.label, "applicable": lv.applicable, "done": lv.done, "rate": lv.rate}
                         for lv in r.by_level],
        })

    @extend_schema(
        summary="谈心谈话落实情况",
        description="子树内各党支部该年度谈心谈话的应谈对数（支委之间、支委和党员之间）、已谈对数、完成率和状态，"
                    "每页50个党支部。只有统计数字，不含谈话记录。",
        parameters=[ComplianceQuerySerializer],
        responses=inline_serializer("TalkCoveragePage", {
            "count": serializers.IntegerField(), "page": serializers.IntegerField(),
            "num_pages": serializers.IntegerField(), "year": serializers.IntegerField(),
            "results": TalkCoverageSerializer(many=True),
        }),
    )
    @action(detail=False)
    def talks(self, request: Request) -> Response:
        """Pair coverage per branch: the registered measure orglife.talks.coverage for the page's branches."""
        root, params = self._params(request)
        page = Paginator(talks.branches(request.user, root, params["year"]), PAGE_SIZE).get_page(params.get("page", 1))
        rows = talks.coverage_of(list(page.object_list), params["year"])
        return Response({
            "count": page.paginator.count, "page": page.number, "num_pages": page.paginator.num_pages,
            "year": params["year"],
            "results": [{"id": r.org.pk, "name": r.org.name, "committee": r.committee, "roll": r.roll, "owed": r.owed,
                         "covered": r.covered, "talks": r.talks, "rate": r.rate, "status": r.status.value,
                         "status_display": r.status.label} for r in rows],
        })
