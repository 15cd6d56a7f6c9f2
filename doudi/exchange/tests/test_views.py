from __future__ import annotations

import pytest
from django.test import Client

from doudi.exchange.services import feed_file_ingest
from doudi.exchange.tests.helpers import TAX_HEADER, TAX_ROWS, ZHANG, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def test_the_board_shows_each_feed_and_links_rejected_files(verification_officer_user):
    feed_file_ingest(
        actor=None, source="tax", data=csv_bytes(TAX_HEADER, TAX_ROWS), filename="ok.csv"
    )
    bad = feed_file_ingest(
        actor=None,
        source="tax",
        data=csv_bytes(TAX_HEADER, [[ZHANG, "张伟", "1980-01-01", "2025-12", "wage", "-1", "0"]]),
        filename="bad.csv",
    ).submission
    client = Client()
    client.force_login(verification_officer_user)

    response = client.get("/exchange/feeds/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("尚无快照") == 18
    assert f"/exchange/submissions/{bad.public_id}/" in html
    detail = client.get(f"/exchange/submissions/{bad.public_id}/").content.decode()
    assert "收入额（income_amount）" in detail
    assert "金额不能为负数：-1" in detail
    assert "已退回" in detail


def test_the_board_exports_the_rows_it_shows(verification_officer_user):
    import io

    import openpyxl

    feed_file_ingest(
        actor=None, source="tax", data=csv_bytes(TAX_HEADER, TAX_ROWS), filename="ok.csv"
    )
    client = Client()
    client.force_login(verification_officer_user)

    response = client.get("/exchange/feeds/?format=xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 20
    assert rows[0][:3] == ("数据源代码", "数据源", "报送部门")
    tax = next(r for r in rows if r[0] == "tax")
    assert (tax[1], tax[5], tax[6], tax[8]) == ("个人所得税", 3, 1, 1)


def test_a_caseworker_may_not_see_feeds_and_an_unknown_submission_is_404(
    caseworker_user, verification_officer_user
):
    client = Client()
    client.force_login(caseworker_user)
    assert client.get("/exchange/feeds/").status_code == 403
    client.force_login(verification_officer_user)
    assert client.get("/exchange/submissions/not-a-uuid/").status_code == 404
