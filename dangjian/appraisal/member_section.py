"""The 民主评议党员 block of the member page: `member_section(member, user) -> dict` (in appraisal.views) for
templates/appraisal/member_section.html, registered with the member page (dangjian.members.sections)."""

from dangjian.appraisal.views import member_section
from dangjian.members.sections import register_section

register_section("appraisal/member_section.html", order=50)(member_section)

__all__ = ["member_section"]
