"""An unexpected error answers in the caller's language with a request id the server log names:
the API's JSON error body under /api/, a Chinese page elsewhere, never Django's bare page; a busy
database answers 503 and a uniqueness race 409, and neither leaves anything behind."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import IntegrityError, OperationalError
from django.test import Client, RequestFactory

from doudi.core.failures import RequestIdFilter, server_error
from doudi.registry import selectors
from doudi.testing.clients import api_headers, logged_in

pytestmark = pytest.mark.django_db

REPOSITORY = Path(__file__).resolve().parents[3]


def broken(error: Exception):  # type: ignore[no-untyped-def]
    def household_get(**_kwargs):  # type: ignore[no-untyped-def]
        raise error

    return household_get


def test_an_unexpected_api_error_answers_json_with_the_request_id_in_the_log(
    caseworker_user, household, monkeypatch, caplog
):
    monkeypatch.setattr(selectors, "household_get", broken(RuntimeError("坏了")))
    client = Client(raise_request_exception=False, **api_headers(caseworker_user))

    with caplog.at_level(logging.ERROR, logger="doudi.request"):
        response = client.get(f"/api/households/{household.public_id}")

    request_id = response.headers["X-Request-ID"]
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {
        "message": "系统内部出错，本次操作没有完成。请把下面的请求编号告诉系统管理员。",
        "field": None,
        "request_id": request_id,
    }
    [record] = [r for r in caplog.records if r.name == "doudi.request"]
    assert record.getMessage() == (
        f"请求 {request_id}（GET /api/households/{household.public_id}）出错，答复 500"
    )
    assert record.exc_info[1].args == ("坏了",)


def test_a_busy_database_answers_503_and_a_uniqueness_race_409(
    caseworker_user, household, monkeypatch
):
    client = Client(raise_request_exception=False, **api_headers(caseworker_user))
    url = f"/api/households/{household.public_id}"

    monkeypatch.setattr(selectors, "household_get", broken(OperationalError("database is locked")))
    busy = client.get(url)
    monkeypatch.setattr(selectors, "household_get", broken(IntegrityError("UNIQUE failed")))
    race = client.get(url)

    assert (busy.status_code, busy.headers["Retry-After"]) == (503, "5")
    assert busy.json()["message"] == (
        "系统繁忙：等待其他人的保存超时，本次操作没有保存任何内容，请稍后重试。"
    )
    assert race.status_code == 409
    assert race.json() == {
        "message": "与他人同时保存的内容冲突，本次操作没有保存，请刷新页面查看最新内容后再试。",
        "field": None,
        "request_id": race.headers["X-Request-ID"],
    }
    # Any other database error is a server error, not a busy database.
    monkeypatch.setattr(selectors, "household_get", broken(OperationalError("no such table")))
    assert client.get(url).status_code == 500


def test_an_unexpected_page_error_shows_a_chinese_page_with_the_request_id(
    caseworker_user, household, monkeypatch
):
    monkeypatch.setattr(selectors, "household_get", broken(RuntimeError("坏了")))
    client = logged_in(caseworker_user)
    client.raise_request_exception = False

    response = client.get(f"/households/{household.public_id}/")

    page = response.content.decode()
    request_id = response.headers["X-Request-ID"]
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<title>系统出错 · 兜底</title>" in page
    assert "系统内部出错，本次操作没有完成。" in page
    assert f'<code data-testid="request-id">{request_id}</code>' in page
    assert "Server Error (500)" not in page
    assert "坏了" not in page


def test_every_answer_carries_a_request_id_and_keeps_a_well_formed_one_from_the_proxy(client):
    own = client.get("/healthz")
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-0123456789")
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")

    assert len(own.headers["X-Request-ID"]) == 16
    assert kept.headers["X-Request-ID"] == "proxy-0123456789"
    assert replaced.headers["X-Request-ID"] not in ("<script>", own.headers["X-Request-ID"])
    assert len(replaced.headers["X-Request-ID"]) == 16


def test_an_error_outside_any_view_gets_the_same_page():
    request = RequestFactory().get("/households/")
    request.request_id = "abcdef0123456789"

    response = server_error(request)

    assert response.status_code == 500
    assert '<code data-testid="request-id">abcdef0123456789</code>' in response.content.decode()
    api = server_error(RequestFactory().get("/api/households"))
    assert json.loads(api.content)["message"].startswith("系统内部出错")


def test_every_log_line_names_its_request():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "消息", (), None)
    request = RequestFactory().get("/")
    request.request_id = "fedcba9876543210"
    with_request = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "m", (), None)
    with_request.request = request

    assert RequestIdFilter().filter(record) is True
    assert RequestIdFilter().filter(with_request) is True
    assert (record.request_id, with_request.request_id) == ("-", "fedcba9876543210")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "DOUDI_SQLITE_BUSY_TIMEOUT",
            "-1",
            "环境变量 DOUDI_SQLITE_BUSY_TIMEOUT 不能小于 0.1，而现在是 '-1'",
        ),
        (
            "DOUDI_SQLITE_BUSY_TIMEOUT",
            "nan",
            "环境变量 DOUDI_SQLITE_BUSY_TIMEOUT 必须是有限的数字，而不是 'nan'",
        ),
        (
            "DOUDI_SQLITE_BUSY_TIMEOUT",
            "3600",
            "环境变量 DOUDI_SQLITE_BUSY_TIMEOUT 不能大于 600，而现在是 '3600'",
        ),
        (
            "DOUDI_DB_LOCK_TIMEOUT",
            "-5",
            "环境变量 DOUDI_DB_LOCK_TIMEOUT 不能小于 0.1，而现在是 '-5'",
        ),
    ],
)
def test_a_timeout_outside_its_range_stops_start_up(variable, value, message):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOUDI_", "DJANGO_"))}
    env.update({variable: value, "DOUDI_DATA_DIR": "/tmp/doudi-settings-check"})
    if variable == "DOUDI_DB_LOCK_TIMEOUT":
        env["DOUDI_DB"] = "postgres"

    completed = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
    )

    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines()[-1] == (
        f"django.core.exceptions.ImproperlyConfigured: {message}"
    )


def test_the_api_document_names_the_failures_every_operation_may_answer(client):
    document = client.get("/api/openapi.json").json()

    register = document["paths"]["/api/households"]["post"]["responses"]
    search = document["paths"]["/api/households"]["get"]["responses"]
    detail = document["paths"]["/api/households/{public_id}"]["get"]["responses"]
    assert sorted(register) == ["201", "400", "401", "403", "404", "409", "422", "500", "503"]
    assert sorted(search) == ["200", "400", "401", "403", "404", "422", "500", "503"]
    assert sorted(detail) == ["200", "400", "401", "403", "404", "422", "500", "503"]
    assert register["503"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert document["components"]["schemas"]["Error"]["required"] == ["message", "field"]


def test_a_broken_multipart_upload_answers_400_and_saves_nothing(caseworker_user):
    from doudi.intake.models import Material

    client = Client(raise_request_exception=False, **api_headers(caseworker_user))

    response = client.generic(
        "POST",
        "/api/applications/0c8f7a4e-1b1e-4c53-9d7e-3f0b9d1a2b3c/materials",
        b"--x\r\nbroken",
        content_type="multipart/form-data",  # no boundary
    )

    assert response.status_code == 400
    assert response.json() == {
        "message": "请求体格式不正确（如上传文件的 multipart 格式损坏），本次操作没有保存任何内容。",
        "field": None,
        "request_id": response.headers["X-Request-ID"],
    }
    assert Material.objects.count() == 0


def test_a_page_that_does_not_exist_is_a_chinese_404(caseworker_user, client):
    page = logged_in(caseworker_user).get("/households/0c8f7a4e-1b1e-4c53-9d7e-3f0b9d1a2b3c/")
    api = client.get("/api/no-such-thing")

    assert page.status_code == 404
    assert "<title>页面不存在 · 兜底</title>" in page.content.decode()
    assert (api.status_code, api.json()["message"]) == (
        404,
        "您要找的页面不存在，或不在您的管辖范围内。",
    )
