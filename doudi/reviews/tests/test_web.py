"""The staff pages and the API of dynamic management, end to end."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from doudi.reviews.models import ChangeReport, ReviewCase
from doudi.reviews.tests.helpers import confirmed_dibao, entitlement_rows, people, state
from doudi.testing.clients import api_headers
from doudi.testing.clock import on
from doudi.testing.workbooks import cell_rows, first_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def dibao_household(caseworker, approver, household):  # type: ignore[no-untyped-def]
    confirmed_dibao(caseworker, approver, household)
    return household


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def api(user, method: str, url: str, body=None):  # type: ignore[no-untyped-def]
    headers = api_headers(user)
    if body is None:
        return getattr(Client(), method)(url, **headers)
    return getattr(Client(), method)(
        url, data=json.dumps(body), content_type="application/json", **headers
    )


def test_the_due_list_and_its_export_show_the_same_rows(caseworker_user, dibao_household):
    with on("2027-11-25"):
        client = client_for(caseworker_user)
        page = client.get("/reviews/")
        export = client.get("/reviews/?format=xlsx")
    assert page.status_code == 200
    assert "已逾期" in page.content.decode()
    rows = cell_rows(export.content)
    assert rows == [
        [
            "乡镇（街道）",
            "家庭地址",
            "户主",
            "复核类别",
            "上次复核（认定）日期",
            "应复核日期",
            "状态",
            "办理中的复核",
        ],
        [
            "吴航街道",
            "吴航街道兴华社区1号",
            "林建国",
            "家庭经济状况相对稳定（每年复核）",
            dt.datetime(2026, 11, 20, tzinfo=None),  # noqa: DTZ001 (Excel has no zone)
            dt.datetime(2027, 11, 20, tzinfo=None),  # noqa: DTZ001
            "已逾期",
            None,
        ],
    ]


def test_the_outsider_exports_an_empty_list(outsider_user, dibao_household):
    with on("2027-11-25"):
        export = client_for(outsider_user).get("/reviews/?format=xlsx")
    sheet = first_sheet(export.content)
    assert sheet.max_row == 1


def test_a_review_through_the_pages_decreases_the_dibao(
    caseworker_user, approver_user, dibao_household
):
    head = str(people(dibao_household)["head"].public_id)
    with on("2027-03-10"):
        caseworker_client = client_for(caseworker_user)
        response = caseworker_client.post(f"/households/{dibao_household.public_id}/reviews/start/")
        review = ReviewCase.objects.get()
        assert response.url == f"/reviews/{review.public_id}/"
        caseworker_client.post(
            f"/reviews/{review.public_id}/actions/record_situation/",
            {"version": "1", f"income_{head}": "2000.00", f"income_type_{head}": "wage"},
        )
        page = caseworker_client.get(f"/reviews/{review.public_id}/").content.decode()
        assert "减发" in page
        assert "1,507.00" in page
        caseworker_client.post(
            f"/reviews/{review.public_id}/actions/propose/", {"version": "2", "reason": "收入增加"}
        )
    with on("2027-03-15"):
        approver_client = client_for(approver_user)
        approver_client.post(
            f"/reviews/{review.public_id}/actions/decide/", {"version": "3", "reason": "减发"}
        )
        history = approver_client.get(
            f"/households/{dibao_household.public_id}/entitlements/"
        ).content.decode()
    review.refresh_from_db()
    assert review.status == "decided"
    assert [row[1:] for row in entitlement_rows(dibao_household)] == [
        (Decimal("2107.00"), dt.date(2026, 12, 1), dt.date(2027, 3, 1)),
        (Decimal("1507.00"), dt.date(2027, 4, 1), None),
    ]
    assert "2027年4月" in history
    assert "减发" in history


def test_a_refused_decision_is_shown_and_changes_nothing(
    caseworker_user, approver_user, caseworker, dibao_household
):
    from doudi.intake.services import Declaration, IncomeSpec
    from doudi.reviews import services

    head = people(dibao_household)["head"]
    with on("2027-03-10"):
        review = services.review_start(actor=caseworker, household=dibao_household)
        review = services.review_record_situation(
            actor=caseworker,
            review=review,
            declaration=Declaration(incomes=[IncomeSpec(person=head, type="wage", monthly="2000")]),
        )
        review = services.review_propose(actor=caseworker, review=review, reason="收入增加")
    before = state(dibao_household)
    with on("2027-03-15"):
        response = client_for(approver_user).post(
            f"/reviews/{review.public_id}/actions/decide/",
            {"version": str(review.version), "reason": ""},
            follow=True,
        )
    assert "请填写复核决定的书面理由" in response.content.decode()
    assert state(dibao_household) == before


def test_the_change_report_form_names_the_missing_field_and_writes_nothing(
    village_worker_user, dibao_household
):
    before = ChangeReport.objects.count(), ReviewCase.objects.count()
    response = client_for(village_worker_user).post(
        f"/households/{dibao_household.public_id}/change-reports/",
        {"reported_by": "family", "description": ""},
    )
    assert response.status_code == 400
    assert "请填写变化情况" in response.content.decode()
    assert (ChangeReport.objects.count(), ReviewCase.objects.count()) == before


def test_the_api_runs_a_review_to_a_stop(caseworker_user, approver_user, dibao_household):
    head = str(people(dibao_household)["head"].public_id)
    with on("2027-03-10"):
        started = api(
            caseworker_user, "post", f"/api/households/{dibao_household.public_id}/reviews"
        )
        assert started.status_code == 201
        url = f"/api/reviews/{started.json()['public_id']}/actions"
        situation = api(
            caseworker_user,
            "post",
            f"{url}/record_situation",
            {"version": 1, "incomes": [{"person": head, "type": "wage", "monthly": "7000.00"}]},
        )
        assert situation.json()["engine_proposal"]["dibao"]["kind"] == "stop"
        proposed = api(
            caseworker_user, "post", f"{url}/propose", {"version": 2, "reason": "收入高"}
        )
        assert proposed.json()["status"] == "proposed"
    with on("2027-03-15"):
        own = api(caseworker_user, "post", f"{url}/decide", {"version": 3, "reason": "停发"})
        assert own.status_code == 403
        decided = api(approver_user, "post", f"{url}/decide", {"version": 3, "reason": "停发"})
        assert decided.status_code == 200
        history = api(
            approver_user, "get", f"/api/households/{dibao_household.public_id}/entitlements"
        ).json()
    assert [(c["kind"], c["effective_month"], c["new_amount"]) for c in history["changes"]] == [
        ("stop", "2027-04-01", None)
    ]
    assert [e["to_month"] for e in history["entitlements"]] == ["2027-03-01"]
