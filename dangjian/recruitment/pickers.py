"""The trainee picker: the 入党积极分子 and 发展对象 still on their way whom a user manages, searched by name, pinyin
or initials and shown with their branch's path — for a 发展对象 training record (learning), never as a list of
every applicant of the subtree."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse_lazy

from dangjian.core.scoping import subtree_q
from dangjian.members.pickers import MemberPickerField, answer
from dangjian.orgs.models import Organization
from dangjian.recruitment.models import Applicant, ApplicantStatus
from dangjian.recruitment.steps import Stage


def trainable(user: Any, within: int | None = None) -> QuerySet[Applicant]:
    """Applicants the user may change, in progress as 入党积极分子 or 发展对象, under org `within` when given."""
    qs = Applicant.objects.visible_to(user, "change").filter(
        status=ApplicantStatus.IN_PROGRESS, stage__in=[Stage.ACTIVIST, Stage.CANDIDATE])
    if within is not None:
        org = Organization.objects.visible_to(user).filter(pk=within).only("path").first()
        qs = qs.filter(subtree_q(org.path, "org__path")) if org is not None else qs.none()
    return qs  # type: ignore[return-value]


def search(user: Any, text: str, within: int | None = None) -> dict[str, Any]:
    """One answer of the trainee picker endpoint (`members.pickers.answer` over `trainable`)."""
    return answer(trainable(user, within), text)


class ApplicantPickerField(MemberPickerField):
    """An applicant chosen with the trainee picker; the view's queryset (`trainable` under the session's org)
    decides what is accepted, and anything else is refused with a message naming the field."""

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("invalid_choice", f"{label}：所选人员不存在、不在本组织或不是积极分子、发展对象")
        super().__init__(label=label, url=reverse_lazy("recruitment:pick"), **kwargs)
        self.widget.params = {}  # type: ignore[attr-defined]
