"""REST API of 党费 (the mobile 支部工作 app records collections here): bases, payments, the arrears list and the
remittance summary, under /api/v1/ (dangjian.api.urls registers ROUTES).

Scoped exactly like the pages: lists read through `visible_to` (a plain 党员 sees their own rows), the summary's
root must lie in the caller's view scope (404 otherwise), and every write goes through dangjian.dues.actions,
whose ValidationError becomes a 400 with Chinese field errors. Amounts are decimal strings, months "YYYY-MM".
There is no delete: a mistaken payment is revoked on the pages with a reason.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.core.api import ScopedRelatedField, ScopedViewSetMixin, StrictSerializerMixin
from dangjian.core.filters import IdFilter, StrictBooleanFilter
from dangjian.core.scoping import subtree_q
from dangjian.dues import actions, calc, ledgers, remittance
from dangjian.dues.choices import Basis, PaymentMethod
from dangjian.dues.measures import arrears_of
from dangjian.dues.models import DuesBase, DuesPayment
from dangjian.members.models import Member
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import default_root, get_org_for_user

MONTH_HELP = "月份，格式 YYYY-MM"


class MonthField(serializers.CharField):
    """A month as "YYYY-MM" in and out."""

    def to_representation(self, value: Any) -> str:
        return f"{value:%Y-%m}"

    def to_internal_value(self, data: Any) -> Any:  # type: ignore[override]
        month = calc.parse_month(str(data))
        if month is None:
            raise serializers.ValidationError("请按“年-月”填写，例如 2025-06")
        return month


class OrgPrefixFilter(django_filters.FilterSet):
    """org (its whole subtree) and member."""

    org = IdFilter(method="filter_org", label="党组织（含下级）")
    member = IdFilter(field_name="member_id", label="党员编号")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def filter_org(self, queryset: Any, name: str, value: Any) -> Any:
        org = Organization.objects.visible_to(self.user).filter(pk=int(value)).first()
        field = "org__path" if queryset.model is DuesPayment else "member__org__path"
        return queryset.filter(subtree_q(org.path, field)) if org is not None else queryset.none()


class BaseFilter(OrgPrefixFilter):
    current = StrictBooleanFilter(field_name="month_to", lookup_expr="isnull", label="只看当前有效的基数")

    class Meta:
        model = DuesBase
        fields: list[str] = []


class PaymentFilter(OrgPrefixFilter):
    month = django_filters.CharFilter(method="filter_month", label=MONTH_HELP)

    class Meta:
        model = DuesPayment
        fields: list[str] = []

    def filter_month(self, queryset: Any, name: str, value: Any) -> Any:
        month = calc.parse_month(value)
        return queryset.filter(month=month) if month else queryset.none()


# --- bases ------------------------------------------------------------------------------------------------------


class BaseSerializer(serializers.ModelSerializer):
    """党费基数：从起始月份起有效，至截止月份（空为至今）。比例与每月应交由系统按规则计算。"""

    month_from = MonthField(help_text=MONTH_HELP)
    month_to = MonthField(allow_null=True, help_text="截止月份；空为至今有效")
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = DuesBase
        fields = ["id", "member", "member_name", "month_from", "month_to", "basis", "income", "fixed_amount", "rate",
                  "amount", "quarterly", "note"]
        read_only_fields = fields


class BaseInputSerializer(StrictSerializerMixin, serializers.Serializer):
    """设置党费基数。工资变化从按新工资标准领取的当月起；同一起始月份再次设置即更正。"""

    member = ScopedRelatedField(model=Member, label="党员")
    month_from = MonthField(help_text=MONTH_HELP)
    basis = serializers.ChoiceField(choices=Basis.choices)
    income = serializers.CharField(required=False, allow_null=True, allow_blank=True,
                                   help_text="计算基数（元/月，字符串，最多两位小数）")
    fixed_amount = serializers.CharField(required=False, allow_null=True, allow_blank=True,
                                         help_text="农民党员每月交纳金额（0.2—1元）")
    quarterly = serializers.BooleanField(required=False, default=False, help_text="经党支部同意按季度交纳")
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


@extend_schema_view(
    list=extend_schema(summary="党费基数列表", description="调用者可见的党员的基数（普通党员为本人）。"),
    retrieve=extend_schema(summary="党费基数详情"),
    create=extend_schema(summary="设置党费基数", request=BaseInputSerializer, responses={201: BaseSerializer}),
)
@extend_schema(tags=["党费"])
class BaseViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    serializer_class = BaseSerializer
    filterset_class = BaseFilter

    def get_queryset(self) -> QuerySet[DuesBase]:
        return (DuesBase.objects.visible_to(self.request.user, self.scope_action).select_related("member")
                .order_by("member_id", "-month_from"))

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return BaseInputSerializer if self.action == "create" else BaseSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = BaseInputSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        member = data.pop("member")
        base = actions.set_base(actor=request.user, member=member, data=data)
        return Response(BaseSerializer(base).data, status=status.HTTP_201_CREATED)


# --- payments ---------------------------------------------------------------------------------------------------


class PaymentSerializer(serializers.ModelSerializer):
    month = MonthField(help_text=MONTH_HELP)
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = DuesPayment
        fields = ["id", "member", "member_name", "org", "month", "due", "amount", "paid_on", "method", "reason"]
        read_only_fields = fields


class PaymentInputSerializer(StrictSerializerMixin, serializers.Serializer):
    """登记党费交纳：一个或多个月份（按季度、补交或预交）；每月实交金额不填按应交，不符须填原因。
    党员本人只能登记自己的自助交纳（method=self）。"""

    member = ScopedRelatedField(model=Member, action="view", label="党员")
    months = serializers.ListField(child=MonthField(), allow_empty=False, help_text="所属月份列表（YYYY-MM）")
    amount = serializers.CharField(required=False, allow_null=True, allow_blank=True,
                                   help_text="每月实交金额（元，字符串）；不填按应交")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    paid_on = serializers.DateField(required=False, help_text="交纳日期，缺省为今天")
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False, default=PaymentMethod.BRANCH)


@extend_schema_view(
    list=extend_schema(summary="党费交纳记录", description="按收缴党支部划定范围；普通党员为本人的记录。"),
    retrieve=extend_schema(summary="党费交纳记录详情"),
    create=extend_schema(summary="登记党费交纳", request=PaymentInputSerializer,
                         responses={201: PaymentSerializer(many=True)}),
)
@extend_schema(tags=["党费"])
class PaymentViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter

    def get_queryset(self) -> QuerySet[DuesPayment]:
        return (DuesPayment.objects.visible_to(self.request.user, self.scope_action).select_related("member")
                .order_by("-month", "member_id"))

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return PaymentInputSerializer if self.action == "create" else PaymentSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = PaymentInputSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        d = form.validated_data
        made = actions.record_payments(actor=request.user, member=d["member"], months=d["months"],
                                       amount=d.get("amount") or None, reason=d.get("reason", ""),
                                       paid_on=d.get("paid_on"), method=d["method"])
        return Response(PaymentSerializer(made, many=True).data, status=status.HTTP_201_CREATED)


# --- arrears and summary ----------------------------------------------------------------------------------------


class RootQuerySerializer(serializers.Serializer):
    org = serializers.IntegerField(required=False, help_text="子树根党组织编号；缺省为调用者管理范围的第一个根")
    month = serializers.CharField(required=False, help_text="统计月份 YYYY-MM；缺省为本月")
    page = serializers.IntegerField(required=False, min_value=1)


def _root(request: Request) -> tuple[Organization, dict[str, Any]]:
    query = RootQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    params = dict(query.validated_data)
    if "org" in params:
        return get_org_for_user(request.user, params["org"]), params
    root = default_root(request.user)
    if root is None:
        raise NotFound()
    return root, params


class ArrearsRowSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    org = serializers.IntegerField()
    org_name = serializers.CharField()
    months = serializers.IntegerField(help_text="连续欠缴月数")
    level = serializers.CharField(help_text="warned 欠缴提醒、flagged 连续欠缴6个月")
    last_paid = serializers.CharField(allow_null=True, help_text="最后交纳的月份")
    quarterly = serializers.BooleanField()


class SummaryRowSerializer(serializers.Serializer):
    org = serializers.IntegerField()
    name = serializers.CharField()
    members = serializers.IntegerField(help_text="在册党员")
    based = serializers.IntegerField(help_text="已设基数")
    due = serializers.CharField(help_text="应交（元）")
    paid_count = serializers.IntegerField()
    collected = serializers.CharField(help_text="实交（元）")
    warned = serializers.IntegerField()
    flagged = serializers.IntegerField()


def _summary_row(r: remittance.SummaryRow) -> dict[str, Any]:
    return {"org": r.org.pk, "name": r.org.name, "members": r.members, "based": r.based, "due": f"{r.due:.2f}",
            "paid_count": r.paid_count, "collected": f"{r.collected:.2f}", "warned": r.warned, "flagged": r.flagged}


@extend_schema(tags=["党费"])
class DuesArrearsViewSet(viewsets.ViewSet):
    """欠缴名单 (no model of its own: computed from bases and payments)."""

    list_answers_one_object = True  # documented as one object, not an array

    @extend_schema(
        summary="党费欠缴名单",
        description="子树内连续欠缴3个月以上的党员（连续6个月的标记为 flagged），每页20人；按月交纳的计至上月，"
                    "按季度交纳的计至上一个已结束的季度。",
        parameters=[RootQuerySerializer],
        responses=inline_serializer("DuesArrearsPage", {
            "count": serializers.IntegerField(), "results": ArrearsRowSerializer(many=True)}),
    )
    def list(self, request: Request) -> Response:
        root, params = _root(request)
        today = timezone.localdate()
        config = calc.load_config(today)
        queryset = ledgers.arrears_rows(root.path, today, config).filter(
            member__in=Member.objects.visible_to(request.user).values("pk"))
        page = params.get("page", 1)
        count = queryset.count()
        bases = list(queryset[(page - 1) * 20: page * 20])
        rows = [{"member": r.member.pk, "name": r.member.name, "org": r.member.org_id, "org_name": r.member.org.name,
                 "months": r.months, "level": r.level, "quarterly": r.quarterly,
                 "last_paid": f"{r.last_paid:%Y-%m}" if r.last_paid else None}
                for r in arrears_of(bases, today)]
        return Response({"count": count, "results": rows})


@extend_schema(tags=["党费"])
class DuesSummaryViewSet(viewsets.ViewSet):
    """上缴汇总: the month's figures for each child of the root over its subtree."""

    list_answers_one_object = True  # documented as one object, not an array

    @extend_schema(
        summary="党费上缴汇总",
        description="根党组织的每个下级（及根本级）的在册党员、已设基数、应交、已交人数、实交、欠缴人数；逐级下钻传 org。",
        parameters=[RootQuerySerializer],
        responses=inline_serializer("DuesSummary", {
            "org": serializers.IntegerField(), "month": serializers.CharField(), "total": SummaryRowSerializer(),
            "rows": SummaryRowSerializer(many=True)}),
    )
    def list(self, request: Request) -> Response:
        root, params = _root(request)
        today = timezone.localdate()
        month = calc.month_start(today)
        if params.get("month"):
            parsed = calc.parse_month(params["month"])
            if parsed is None:
                raise serializers.ValidationError({"month": ["请按“年-月”填写，例如 2025-06"]})
            month = parsed
        result = remittance.summary(request.user, root, month, today, calc.load_config(today))
        return Response({"org": root.pk, "month": f"{month:%Y-%m}", "total": _summary_row(result.total),
                         "rows": [_summary_row(r) for r in result.rows]})


# (prefix, viewset, basename) for each route of this app.
ROUTES: list[tuple[str, Any, str]] = [
    ("dues/bases", BaseViewSet, "dues-base"),
    ("dues/payments", PaymentViewSet, "dues-payment"),
    ("dues/arrears", DuesArrearsViewSet, "dues-arrears"),
    ("dues/summary", DuesSummaryViewSet, "dues-summary"),
]
