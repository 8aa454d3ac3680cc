"""The 党费 section of the member page: the current base, this year's dues and arrears (the integrator includes
templates/dues/member_section.html with this context)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from dangjian.core.scoping import scope_for
from dangjian.dues import calc, ledgers
from dangjian.dues.measures import arrears_on
from dangjian.dues.models import DuesBase
from dangjian.members.models import Member
from dangjian.members.sections import register_section


@register_section("dues/member_section.html", order=30)
def member_section(member: Member, user: Any) -> dict[str, Any]:
    """Context for templates/dues/member_section.html; the caller has already checked that `user` may see
    `member`. The arrears are the function of the measure `dues.arrears.months` on today."""
    today = timezone.localdate()
    config = calc.load_config(today)
    rows = ledgers.statement(member, today.year, today)
    base = DuesBase.objects.filter(member=member, month_to__isnull=True).first()
    owed = [r for r in rows if r.owed and r.payment is None and r.due]
    behind = arrears_on(Member.objects.filter(pk=member.pk), today).get(member.pk)
    arrears = behind.months if behind is not None else 0
    return {
        "dues_member": member,
        "dues_base": base,
        "dues_year": today.year,
        "dues_paid_total": sum((r.payment.amount for r in rows if r.payment), Decimal("0.00")),
        "dues_unpaid_months": [calc.month_label(r.month) for r in owed],
        "dues_arrears": arrears,
        "dues_level": calc.arrears_level(arrears, config),
        "dues_can_change": scope_for(user).covers(member.org.path, "change"),
    }
