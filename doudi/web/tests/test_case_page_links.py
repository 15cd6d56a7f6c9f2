"""The case page brings the areas around an application together: its printable documents (only
those its state has), the referrals its needs produced, and a temporary-assistance grant."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.intake import services
from doudi.intake.tests.test_services import on, submit
from doudi.intake.tests.test_temporary import file_temporary, to_awaiting_confirmation

pytestmark = pytest.mark.django_db


def _page(user, application) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get(f"/applications/{application.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_submitted_case_links_its_two_documents_and_lists_its_referrals(
    caseworker, caseworker_user, auditor_user, household
):
    with on("2026-11-02"):
        application = submit(caseworker, household, needs=["medical", "education"])

    page = _page(caseworker_user, application)

    base = f"/applications/{application.public_id}/documents/"
    assert f'href="{base}application-form.pdf"' in page
    assert f'href="{base}consent.pdf"' in page
    assert "home-visit.pdf" not in page
    assert "decision.pdf" not in page
    assert 'data-testid="referrals"' in page
    assert "医疗保障部门（医疗救助）" in page
    assert "教育部门（教育救助）" in page
    assert page.count("已转介") == 2
    assert "分阶段救助" not in page
    # the auditor reads the case and its referrals too
    assert "医疗保障部门（医疗救助）" in _page(auditor_user, application)


def test_a_confirmed_temporary_case_shows_its_grant_its_decision_notice_and_the_instalment_link(
    caseworker, caseworker_user, approver, household
):
    with on("2026-11-02"):
        application = file_temporary(caseworker, household)
    application = to_awaiting_confirmation(caseworker, application)
    with on("2026-11-20"):
        application = services.application_confirm(actor=approver, application=application)

    page = _page(caseworker_user, application)

    assert 'data-testid="grants"' in page
    assert "3,000.00" in page
    assert "2026年11月" in page
    assert "decision.pdf" in page
    assert "home-visit.pdf" in page
    assert "refusal.pdf" not in page
    assert f"/relief/applications/{application.public_id}/instalments/" in page


def test_the_proposal_also_shows_a_programme_the_family_did_not_ask_for_but_looks_eligible_for(
    caseworker, caseworker_user, household
):
    # given: temporary assistance only, for a household of three with 1,200 yuan of wages
    with on("2026-11-02"):
        application = file_temporary(caseworker, household)
    application = to_awaiting_confirmation(caseworker, application)

    # when
    page = _page(caseworker_user, application)

    # then: dibao (970 × 3 − 1,200 + …) is listed as not requested, with its amount
    assert page.count('data-testid="not-requested"') == 1
    row = page[page.index('data-testid="not-requested"') :]
    row = row[: row.index("</tr>")]
    assert "最低生活保障（低保）" in row
    assert "未申请，测算显示可能符合，请告知申请人" in row
    assert "2,107.00" in row
