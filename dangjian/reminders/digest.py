"""Optional e-mail: one digest per user of the reminders a run of the job created (`dangjian reminders --email`).

Only when the deployment configured an SMTP server (settings.EMAIL_HOST set explicitly, not Django's default):
intranet deployments often have none, and the to-do list is the primary channel.

Safe on two nodes at once: a node first claims a user's unmailed reminders with one UPDATE that stamps them with
its own claim time, and mails only the rows carrying that stamp; the other node's UPDATE then finds nothing left.
This is one UPDATE, one SELECT and one message per user who has something new — the cost of sending mail per user.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.lib.dates import cn_date
from dangjian.reminders.models import Reminder


def email_configured() -> bool:
    """Whether the deployment set an SMTP server itself (Django's built-in default "localhost" does not count)."""
    return bool(getattr(settings, "EMAIL_HOST", "")) and settings.is_overridden("EMAIL_HOST")  # type: ignore[misc]


def _unmailed(since: dt.datetime):  # type: ignore[no-untyped-def]
    return Reminder.objects.filter(resolved_at__isnull=True, notified_at__isnull=True, created_at__gte=since)


def send_digests(since: dt.datetime) -> int:
    """Mail each active user with an address the open reminders created since `since` that no one mailed yet.
    Returns the number of messages sent."""
    recipients = (
        User.objects.filter(is_active=True, pk__in=_unmailed(since).values("user_id")).exclude(email="")
        .values_list("pk", "email", "display_name", "username")
    )
    sent = 0
    for uid, email, display_name, username in recipients:
        stamp = timezone.now()
        if not _unmailed(since).filter(user_id=uid).update(notified_at=stamp):
            continue  # another node claimed them first
        rows = list(Reminder.objects.filter(user_id=uid, notified_at=stamp).order_by("due_on", "id"))
        lines = [f"{display_name or username}，您好：", "", f"您有{len(rows)}项新的待办事项：", ""]
        for r in rows:
            due = f"（截止{cn_date(r.due_on)}）" if r.due_on else ""
            lines.append(f"· [{r.get_kind_display()}] {r.title}{due}")
        lines += ["", "请登录机关党建工作管理系统，在“待办事项”中办理。"]
        send_mail(f"机关党建：您有{len(rows)}项新的待办事项", "\n".join(lines), None, [email])
        sent += 1
    return sent
