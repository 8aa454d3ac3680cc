"""REST API for the 党员 registry: list, detail, register, correct and transfer, all through members.actions.

Personal data leaves only masked (`id_card_masked`, `phone_masked`); the full 身份证号 and phone are write-only
inputs, encrypted by the actions. There is no delete: a member's record is kept for life.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.core.api import ScopedRelatedField, ScopedViewSetMixin, StrictSerializerMixin
from dangjian.members.actions import create_member, lookup_by_id_card, transfer_member, update_member
from dangjian.members.filters import MemberFilter
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

#
# Serializers
#


class MemberSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """党员信息。身份证号、手机号只以脱敏值输出；id_card、phone 仅用于写入。"""

    # (The docstring above is shown in the API docs.) One serializer for reading and registering; rules beyond
    # types (ages, dates, 身份证号 checksum, duplicates) are check_member_data's, run inside create_member.

    org: serializers.PrimaryKeyRelatedField[Organization] = ScopedRelatedField(
        model=Organization, label="党组织", help_text="所在党支部的编号；修改时不可变更，请用转接"
    )
    org_name = serializers.CharField(source="org.name", read_only=True, help_text="所在党支部名称")
    group = ScopedRelatedField(
        model=Organization, label="党小组", required=False, allow_null=True, help_text="所在党小组的编号，可为空"
    )
    id_card = serializers.CharField(write_only=True, max_length=32, help_text="身份证号（仅写入，输出为脱敏值）")
    phone = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=20, help_text="手机号（仅写入，输出为脱敏值）"
    )
    party_years = serializers.SerializerMethodField(help_text="党龄（自转正之日起的整年数），预备党员为空")

    class Meta:
        model = Member
        fields = [
            "id", "name", "name_pinyin", "sex", "ethnicity", "birth_date", "id_card", "id_card_masked", "phone",
            "phone_masked", "education", "occupation", "work_unit", "post", "person_category", "party_status",
            "joined_on", "confirmed_on", "party_post", "state", "org", "org_name", "group", "party_years",
        ]
        read_only_fields = ["id", "name_pinyin", "id_card_masked", "phone_masked", "state"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))  # type: ignore[misc]
    def get_party_years(self, member: Member) -> int | None:
        return member.party_years(timezone.localdate())

    def create(self, validated_data: dict[str, Any]) -> Member:
        return create_member(actor=self.context["request"].user, data=validated_data)


class MemberUpdateSerializer(MemberSerializer):
    """更正党员信息。所在党支部只能通过组织关系转接变更；身份证号仅在需要更正时填写。"""

    # A separate serializer, not a flag, so that the schema tells clients the truth: org is not writable here.

    org = serializers.PrimaryKeyRelatedField(read_only=True, help_text="所在党支部的编号（请用转接变更）")
    id_card = serializers.CharField(
        write_only=True, required=False, max_length=32, help_text="身份证号（仅在更正时填写；输出为脱敏值）"
    )

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and "org" in data:
            raise serializers.ValidationError({"org": ["所在党支部不能在此修改，请使用组织关系转接"]})
        return super().to_internal_value(data)

    def update(self, instance: Member, validated_data: dict[str, Any]) -> Member:
        return update_member(instance, actor=self.context["request"].user, data=validated_data)


class MemberTransferSerializer(StrictSerializerMixin, serializers.Serializer):
    """系统内组织关系转接：转出、转入党支部都须在调用者的管理范围内。"""

    to_org = ScopedRelatedField(model=Organization, label="党组织", help_text="转入党支部的编号")
    date = serializers.DateField(help_text="转接日期")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    doc_no = serializers.CharField(required=False, allow_blank=True, max_length=100, default="", help_text="文号")


class MemberLookupSerializer(StrictSerializerMixin, serializers.Serializer):
    """按身份证号查找：身份证号放在请求体中，不出现在网址、浏览器历史和访问日志里。"""

    id_card = serializers.CharField(max_length=32, help_text="18位身份证号")


#
# Views
#


@extend_schema_view(
    list=extend_schema(summary="党员列表", description="调用者管理范围内的党员；默认只列在册党员，筛选项与页面上的党员名册相同。"),
    retrieve=extend_schema(summary="党员详情", description="单个党员（含已不在册的）；不在调用者范围内的与不存在的同样返回 404。"),
    create=extend_schema(summary="新增党员", description="登记已入党的党员；所在党支部须在调用者的管理范围内。"),
    update=extend_schema(summary="更正党员信息", description="整体更正在册党员的信息；须有该党员所在党支部的管理权限。"),
    partial_update=extend_schema(summary="更正党员信息（部分字段）", description="只更正提交的字段。"),
)
@extend_schema(tags=["党员"])
class MemberViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    """党员: filtered by the UI's own MemberFilter, so the API list and the web list can never disagree."""

    serializer_class = MemberSerializer
    filterset_class = MemberFilter

    @property
    def scope_action(self) -> str:
        # The lookup reads (by POST only so that the number stays out of URLs): the "view" scope.
        return "view" if self.action == "lookup" else super().scope_action

    def get_queryset(self) -> QuerySet[Member]:
        return Member.objects.visible_to(self.request.user, self.scope_action).select_related("org")

    def get_serializer_class(self) -> type[MemberSerializer]:
        return MemberUpdateSerializer if self.action in ("update", "partial_update") else MemberSerializer

    @extend_schema(
        summary="组织关系转接",
        description="将党员转入调用者管理范围内的另一个党支部，记入党籍变动和审计日志。",
        request=MemberTransferSerializer,
        responses=MemberSerializer,
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str) -> Response:
        member = self.get_object()
        form = MemberTransferSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        member = transfer_member(member, actor=request.user, **form.validated_data)
        return Response(self.get_serializer(member).data)

    @extend_schema(
        summary="按身份证号查找党员",
        description="在调用者管理范围内（含已不在册的）按完整身份证号查找一名党员，每次查找记入审计日志。"
        "身份证号只能这样以 POST 提交：列表的 q 参数形如身份证号时返回 400。找不到返回 404。",
        request=MemberLookupSerializer,
        responses=MemberSerializer,
    )
    @action(detail=False, methods=["post"])
    def lookup(self, request: Request) -> Response:
        member = lookup_by_id_card(self.validated(MemberLookupSerializer)["id_card"], actor=request.user)
        if member is None:
            raise NotFound("调用者管理范围内没有该身份证号的党员")
        return Response(self.get_serializer(member).data)
