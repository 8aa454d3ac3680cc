"""我的主页: what a 党员 opens every week, phone-first — their next meetings, attendance this year, 学时 against the
target, 党费 paid to which month and what is due, their 政治生日, their branch's 红黄绿 light and their to-dos.

Every figure is a registered measure read for the one member (or their branch), inside one rules snapshot, so the
page costs the same number of queries whatever the member's history. The member's own records are reached through
their own member id (`Scope.own_member_id`), never through a manager's scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from dangjian.core import measures
from dangjian.core import rules as rule_registry
from dangjian.core.reminders import rules as reminder_rules
from dangjian.lib.dates import add_years
from dangjian.lib.periods import MONTH, Period
from dangjian.members.models import Member
from dangjian.orglife.compliance.queries import BranchHealth
from dangjian.orglife.compliance.statuses import colour_for, health_window
from dangjian.orglife.models import Meeting
from dangjian.orglife.signin.actions import open_signins_for
from dangjian.orgs.models import Organization
from dangjian.reminders.models import Reminder

NEXT_MEETINGS = 3
TODOS = 5


@dataclass(frozen=True)
class Birthday:
    """The member's 政治生日: the basis date (入党 or 转正, by rule), the next anniversary and which one it is."""

    basis: dt.date
    word: str
    next_on: dt.date
    years: int
    days_to: int


def political_birthday(member: Member, today: dt.date, basis_rule: str) -> Birthday | None:
    """The next anniversary (today's counts as next) of the date the rule names, or None without that date."""
    joined = basis_rule == reminder_rules.BASIS_JOINED
    basis = member.joined_on if joined else member.confirmed_on
    if basis is None:
        return None
    years = today.year - basis.year
    day = add_years(basis, years)
    if day < today:
        years += 1
        day = add_years(basis, years)
    return Birthday(basis, "入党" if joined else "转正", day, years, (day - today).days)


def member_home(user: Any, member: Member) -> dict[str, Any]:
    """The context of templates/reports/_mine.html for the user's own member record (already read)."""
    today = timezone.localdate()
    year = Period.year(today.year)
    this_month = Period.containing(MONTH, today)
    me = Member.objects.filter(pk=member.pk)
    branch = Organization.objects.filter(pk=member.org_id)
    with rule_registry.snapshot():
        rule_registry.preload(today)
        turnout = measures.get("orglife.attendance.member")(me, year).get(member.pk)
        standing = measures.get("learning.hours.standing")(me, year).get(member.pk)
        paid_to = measures.get("dues.paid_to")(me, this_month).get(member.pk)
        arrears = measures.get("dues.arrears.months")(me, this_month).get(member.pk)
        overdue = measures.get("orglife.meetings.overdue")(branch, Period.range(*health_window(today)))
        silent = measures.get("orglife.silent")(branch, this_month)
        basis = str(rule_registry.values([reminder_rules.POLITICAL_BIRTHDAY_BASIS], today)[
            reminder_rules.POLITICAL_BIRTHDAY_BASIS])
    late, quiet = overdue.get(member.org_id, 0), bool(silent.get(member.org_id, False))
    own_orgs = [pk for pk in (member.org_id, member.group_id) if pk]
    # Sign-in is open now at a meeting of the member's branch: the member signs in by scanning the code shown
    # at the meeting (the token is only in the code), so the page says so rather than linking.
    signins = list(open_signins_for(member))
    meetings = list(
        Meeting.objects.filter(org_id__in=own_orgs, starts_at__gte=timezone.now())
        .select_related("org").order_by("starts_at", "pk")[:NEXT_MEETINGS]
    )
    todos = list(Reminder.objects.open_for(user)[:TODOS])
    return {
        "me": member, "today": today, "turnout": turnout, "standing": standing, "paid_to": paid_to,
        "arrears": arrears, "light": BranchHealth(member.org, late, quiet, None, colour_for(late, quiet)),
        "birthday": political_birthday(member, today, basis), "next_meetings": meetings, "todos": todos,
        "signins": signins,
    }
