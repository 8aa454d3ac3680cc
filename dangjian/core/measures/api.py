"""/api/v1/measures/: the registry (what each key means) and a measure's values for the caller's visible orgs or
members under an org.

`GET /api/v1/measures/` lists every registered measure; `GET /api/v1/measures/<key>/?period=2026&org=<id>` gives
the values, a page of subjects at a time (the page's ids are taken first and the measure computed for those rows
only). Unknown key: 404. A period that cannot be read or computed: 400 with a field error on `period`. The org must
lie in the caller's view scope (404 otherwise, the same answer as a missing org); users without a view scope get
404.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.paginator import Paginator
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.core import measures
from dangjian.core.measures.subjects import name_field, subjects_under
from dangjian.core.scoping import get_for_user, require, scope_for
from dangjian.lib.periods import Period, PeriodError

PAGE_SIZE = 100


class MeasureSerializer(serializers.Serializer):
    """One registered measure."""

    key = serializers.CharField(help_text="指标键，如 orglife.meetings.rate")
    label = serializers.CharField(help_text="名称")  # type: ignore[assignment]  # a field, not Field.label
    unit = serializers.CharField(help_text="单位")
    higher_is_better = serializers.BooleanField(allow_null=True, help_text="方向：true 越高越好，false 越低越好")
    subject = serializers.ChoiceField(choices=[("org", "党组织"), ("member", "党员")], help_text="计算对象")
    rules = serializers.ListField(child=serializers.CharField(), help_text="依据的规则参数键")
    periods = serializers.ListField(child=serializers.CharField(), help_text="适用周期：year、half、quarter、month、custom")
    description = serializers.CharField(help_text="口径说明")


class MeasureQuerySerializer(serializers.Serializer):
    """Query parameters of a measure's values."""

    period = serializers.CharField(required=False, help_text="周期：2026、2026H1、2026Q2、2026-03 或 2026-01-01..2026-03-31；缺省为今年")
    org = serializers.IntegerField(required=False, help_text="党组织编号：计算其子树内调用者可见的对象；缺省为调用者管理范围的第一个根")
    page = serializers.IntegerField(required=False, min_value=1, help_text="页码，每页100个对象")


class ValueSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="党组织或党员编号")
    name = serializers.CharField()
    value = serializers.JSONField(help_text="取值：数字、是/否、小数（字符串），或比率 {done, owed, rate}")
    display = serializers.CharField(help_text="页面上的写法")


def _describe(measure: measures.Measure) -> dict[str, Any]:
    return {"key": measure.key, "label": measure.label, "unit": measure.unit,
            "higher_is_better": measure.higher_is_better, "subject": measure.subject, "rules": list(measure.rules),
            "periods": list(measure.periods), "description": measure.description}


@extend_schema(tags=["指标"])
class MeasureViewSet(viewsets.ViewSet):
    """指标 (no model: the registry lives in code, the values are computed from the records)."""

    lookup_field = "key"
    lookup_value_regex = r"[a-z0-9_]+(?:\.[a-z0-9_]+)+"

    def _require_reader(self, request: Request) -> None:
        if not scope_for(request.user).view_roots:
            raise NotFound()

    @extend_schema(summary="指标目录", description="系统登记的全部指标：键、名称、单位、方向、计算对象、依据规则和适用周期。",
                   responses=MeasureSerializer(many=True))
    def list(self, request: Request) -> Response:
        self._require_reader(request)
        return Response([_describe(m) for m in measures.all()])

    @extend_schema(
        summary="指标取值",
        description="某一周期内，所给党组织子树中调用者可见的党组织（或党员）的指标取值，每页100个；未知指标答404，"
                    "无法识别或无法计算的周期答400。",
        parameters=[MeasureQuerySerializer],
        responses=inline_serializer("MeasureValues", {
            "measure": MeasureSerializer(), "period": serializers.CharField(), "period_label": serializers.CharField(),
            "org": serializers.IntegerField(), "count": serializers.IntegerField(), "page": serializers.IntegerField(),
            "num_pages": serializers.IntegerField(), "results": ValueSerializer(many=True),
        }),
    )
    def retrieve(self, request: Request, key: str | None = None) -> Response:
        self._require_reader(request)
        try:
            measure = measures.get(key or "")
        except measures.UnknownMeasure as error:
            raise NotFound(str(error)) from error
        query = MeasureQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        today = timezone.localdate()
        try:
            period = Period.parse(params["period"]) if "period" in params else Period.year(today.year)
            measure.check(period, today)
        except (PeriodError, measures.PeriodNotSupported) as error:
            raise ValidationError({"period": [str(error)]}) from error
        orgs: Any = apps.get_model("orgs", "Organization").objects.get_queryset()
        scope = scope_for(request.user)
        if "org" in params:
            root = get_for_user(orgs, request.user, "view", pk=params["org"])
        else:
            root = orgs.filter(path=sorted(scope.view_roots)[0]).get()
        require(request.user, root.path, "view", root)
        subjects = subjects_under(measure, request.user, root.path)
        page = Paginator(subjects.values_list("pk", flat=True), PAGE_SIZE).get_page(params.get("page", 1))
        ids = list(page.object_list)
        rows = subjects.filter(pk__in=ids)
        values = measure(rows, period)
        names = dict(rows.values_list("pk", name_field(measure)))
        results = [{"id": pk, "name": str(names[pk]), "value": measures.plain(values[pk]),
                    "display": measures.shown(values[pk])} for pk in ids if pk in values]
        return Response({
            "measure": _describe(measure), "period": period.key, "period_label": period.label, "org": root.pk,
            "count": page.paginator.count, "page": page.number, "num_pages": page.paginator.num_pages,
            "results": results,
        })
