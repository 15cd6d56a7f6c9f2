"""The fund page, the advance form and the API: the same path as the services, through HTTP."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from doudi.core.id_protection import id_number_decrypt
from doudi.relief import services
from doudi.relief.models import AdvancePayment, LedgerEntry, ReserveFund
from doudi.relief.tests.helpers import WUHANG, people, relief_state
from doudi.testing.clients import api_headers
from doudi.testing.clients import logged_in as login
from doudi.testing.clock import on
from doudi.testing.workbooks import cell_rows

pytestmark = pytest.mark.django_db


def api(user) -> tuple[Client, dict[str, str]]:  # type: ignore[no-untyped-def]
    return Client(), api_headers(user)


def test_the_county_creates_and_tops_up_a_fund_on_its_pages(approver_user, caseworker_user):
    county = login(approver_user)
    with on("2026-09-28"):
        response = county.post("/relief/funds/", {"township_code": WUHANG})
        fund = ReserveFund.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/relief/funds/{fund.public_id}/"
        county.post(
            f"/relief/funds/{fund.public_id}/top-up/", {"amount": "20000.00", "memo": "拨付"}
        )
        page = login(caseworker_user).get(f"/relief/funds/{fund.public_id}/")
    text = page.content.decode()
    assert '<dd class="col-sm-9" data-testid="balance">20,000.00 元</dd>' in text
    assert "演示值" in text
    assert 'data-testid="top-up"' not in text  # the caseworker cannot top up


def test_the_caseworker_pays_first_on_the_form_and_is_offered_the_normal_path_above_the_limit(
    approver, caseworker_user, household
):
    with on("2026-09-28"):
        fund = services.reserve_fund_create(actor=approver, township_code=WUHANG)
        services.reserve_fund_top_up(actor=approver, fund=fund, amount="20000.00", memo="拨付")
    head = people(household)["head"]
    form = {
        "id_number": id_number_decrypt(head.id_number_encrypted),
        "name": head.name,
        "amount": "6000.00",
        "emergency": "突发重病住院",
    }
    client = login(caseworker_user)

    # when: above the limit
    with on("2026-09-28"):
        before = relief_state()
        refused = client.post("/relief/advances/new/", form)

    # then: refused, nothing written, and a link to the application form is offered
    assert refused.status_code == 400
    assert relief_state() == before
    text = refused.content.decode()
    assert "超过本乡镇（街道）单笔限额 5,000.00 元" in text
    assert f'href="/households/{household.public_id}/apply/"' in text

    # when: within the limit
    with on("2026-09-28"):
        paid = client.post("/relief/advances/new/", {**form, "amount": "3000.00"})
    advance = AdvancePayment.objects.get()
    assert paid.status_code == 302
    assert paid["Location"] == f"/relief/advances/{advance.public_id}/"
    with on("2026-10-14"):
        listing = client.get("/relief/advances/").content.decode()
    assert "截止 2026-10-16" in listing.split('data-testid="due-soon"')[1].split("</ul>")[0]


def test_the_ledger_export_holds_the_rows_the_page_shows(approver, approver_user, household):
    with on("2026-09-28"):
        fund = services.reserve_fund_create(actor=approver, township_code=WUHANG)
        services.reserve_fund_top_up(actor=approver, fund=fund, amount="20000.00", memo="拨付")
        services.reserve_fund_top_up(actor=approver, fund=fund, amount="500.50", memo="追加")
        response = login(approver_user).get(f"/relief/funds/{fund.public_id}/?format=xlsx")
    rows = cell_rows(response.content, min_row=2)
    assert [(r[2], r[3], r[4], r[5]) for r in rows] == [
        ("拨付（增加备用金）", 20000, 20000, "拨付"),
        ("拨付（增加备用金）", 500.5, 20500.5, "追加"),
    ]


def test_the_api_path_pays_first_and_links_the_application(
    approver_user, caseworker_user, caseworker, household
):
    from doudi.relief.tests.helpers import temporary_application

    county, county_headers = api(approver_user)
    township, headers = api(caseworker_user)
    head = people(household)["head"]
    with on("2026-09-28"):
        created = county.post(
            "/api/relief/funds",
            json.dumps({"township_code": WUHANG}),
            content_type="application/json",
            **county_headers,
        )
        fund_id = created.json()["public_id"]
        county.post(
            f"/api/relief/funds/{fund_id}/top-ups",
            json.dumps({"amount": "20000.00", "memo": "拨付"}),
            content_type="application/json",
            **county_headers,
        )
        paid = township.post(
            f"/api/relief/funds/{fund_id}/advances",
            json.dumps(
                {
                    "id_number": id_number_decrypt(head.id_number_encrypted),
                    "name": head.name,
                    "amount": "3000.00",
                    "emergency": "家中失火",
                }
            ),
            content_type="application/json",
            **headers,
        )
    assert created.status_code == 201
    assert created.json()["advance_limit_is_demo"] is True
    assert paid.status_code == 201
    assert (paid.json()["paperwork_due"], paid.json()["state"]) == ("2026-10-16", "on_time")
    detail = township.get(f"/api/relief/funds/{fund_id}", **headers).json()
    assert Decimal(detail["balance"]) == Decimal("17000.00")
    assert [(e["kind"], Decimal(e["balance"])) for e in detail["entries"]] == [
        ("top_up", Decimal("20000.00")),
        ("advance_payment", Decimal("17000.00")),
    ]

    with on("2026-10-09"):
        application = temporary_application(caseworker, household, kind="emergency")
        linked = township.post(
            f"/api/relief/advances/{paid.json()['public_id']}/link",
            json.dumps({"application": str(application.public_id)}),
            content_type="application/json",
            **headers,
        )
    assert linked.status_code == 200
    assert (linked.json()["state"], linked.json()["application"]) == (
        "completed",
        str(application.public_id),
    )


def test_an_over_balance_payment_through_the_api_is_a_400_naming_both_amounts(
    approver, caseworker_user, household
):
    with on("2026-09-28"):
        fund = services.reserve_fund_create(actor=approver, township_code=WUHANG)
        services.reserve_fund_top_up(actor=approver, fund=fund, amount="100.00", memo="拨付")
    head = people(household)["head"]
    client, headers = api(caseworker_user)
    before = relief_state()
    with on("2026-09-28"):
        response = client.post(
            f"/api/relief/funds/{fund.public_id}/advances",
            json.dumps(
                {
                    "id_number": id_number_decrypt(head.id_number_encrypted),
                    "name": head.name,
                    "amount": "100.01",
                    "emergency": "车祸",
                }
            ),
            content_type="application/json",
            **headers,
        )
    assert response.status_code == 400
    assert response.json() == {
        "message": "备用金余额不足：本次支出 100.01 元，当前余额 100.00 元",
        "field": "amount",
    }
    assert relief_state() == before
    assert LedgerEntry.objects.count() == 1
