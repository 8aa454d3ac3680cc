"""REST API of 民主评议党员: the routes this app adds to /api/v1/ (dangjian.api.urls registers them).

Scoped exactly like the pages: lists through `visible_to(user)` (a plain 党员 sees only their own confirmed
results), single records through `get_for_user` (404 for missing and forbidden alike), every write through
dangjian.appraisal.actions, whose ValidationError becomes a 400 with Chinese field errors. The 1/3 优秀 rule
is reported as a warning (`excellent.over`, `excellent.message`), never as an error. Scans of 处置 decisions are
uploaded on the pages (the API takes JSON only). There is no delete: records are kept.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.appraisal import actions, rules, stats
from dangjian.appraisal.choices import FollowUpKind, FollowUpOutcome, Rating, RoundStatus
from dangjian.appraisal.filters import FollowUpFilter, ResultFilter, RoundFilter
from dangjian.appraisal.models import AppraisalResult, AppraisalRound, FollowUp
from dangjian.core.api import ScopedRelatedField, ScopedViewSetMixin, StrictSerializerMixin
from dangjian.core.filters import YEAR_MAX, YEAR_MIN
from dangjian.core.scoping import get_for_user, scope_for
from dangjian.orgs.models import Organization

#
# Serializers
#


def choice(choices: list[tuple[str, Any]], **kwargs: Any) -> serializers.ChoiceField:
    """A choice field described inline in the schema (a pattern of its values, their labels), not as an enum:
    drf-spectacular lifts every enum into a component named after the field, and the generic names this app's
    fields share with other apps' (kind, outcome, rating) would collide there."""
    pattern = "^(" + "|".join(value for value, _label in choices) + ")$"
    labels = "；".join(f"{value or '（空）'}={label}" for value, label in choices)
    field_class = extend_schema_field({"type": "string", "pattern": pattern, "description": f"取值：{labels}"})(
        type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


RATINGS = list(Rating.choices)
RATINGS_OR_BLANK = [("", "未填"), *Rating.choices]


class ExcellentCheckSerializer(serializers.Serializer):
    """优秀比例提示：超过时 over 为 true，仅为提示，不影响确认。"""

    excellent = serializers.IntegerField(help_text="评定为优秀的人数")
    total = serializers.IntegerField(help_text="参加评议党员总数")
    cap = serializers.IntegerField(help_text="比例内至多人数")
    share = serializers.CharField(help_text="比例上限（规则参数 appraisal.excellent_max_share）")
    over = serializers.BooleanField()
    message = serializers.CharField()


def _check_data(check: rules.ExcellentCheck) -> dict[str, Any]:
    return {"excellent": check.excellent, "total": check.total, "cap": check.cap, "share": check.share,
            "over": check.over, "message": check.message}


class RoundSerializer(serializers.ModelSerializer):
    """民主评议党员（每个党支部每年一次）。"""

    org_name = serializers.CharField(source="org.name", read_only=True)
    status = choice(list(RoundStatus.choices), read_only=True)
    counts = serializers.SerializerMethodField(help_text="各等次人数（含未评定 unrated）")
    excellent = serializers.SerializerMethodField()

    class Meta:
        model = AppraisalRound
        fields = ["id", "org", "org_name", "year", "held_on", "meeting", "participants", "note", "status",
                  "confirmed_at", "counts", "excellent"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))  # type: ignore[misc]
    def get_counts(self, obj: AppraisalRound) -> dict[str, int]:
        if hasattr(obj, "n_appraised"):
            found = {v: getattr(obj, f"n_{v}") for v in Rating.values}
            total = obj.n_appraised
        else:
            rows = dict(obj.results.values_list("rating").annotate(n=Count("id")).order_by())
            found = {v: rows.get(v, 0) for v in Rating.values}
            total = sum(rows.values())
        return {**found, "unrated": total - sum(found.values())}

    @extend_schema_field(ExcellentCheckSerializer)  # type: ignore[misc]
    def get_excellent(self, obj: AppraisalRound) -> dict[str, Any]:
        counts = self.get_counts(obj)
        total = sum(counts.values())
        shares: dict[int, Any] = self.context.setdefault("shares", {})  # one rule read per year, not per row
        if obj.year not in shares:
            shares[obj.year] = stats.share_for(obj.year)
        return _check_data(rules.check_excellent(counts[Rating.EXCELLENT], total, shares[obj.year]))


