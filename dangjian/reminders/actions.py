"""The one state change a user makes on a reminder: closing it ("完成/忽略"). Views and API both call it."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone

from dangjian.reminders.models import Reminder


def get_own_reminder(user: Any, pk: Any) -> Reminder:
    """One of the user's own reminders, else 404 — the same answer for someone else's and a missing one, so ids
    cannot be probed. Reminders are personal and carry no org scope, so there is nothing to audit as a denial."""
    try:
        return Reminder.objects.of(user).get(pk=pk)
    except (Reminder.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该提醒") from exc


def resolve(user: Any, pk: Any) -> Reminder:
    """Close one of the user's reminders now (idempotent: a closed one keeps its first closing time). The row is
    kept, so the scheduled job does not raise the same cause again."""
    reminder = get_own_reminder(user, pk)
    if reminder.resolved_at is None:
        reminder.resolved_at = timezone.now()
        Reminder.objects.of(user).filter(pk=reminder.pk, resolved_at__isnull=True).update(
            resolved_at=reminder.resolved_at
        )
    return reminder
