from __future__ import annotations

import pytest
from django.test import Client

from doudi.verification.models import VerificationReport
from doudi.verification.tests.helpers import on
from doudi.verification.tests.test_services import apply, lin_feeds

pytestmark = pytest.mark.django_db


def test_the_pages_request_a_check_and_show_a_printable_report(
    caseworker_user, outsider_user, caseworker, lin_household, data_dir
):
    application = apply(caseworker, lin_household)
    lin_feeds()
    client = Client()
    client.force_login(caseworker_user)
    page = client.get(f"/verification/households/{lin_household.public_id}/")
    assert page.status_code == 200
    assert "本人已签署" in page.content.decode()
    assert "代签有效" in page.content.decode()
    with on("2026-11-10"):
        response = client.post(
            f"/verification/households/{lin_household.public_id}/",
            {"application": str(application.public_id)},
        )
    report = VerificationReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/verification/reports/{report.public_id}/"
    html = client.get(response["Location"]).content.decode()
    assert "核〔2026〕350112-000001" in html
    assert "不符合" in html
    assert "未报送/未核对" in html
    assert "window.print()" in html
    assert "草稿（待核对人员签发）" in html
    outsider = Client()
    outsider.force_login(outsider_user)
    assert outsider.get(f"/verification/reports/{report.public_id}/").status_code == 404
    assert outsider.get(f"/verification/households/{lin_household.public_id}/").status_code == 404
