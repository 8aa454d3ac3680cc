"""REST API of 学习培训: sessions (list, detail, create, from a meeting record, replace participants), participations
(read) and the yearly 学时 totals of a subtree's members. The routes are listed in ROUTES (dangjian.api.urls
registers them under /api/v1/).

Scoped exactly like the pages: sessions through `actions.sessions_for` / `get_session_for_user`, participations
through `actions.participations_for`, totals over an org the caller may view (404 otherwise, the same answer as
a missing org). Every write goes through dangjian.learning.actions, whose ValidationError becomes a 400 with
Chinese field errors. Dates are ISO; 学时 are decimal strings ("2.5"). There is no delete: records are kept.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.core.api import Pagination, ScopedRelatedField, ScopedViewSetMixin, StrictSerializerMixin
from dangjian.core.scoping import get_for_user, scope_for
from dangjian.learning import actions, measures, rules
from dangjian.learning.choices import MEETING_SESSION_KINDS, SessionKind
from dangjian.learning.filters import ParticipationFilter, SessionFilter
from dangjian.learning.models import Participation, StudySession
from dangjian.orglife.actions import get_meeting_for_user
from dangjian.orgs.models import Organization

#
# Serializers
#


def _kind_field(kinds: Any, **kwargs: Any) -> serializers.ChoiceField:
    """A choice of session kinds, described inline in the schema (a named enum would collide with the meeting
    kinds, which the API also calls "kind")."""
    choices = [(k.value, k.label) for k in kinds]

    @extend_schema_field({"type": "string", "description": "学习形式：" + "；".join(f"{v} {label}" for v, label in choices)})
    class KindField(serializers.ChoiceField):
        pass

    return KindField(choices=choices, **kwargs)


class SessionSerializer(serializers.ModelSerializer):
    """学习培训。meeting 非空时参学人员来自该组织生活记录的出席情况。"""

    org_name = serializers.CharField(source="org.name", read_only=True)
    kind = _kind_field(SessionKind, read_only=True)
    participants = serializers.IntegerField(source="n_participants", read_only=True, help_text="参学人数")

    class Meta:
        model = StudySession
        fields = ["id", "org", "org_name", "kind", "title", "held_on", "hours", "place", "provider", "meeting",
                  "participants", "created_at"]
        read_only_fields = fields


class ParticipantInputSerializer(StrictSerializerMixin, serializers.Serializer):
    member = serializers.IntegerField(help_text="党员编号（须在组织单位及其下级党组织中）")
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="完成学时：大于0，不超过本次学时")


class SessionInputSerializer(StrictSerializerMixin, serializers.Serializer):
    """登记学习培训（党校培训、专题培训、读书班、网络培训等）及每人完成的学时；全部校验通过才写入。"""

    org = ScopedRelatedField(model=Organization, label="党组织", help_text="组织单位编号")
    kind = _kind_field(SessionKind)
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField(help_text="学习日期（不晚于今天；多日培训为开始日期）")
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="本次学习培训的学时")
    place = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    provider = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    participants = ParticipantInputSerializer(many=True)


class FromMeetingInputSerializer(StrictSerializerMixin, serializers.Serializer):
    """由已提交的组织生活记录生成学习记录：出席的党员各计 hours 学时，请假、缺席不计；同一会议只能生成一次。"""

    meeting = serializers.IntegerField(help_text="组织生活记录编号")
    kind = _kind_field(MEETING_SESSION_KINDS, default=SessionKind.BRANCH_STUDY.value)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class ParticipantsInputSerializer(StrictSerializerMixin, serializers.Serializer):
    """整体替换直接登记的学习培训的参学人员（由会议生成的以出席情况为准，不能修改）。"""

    participants = ParticipantInputSerializer(many=True)


class ParticipationSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    kind = serializers.CharField(source="session.kind", read_only=True)
    title = serializers.CharField(source="session.title", read_only=True)

    class Meta:
        model = Participation
        fields = ["id", "session", "member", "member_name", "hours", "held_on", "kind", "title"]
        read_only_fields = fields


class TotalSerializer(serializers.Serializer):
    """一名党员的年度学时及达标情况。"""

    member = serializers.IntegerField()
    name = serializers.CharField()
    org = serializers.IntegerField()
    org_name = serializers.CharField()
    hours = serializers.DecimalField(max_digits=8, decimal_places=1, help_text="年度学时")
    target = serializers.DecimalField(max_digits=8, decimal_places=1, help_text="目标学时（书记和班子成员为56）")
    short_by = serializers.DecimalField(max_digits=8, decimal_places=1, help_text="尚差学时")
    is_leader = serializers.BooleanField(help_text="年内担任书记或班子成员")
    centralized = serializers.IntegerField(help_text="参加集中培训次数")
    needs_centralized = serializers.IntegerField(help_text="尚缺集中培训次数（仅书记和班子成员）")
    met = serializers.BooleanField()


class TotalsQuerySerializer(serializers.Serializer):
    org = serializers.IntegerField(required=False, help_text="子树根党组织编号；缺省为调用者管理范围的第一个根")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text="年度；缺省为今年")
    short = serializers.BooleanField(required=False, default=False, help_text="只列未达标的党员")


#
# Views
#


@extend_schema_view(
    list=extend_schema(summary="学习培训列表", description="调用者管理范围内的学习培训；普通党员为本人参加的。筛选项与页面相同（learning.filters）。"),
    retrieve=extend_schema(summary="学习培训详情", description="不在调用者范围内的与不存在的同样返回 404。"),
    create=extend_schema(summary="登记学习培训及参学人员", request=SessionInputSerializer, responses={201: SessionSerializer}),
)
@extend_schema(tags=["学习培训"])
class StudySessionViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def get_queryset(self) -> QuerySet[StudySession]:
        return (
            actions.sessions_for(self.request.user, self.scope_action).select_related("org")
            .annotate(n_participants=Count("participations")).order_by("-held_on", "-id")
        )

    def get_object(self) -> StudySession:
        return actions.get_session_for_user(self.request.user, self.kwargs["pk"], self.scope_action)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "create":
            return SessionInputSerializer
        return SessionSerializer

    def _read(self, session: StudySession) -> Any:
        row = StudySession.objects.select_related("org").annotate(n_participants=Count("participations")).get(pk=session.pk)
        return SessionSerializer(row, context=self.get_serializer_context()).data

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(SessionInputSerializer)
        org = data.pop("org")
        participants = [(p["member"], p["hours"]) for p in data.pop("participants")]
        session = actions.create_session(actor=request.user, org=org, data=data, participants=participants)
        return Response(self._read(session), status=status.HTTP_201_CREATED)

    @extend_schema(summary="由组织生活记录生成学习记录", request=FromMeetingInputSerializer,
                   responses={201: SessionSerializer})
    @action(detail=False, methods=["post"], url_path="from-meeting")
    def from_meeting(self, request: Request) -> Response:
        data = self.validated(FromMeetingInputSerializer)
        meeting = get_meeting_for_user(request.user, data.pop("meeting"), "change")
        session = actions.create_from_meeting(actor=request.user, meeting=meeting, data=data)
        return Response(self._read(session), status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], summary="参学人员及学时", responses=ParticipationSerializer(many=True))
    @extend_schema(methods=["POST"], summary="整体替换参学人员", request=ParticipantsInputSerializer,
                   responses=SessionSerializer)
    @action(detail=True, methods=["get", "post"])
    def participants(self, request: Request, pk: str) -> Response:
        session = self.get_object()
        if request.method == "GET":
            rows = session.participations.select_related("member", "session").order_by("member__name_pinyin", "member_id")
            if not scope_for(request.user).covers(session.org.path, "view"):
                rows = rows.filter(member_id=scope_for(request.user).own_member_id or 0)
            return Response(ParticipationSerializer(rows, many=True).data)
        participants = [(p["member"], p["hours"]) for p in self.validated(ParticipantsInputSerializer)["participants"]]
        actions.set_participants(session, actor=request.user, participants=participants)
        return Response(self._read(session))


@extend_schema_view(
    list=extend_schema(summary="参学记录", description="调用者可见的学习培训的参学记录；普通党员为本人的。"),
    retrieve=extend_schema(summary="参学记录详情"),
)
@extend_schema(tags=["学习培训"])
class ParticipationViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ParticipationSerializer
    filterset_class = ParticipationFilter

    def get_queryset(self) -> QuerySet[Participation]:
        qs: QuerySet[Participation] = actions.participations_for(self.request.user)
        return qs.select_related("member", "session").order_by("-held_on", "-id")

    def get_object(self) -> Participation:
        found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if found is None:
            from rest_framework.exceptions import NotFound

            raise NotFound()
        return found


@extend_schema(tags=["学习培训"])
class StudyTotalsViewSet(viewsets.ViewSet):
    """党员年度学时：子树内在册党员的学时、目标、差额和集中培训次数（每页一条SQL）。"""

    pagination_class = Pagination

    @extend_schema(
        summary="党员年度学时", responses=TotalSerializer(many=True),
        parameters=[OpenApiParameter("org", int), OpenApiParameter("year", int), OpenApiParameter("short", bool),
                    OpenApiParameter("page", int)],
    )
    def list(self, request: Request) -> Response:
        query = TotalsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user: Any = request.user
        scope = scope_for(user)
        from rest_framework.exceptions import NotFound

        if not scope.view_roots:
            raise NotFound()
        org_pk = query.validated_data.get("org")
        if org_pk is not None:
            org = get_for_user(Organization.objects.get_queryset(), user, "view", pk=org_pk)
        else:
            first = Organization.objects.visible_to(user).filter(path__in=scope.view_roots).order_by("path").first()
            if first is None:
                raise NotFound()
            org = first
        if not scope.covers(org.path, "view"):
            raise NotFound()
        year = query.validated_data.get("year") or timezone.localdate().year
        targets = rules.load_targets(year)
        qs = measures.member_totals(measures.members_in(org), year, targets, timezone.localdate()).select_related("org")
        if query.validated_data.get("short"):
            qs = qs.filter(measures.short_q(targets))
        qs = qs.order_by("org__path", "name_pinyin", "pk")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self) or []
        figures = measures.standings_of(page, year)
        rows = []
        for m in page:
            s = figures[m.pk]
            rows.append({
                "member": m.pk, "name": m.name, "org": m.org_id, "org_name": m.org.name, "hours": s.hours,
                "target": s.target, "short_by": s.short_by, "is_leader": s.is_leader, "centralized": s.centralized,
                "needs_centralized": s.needs_centralized, "met": s.met,
            })
        return paginator.get_paginated_response(TotalSerializer(rows, many=True).data)


# (prefix, viewset, basename) for each route of this app.
ROUTES: list[tuple[str, Any, str]] = [
    ("study-sessions", StudySessionViewSet, "study-session"),
    ("study-participations", ParticipationViewSet, "study-participation"),
    ("study-totals", StudyTotalsViewSet, "study-totals"),
]
