"""The 学习培训 block of the member page: `member_section(member, user) -> dict` for
templates/learning/member_section.html (the integrator includes both)."""

from dangjian.learning.views import member_section

__all__ = ["member_section"]
