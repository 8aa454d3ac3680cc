"""The 民主评议党员 lists' FilterSets (appraisal.filters): rounds and follow-ups give the same rows on the page, in
its Excel export and in the API for the same query and persona; follow-ups take the page's `state` and the API's
`open` alike; the results API and the page's "尚未作出组织处置" block share the org and year filters; no persona
reaches a record outside their scope by filtering; bad values list nothing; query counts stay flat."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.appraisal import actions
from dangjian.appraisal.choices import FollowUpKind, FollowUpOutcome, Rating
from dangjian.orgs.actions import create_org
from dangjian.orgs.models import OrgKind
from tests.appraisal.conftest import confirmed, draft, grow
from tests.clients import api, api_rows, xlsx_rows

NOW = dt.datetime(2025, 12, 20, 4, tzinfo=dt.UTC)
ROUNDS_PAGE = reverse("appraisal:list")
FOLLOWUPS_PAGE = reverse("appraisal:followups")
ROUNDS = "/api/v1/appraisal/rounds/"
RESULTS = "/api/v1/appraisal/results/"
FOLLOWUPS = "/api/v1/appraisal/followups/"
MANAGERS = ("admin", "viewer", "secretary", "outsider")

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def correction(result, actor, deadline: dt.date) -> Any:
    return actions.record_followup(result, actor=actor, data={
        "kind": FollowUpKind.CORRECTION, "decided_on": dt.date(2025, 12, 15), "deadline": deadline})


@pytest.fixture
def records(world) -> dict[str, Any]:
    """第一党支部: a confirmed round, three rated 不合格 — one 限期改正 running, one due within the month, one still
    without a 组织处置; 第二党支部: a draft; 第三党支部: a confirmed round, its one member 不合格, 劝退 and 劝而不退
