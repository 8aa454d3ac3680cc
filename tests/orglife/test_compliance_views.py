"""The compliance pages: what each persona sees, 404 outside scope and for the 三员, drill-down links, filters,
and page query counts that do not grow with the number of orgs."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.models import Meeting, MeetingKindTag
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import OrgKind

D = dt.date
K = MeetingKind
TODAY = dt.datetime(2025, 4, 10, 4, tzinfo=dt.UTC)
PAGES = ["/orglife/compliance/", "/orglife/compliance/rollup/", "/orglife/compliance/health/",
         "/orglife/compliance/setup/", "/orglife/compliance/health/?colour=silent"]


def meeting(org, day, *kinds, submitted=True):
    status = MeetingStatus.SUBMITTED if submitted else MeetingStatus.DRAFT
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    m = Meeting.objects.create(org=org, title="会议", starts_at=starts, held_on=day, status=status)
    for kind in kinds:
        MeetingKindTag.objects.create(meeting=m, kind=kind, org=org, held_on=day, submitted=submitted)
    return m


def with_org(url, org):
    return f"{url}{'&' if '?' in url else '?'}org={org.pk}"


@time_machine.travel(TODAY, tick=False)
def test_admin_sees_the_matrix_with_status_words_and_drill_down_links(world, login):
    meeting(world.a1, D(2025, 1, 8), K.THEME_DAY)
    client = login(world.admin)
    html = client.get("/orglife/compliance/?year=2025&kind=theme_day").content.decode()
    assert ">第一党支部</a>" in html and ">第三党支部</a>" in html
    assert "已完成（1次）" in html and "逾期未开" in html and "进行中" in html
    assert f"org={world.a1.pk}&amp;kind=theme_day&amp;month_from=2025-01&amp;month_to=2025-01" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    html = client.get(f"/orglife/compliance/?org={world.general.pk}&kind=group_meeting").content.decode()
    assert ">第一党小组</a>" in html and ">第三党支部</a>" not in html


@time_machine.travel(TODAY, tick=False)
def test_secretary_starts_at_their_branch(world, login):
    html = login(world.secretary).get("/orglife/compliance/").content.decode()
    assert ">第一党支部</a>" in html and "第二党支部" not in html and "第三党支部" not in html


@pytest.mark.parametrize("url", PAGES)
def test_outsider_gets_404_for_a_root_outside_their_scope(world, login, url):
    client = login(world.outsider)
    assert client.get(with_org(url, world.general)).status_code == 404
    assert client.get(with_org(url, world.a1)).status_code == 404
    own = client.get(url)
    assert own.status_code == 200
    assert "第一党支部" not in own.content.decode()


@pytest.mark.parametrize("url", [*PAGES, "/orglife/compliance/rules/"])
@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor", "nobody", "member_user"])
def test_the_three_administrators_and_plain_members_get_404(world, login, url, persona):
    client = login(getattr(world, persona), verified=persona in ("sysadmin", "secadmin", "auditor"))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [*PAGES, "/orglife/compliance/rules/"])
def test_anonymous_users_are_sent_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bad_parameters_are_answered_not_crashed(world, login):
    client = login(world.admin)
    assert client.get("/orglife/compliance/?org=abc").status_code == 404
    assert client.get("/orglife/compliance/?org=999999").status_code == 404
    assert client.get("/orglife/compliance/?year=abc&kind=nonsense&page=x").status_code == 200
    assert client.get("/orglife/compliance/setup/?type=nonsense").status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_rollup_page_shows_rates_by_kind_and_level(world, login):
    meeting(world.a1, D(2025, 1, 8), K.THEME_DAY)
    html = login(world.admin).get("/orglife/compliance/rollup/?year=2025").content.decode()
    assert "按层级" in html and "第3级" in html and "主题党日" in html
    assert "33.3%" in html  # one of three branches in January


@time_machine.travel(TODAY, tick=False)
def test_health_page_colours_and_silent_list(world, login):
    meeting(world.a1, D(2025, 4, 1), K.THEME_DAY)
    client = login(world.admin)
    html = client.get("/orglife/compliance/health/").content.decode()
    assert ">第一党支部</a>" in html and "静默支部" in html
    silent = client.get("/orglife/compliance/health/?colour=silent").content.decode()
    assert ">第二党支部</a>" in silent and ">第三党支部</a>" in silent and ">第一党支部</a>" not in silent


def test_rules_page_lists_sources_and_local_practice(world, login):
    html = login(world.viewer).get("/orglife/compliance/rules/").content.decode()
    assert "第十一条" in html and "本单位做法" in html and "每季度" in html and "中央规定" in html


def test_setup_page_filters_by_warning_type(world, login):
    client = login(world.admin)
    html = client.get("/orglife/compliance/setup/?type=too_few_full").content.decode()
    assert ">第一党支部</a>" in html and "正式党员1人" in html and ">第一党总支</a>" not in html
    html = client.get("/orglife/compliance/setup/?type=no_secretary").content.decode()
    assert ">第一党总支</a>" in html


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("url", ["/orglife/compliance/", "/orglife/compliance/rollup/",
                                 "/orglife/compliance/health/", "/orglife/compliance/setup/"])
def test_page_queries_do_not_grow_with_orgs(world, login, url):
    client = login(world.admin)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(12):
        org = create_org(actor=world.admin, parent=world.root, name=f"支部{i}", kind=OrgKind.BRANCH)
        meeting(org, D(2025, 1, 3), K.THEME_DAY)
    assert queries() == few


@time_machine.travel(TODAY, tick=False)
def test_rollup_page_names_each_level_by_its_orgs(world, login):
    meeting(world.a1, D(2025, 1, 8), K.THEME_DAY)
    html = login(world.admin).get("/orglife/compliance/rollup/?year=2025").content.decode()
    assert "机关党委直属党支部" in html and "党总支下属党支部" in html and "第2级" in html


@pytest.mark.parametrize("url", PAGES)
def test_the_subtree_is_chosen_with_the_org_picker_showing_its_path(world, login, url):
    """No <option> per org (the 综合处党支部 namesakes were indistinguishable): the page shows the current root's path
    and the picker searches the rest."""
    create_org(name="综合处党支部", kind=OrgKind.BRANCH, parent=world.general, actor=world.admin)
    create_org(name="综合处党支部", kind=OrgKind.BRANCH, parent=world.root, actor=world.admin)
    page = login(world.admin).get(with_org(url, world.a1)).content.decode()
    assert "已选：机关党委 › 第一党总支 › 第一党支部" in page
    assert 'data-url="/orgs/pick/"' in page and "综合处党支部</option>" not in page
