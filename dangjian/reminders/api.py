"""REST API for the caller's own reminders: the open ones (paginated) and closing one.

Reminders are personal, not org-scoped: the queryset is `Reminder.objects.open_for(request.user)`, and closing
goes through `actions.resolve`, which answers 404 for someone else's reminder (the same as a missing one).
Dates are ISO 8601. The list takes the to-do page's filters (kind, org, due).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.core.api import ScopedFilterBackend
from dangjian.reminders import actions
from dangjian.reminders.filters import ReminderFilter
from dangjian.reminders.models import Reminder


class ReminderSerializer(serializers.ModelSerializer):
    """一条待办提醒。"""

    # A plain string in the schema, as elsewhere, so that no enum named "kind" collides with other kinds.
    kind = serializers.CharField(read_only=True, help_text="meeting_due_soon 会议即将到期 / meeting_overdue 会议逾期未开 / "
                                 "term_due 换届即将到期 / term_overdue 换届逾期 / vacancy 班子空缺 / "
                                 "political_birthday 政治生日 / draft_unsubmitted 草稿未提交 / "
                                 "confirmation_due 预备期满待转正 / appraisal_followup 不合格党员整改 / "
                                 "appraisal_round_due 民主评议待开展 等，见 kind_display")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Reminder
        fields = ["id", "kind", "kind_display", "key", "org", "title", "due_on", "url", "created_at", "resolved_at"]
        read_only_fields = fields


@extend_schema(tags=["待办提醒"])
class ReminderViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's open reminders, late kinds first, by due date."""

    serializer_class = ReminderSerializer
    parser_classes = [JSONParser]
    # The to-do page's filter: kind, org (its subtree), due (overdue / week / month / none).
    filter_backends = [ScopedFilterBackend]
    filterset_class = ReminderFilter

    def get_queryset(self) -> Any:
        return Reminder.objects.open_for(self.request.user)

    @extend_schema(request=None, responses=ReminderSerializer, summary="办结（完成或忽略）一条提醒")
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: Any = None) -> Response:
        reminder = actions.resolve(request.user, pk)
        return Response(ReminderSerializer(reminder, context={"request": request}).data)
