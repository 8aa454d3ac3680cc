"""Every free text has a length limit (issue 11 finding 8, SEC-14): 会议记录 once took 3 MB. The long texts are
refused over their limit — in the action, so on the page and in the API alike — with a Chinese message naming
the field and saying how long it is; at the limit they are kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from dangjian.orglife import actions as orglife
from dangjian.orglife.choices import MeetingKind
from dangjian.orgs.actions import JOINT_UNITS_LIMIT, update_org
from dangjian.transfers import actions as transfers
from dangjian.transfers.actions import SEARCH_NOTES_LIMIT


def _meeting_data(**fields):  # type: ignore[no-untyped-def]
    return {"kinds": [MeetingKind.BRANCH_ASSEMBLY], "starts_at": timezone.now() - dt.timedelta(days=2), **fields}


@pytest.mark.parametrize(("field", "label"), [("minutes", "会议记录"), ("topics", "议题"), ("agenda", "议程"),
                                              ("resolutions", "决议事项")])
def test_a_meeting_text_over_its_limit_is_refused_by_name_and_at_it_kept(world, field, label):
    limit = orglife.RICH_TEXT_LIMITS[field]
    with pytest.raises(ValidationError) as refused:
        orglife.record_meeting(actor=world.secretary, org=world.a1, data=_meeting_data(**{field: "记" * (limit + 1)}))
    assert refused.value.message_dict[field] == [f"{label}不能超过{limit}个字（现有{limit + 1}个字）"]
    meeting = orglife.record_meeting(actor=world.secretary, org=world.a1, data=_meeting_data(**{field: "记" * limit}))
    assert "记" * limit in getattr(meeting, field)
    # A later edit of another field re-checks the stored text by what it shows, not by its markup.
    orglife.update_meeting(meeting, actor=world.secretary, data={"place": "三楼会议室"})


def test_three_megabytes_of_minutes_are_refused_through_the_api(world):
    client = APIClient()
    client.force_authenticate(world.secretary)
    response = client.post("/api/v1/meetings/", {
        "org": world.a1.pk, "kinds": [MeetingKind.BRANCH_ASSEMBLY],
        "starts_at": (timezone.now() - dt.timedelta(days=2)).isoformat(), "minutes": "<p>x</p>" * 400_000,
    }, format="json")
    assert response.status_code == 400
    assert response.json()["minutes"][0].startswith("会议记录不能超过30000个字")


def test_minutes_too_long_on_the_meeting_form_show_under_the_field(world, login):
    held = timezone.localtime(timezone.now() - dt.timedelta(days=2))
    response = login(world.secretary).post(f"{reverse('orglife:create')}?org={world.a1.pk}", {
        "kinds": [MeetingKind.BRANCH_ASSEMBLY], "date": held.date().isoformat(), "time": "15:00",
        "minutes": "记" * 30001,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["minutes"] == ["会议记录不能超过30000个字（现有30001个字）"]


def test_joint_units_over_the_limit_are_refused_by_name(world):
    with pytest.raises(ValidationError) as refused:
        update_org(world.a1, actor=world.admin, joint_units="单位\n" * (JOINT_UNITS_LIMIT // 3 + 1))
    assert refused.value.message_dict["joint_units"][0].startswith(f"联合单位不能超过{JOINT_UNITS_LIMIT}个字")


def test_lost_contact_search_notes_over_the_limit_are_refused_by_name(world):
    with pytest.raises(ValidationError) as refused:
        transfers.record_lost_contact(world.member, actor=world.secretary, last_contact_on=dt.date(2024, 1, 1),
                                      search_notes="走" * (SEARCH_NOTES_LIMIT + 1))
    assert refused.value.message_dict["search_notes"] == [
        f"查找情况不能超过{SEARCH_NOTES_LIMIT}个字（现有{SEARCH_NOTES_LIMIT + 1}个字）"
    ]