class RoundInputSerializer(StrictSerializerMixin, serializers.Serializer):
    """登记民主评议（草稿）。评议名单按评议日期当天党支部的在册党员生成；可关联“民主评议党员”会议记录。"""

    org = ScopedRelatedField(model=Organization, label="党支部", help_text="党支部编号")
    held_on = serializers.DateField(required=False, allow_null=True, help_text="评议日期；关联会议时可不填")
    year = serializers.IntegerField(required=False, allow_null=True, help_text="评议年度；不填取评议日期所在年度")
    meeting = serializers.IntegerField(required=False, allow_null=True, help_text="民主评议党员会议记录编号")
    participants = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                            help_text="参加民主测评人数；关联会议时可不填")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class RoundUpdateSerializer(RoundInputSerializer):
    """修改草稿（只改提交的字段）。"""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["org"]


class RoundCorrectSerializer(StrictSerializerMixin, serializers.Serializer):
    """更正已确认的民主评议：参加人数、说明、关联会议；须填写原因。"""

    participants = serializers.IntegerField(required=False, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    meeting = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=100)


class ResultSerializer(serializers.ModelSerializer):
    """一名党员的评议结果：个人自评、党员互评、民主测评票数、评定等次。"""

    member_name = serializers.CharField(source="member.name", read_only=True)
    year = serializers.IntegerField(source="round.year", read_only=True)
    org = serializers.IntegerField(source="round.org_id", read_only=True)
    self_rating = choice(RATINGS_OR_BLANK, read_only=True)
    rating = choice(RATINGS_OR_BLANK, read_only=True)

    class Meta:
        model = AppraisalResult
        fields = ["id", "round", "year", "org", "member", "member_name", "self_rating", "peer_opinion",
                  "votes_excellent", "votes_qualified", "votes_basic", "votes_unqualified", "rating", "reason"]
        read_only_fields = fields


class ResultEntrySerializer(StrictSerializerMixin, serializers.Serializer):
    member = serializers.IntegerField(help_text="党员编号（须在评议名单上）")
    self_rating = choice(RATINGS_OR_BLANK, required=False, allow_blank=True)
    peer_opinion = serializers.CharField(required=False, allow_blank=True, max_length=500)
    votes_excellent = serializers.IntegerField(required=False, min_value=0)
    votes_qualified = serializers.IntegerField(required=False, min_value=0)
    votes_basic = serializers.IntegerField(required=False, min_value=0)
    votes_unqualified = serializers.IntegerField(required=False, min_value=0)
    rating = choice(RATINGS_OR_BLANK, required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text="评定意见")


class ResultsInputSerializer(StrictSerializerMixin, serializers.Serializer):
    """评议表：只更新所列党员、所列字段。"""

    entries = ResultEntrySerializer(many=True)


class ResultsResponseSerializer(serializers.Serializer):
    results = ResultSerializer(many=True)
    excellent = ExcellentCheckSerializer()


class ResultCorrectSerializer(StrictSerializerMixin, serializers.Serializer):
    """更正已确认的评议结果；reason 为更正原因，opinion 为评定意见。"""

    self_rating = choice(RATINGS_OR_BLANK, required=False, allow_blank=True)
    peer_opinion = serializers.CharField(required=False, allow_blank=True, max_length=500)
    votes_excellent = serializers.IntegerField(required=False, min_value=0)
    votes_qualified = serializers.IntegerField(required=False, min_value=0)
    votes_basic = serializers.IntegerField(required=False, min_value=0)
    votes_unqualified = serializers.IntegerField(required=False, min_value=0)
    rating = choice(RATINGS, required=False)
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text="评定意见")
    reason = serializers.CharField(max_length=100, help_text="更正原因")


class FollowUpSerializer(serializers.ModelSerializer):
    """不合格党员的组织处置。结果为空表示进行中。"""

    member = serializers.IntegerField(source="result.member_id", read_only=True)
    member_name = serializers.CharField(source="result.member.name", read_only=True)
    year = serializers.IntegerField(source="result.round.year", read_only=True)
    kind = choice(list(FollowUpKind.choices), read_only=True)
    outcome = choice([("", "进行中"), *FollowUpOutcome.choices], read_only=True)
    has_scan = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = ["id", "result", "member", "member_name", "year", "kind", "decided_on", "doc_no", "deadline", "note",
                  "outcome", "closed_on", "outcome_note", "member_event", "has_scan"]
        read_only_fields = fields

    def get_has_scan(self, obj: FollowUp) -> bool:
        return bool(obj.scan)


