"""REST API of 组织关系转接, 流动党员 and 失联党员: the routes this app adds to /api/v1/ (dangjian.api.urls registers
them). Scoped exactly like the pages — lists from dangjian.transfers.queries, single records through
`get_for_user` (404 for missing and forbidden alike, the latter audited) — and every write through
dangjian.transfers.actions, whose ValidationError becomes a 400 with Chinese field errors. Nothing is deleted.

A transfer is visible to both its sending and its receiving side; accept and return are for the receiving side,
cancel and the 回执 for the sending side (the others get 404, as the actions check).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.core.api import ScopedRelatedField, ScopedViewSetMixin, StrictSerializerMixin
from dangjian.members.api import MemberSerializer
from dangjian.members.models import Member
from dangjian.transfers import actions, rules
from dangjian.transfers.choices import LostStage
from dangjian.transfers.filters import FloatingFilter, LostFilter, SuspendedFilter, TransferFilter
from dangjian.transfers.models import FloatingMember, LostContact, Transfer
from dangjian.transfers.queries import Cutoffs, floating_for, lost_for, suspended_for, transfers_for, with_receipt_late


def _cut() -> Cutoffs:
    return Cutoffs.on(timezone.localdate())


def _member_field(**kwargs: Any) -> Any:
    return ScopedRelatedField(model=Member, label="党员", help_text="党员编号（须在调用者的管理范围内）", **kwargs)


class _ReadViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and detail through the scoped querysets; writes are the actions below each viewset."""

    def _input(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The request body checked by `serializer_class` (400 with field errors otherwise)."""
        form = serializer_class(data=self.request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        return dict(form.validated_data)


#
# 组织关系转接
#


class TransferSerializer(serializers.ModelSerializer):
    """组织关系转接。status_label 是按类型表述的状态（转出系统外：待回执/回执已收；系统外转入：已转入）。"""

    member_name = serializers.CharField(source="member.name", read_only=True)
    from_org_name = serializers.CharField(source="from_org.name", read_only=True, default="")
    to_org_name = serializers.CharField(source="to_org.name", read_only=True, default="")
    status_label = serializers.CharField(read_only=True)
    # Plain strings, not enums: the names "kind", "stage" and "outcome" are taken by other apps' choice sets.
    kind = serializers.CharField(read_only=True, help_text="internal 系统内转接；out 转出系统外；in 从系统外转入")
    receipt_late = serializers.SerializerMethodField(help_text="转出系统外：回执是否逾期（本单位做法，可配置天数）")

    class Meta:
        model = Transfer
        fields = [
            "id", "member", "member_name", "kind", "status", "status_label", "from_org", "from_org_name", "to_org",
            "to_org_name", "outside_org", "letter_no", "issued_on", "reason", "decided_on", "receipt_on",
            "decision_reason", "receipt_late",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())  # type: ignore[misc]
    def get_receipt_late(self, transfer: Transfer) -> bool:
        return bool(getattr(transfer, "receipt_late", False))


class TransferRequestSerializer(StrictSerializerMixin, serializers.Serializer):
    """系统内转接：接收党支部可以是系统内任一党支部（不限调用者的管理范围）。"""

    member = _member_field()
    to_org = serializers.IntegerField(help_text="接收党支部的编号")
    issued_on = serializers.DateField(help_text="转出日期")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    letter_no = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")


class ExternalOutSerializer(StrictSerializerMixin, serializers.Serializer):
    """转出系统外：介绍信。回执登记前党员仍在册。"""

    member = _member_field()
    outside_org = serializers.CharField(max_length=200, allow_blank=True, help_text="转往的党组织")
    letter_no = serializers.CharField(max_length=50, allow_blank=True, help_text="介绍信编号")
    issued_on = serializers.DateField(help_text="介绍信开具日期")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class ReceiveSerializer(StrictSerializerMixin, serializers.Serializer):
    """从系统外转入：党员信息（同新增党员）和介绍信。"""

    member = MemberSerializer()
    outside_org = serializers.CharField(max_length=200, allow_blank=True, help_text="转出的党组织")
    letter_no = serializers.CharField(max_length=50, allow_blank=True, help_text="介绍信编号")
    issued_on = serializers.DateField(help_text="介绍信开具日期")
    arrived_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="接收日期，不填为今天")


class DateSerializer(StrictSerializerMixin, serializers.Serializer):
    date = serializers.DateField(help_text="接收日期")


class ReasonSerializer(StrictSerializerMixin, serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class ReceiptSerializer(StrictSerializerMixin, serializers.Serializer):
    receipt_on = serializers.DateField(help_text="回执日期")


@extend_schema_view(
    list=extend_schema(summary="组织关系转接列表", description="转出或接收党支部在调用者范围内的转接；默认只列未办结的，筛选项与页面相同（direction=in/out）。"),
    retrieve=extend_schema(summary="组织关系转接详情"),
)
@extend_schema(tags=["组织关系转接"])
class TransferViewSet(_ReadViewSet):
    serializer_class = TransferSerializer
    filterset_class = TransferFilter

    def get_queryset(self) -> QuerySet[Transfer]:
        return with_receipt_late(transfers_for(self.request.user, self.scope_action), _cut())

    def _read(self, transfer: Transfer, code: int = status.HTTP_200_OK) -> Response:
        fresh = with_receipt_late(Transfer.objects.select_related("member", "from_org", "to_org"), _cut()).get(pk=transfer.pk)
        return Response(TransferSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(summary="发起系统内转接", request=TransferRequestSerializer, responses={201: TransferSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._input(TransferRequestSerializer)
        transfer = actions.request_transfer(data.pop("member"), actor=request.user, **data)
        return self._read(transfer, status.HTTP_201_CREATED)

    @extend_schema(summary="转出系统外（开具介绍信）", request=ExternalOutSerializer, responses={201: TransferSerializer})
    @action(detail=False, methods=["post"], url_path="out")
    def external_out(self, request: Request) -> Response:
        data = self._input(ExternalOutSerializer)
        transfer = actions.issue_external_transfer(data.pop("member"), actor=request.user, **data)
        return self._read(transfer, status.HTTP_201_CREATED)

    @extend_schema(summary="从系统外转入", request=ReceiveSerializer, responses={201: TransferSerializer},
                   description="登记党员（所在党支部须在调用者范围内）并记录介绍信；党籍变动记为转入。")
    @action(detail=False, methods=["post"], url_path="in")
    def receive(self, request: Request) -> Response:
        data = self._input(ReceiveSerializer)
        transfer = actions.receive_external_transfer(actor=request.user, data=dict(data.pop("member")), **data)
        return self._read(transfer, status.HTTP_201_CREATED)

    @extend_schema(summary="接收（接收党支部）", request=DateSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        data = self._input(DateSerializer)
        return self._read(actions.accept_transfer(self.get_object(), actor=request.user, date=data["date"]))

    @extend_schema(summary="退回（接收党支部，须说明理由）", request=ReasonSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str) -> Response:
        data = self._input(ReasonSerializer)
        return self._read(actions.return_transfer(self.get_object(), actor=request.user, reason=data["reason"]))

    @extend_schema(summary="撤回（转出党支部）", request=ReasonSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        data = self._input(ReasonSerializer)
        return self._read(actions.cancel_transfer(self.get_object(), actor=request.user, reason=data["reason"]))

    @extend_schema(summary="登记回执（转出系统外）", request=ReceiptSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def receipt(self, request: Request, pk: str) -> Response:
        data = self._input(ReceiptSerializer)
        return self._read(actions.record_receipt(self.get_object(), actor=request.user, receipt_on=data["receipt_on"]))


#
# 流动党员
#


class FloatingSerializer(serializers.ModelSerializer):
    """流动党员外出登记。联系电话只以脱敏值输出；must_transfer 为外出满期限且地点相对固定、应当转移组织关系。"""

    member_name = serializers.CharField(source="member.name", read_only=True)
    org_name = serializers.CharField(source="member.org.name", read_only=True)
    must_transfer = serializers.SerializerMethodField()
    transfer_due = serializers.SerializerMethodField(help_text="应当转移组织关系的日期（第二十五条）")

    class Meta:
        model = FloatingMember
        fields = [
            "id", "member", "member_name", "org_name", "left_on", "place", "fixed_place", "reason", "expected_return",
            "phone_masked", "host_org", "certificate_no", "returned_on", "end_note", "must_transfer", "transfer_due",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())  # type: ignore[misc]
    def get_must_transfer(self, record: FloatingMember) -> bool:
        return bool(getattr(record, "must_transfer", False))

    @extend_schema_field(serializers.DateField())  # type: ignore[misc]
    def get_transfer_due(self, record: FloatingMember) -> Any:
        return rules.floating_transfer_due(record.left_on, _cut().floating_months)


class FloatingInputSerializer(StrictSerializerMixin, serializers.Serializer):
    """登记外出。phone 仅用于写入（加密保存）。"""

    member = _member_field()
    left_on = serializers.DateField(help_text="外出日期")
    place = serializers.CharField(max_length=200, allow_blank=True)
    fixed_place = serializers.BooleanField(required=False, default=True, help_text="外出地点相对固定")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    expected_return = serializers.DateField(required=False, allow_null=True, default=None)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20, default="", help_text="外出期间联系电话")
    host_org = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    certificate_no = serializers.CharField(required=False, allow_blank=True, max_length=50, default="",
                                           help_text="流动党员活动证编号")


class FloatingUpdateSerializer(FloatingInputSerializer):
    """修改未结束的外出登记（只改提交的字段）。"""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["member"]
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class EndFloatingSerializer(StrictSerializerMixin, serializers.Serializer):
    returned_on = serializers.DateField(help_text="结束日期")
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


@extend_schema_view(
    list=extend_schema(summary="流动党员列表", description="默认只列外出中的；flag=must_transfer 为应当转移组织关系的。"),
    retrieve=extend_schema(summary="流动党员外出登记详情"),
)
@extend_schema(tags=["流动党员"])
class FloatingViewSet(_ReadViewSet):
    serializer_class = FloatingSerializer
    filterset_class = FloatingFilter

    def get_queryset(self) -> QuerySet[FloatingMember]:
        return floating_for(self.request.user, _cut(), self.scope_action)

    def _read(self, record: FloatingMember, code: int = status.HTTP_200_OK) -> Response:
        fresh = floating_for(self.request.user, _cut()).get(pk=record.pk)
        return Response(FloatingSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(summary="登记外出", request=FloatingInputSerializer, responses={201: FloatingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._input(FloatingInputSerializer)
        record = actions.record_floating(data.pop("member"), actor=request.user, data=data)
        return self._read(record, status.HTTP_201_CREATED)

    @extend_schema(summary="修改外出登记", request=FloatingUpdateSerializer, responses=FloatingSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        data = self._input(FloatingUpdateSerializer)
        return self._read(actions.update_floating(record, actor=request.user, data=data))

    @extend_schema(summary="外出结束", request=EndFloatingSerializer, responses=FloatingSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        data = self._input(EndFloatingSerializer)
        record = actions.end_floating(self.get_object(), actor=request.user, **data)
        return self._read(record)


#
# 失联党员 and 停止党籍
#


class LostSerializer(serializers.ModelSerializer):
    """失联党员登记；stage 为按第二十四条计算的阶段。"""

    member_name = serializers.CharField(source="member.name", read_only=True)
    org_name = serializers.CharField(source="member.org.name", read_only=True)
    stage = serializers.SerializerMethodField()
    suspended_on = serializers.SerializerMethodField(help_text="停止党籍日期")
    outcome = serializers.CharField(read_only=True, help_text="结案情况：空为未结案；found 已恢复联系；removed 已除名")

    class Meta:
        model = LostContact
        fields = ["id", "member", "member_name", "org_name", "last_contact_on", "search_notes", "stage", "suspended_on",
                  "suspension", "removal", "outcome", "closed_on", "close_note"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(help_text="；".join(f"{v} {label}" for v, label in LostStage.choices)))  # type: ignore[misc]
    def get_stage(self, case: LostContact) -> str:
        return str(getattr(case, "stage", ""))

    @extend_schema_field(serializers.DateField(allow_null=True))  # type: ignore[misc]
    def get_suspended_on(self, case: LostContact) -> Any:
        return getattr(case, "suspended_on", None)


class LostInputSerializer(StrictSerializerMixin, serializers.Serializer):
    member = _member_field()
    last_contact_on = serializers.DateField(help_text="最后联系日期")
    search_notes = serializers.CharField(required=False, allow_blank=True, default="", help_text="查找情况")


class LostUpdateSerializer(StrictSerializerMixin, serializers.Serializer):
    last_contact_on = serializers.DateField(required=False, help_text="最后联系日期（查找中又取得过联系时更新）")
    search_notes = serializers.CharField(required=False, allow_blank=True, help_text="查找情况")


class FoundSerializer(StrictSerializerMixin, serializers.Serializer):
    found_on = serializers.DateField(help_text="恢复联系日期")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class DecisionSerializer(StrictSerializerMixin, serializers.Serializer):
    """停止党籍或除名的决定：日期和文号必填。"""

    date = serializers.DateField(help_text="决定日期")
    doc_no = serializers.CharField(max_length=100, allow_blank=True, help_text="决定文号")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


@extend_schema_view(
    list=extend_schema(summary="失联党员列表", description="默认只列未结案的；stage=suspend_due 为应停止党籍的。"),
    retrieve=extend_schema(summary="失联党员登记详情"),
)
@extend_schema(tags=["失联党员"])
class LostContactViewSet(_ReadViewSet):
    serializer_class = LostSerializer
    filterset_class = LostFilter

    def get_queryset(self) -> QuerySet[LostContact]:
        return lost_for(self.request.user, _cut(), self.scope_action)

    def _read(self, case: LostContact, code: int = status.HTTP_200_OK) -> Response:
        fresh = lost_for(self.request.user, _cut()).get(pk=case.pk)
        return Response(LostSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(summary="登记失联", request=LostInputSerializer, responses={201: LostSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._input(LostInputSerializer)
        case = actions.record_lost_contact(data.pop("member"), actor=request.user, **data)
        return self._read(case, status.HTTP_201_CREATED)

    @extend_schema(summary="修改最后联系日期和查找情况（停止党籍前）", request=LostUpdateSerializer, responses=LostSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        data = self._input(LostUpdateSerializer)
        data = {"last_contact_on": case.last_contact_on, "search_notes": case.search_notes, **data}
        return self._read(actions.update_lost_contact(case, actor=request.user, **data))

    @extend_schema(summary="恢复联系（结案）", request=FoundSerializer, responses=LostSerializer)
    @action(detail=True, methods=["post"])
    def found(self, request: Request, pk: str) -> Response:
        data = self._input(FoundSerializer)
        return self._read(actions.record_contact_restored(self.get_object(), actor=request.user, **data))

    @extend_schema(summary="停止党籍决定（失联满期限）", request=DecisionSerializer, responses=LostSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str) -> Response:
        data = self._input(DecisionSerializer)
        return self._read(actions.suspend_lost_member(self.get_object(), actor=request.user, **data))


class SuspendedSerializer(serializers.ModelSerializer):
    """停止党籍党员；removal_due 为停止党籍满期限、可按自行脱党除名。"""

    org_name = serializers.CharField(source="org.name", read_only=True)
    suspended_on = serializers.SerializerMethodField()
    removal_due = serializers.SerializerMethodField()
    lost_case = serializers.SerializerMethodField(help_text="未结案的失联登记编号")

    class Meta:
        model = Member
        fields = ["id", "name", "org", "org_name", "state", "suspended_on", "removal_due", "lost_case"]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))  # type: ignore[misc]
    def get_suspended_on(self, member: Member) -> Any:
        return getattr(member, "suspended_on", None)

    @extend_schema_field(serializers.BooleanField())  # type: ignore[misc]
    def get_removal_due(self, member: Member) -> bool:
        return bool(getattr(member, "removal_due", False))

    @extend_schema_field(serializers.IntegerField(allow_null=True))  # type: ignore[misc]
    def get_lost_case(self, member: Member) -> Any:
        return getattr(member, "lost_case", None)


class RemovalSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    kind = serializers.CharField()
    date = serializers.DateField()
    leave_reason = serializers.CharField()
    reason = serializers.CharField()
    doc_no = serializers.CharField()


@extend_schema_view(
    list=extend_schema(summary="停止党籍党员列表", description="flag=removal_due 为停止党籍满期限的除名候选。"),
    retrieve=extend_schema(summary="停止党籍党员详情"),
)
@extend_schema(tags=["失联党员"])
class SuspendedViewSet(_ReadViewSet):
    serializer_class = SuspendedSerializer
    filterset_class = SuspendedFilter

    def get_queryset(self) -> QuerySet[Member]:
        return suspended_for(self.request.user, _cut(), self.scope_action).defer("id_card_cipher", "phone_cipher")

    @extend_schema(summary="除名决定（停止党籍满期限，按自行脱党）", request=DecisionSerializer,
                   responses={201: RemovalSerializer})
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, pk: str) -> Response:
        member = self.get_object()
        data = self._input(DecisionSerializer)
        event = actions.remove_lapsed_member(member, actor=request.user, **data)
        return Response(RemovalSerializer({
            "member": member.pk, "kind": event.kind, "date": event.date, "leave_reason": event.leave_reason,
            "reason": event.reason, "doc_no": event.doc_no,
        }).data, status=status.HTTP_201_CREATED)


# (prefix, viewset, basename) for each route of this app.
ROUTES: list[tuple[str, Any, str]] = [
    ("transfers", TransferViewSet, "transfer"),
    ("floating-members", FloatingViewSet, "floating-member"),
    ("lost-contacts", LostContactViewSet, "lost-contact"),
    ("suspended-members", SuspendedViewSet, "suspended-member"),
]
