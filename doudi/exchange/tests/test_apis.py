from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from doudi.exchange.models import FeedSnapshot, FeedSubmission
from doudi.exchange.tests.helpers import TAX_HEADER, TAX_ROWS, ZHANG, csv_bytes
from doudi.testing.clients import api_client

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield tmp_path


def _upload(client: Client, headers: dict[str, str], source: str, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/exchange/feeds/{source}/snapshots",
        {"file": SimpleUploadedFile(name, data)},
        **headers,
    )


def test_a_department_uploads_a_file_then_the_same_file_again(verification_officer_user):
    client, headers = api_client(verification_officer_user, name="feed")

    first = _upload(client, headers, "tax", "tax.csv", csv_bytes(TAX_HEADER, TAX_ROWS))
    second = _upload(client, headers, "tax", "tax.csv", csv_bytes(TAX_HEADER, TAX_ROWS))

    assert first.status_code == 201
    body = first.json()
    snapshot = FeedSnapshot.objects.get()
    assert body["outcome"] == "accepted"
    assert body["snapshot"]["public_id"] == str(snapshot.public_id)
    assert body["snapshot"]["row_count"] == 3
    assert body["snapshot"]["id_missing_count"] == 1
    assert body["problems"] == []
    assert snapshot.submission.channel == "api"
    assert second.status_code == 200
    assert second.json()["outcome"] == "duplicate"
    assert FeedSubmission.objects.count() == 1


def test_a_rejected_upload_answers_400_with_every_problem(verification_officer_user):
    client, headers = api_client(verification_officer_user, name="feed")
    rows = [[ZHANG, "张伟", "1980-01-01", "2025-12", "wage", "-3", "0"], ["x"]]

    response = _upload(client, headers, "tax", "tax.csv", csv_bytes(TAX_HEADER, rows))

    assert response.status_code == 400
    body = response.json()
    assert body["outcome"] == "rejected"
    assert body["field"] == "file"
    assert body["problem_count"] == 2
    assert body["problems"] == [
        {"row": 2, "column": "收入额（income_amount）", "reason": "金额不能为负数：-3"},
        {"row": 3, "column": None, "reason": "本行有 1 列，表头有 7 列（文件可能被截断）"},
    ]
    assert FeedSnapshot.objects.count() == 0
    assert FeedSubmission.objects.get().status == "rejected"


def test_an_unknown_source_is_404_and_a_missing_file_a_rejected_upload(verification_officer_user):
    client, headers = api_client(verification_officer_user, name="feed")
    unknown = _upload(client, headers, "lottery", "x.csv", b"a\n1\n")
    assert unknown.status_code == 404
    assert unknown.json()["field"] == "source"
    missing = client.post("/api/exchange/feeds/tax/snapshots", **headers)
    assert missing.status_code == 400
    assert missing.json() == {
        "outcome": "rejected",
        "message": "请上传文件（multipart 字段 file）",
        "field": "file",
        "snapshot": None,
        "submission": None,
        "problem_count": 0,
        "problems": [],
    }
    assert FeedSubmission.objects.count() == 0


def test_the_status_list_shows_latest_snapshot_and_rejected_files(
    auditor_user, verification_officer_user
):
    upload_client, upload_headers = api_client(verification_officer_user, name="feed")
    _upload(upload_client, upload_headers, "tax", "good.csv", csv_bytes(TAX_HEADER, TAX_ROWS))
    _upload(upload_client, upload_headers, "tax", "bad.csv", b"")
    client, headers = api_client(auditor_user, name="feed")

    response = client.get("/api/exchange/feeds", **headers)

    assert response.status_code == 200
    feeds = {feed["source"]: feed for feed in response.json()}
    assert len(feeds) == 19
    tax = feeds["tax"]
    assert tax["label"] == "个人所得税"
    assert tax["snapshot_count"] == 1
    assert tax["latest"]["row_count"] == 3
    assert [(r["filename"], r["problem_count"]) for r in tax["rejected"]] == [("bad.csv", 1)]
    assert tax["rejected"][0]["problems"] == [
        {"row": None, "column": None, "reason": "文件为空：0 字节"}
    ]
    assert feeds["hukou"]["latest"] is None