class FollowUpInputSerializer(StrictSerializerMixin, serializers.Serializer):
    """登记组织处置：限期改正须填改正期限（晚于决定日期）；劝退、除名须填文号和理由；除名同时登记出党（除名）。"""

    result = ScopedRelatedField(model=AppraisalResult, label="评议结果", help_text="评议结果编号")
    kind = choice(list(FollowUpKind.choices))
    decided_on = serializers.DateField()
    deadline = serializers.DateField(required=False, allow_null=True)
    doc_no = serializers.CharField(required=False, allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class FollowUpCloseSerializer(StrictSerializerMixin, serializers.Serializer):
    """登记处置结果：限期改正为已改正/逾期未改正（期限届满后）；劝退为接受劝退（登记出党）/劝而不退。"""

    outcome = choice([c for c in FollowUpOutcome.choices if c[0] != FollowUpOutcome.REMOVED])
    closed_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class SummarySerializer(serializers.Serializer):
    """党内统计：民主评议党员情况（已确认的民主评议）。"""

    org = serializers.IntegerField()
    year = serializers.IntegerField()
    branches = serializers.IntegerField(help_text="有在册党员的党支部")
    held = serializers.IntegerField(help_text="已确认民主评议的党支部")
    drafts = serializers.IntegerField(help_text="尚未确认的民主评议")
    appraised = serializers.IntegerField(help_text="参加评议的党员")
    participants = serializers.IntegerField(help_text="参加民主测评人数")
    by_rating = serializers.DictField(child=serializers.IntegerField())
    unqualified = serializers.IntegerField()
    handled = serializers.IntegerField(help_text="已作出组织处置的不合格党员")
    unqualified_pending = serializers.IntegerField(help_text="尚未作出组织处置的不合格党员")
    followups = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    left = serializers.IntegerField(help_text="因组织处置出党")
    over_share = serializers.IntegerField(help_text="优秀比例超过规定的党支部")


#
# Views
#


def _counted(queryset: Any) -> Any:
    counts = {f"n_{v}": Count("results", filter=Q(results__rating=v)) for v in Rating.values}
    return queryset.select_related("org").annotate(n_appraised=Count("results"), **counts)


@extend_schema_view(
    list=extend_schema(summary="民主评议党员列表", description="筛选项与页面相同（appraisal.filters）。"),
    retrieve=extend_schema(summary="民主评议党员详情", description="不在调用者范围内的与不存在的同样返回 404。"),
    create=extend_schema(summary="登记民主评议（草稿）", request=RoundInputSerializer, responses={201: RoundSerializer}),
    partial_update=extend_schema(summary="修改草稿", request=RoundUpdateSerializer, responses=RoundSerializer),
)
@extend_schema(tags=["民主评议党员"])
class AppraisalRoundViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    serializer_class = RoundSerializer
    filterset_class = RoundFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[AppraisalRound]:
        return _counted(AppraisalRound.objects.visible_to(self.request.user, self.scope_action)).order_by("-year", "org__path")

    def _read(self, appraisal: AppraisalRound) -> Any:
        return RoundSerializer(self.get_queryset().get(pk=appraisal.pk), context=self.get_serializer_context()).data

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = {k: v for k, v in self.validated(RoundInputSerializer).items() if v is not None}
        org = data.pop("org")
        appraisal = actions.create_round(actor=request.user, org=org, data=data)
        return Response(self._read(appraisal), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        appraisal = self.get_object()
        form = RoundUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        appraisal = actions.update_round(appraisal, actor=request.user, data=dict(form.validated_data))
        return Response(self._read(appraisal))

    @extend_schema(methods=["GET"], summary="评议表（评议名单与已填写的结果）", responses=ResultsResponseSerializer)
    @extend_schema(methods=["POST"], summary="填写评议表（草稿）", request=ResultsInputSerializer,
                   responses=ResultsResponseSerializer,
                   description="只更新所列党员；名单以外的党员、超过参加人数的票数被拒绝；优秀超过1/3只提示。")
    @action(detail=True, methods=["get", "post"])
    def results(self, request: Request, pk: str) -> Response:
        appraisal = self.get_object()
        if request.method == "POST":
            entries = self.validated(ResultsInputSerializer)["entries"]
            check = actions.set_results(appraisal, actor=request.user, entries=[dict(e) for e in entries])
        else:
            check = actions.excellent_check(appraisal)
        rows = appraisal.results.select_related("member", "round").order_by("member__name_pinyin", "member_id")
        return Response({"results": ResultSerializer(rows, many=True).data, "excellent": _check_data(check)})

    @extend_schema(summary="确认评议结果", request=None, responses=RoundSerializer,
                   description="须每人都已评定等次；确认后只能更正并填写原因。优秀超过1/3不影响确认（见 excellent）。")
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        appraisal = actions.get_round_for_user(request.user, pk, "change")
        actions.confirm_round(appraisal, actor=request.user)
        return Response(self._read(appraisal))

    @extend_schema(summary="更正已确认的民主评议", request=RoundCorrectSerializer, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        appraisal = actions.get_round_for_user(request.user, pk, "change")
        data = self.validated(RoundCorrectSerializer)
        reason = data.pop("reason")
        actions.correct_round(appraisal, actor=request.user, data=data, reason=reason)
        return Response(self._read(appraisal))


@extend_schema_view(
    list=extend_schema(summary="评议结果列表", description="管理范围内的评议结果；普通党员为本人已确认的结果。"),
    retrieve=extend_schema(summary="评议结果详情"),
)
@extend_schema(tags=["民主评议党员"])
class AppraisalResultViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ResultSerializer
    filterset_class = ResultFilter

    def get_queryset(self) -> QuerySet[AppraisalResult]:
        return (AppraisalResult.objects.visible_to(self.request.user, self.scope_action)
                .select_related("member", "round").order_by("-round__year", "round_id", "member__name_pinyin"))

    @extend_schema(summary="更正评议结果", request=ResultCorrectSerializer, responses=ResultSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        result = actions.get_result_for_user(request.user, pk, "change")
        data = self.validated(ResultCorrectSerializer)
        reason = data.pop("reason")
        if "opinion" in data:
            data["reason"] = data.pop("opinion")
        result = actions.correct_result(result, actor=request.user, data=data, reason=reason)
        return Response(ResultSerializer(result).data)


@extend_schema_view(
    list=extend_schema(summary="不合格党员组织处置列表", description=(
        "筛选项与页面相同（appraisal.filters）。状态请用 state；open=true/false 为原有参数，同 state=open/closed。")),
    retrieve=extend_schema(summary="组织处置详情"),
    create=extend_schema(summary="登记组织处置", request=FollowUpInputSerializer, responses={201: FollowUpSerializer},
                         description="扫描件请在页面上传。除名同时登记该党员出党（除名）。"),
)
@extend_schema(tags=["民主评议党员"])
class FollowUpViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet,
):
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter

    def get_queryset(self) -> QuerySet[FollowUp]:
        return (FollowUp.objects.visible_to(self.request.user, self.scope_action)
                .select_related("result__member", "result__round").order_by("-decided_on", "-id"))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(FollowUpInputSerializer)
        result = data.pop("result")
        followup = actions.record_followup(result, actor=request.user, data=data)
        return Response(FollowUpSerializer(followup).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="登记处置结果", request=FollowUpCloseSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        followup = self.get_object()
        followup = actions.close_followup(followup, actor=request.user, **self.validated(FollowUpCloseSerializer))
        return Response(FollowUpSerializer(followup).data)


@extend_schema(tags=["民主评议党员"])
class AppraisalSummaryViewSet(viewsets.ViewSet):
    """党内统计（民主评议党员情况）：一个党组织（含下级）一个年度。"""

    list_answers_one_object = True  # documented as one object, not an array

    @extend_schema(
        summary="民主评议党员统计", responses=SummarySerializer,
        parameters=[OpenApiParameter("org", OpenApiTypes.INT, required=False, description="党组织（默认调用者的管理范围）"),
                    OpenApiParameter("year", {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
                                     required=False, description="年度（默认上一年度）")],
    )
    def list(self, request: Request) -> Response:
        user: Any = request.user
        scope = scope_for(user)
        if not scope.view_roots:
            raise NotFound()
        raw_year = request.query_params.get("year") or str(timezone.localdate().year - 1)
        if not raw_year.isdigit() or not YEAR_MIN <= int(raw_year) <= YEAR_MAX:
            raise ValidationError({"year": [f"年度应为{YEAR_MIN}至{YEAR_MAX}之间的整数"]})
        year = int(raw_year)
        try:
            org_pk = request.query_params.get("org")
            org = (get_for_user(Organization.objects.get_queryset(), user, "view", pk=int(org_pk)) if org_pk
                   else Organization.objects.get(path=scope.view_roots[0]))
        except (ValueError, Organization.DoesNotExist) as exc:
            raise NotFound() from exc
        if not scope.covers(org.path, "view"):
            raise NotFound()
        s = stats.summary(org, year)
        return Response(SummarySerializer({
            "org": org.pk, "year": year, "branches": s.branches, "held": s.held, "drafts": s.drafts,
            "appraised": s.appraised, "participants": s.participants, "by_rating": s.by_rating,
            "unqualified": s.unqualified, "handled": s.handled, "unqualified_pending": s.unqualified_pending,
            "followups": s.followups, "left": s.left, "over_share": s.over_share,
        }).data)


# (prefix, viewset, basename) for each route of this app.
ROUTES: list[tuple[str, Any, str]] = [
    ("appraisal/rounds", AppraisalRoundViewSet, "appraisal-round"),
    ("appraisal/results", AppraisalResultViewSet, "appraisal-result"),
    ("appraisal/followups", FollowUpViewSet, "appraisal-followup"),
    ("appraisal/summary", AppraisalSummaryViewSet, "appraisal-summary"),
]
