"""The 学习培训 pages: recording (directly and from a meeting), the lists and exports with their scoping (an
outsider gets 404 or nothing on every list, detail and export), the totals and shortfall pages, the member
record and the member-page section, with query counts that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from dangjian.core.models import AuditEvent
from dangjian.learning.models import StudySession
from dangjian.learning.views import member_section
from tests.learning.conftest import NOW, direct_session, submitted_meeting

pytestmark = pytest.mark.usefixtures("world")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_rows(response, sheet: int = 0) -> list[tuple]:
    assert response["Content-Type"] == XLSX
    wb = load_workbook(io.BytesIO(response.content))
    return list(wb.worksheets[sheet].iter_rows(values_only=True))


# --- lists, details and exports: scoping ----------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_session_list_shows_only_the_users_scope(world, login, sessions):
    a1, b = sessions
    body = login(world.secretary).get("/learning/").content.decode()
    assert a1.title in body and f"/learning/{a1.pk}/" in body and f"/learning/{b.pk}/" not in body
    outsider = login(world.outsider).get("/learning/").content.decode()
    assert f"/learning/{a1.pk}/" not in outsider and f"/learning/{b.pk}/" in outsider


@time_machine.travel(NOW, tick=False)
def test_the_session_list_export_holds_only_the_scope_and_is_audited(world, login, sessions):
    rows = sheet_rows(login(world.outsider, verified=True).get("/learning/?export=xlsx"))
    assert [r[3] for r in rows[1:]] == ["第三党支部"]
    assert AuditEvent.objects.filter(action="learning.export", actor=world.outsider).exists()


@time_machine.travel(NOW, tick=False)
def test_a_session_of_another_branch_is_not_found_for_an_outsider(world, login, sessions):
    a1, _b = sessions
    assert login(world.outsider).get(f"/learning/{a1.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="auth.denied", actor=world.outsider).exists()
    assert login(world.secretary).get(f"/learning/{a1.pk}/").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_a_plain_member_sees_their_own_sessions_and_only_their_own_line(world, login, sessions):
    a1, b = sessions
    other = world.make_member(world.a1, name="同支部")
    with time_machine.travel(NOW, tick=False):
        shared = direct_session(world, world.a1, dt.date(2025, 5, 3), "4", [(world.member.pk, "4"), (other.pk, "4")])
    client = login(world.member_user)
    listing = client.get("/learning/").content.decode()
    assert f"/learning/{a1.pk}/" in listing and f"/learning/{b.pk}/" not in listing
    page = client.get(f"/learning/{shared.pk}/").content.decode()
    assert "李党员" in page and "同支部" not in page
    assert client.get(f"/learning/{b.pk}/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_the_session_list_runs_a_fixed_number_of_queries(world, login, sessions, django_assert_max_num_queries):
    client = login(world.admin)
    client.get("/learning/")
    for i in range(5):
        direct_session(world, world.a2, dt.date(2025, 4, i + 1), "2", [(world.a2_member.pk, "2")])
    with django_assert_max_num_queries(14):
        assert client.get("/learning/?year=2025").status_code == 200


# --- recording ------------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_recording_a_party_school_course_with_completed_hours(world, login):
    client = login(world.secretary)
    page = client.get(f"/learning/new/?org={world.a1.pk}")
    assert "李党员" in page.content.decode()
    response = client.post(f"/learning/new/?org={world.a1.pk}", {
        "kind": "party_school", "title": "党校春季班", "held_on": "2025-06-01", "hours": "16",
        f"h{world.member.pk}": "16",
    })
    session = StudySession.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/learning/{session.pk}/"
    assert session.participations.get().hours == Decimal("16.0")


@time_machine.travel(NOW, tick=False)
def test_hours_beyond_the_session_length_are_shown_on_the_form_and_nothing_is_written(world, login):
    response = login(world.secretary).post(f"/learning/new/?org={world.a1.pk}", {
        "kind": "online", "title": "网络课程", "held_on": "2025-06-01", "hours": "4", f"h{world.member.pk}": "5",
    })
    assert response.status_code == 200
    assert "个人学时不能超过学习培训时长" in response.content.decode()
    assert StudySession.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_the_record_form_is_not_found_for_other_branches_or_readers(world, login):
    assert login(world.outsider).get(f"/learning/new/?org={world.a1.pk}").status_code == 404
    assert login(world.viewer).get("/learning/new/").status_code == 404
    assert login(world.member_user).get("/learning/new/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_creating_from_a_meeting_gives_the_present_members_the_hours_and_cannot_be_repeated(world, login):
    absent = world.make_member(world.a1, name="缺席人")
    meeting = submitted_meeting(world, world.a1, dt.date(2025, 6, 10), {absent.pk: "absent"})
    client = login(world.secretary)
    listed = client.get(f"/learning/new/?org={world.a1.pk}").content.decode()
    assert f"/learning/from-meeting/{meeting.pk}/" in listed
    page = client.get(f"/learning/from-meeting/{meeting.pk}/").content.decode()
    assert "出席 1 人" in page and "缺席 1 人" in page
    response = client.post(f"/learning/from-meeting/{meeting.pk}/", {"kind": "branch_study", "hours": "3"})
    session = StudySession.objects.get()
    assert response.status_code == 302
    assert list(session.participations.values_list("member_id", "hours")) == [(world.member.pk, Decimal("3.0"))]
    again = client.post(f"/learning/from-meeting/{meeting.pk}/", {"kind": "branch_study", "hours": "3"})
    assert "已生成过学习记录" in again.content.decode()
    assert StudySession.objects.count() == 1
    assert f"/learning/from-meeting/{meeting.pk}/" not in client.get(f"/learning/new/?org={world.a1.pk}").content.decode()


@time_machine.travel(NOW, tick=False)
def test_an_outsider_cannot_reach_create_from_meeting(world, login):
    meeting = submitted_meeting(world, world.a1, dt.date(2025, 6, 10), {})
    assert login(world.outsider).get(f"/learning/from-meeting/{meeting.pk}/").status_code == 404
    assert login(world.outsider).post(f"/learning/from-meeting/{meeting.pk}/", {"kind": "branch_study", "hours": "3"}).status_code == 404
    assert StudySession.objects.count() == 0


# --- totals, shortfall, member record --------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_totals_page_lists_each_member_with_target_and_shortfall(world, login, sessions):
    body = login(world.admin).get(f"/learning/totals/?org={world.root.pk}&year=2025").content.decode()
    assert "李党员" in body and "31.5" in body and "0.5" in body and "钱三支" in body
    assert "条文待核实" in body
    short = login(world.admin).get(f"/learning/totals/?org={world.root.pk}&year=2025&short=on").content.decode()
    assert "李党员" in short and "钱三支" not in short


@time_machine.travel(NOW, tick=False)
def test_the_totals_page_and_export_are_not_found_outside_the_scope(world, login, sessions):
    client = login(world.outsider, verified=True)
    assert client.get(f"/learning/totals/?org={world.a1.pk}&year=2025").status_code == 404
    assert client.get(f"/learning/totals/?org={world.a1.pk}&year=2025&export=xlsx").status_code == 404
    own = client.get("/learning/totals/?year=2025").content.decode()
    assert "钱三支" in own and "李党员" not in own
    rows = sheet_rows(client.get("/learning/totals/?year=2025&export=xlsx"))
    assert [r[0] for r in rows[1:]] == ["钱三支"]
    assert login(world.member_user, verified=True).get("/learning/totals/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_the_shortfall_list_shows_who_is_short_by_how_much_per_branch(world, login, sessions, django_assert_max_num_queries):
    client = login(world.admin, verified=True)
    client.get(f"/learning/shortfall/?org={world.root.pk}&year=2025")
    with django_assert_max_num_queries(15):
        body = client.get(f"/learning/shortfall/?org={world.root.pk}&year=2025").content.decode()
    assert "第一党支部" in body and "李党员" in body and "钱三支" not in body
    assert "第二党支部" in body and "赵二支" in body  # no hours at all: short by 32
    book = client.get(f"/learning/shortfall/?org={world.root.pk}&year=2025&export=xlsx")
    branches = sheet_rows(book, 0)
    members = sheet_rows(book, 1)
    assert ("第一党支部", 1, 0, 1, Decimal("31.5")) in [(r[0], r[1], r[2], r[3], Decimal(str(r[4]))) for r in branches[1:]]
    assert {r[0]: Decimal(str(r[5])) for r in members[1:]} == {"李党员": Decimal("0.5"), "赵二支": Decimal("32")}


@time_machine.travel(NOW, tick=False)
def test_the_shortfall_list_is_not_found_outside_the_scope(world, login, sessions):
    assert login(world.outsider, verified=True).get(f"/learning/shortfall/?org={world.general.pk}").status_code == 404
    assert login(world.outsider, verified=True).get(f"/learning/shortfall/?org={world.general.pk}&export=xlsx").status_code == 404
    body = login(world.outsider, verified=True).get("/learning/shortfall/?year=2025").content.decode()
    assert "李党员" not in body


@time_machine.travel(NOW, tick=False)
def test_the_member_record_and_its_export_are_scoped(world, login, sessions):
    body = login(world.secretary, verified=True).get(f"/learning/member/{world.member.pk}/?year=2025").content.decode()
    assert "31.5" in body and "党校专题班" in body and "差0.5学时" in body
    rows = sheet_rows(login(world.secretary, verified=True).get(f"/learning/member/{world.member.pk}/?year=2025&export=xlsx"))
    assert rows[1][2] == "党校专题班"
    assert login(world.outsider, verified=True).get(f"/learning/member/{world.member.pk}/").status_code == 404
    assert login(world.outsider, verified=True).get(f"/learning/member/{world.member.pk}/?export=xlsx").status_code == 404
    assert login(world.member_user, verified=True).get(f"/learning/member/{world.member.pk}/?year=2025").status_code == 200
    assert login(world.member_user, verified=True).get(f"/learning/member/{world.a2_member.pk}/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_the_member_section_gives_this_years_standing_and_latest_sessions(world, sessions):
    from django.template.loader import render_to_string

    context = member_section(world.member, world.admin)
    assert context["learning"]["standing"].hours == Decimal("31.5")
    html = render_to_string("learning/member_section.html", context)
    assert "学习培训（2025年）" in html and "党校专题班" in html
