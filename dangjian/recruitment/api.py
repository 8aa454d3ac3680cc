"""REST API of 发展党员: applicants (list with the web list's filters, detail with the steps, register) and their
steps (list, detail, record the next one), under /api/v1/recruitment/.

Scoped like the pages: lists from `visible_to(user)`, single records through `get_for_user` (404 for missing and
forbidden alike), every write through dangjian.recruitment.actions, whose ValidationError becomes a 400 with
Chinese field errors. Personal data leaves only masked; 身份证号 and phone are write-only. Scans are uploaded
on the pages (the API takes JSON only). There is no delete.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.core.api import ScopedRelatedField, ScopedViewSetMixin, StrictSerializerMixin
from dangjian.core.filters import IdFilter
from dangjian.core.scoping import subtree_q
from dangjian.orgs.models import Organization
from dangjian.recruitment import actions
from dangjian.recruitment.filters import ApplicantFilter
from dangjian.recruitment.models import Applicant, ApplicantStatus, Step
from dangjian.recruitment.steps import STEP_CHOICES, Outcome

#
# Serializers
#


class StepSerializer(serializers.ModelSerializer):
    """发展党员的一个步骤：日期、经办人、培养联系人或入党介绍人、培训、表决、结论、提示（规则提示）。"""

    number = serializers.IntegerField(read_only=True, help_text="步骤编号（1—25）")
    name = serializers.CharField(source="label", read_only=True, help_text="步骤名称")
    people: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="培养联系人或入党介绍人（党员编号）"
    )
    documents = serializers.SerializerMethodField(help_text="已上传材料的名称")

    class Meta:
        model = Step
        fields = [
            "id", "applicant", "number", "name", "date", "handled_by", "doc_no", "note", "people", "training_days",
            "training_hours", "meeting", "vote", "tally", "passed", "outcome", "extension_months", "approved",
            "delay_reason", "flags", "documents", "recorded_at",
        ]
        read_only_fields = fields

    def get_documents(self, step: Step) -> list[str]:
        return [d.title for d in step.documents.all()]


class ApplicantSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """入党申请人。身份证号、手机号只以脱敏值输出；id_card、phone 仅用于写入。登记即记录第1步“递交入党申请书”。"""

    org = ScopedRelatedField(model=Organization, label="党组织", help_text="所在党支部的编号")
    org_name = serializers.CharField(source="org.name", read_only=True)
    id_card = serializers.CharField(write_only=True, max_length=32, help_text="身份证号（仅写入，输出为脱敏值）")
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=20,
                                  help_text="手机号（仅写入，输出为脱敏值）")
    applied_on = serializers.DateField(write_only=True, help_text="递交入党申请书的日期")
    handled_by = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=100)
    status = serializers.CharField(read_only=True, help_text="状态：" + "、".join(
        f"{v} {label}" for v, label in ApplicantStatus.choices))
    step = serializers.IntegerField(read_only=True, help_text="已完成的最后一步（1—25）")
    next_step = serializers.IntegerField(read_only=True, allow_null=True, help_text="下一步（1—25），已办结为空")
    step_label = serializers.CharField(read_only=True, help_text="已完成的最后一步")
    next_step_label = serializers.CharField(read_only=True, help_text="下一步")

    class Meta:
        model = Applicant
        fields = [
            "id", "org", "org_name", "name", "sex", "ethnicity", "birth_date", "id_card", "id_card_masked", "phone",
            "phone_masked", "education", "occupation", "person_category", "work_unit", "post", "applied_on",
            "handled_by", "status", "stage", "step", "step_label", "next_step", "next_step_label", "due_on",
            "due_rule", "member",
        ]
        read_only_fields = [
            "id", "id_card_masked", "phone_masked", "status", "stage", "step", "next_step", "due_on", "due_rule",
            "member",
        ]

    def create(self, validated_data: dict[str, Any]) -> Applicant:
        return actions.create_applicant(actor=self.context["request"].user, data=validated_data)


class ApplicantDetailSerializer(ApplicantSerializer):
    steps = serializers.SerializerMethodField(help_text="已记录的步骤，按记录顺序")

    class Meta(ApplicantSerializer.Meta):
        fields = [*ApplicantSerializer.Meta.fields, "steps"]

    @extend_schema_field(StepSerializer(many=True))  # type: ignore[misc]
    def get_steps(self, applicant: Applicant) -> list[dict[str, Any]]:
        steps = applicant.steps.order_by("id").prefetch_related("people", "documents")
        return StepSerializer(steps, many=True).data  # type: ignore[return-value]


class StepInputSerializer(StrictSerializerMixin, serializers.Serializer):
    """记录下一步。各步骤需要的字段：5、9 步 people（党员编号）；11 步 training_days、training_hours；15、23 步 vote（会上已登记的表决）或
    meeting（支部党员大会草稿，同时填票数）或票数 entitled/present/yes/no/abstain/written_yes；17 步 approved；17、24 步超过三个月时
    delay_reason；19 步 group（党小组）；23 步 outcome 和 extension_months。"""

    number = serializers.ChoiceField(choices=STEP_CHOICES, help_text="步骤编号（1—25）")
    date = serializers.DateField(required=False, help_text="日期；选择了支部党员大会时可省略")
    handled_by = serializers.CharField(required=False, allow_blank=True, max_length=100)
    doc_no = serializers.CharField(required=False, allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    people = serializers.ListField(child=serializers.IntegerField(), required=False, help_text="党员编号")
    training_days = serializers.DecimalField(max_digits=5, decimal_places=1, required=False)
    training_hours = serializers.DecimalField(max_digits=6, decimal_places=1, required=False)
    vote = serializers.IntegerField(required=False, help_text="会上已登记的表决编号")
    meeting = serializers.IntegerField(required=False, help_text="支部党员大会（草稿）编号")
    entitled = serializers.IntegerField(required=False, min_value=0)
    present = serializers.IntegerField(required=False, min_value=0)
    yes = serializers.IntegerField(required=False, min_value=0)
    no = serializers.IntegerField(required=False, min_value=0)
    abstain = serializers.IntegerField(required=False, min_value=0)
    written_yes = serializers.IntegerField(required=False, min_value=0)
    approved = serializers.BooleanField(required=False, default=True)
    delay_reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    group = serializers.IntegerField(required=False, help_text="党小组编号")
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    extension_months = serializers.IntegerField(required=False, min_value=0)


#
# Views
#


@extend_schema_view(
    list=extend_schema(summary="入党申请人列表", description="调用者管理范围内正在培养发展的申请人；筛选项与页面相同（阶段、步骤、逾期、即将到期、搜索）。"),
    retrieve=extend_schema(summary="入党申请人详情", description="含已记录的步骤；不在范围内的与不存在的同样返回 404。"),
    create=extend_schema(summary="登记入党申请人", description="即第1步“递交入党申请书”；所在党支部须在调用者的管理范围内。"),
)
@extend_schema(tags=["发展党员"])
class ApplicantViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ApplicantSerializer
    filterset_class = ApplicantFilter

    def get_queryset(self) -> QuerySet[Applicant]:
        return Applicant.objects.visible_to(self.request.user, self.scope_action).select_related("org")

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return ApplicantDetailSerializer if self.action == "retrieve" else ApplicantSerializer

    @extend_schema(summary="记录下一步", request=StepInputSerializer, responses={201: StepSerializer},
                   description="按发展党员工作细则的顺序记录下一步；不合规则时返回 400，字段错误说明所依据的规定，且不写入任何内容。")
    @action(detail=True, methods=["post"])
    def steps(self, request: Request, pk: str) -> Response:
        applicant = self.get_object()
        form = StepInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        number = int(data.pop("number"))
        step = actions.record_step(applicant, actor=request.user, number=number, data=data)
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)


class StepFilter(django_filters.FilterSet):
    applicant = IdFilter(label="申请人编号")
    number = django_filters.ChoiceFilter(label="步骤", choices=STEP_CHOICES)
    org = django_filters.ModelChoiceFilter(label="党组织（含下级）", queryset=Organization.objects.none(),
                                           method="filter_org")

    class Meta:
        model = Step
        fields = ["applicant", "number", "org"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            self.filters["org"].queryset = Organization.objects.visible_to(user)  # type: ignore[attr-defined]

    def filter_org(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset.filter(subtree_q(value.path, "applicant__org__path")) if value else queryset


@extend_schema_view(
    list=extend_schema(summary="发展步骤列表", description="调用者范围内申请人的已记录步骤，可按申请人、步骤、党组织筛选。"),
    retrieve=extend_schema(summary="发展步骤详情"),
)
@extend_schema(tags=["发展党员"])
class StepViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = StepSerializer
    filterset_class = StepFilter

    def get_queryset(self) -> QuerySet[Step]:
        return (Step.objects.visible_to(self.request.user, self.scope_action).order_by("applicant_id", "id")
                .prefetch_related("people", "documents"))


# (prefix, viewset, basename) for each route of this app.
ROUTES: list[tuple[str, Any, str]] = [
    ("recruitment/applicants", ApplicantViewSet, "recruitment-applicant"),
    ("recruitment/steps", StepViewSet, "recruitment-step"),
]
