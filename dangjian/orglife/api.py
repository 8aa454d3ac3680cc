"""REST API for organizational life (the mobile 支部工作 app records meetings here): list and detail with kinds
and attendance counts, create and edit drafts, the attendance sheet, submission and votes.

Scoped exactly like the pages: reads through `actions.meetings_for` (the user's scope, plus a plain 党员's own
submitted meetings), single records through `actions.get_meeting_for_user` (404 for missing and forbidden
alike), and every write through dangjian.orglife.actions, whose ValidationError becomes a 400 with Chinese
field errors. There is no delete: records are kept.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.core.api import ScopedRelatedField, ScopedViewSetMixin, StrictSerializerMixin
from dangjian.orglife import actions, hooks
from dangjian.orglife.choices import AttendanceStatus, GuestRole, MeetingKind
from dangjian.orglife.filters import MeetingFilter
from dangjian.orglife.models import Meeting, MeetingKindTag, Vote
from dangjian.orgs.models import Organization

#
# Serializers
#


class AttendanceSummarySerializer(serializers.Serializer):
    """应到、实到、请假、缺席人数；双重组织生活的领导干部单独统计。"""

    expected = serializers.IntegerField(help_text="应到")
    present = serializers.IntegerField(help_text="实到")
    leave = serializers.IntegerField(help_text="请假")
    absent = serializers.IntegerField(help_text="缺席")
    dual = serializers.IntegerField(help_text="双重组织生活（不计入应到）")


class MeetingSerializer(serializers.ModelSerializer):
    """组织生活记录。会议记录等富文本已按白名单清理。"""

    org_name = serializers.CharField(source="org.name", read_only=True)
    kinds = serializers.SerializerMethodField(help_text="会议类型（可多个）")
    attendance_summary = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id", "org", "org_name", "title", "kinds", "starts_at", "held_on", "place", "online", "host", "recorder",
            "lecturer", "lecture_topic", "topics", "agenda", "resolutions", "minutes", "status", "submitted_at",
            "attendance_summary",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=MeetingKind.choices)))  # type: ignore[misc]
    def get_kinds(self, meeting: Meeting) -> list[str]:
        return actions.meeting_kinds(meeting)

    @extend_schema_field(AttendanceSummarySerializer)  # type: ignore[misc]
    def get_attendance_summary(self, meeting: Meeting) -> dict[str, int]:
        return actions.attendance_summary(meeting)


class MeetingInputSerializer(StrictSerializerMixin, serializers.Serializer):
    """登记组织生活（草稿）。会议时间须带时区（ISO 8601）；主持人、记录人须是当日应到人员。"""

    org = ScopedRelatedField(model=Organization, label="党组织", help_text="召开会议的党组织编号")
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=MeetingKind.choices), allow_empty=True)
    starts_at = serializers.DateTimeField(help_text="开始时间（ISO 8601，带时区）")
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="不填则按类型命名")
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    online = serializers.BooleanField(required=False, default=False)
    host = serializers.IntegerField(required=False, allow_null=True, help_text="主持人（党员编号）")
    recorder = serializers.IntegerField(required=False, allow_null=True, help_text="记录人（党员编号）")
    lecturer = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="党课主讲人")
    lecture_topic = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="党课题目")
    topics = serializers.CharField(required=False, allow_blank=True)
    agenda = serializers.CharField(required=False, allow_blank=True)
    resolutions = serializers.CharField(required=False, allow_blank=True)
    minutes = serializers.CharField(required=False, allow_blank=True)


class MeetingUpdateSerializer(MeetingInputSerializer):
    """修改草稿（只改提交的字段）。已提交的记录只能在页面上“更正”并填写原因。"""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["org"]
        for field in self.fields.values():
            field.required = False
        online: Any = self.fields["online"]
        online.default = serializers.empty


class AttendanceEntrySerializer(StrictSerializerMixin, serializers.Serializer):
    member = serializers.IntegerField(help_text="党员编号")
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    leave_reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="",
                                         help_text="请假或缺席的原因（请假必填）")
    dual = serializers.BooleanField(required=False, default=False, help_text="双重组织生活的领导干部")
    written_opinion = serializers.BooleanField(required=False, default=False, help_text="会前提交书面意见")
    excluded = serializers.BooleanField(
        required=False, default=False,
        help_text="不计入应到人数：仅支部党员大会，且该党员的在册情况（roll_note）载明可不计入的依据时",
    )


class GuestSerializer(StrictSerializerMixin, serializers.Serializer):
    name = serializers.CharField(max_length=50)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    role = serializers.ChoiceField(choices=GuestRole.choices, required=False, default=GuestRole.SUPERIOR)


class AttendanceInputSerializer(StrictSerializerMixin, serializers.Serializer):
    """出席情况：entries 整体替换已登记的名单；guests 提交时整体替换列席人员。"""

    entries = AttendanceEntrySerializer(many=True)
    guests = GuestSerializer(many=True, required=False)


class ExpectedMemberSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField(allow_null=True, help_text="已登记的出席情况；未登记为空")
    leave_reason = serializers.CharField(help_text="请假或缺席的原因")
    written_opinion = serializers.BooleanField()
    roll_note = serializers.CharField(help_text="外出流动、失联等在册情况（会议当日）")
    exclusion_basis = serializers.CharField(help_text="支部党员大会可不计入应到人数的依据；空为须计入应到")
    excluded = serializers.BooleanField()


class VoteInputSerializer(StrictSerializerMixin, serializers.Serializer):
    """表决票数。应到、实到会有表决权人数不填时按出席登记计算；结果由系统计算。"""

    subject = serializers.CharField(max_length=200)
    member = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="涉及党员编号")
    entitled = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    present = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    yes = serializers.IntegerField(min_value=0)
    no = serializers.IntegerField(min_value=0)
    abstain = serializers.IntegerField(min_value=0)
    written_yes = serializers.IntegerField(required=False, default=0, min_value=0)


class VoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vote
        fields = ["id", "subject", "member", "entitled", "present", "yes", "no", "abstain", "written_yes", "quorum", "passed"]
        read_only_fields = fields


#
# Views
#


@extend_schema_view(
    list=extend_schema(summary="组织生活记录列表", description=(
        "调用者可见的会议：管理范围内的全部记录；普通党员为本人应到且已提交的会议。筛选项与页面相同（orglife.filters）："
        "会议日期可按月（month_from/month_to，如 2025-06）或按日（held_on_from/held_on_to）筛选。")),
    retrieve=extend_schema(summary="组织生活记录详情", description="不在调用者范围内的与不存在的同样返回 404。"),
    create=extend_schema(summary="登记组织生活（草稿）", request=MeetingInputSerializer, responses=MeetingSerializer),
    partial_update=extend_schema(summary="修改草稿", request=MeetingUpdateSerializer, responses=MeetingSerializer),
    update=extend_schema(summary="修改草稿（整体）", request=MeetingUpdateSerializer, responses=MeetingSerializer),
)
@extend_schema(tags=["组织生活"])
class MeetingViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    """组织生活: every write goes through dangjian.orglife.actions, so the API and the pages cannot disagree."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            actions.meetings_for(self.request.user, self.scope_action)
            .select_related("org")
            .prefetch_related(Prefetch("kind_tags", queryset=MeetingKindTag.objects.order_by("kind")), "attendance")
            .order_by("-starts_at", "-id")
        )

    def get_object(self) -> Meeting:
        """The meeting through the same reader as the pages (a plain 党员's own meetings included)."""
        return actions.get_meeting_for_user(self.request.user, self.kwargs["pk"], self.scope_action)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "create":
            return MeetingInputSerializer
        if self.action in ("update", "partial_update"):
            return MeetingUpdateSerializer
        return MeetingSerializer

    def _read(self, meeting: Meeting) -> Any:
        """The record as the API shows it, reloaded after a write (kinds and counts as stored)."""
        return MeetingSerializer(self.get_queryset().get(pk=meeting.pk), context=self.get_serializer_context()).data

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(MeetingInputSerializer)
        org = data.pop("org")
        meeting = actions.record_meeting(actor=request.user, org=org, data=data)
        return Response(self._read(meeting), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        meeting = actions.update_meeting(meeting, actor=request.user, data=self.validated(MeetingUpdateSerializer))
        return Response(self._read(meeting))

    @extend_schema(
        methods=["GET"], summary="应到人员与已登记的出席情况", responses=ExpectedMemberSerializer(many=True),
        description="草稿的应到名单（按会议当日的党员或委员计算）及已登记的出席情况，供录入使用。",
    )
    @extend_schema(
        methods=["POST"], summary="登记出席情况", request=AttendanceInputSerializer, responses=MeetingSerializer,
        description="整体替换出席名单；应到人员以外的只能以双重组织生活身份（dual）登记。",
    )
    @action(detail=True, methods=["get", "post"])
    def attendance(self, request: Request, pk: str) -> Response:
        if request.method == "GET":
            meeting = actions.get_meeting_for_user(request.user, pk, "change")
            recorded = {row.member_id: row for row in meeting.attendance.all()}
            kinds = actions.meeting_kinds(meeting)
            expected = actions.expected_members(meeting.org, meeting.held_on, kinds)
            notes = hooks.roll_notes([m.pk for m in expected], meeting.held_on)
            rows = []
            for m in expected:
                row = recorded.get(m.pk)
                note = notes.get(m.pk)
                rows.append({
                    "member": m.pk, "name": m.name, "status": row.status if row else None,
                    "leave_reason": row.reason if row else "", "written_opinion": bool(row and row.written_opinion),
                    "roll_note": note.note if note else "", "excluded": bool(row and row.excluded),
                    "exclusion_basis": note.exclusion_basis if note and actions.excludable(kinds) else "",
                })
            return Response(ExpectedMemberSerializer(rows, many=True).data)
        meeting = self.get_object()
        data = self.validated(AttendanceInputSerializer)
        guests = [dict(g) for g in data["guests"]] if "guests" in data else None
        actions.set_attendance(meeting, actor=request.user, entries=[dict(e) for e in data["entries"]], guests=guests)
        return Response(self._read(meeting))

    @extend_schema(summary="提交记录", request=None, responses=MeetingSerializer,
                   description="须已登记全部应到人员的出席情况；提交后只能在页面上更正并填写原因。")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        meeting = actions.submit_meeting(self.get_object(), actor=request.user)
        return Response(self._read(meeting))

    @extend_schema(summary="登记表决", request=VoteInputSerializer, responses={201: VoteSerializer},
                   description="仅限支部党员大会的草稿；是否达到法定人数、是否通过由系统按第十一条计算。")
    @action(detail=True, methods=["post"])
    def votes(self, request: Request, pk: str) -> Response:
        meeting = self.get_object()
        vote = actions.record_vote(meeting, actor=request.user, **self.validated(VoteInputSerializer))
        return Response(VoteSerializer(vote).data, status=status.HTTP_201_CREATED)