(closed)."""
    grow(world, 3)
    a1 = confirmed(world, ratings=[Rating.UNQUALIFIED, Rating.UNQUALIFIED, Rating.UNQUALIFIED, Rating.QUALIFIED])
    first, second, third = a1.results.filter(rating=Rating.UNQUALIFIED).order_by("member__name_pinyin")
    running = correction(first, world.admin, dt.date(2026, 6, 1))
    due = correction(second, world.admin, dt.date(2026, 1, 5))
    a2 = draft(world, org=world.a2)
    b = confirmed(world, org=world.b, ratings=[Rating.UNQUALIFIED])
    b_followup = actions.record_followup(b.results.get(), actor=world.admin, data={
        "kind": FollowUpKind.PERSUADE, "decided_on": dt.date(2025, 12, 15), "doc_no": "三支〔2025〕1号",
        "note": "经教育仍无转变"})
    b_followup = actions.close_followup(b_followup, actor=world.admin, outcome=FollowUpOutcome.REFUSED,
                                        closed_on=dt.date(2025, 12, 18))
    return {"a1": a1, "a2": a2, "b": b, "running": running, "due": due, "pending": third, "b_followup": b_followup}


def round_views(world, login, user, query: dict[str, Any]) -> tuple[set, set, set]:
    """(page, export, API) of the rounds list, each as {(党支部, 年度)}."""
    client = login(user, verified=True)
    page = {(r.org.name, r.year) for r, _check in client.get(ROUNDS_PAGE, query).context["rows"]}
    export = {(row[0], row[1]) for row in xlsx_rows(client.get(ROUNDS_PAGE, {**query, "export": "xlsx"}))}
    response = api(user).get(ROUNDS, query)
    assert response.status_code == 200, response.json()
    listed = {(row["org_name"], row["year"]) for row in response.json()["results"]}
    return page, export, listed


def followup_views(world, login, user, query: dict[str, Any]) -> tuple[set, set, set]:
    """(page, export, API) of the follow-ups list, each as {党员姓名}."""
    client = login(user, verified=True)
    page = {f.result.member.name for f, _state in client.get(FOLLOWUPS_PAGE, query).context["rows"]}
    export = {row[2] for row in xlsx_rows(client.get(FOLLOWUPS_PAGE, {**query, "export": "xlsx"}))}
    return page, export, api_rows(user, FOLLOWUPS, query, "member_name")


def round_queries(world) -> list[dict[str, Any]]:
    return [{}, {"org": world.general.pk}, {"org": world.a1.pk}, {"org": world.b.pk}, {"year": 2025}, {"year": 2024},
            {"status": "draft"}, {"org": world.root.pk, "status": "confirmed", "year": 2025}]


def followup_queries(world) -> list[dict[str, Any]]:
    return [{}, {"org": world.a1.pk}, {"org": world.b.pk}, {"year": 2025}, {"year": 2024},
            {"kind": FollowUpKind.CORRECTION}, {"kind": FollowUpKind.PERSUADE}, *({"state": s} for s in (
                "open", "due", "overdue", "closed", "pending")), {"open": "true"}, {"open": "false"},
            {"org": world.general.pk, "state": "due"}]


def test_the_rounds_page_its_export_and_the_api_list_the_same_rounds(world, login, records):
    for name in MANAGERS:
        for query in round_queries(world):
            page, export, listed = round_views(world, login, getattr(world, name), query)
            assert page == export == listed, (name, query)
    assert round_views(world, login, world.admin, {"org": world.general.pk})[0] == {("第一党支部", 2025),
                                                                                      ("第二党支部", 2025)}
    assert round_views(world, login, world.admin, {"status": "draft"})[2] == {("第二党支部", 2025)}


def test_the_followups_page_its_export_and_the_api_list_the_same_followups(world, login, records):
    for name in MANAGERS:
        for query in followup_queries(world):
            page, export, listed = followup_views(world, login, getattr(world, name), query)
            assert page == export == listed, (name, query)
    names = {key: records[key].result.member.name for key in ("running", "due", "b_followup")}
    assert followup_views(world, login, world.admin, {"state": "due"})[0] == {names["due"]}
    assert followup_views(world, login, world.admin, {"open": "true"})[1] == {names["running"], names["due"]}
    assert followup_views(world, login, world.admin, {"open": "false"}) == ({names["b_followup"]},) * 3
    assert followup_views(world, login, world.admin, {"state": "closed"})[0] == {names["b_followup"]}
    assert followup_views(world, login, world.admin, {"kind": FollowUpKind.PERSUADE})[2] == {names["b_followup"]}
    assert followup_views(world, login, world.admin, {"org": world.a1.pk})[2] == {names["running"], names["due"]}
    assert followup_views(world, login, world.admin, {"state": "pending"}) == (set(), set(), set())


def test_the_pending_block_and_the_results_api_share_the_org_and_year_filters(world, login, records):
    pending = records["pending"]
    client = login(world.admin)

    def block(query: dict[str, Any]) -> set[int]:
        return {r.pk for r in client.get(FOLLOWUPS_PAGE, query).context["pending"]}

    assert block({}) == block({"org": world.a1.pk}) == block({"state": "pending", "year": 2025}) == {pending.pk}
    assert block({"org": world.b.pk}) == block({"year": 2024}) == block({"state": "open"}) == set()
    assert block({"open": "false"}) == set()  # asking for follow-ups in some state leaves out those without one
    unqualified_a1 = api_rows(world.admin, RESULTS, {"org": world.a1.pk, "rating": Rating.UNQUALIFIED})
    assert pending.pk in unqualified_a1 and len(unqualified_a1) == 3
    assert api_rows(world.admin, RESULTS, {"round": records["b"].pk}) == {records["b"].results.get().pk}
    assert api_rows(world.admin, RESULTS, {"member": world.b_member.pk, "year": 2025}) == {records["b"].results.get().pk}
    assert api_rows(world.admin, RESULTS, {"year": 2024}) == set()


def test_outsiders_never_reach_a_record_outside_their_scope_by_filtering(world, login, records):
    b = {("第三党支部", 2025)}
    for query in [*round_queries(world), {"org": world.a1.pk, "year": 2025}]:
        assert all(found <= b for found in round_views(world, login, world.outsider, query)), query
    theirs = {world.b_member.name}
    for query in followup_queries(world):
        assert all(found <= theirs for found in followup_views(world, login, world.outsider, query)), query
    client = login(world.outsider)
    assert list(client.get(FOLLOWUPS_PAGE, {"org": world.a1.pk}).context["pending"]) == []
    assert api_rows(world.outsider, RESULTS, {"org": world.a1.pk}) == set()
    assert api_rows(world.outsider, RESULTS, {"round": records["a1"].pk}) == set()
    assert api_rows(world.outsider, RESULTS, {}) == {records["b"].results.get().pk}
    # The secretary of 第一党支部 sees their branch's records only, whatever org they name.
    assert round_views(world, login, world.secretary, {"org": world.general.pk})[2] == set()
    assert followup_views(world, login, world.secretary, {})[0] == {records["running"].result.member.name,
                                                                    records["due"].result.member.name}


def test_a_bad_value_lists_and_exports_nothing_and_is_a_400_in_the_api(world, login, records):
    client = login(world.admin, verified=True)
    response = client.get(ROUNDS_PAGE, {"year": 1999})
    assert response.context["rows"] == [] and response.context["form"].errors["year"]
    assert xlsx_rows(client.get(FOLLOWUPS_PAGE, {"state": "nonsense", "export": "xlsx"})) == []
    assert list(client.get(FOLLOWUPS_PAGE, {"state": "nonsense"}).context["pending"]) == []
    assert api(world.admin).get(ROUNDS, {"status": "nonsense"}).status_code == 400
    assert api(world.admin).get(FOLLOWUPS, {"state": "nonsense"}).status_code == 400
    assert api(world.admin).get(RESULTS, {"year": 2101}).status_code == 400


def test_the_page_offers_the_users_orgs_and_keeps_the_api_open_flag_hidden(world, login, records):
    client = login(world.secretary)
    mine = client.get(ROUNDS_PAGE, {"org": world.a1.pk}).content.decode()
    assert "已选：机关党委 › 第一党总支 › 第一党支部" in mine
    other = client.get(ROUNDS_PAGE, {"org": world.b.pk}).content.decode()
    assert "第三党支部" not in other and f"编号{world.b.pk}不存在或不在您的管理范围内" in other
    body = client.get(FOLLOWUPS_PAGE, {"open": "true"}).content.decode()
    assert 'type="hidden" name="open" value="true"' in body and 'name="state"' in body


def test_the_filtered_lists_run_the_same_number_of_queries_for_more_rows(world, login, records):
    client = login(world.admin, verified=True)
    runs = [
        lambda: client.get(ROUNDS_PAGE, {"org": world.general.pk}),
        lambda: client.get(ROUNDS_PAGE, {"org": world.general.pk, "export": "xlsx"}),
        lambda: api(world.admin).get(ROUNDS, {"org": world.general.pk}),
        lambda: client.get(FOLLOWUPS_PAGE, {"org": world.general.pk}),
        lambda: client.get(FOLLOWUPS_PAGE, {"org": world.general.pk, "export": "xlsx"}),
        lambda: api(world.admin).get(FOLLOWUPS, {"org": world.general.pk}),
        lambda: api(world.admin).get(RESULTS, {"org": world.general.pk}),
    ]

    def counts() -> list[int]:
        found = []
        for run in runs:
            with CaptureQueriesContext(connection) as ctx:
                run()
            found.append(len(ctx.captured_queries))
        return found

    few = counts()
    for i in range(3):
        branch = create_org(actor=world.admin, parent=world.general, name=f"新党支部{i}", kind=OrgKind.BRANCH)
        world.make_member(branch, name=f"新党员{'甲乙丙'[i]}", joined_on=dt.date(2015, 7, 1), confirmed_on=dt.date(2016, 7, 1))
        appraisal = confirmed(world, org=branch, ratings=[Rating.UNQUALIFIED])
        correction(appraisal.results.get(), world.admin, dt.date(2026, 6, 1))
    assert len(api_rows(world.admin, FOLLOWUPS, {"org": world.general.pk})) == 5
    assert counts() == few
