"""The 学习培训 block of the member page: `member_section(member, user) -> dict` for
templates/learning/member_section.html, registered with the member page (dangjian.members.sections)."""

from dangjian.learning.views import member_section
from dangjian.members.sections import register_section

register_section("learning/member_section.html", order=40)(member_section)

__all__ = ["member_section"]
