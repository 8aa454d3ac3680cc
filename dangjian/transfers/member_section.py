"""The 组织关系转接 block of the member page: `member_section(member, user) -> dict` (in transfers.views) for
templates/transfers/member_section.html, registered with the member page (dangjian.members.sections)."""

from dangjian.members.sections import register_section
from dangjian.transfers.views import member_section

register_section("transfers/member_section.html", order=20)(member_section)

__all__ = ["member_section"]
