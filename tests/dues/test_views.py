"""The 党费 pages: the tick sheet, statement with payments, reliefs, bases with yearly re-basing, arrears and the
summary, each with its export — and outsiders, viewers and plain members kept to their scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from dangjian.core.models import AuditEvent
from dangjian.dues import actions
from dangjian.dues.models import DuesBase, DuesPayment, DuesRelief
from tests.dues.conftest import beijing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _base(world, member, income="6000.00"):
    actions.set_base(actor=world.admin, member=member, data={"month_from": "2025-01", "basis": "wage", "income": income})


def test_the_secretary_ticks_who_paid_on_the_sheet(world, login):
    other = world.make_member(world.a1, name="王五")
    with beijing(dt.date(2025, 3, 10)):
        _base(world, world.member)
        _base(world, other, "2000.00")
        client = login(world.secretary)
        url = reverse("dues:sheet", args=[world.a1.pk])
        page = client.get(url)
        assert page.status_code == 200 and "90.00 元" in page.content.decode()
        response = client.post(url, {"month": "2025-03", "paid": [str(world.member.pk)]})
        assert response.status_code == 302
        page = client.get(url + "?month=2025-03").content.decode()
    assert "已交 1 人 90.00 元" in page
    assert DuesPayment.objects.get().amount == Decimal("90.00")


def test_a_refused_tick_shows_the_message_and_writes_nothing(world, login):
    with beijing(dt.date(2025, 8, 10)):
        _base(world, world.member)
        client = login(world.secretary)
        response = client.post(reverse("dues:sheet", args=[world.a1.pk]), {"month": "2025-01", "paid": [str(world.member.pk)]})
    assert response.status_code == 200
    assert "不得超过6个月" in response.content.decode()
    assert not DuesPayment.objects.exists()


def test_statement_records_several_months_and_a_different_amount_needs_a_reason(world, login):
    with beijing(dt.date(2025, 3, 10)):
        _base(world, world.member)
        client = login(world.secretary, verified=True)
        url = reverse("dues:statement", args=[world.member.pk])
        response = client.post(url, {"months": ["2025-01", "2025-02", "2025-03"], "amount": "80", "reason": "",
                                     "method": "branch", "paid_on": "2025-03-10"})
        assert response.status_code == 200 and "请填写原因" in response.content.decode()
        assert not DuesPayment.objects.exists()
        response = client.post(url, {"months": ["2025-01", "2025-02", "2025-03"], "amount": "", "reason": "",
                                     "method": "branch", "paid_on": "2025-03-10"})
        assert response.status_code == 302
        export = client.get(url + "?format=xlsx")
    assert DuesPayment.objects.count() == 3
    assert export["Content-Type"] == XLSX
    assert AuditEvent.objects.filter(action="dues.export").exists()


def test_a_plain_member_reads_only_their_own_statement_and_records_only_self_service(world, login):
    with beijing(dt.date(2025, 3, 10)):
        _base(world, world.member)
        _base(world, world.a2_member)
        client = login(world.member_user)
        assert client.get(reverse("dues:mine")).url == reverse("dues:statement", args=[world.member.pk])
        page = client.get(reverse("dues:statement", args=[world.member.pk])).content.decode()
        assert "登记本人自助交纳" in page and 'name="method"' not in page
        assert client.get(reverse("dues:statement", args=[world.a2_member.pk])).status_code == 404
        assert client.post(reverse("dues:statement", args=[world.a2_member.pk]), {
            "months": ["2025-03"], "paid_on": "2025-03-10"}).status_code == 404
        response = client.post(reverse("dues:statement", args=[world.member.pk]), {
            "months": ["2025-03"], "paid_on": "2025-03-10", "method": "branch"})
        assert response.status_code == 302
        assert client.get(reverse("dues:sheet", args=[world.a2.pk])).status_code == 404
    assert list(DuesPayment.objects.values_list("member_id", "method")) == [(world.member.pk, "self")]


@pytest.mark.parametrize("name", ["sheet", "bases", "statement", "relief"])
def test_an_outsider_gets_404_on_every_page_of_another_branch(world, login, name):
    client = login(world.outsider, verified=True)
    arg = world.a1.pk if name in ("sheet", "bases") else world.member.pk
    url = reverse(f"dues:{name}", args=[arg])
    assert client.get(url).status_code == 404
    assert client.get(url + "?format=xlsx").status_code == 404
    assert client.post(url, {"month": "2025-01", "paid": [str(world.member.pk)]}).status_code == 404
    assert not DuesPayment.objects.exists() and not DuesBase.objects.exists()


def test_an_outsider_sees_no_other_branch_in_summary_and_arrears(world, login):
    _base(world, world.member)
    client = login(world.outsider, verified=True)
    for name in ("summary", "arrears"):
        assert client.get(reverse(f"dues:{name}") + f"?org={world.root.pk}").status_code == 404
        assert client.get(reverse(f"dues:{name}") + f"?org={world.a1.pk}&format=xlsx").status_code == 404
    own = client.get(reverse("dues:arrears")).content.decode()
    assert "李党员" not in own


def test_a_viewer_reads_but_changes_nothing(world, login):
    _base(world, world.member)
    client = login(world.viewer)
    assert client.get(reverse("dues:sheet", args=[world.a1.pk])).status_code == 200
    assert client.post(reverse("dues:sheet", args=[world.a1.pk]), {"month": "2025-01", "paid": [str(world.member.pk)]}).status_code == 404
    assert client.post(reverse("dues:bases", args=[world.a1.pk]), {"month_from": "2025-01"}).status_code == 404
    assert client.get(reverse("dues:relief", args=[world.member.pk])).status_code == 404
    assert not DuesPayment.objects.exists()


def test_yearly_rebasing_from_the_bases_page(world, login):
    with beijing(dt.date(2026, 1, 8)):
        _base(world, world.member)
        client = login(world.secretary)
        url = reverse("dues:bases", args=[world.a1.pk])
        assert client.get(url).status_code == 200
        prefix = f"m{world.member.pk}"
        bad = client.post(url, {"month_from": "2026-01", f"{prefix}-basis": "wage", f"{prefix}-income": "-3"})
        assert bad.status_code == 200 and "计算基数不能为负数" in bad.content.decode()
        assert DuesBase.objects.count() == 1
        ok = client.post(url, {"month_from": "2026-01", f"{prefix}-basis": "wage", f"{prefix}-income": "11000"})
        assert ok.status_code == 302
    assert DuesBase.objects.get(month_to__isnull=True).amount == Decimal("220.00")
    assert DuesBase.objects.get(month_from=dt.date(2025, 1, 1)).month_to == dt.date(2025, 12, 1)


def test_relief_page_records_an_exemption(world, login):
    _base(world, world.member)
    client = login(world.secretary)
    response = client.post(reverse("dues:relief", args=[world.member.pk]), {
        "kind": "exempt", "month_from": "2025-02", "month_to": "2025-06", "reason": "重病", "approved_by": "机关党委",
        "approval_no": "机党〔2025〕1号", "approved_on": "2025-01-20"})
    assert response.status_code == 302
    assert DuesRelief.objects.get().kind == "exempt"


def test_summary_and_arrears_pages_and_exports(world, login, django_assert_max_num_queries):
    with beijing(dt.date(2025, 1, 10)):
        for m in (world.member, world.a2_member, world.b_member):
            _base(world, m)
    with beijing(dt.date(2025, 8, 10)):
        client = login(world.admin, verified=True)
        page = client.get(reverse("dues:summary") + "?month=2025-08").content.decode()
        assert "第一党总支" in page and "270.00 元" in page
        arrears = client.get(reverse("dues:arrears")).content.decode()
        assert "李党员" in arrears and "连续欠缴6个月" in arrears
        with django_assert_max_num_queries(30):
            client.get(reverse("dues:arrears"))
        for name in ("summary", "arrears"):
            response = client.get(reverse(f"dues:{name}") + "?format=xlsx")
            assert response["Content-Type"] == XLSX
    assert AuditEvent.objects.filter(action="dues.export").count() == 2


def test_arrears_list_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    with beijing(dt.date(2025, 1, 10)):
        _base(world, world.member)
    with beijing(dt.date(2025, 8, 10)):
        client = login(world.admin)
        with django_assert_max_num_queries(50) as few:
            client.get(reverse("dues:arrears"))
    with beijing(dt.date(2025, 1, 10)):
        for i in range(6):
            _base(world, world.make_member(world.a2, name="欠缴甲乙丙丁戊己"[i] + "某"))
    with beijing(dt.date(2025, 8, 10)), django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("dues:arrears"))


def test_member_section_shows_the_base_and_arrears(world):
    from django.template.loader import render_to_string

    from dangjian.dues.member_section import member_section

    with beijing(dt.date(2025, 1, 10)):
        _base(world, world.member)
    with beijing(dt.date(2025, 5, 10)):
        context = member_section(world.member, world.secretary)
        html = render_to_string("dues/member_section.html", context)
    assert context["dues_arrears"] == 4 and context["dues_level"] == "warned"
    assert "每月应交 <strong>90.00 元</strong>" in html and "已连续4个月未交纳党费" in html
    assert context["dues_can_change"] and not member_section(world.member, world.viewer)["dues_can_change"]
