"""/api/v1/dues/: bases, payments, arrears and summary — writes through the actions (400 with Chinese field
errors, nothing written), reads scoped (outsiders get nothing or 404)."""

from __future__ import annotations

import datetime as dt

from dangjian.dues.models import DuesBase, DuesPayment
from tests.dues.conftest import beijing


def _base(api, world, user=None, **data):
    payload = {"member": world.member.pk, "month_from": "2025-01", "basis": "wage", "income": "6000.00", **data}
    return api(user or world.secretary).post("/api/v1/dues/bases/", payload, format="json")


def test_a_secretary_sets_a_base_and_records_payments(world, api):
    with beijing(dt.date(2025, 3, 10)):
        response = _base(api, world)
        assert response.status_code == 201, response.json()
        assert response.json()["amount"] == "90.00" and response.json()["month_from"] == "2025-01"
        response = api(world.secretary).post("/api/v1/dues/payments/", {
            "member": world.member.pk, "months": ["2025-02", "2025-03"]}, format="json")
        assert response.status_code == 201, response.json()
        assert [p["month"] for p in response.json()] == ["2025-02", "2025-03"]
        listed = api(world.secretary).get("/api/v1/dues/payments/?month=2025-03").json()
    assert listed["count"] == 1 and listed["results"][0]["amount"] == "90.00"


def test_bad_input_is_a_400_naming_the_field_and_nothing_is_written(world, api):
    with beijing(dt.date(2025, 8, 10)):
        response = _base(api, world, income="-5")
        assert response.status_code == 400 and response.json()["income"] == ["计算基数不能为负数"]
        assert _base(api, world).status_code == 201
        for months, field, words in (
            (["2025-01"], "month", "不得超过6个月"),        # back-payment 7 months
            (["2026-03"], "month", "不得超过6个月"),        # prepayment 7 months
        ):
            response = api(world.secretary).post("/api/v1/dues/payments/", {
                "member": world.member.pk, "months": months}, format="json")
            assert response.status_code == 400 and words in response.json()[field][0]
        api(world.secretary).post("/api/v1/dues/payments/", {"member": world.member.pk, "months": ["2025-08"]},
                                  format="json")
        again = api(world.secretary).post("/api/v1/dues/payments/", {"member": world.member.pk, "months": ["2025-08"]},
                                          format="json")
        assert again.status_code == 400 and "已交纳" in again.json()["month"][0]
        odd = api(world.secretary).post("/api/v1/dues/payments/", {
            "member": world.member.pk, "months": ["2025-07"], "amount": "10.00"}, format="json")
        assert odd.status_code == 400 and "reason" in odd.json()
        unknown = api(world.secretary).post("/api/v1/dues/payments/", {
            "member": world.member.pk, "months": ["2025-07"], "amont": "1"}, format="json")
        assert unknown.status_code == 400
    assert DuesPayment.objects.count() == 1 and DuesBase.objects.count() == 1


def test_outsiders_can_neither_read_nor_write(world, api):
    with beijing(dt.date(2025, 3, 10)):
        _base(api, world)
        api(world.secretary).post("/api/v1/dues/payments/", {"member": world.member.pk, "months": ["2025-03"]},
                                  format="json")
        client = api(world.outsider)
        assert client.get("/api/v1/dues/bases/").json()["count"] == 0
        assert client.get("/api/v1/dues/payments/").json()["count"] == 0
        base_id = DuesBase.objects.get().pk
        assert client.get(f"/api/v1/dues/bases/{base_id}/").status_code == 404
        assert client.get(f"/api/v1/dues/payments/{DuesPayment.objects.get().pk}/").status_code == 404
        response = client.post("/api/v1/dues/payments/", {"member": world.member.pk, "months": ["2025-02"]},
                               format="json")
        assert response.status_code == 400 and "member" in response.json()
        assert client.get(f"/api/v1/dues/summary/?org={world.root.pk}").status_code == 404
        assert client.get(f"/api/v1/dues/arrears/?org={world.a1.pk}").status_code == 404
        own = client.get("/api/v1/dues/summary/").json()
        assert own["total"]["based"] == 0
    assert DuesPayment.objects.count() == 1


def test_a_plain_member_reads_only_their_own_rows(world, api):
    with beijing(dt.date(2025, 3, 10)):
        _base(api, world)
        _base(api, world, user=world.admin, member=world.a2_member.pk)
        client = api(world.member_user)
        rows = client.get("/api/v1/dues/bases/").json()["results"]
        assert [r["member"] for r in rows] == [world.member.pk]
        assert client.post("/api/v1/dues/payments/", {"member": world.member.pk, "months": ["2025-03"]},
                           format="json").status_code == 404  # only 自助交纳 for oneself
        assert client.post("/api/v1/dues/payments/", {"member": world.a2_member.pk, "months": ["2025-03"],
                                                       "method": "self"}, format="json").status_code == 400
        assert client.post("/api/v1/dues/payments/", {"member": world.member.pk, "months": ["2025-03"],
                                                       "method": "self"}, format="json").status_code == 201
    assert list(DuesPayment.objects.values_list("member_id", "method")) == [(world.member.pk, "self")]


def test_arrears_and_summary(world, api):
    with beijing(dt.date(2025, 1, 10)):
        _base(api, world)
    with beijing(dt.date(2025, 8, 10)):
        arrears = api(world.admin).get("/api/v1/dues/arrears/").json()
        assert arrears["count"] == 1
        assert arrears["results"][0]["months"] == 7 and arrears["results"][0]["level"] == "flagged"
        summary = api(world.admin).get("/api/v1/dues/summary/?month=2025-07").json()
        assert summary["total"]["due"] == "90.00" and summary["total"]["flagged"] == 1
        assert api(world.admin).get("/api/v1/dues/summary/?month=July").status_code == 400
