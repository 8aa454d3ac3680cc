"""The 发展党员 section of the member page: how the member was admitted — the dates of the application, the
activist and candidate decisions, the admission meeting and approval, the 转正 — with the introducers and a link
to the full record (the integrator includes templates/recruitment/member_section.html with this context)."""

from __future__ import annotations

from typing import Any

from dangjian.core.scoping import scope_for
from dangjian.members.models import Member
from dangjian.members.sections import register_section
from dangjian.recruitment.models import Applicant
from dangjian.recruitment.steps import STEPS

# The milestones the member page shows, in order.
MILESTONES = (1, 3, 7, 15, 17, 20, 23, 24)


@register_section("recruitment/member_section.html", order=10)
def member_section(member: Member, user: Any) -> dict[str, Any]:
    """Context for templates/recruitment/member_section.html; the caller has already checked that `user` may see
    `member`. Three queries and the user's scope; empty when the member did not come through this system."""
    applicant = Applicant.objects.filter(member=member).first()
    if applicant is None:
        return {"recruitment_applicant": None}
    steps = list(applicant.steps.order_by("id").prefetch_related("people"))
    latest = {s.number: s for s in steps}
    introducers = latest.get(9)
    return {
        "recruitment_applicant": applicant,
        "recruitment_milestones": [(STEPS[n].label, latest[n].date) for n in MILESTONES if n in latest],
        "recruitment_introducers": [m.name for m in introducers.people.all()] if introducers else [],
        "recruitment_can_open": scope_for(user).covers(applicant.org.path, "view"),
    }
