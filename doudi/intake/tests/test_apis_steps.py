"""The API of the added steps and of materials: exact answers, and refusals that change nothing."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from doudi.accounts.models import Role
from doudi.accounts.tests.fixtures import WUHANG, make_staff
from doudi.core.models import AuditEvent
from doudi.intake.models import Application, CaseEvent, Material, MaterialUse
from doudi.intake.tests.test_apis import client_for
from doudi.intake.tests.test_materials import PDF, PNG, zipped
from doudi.intake.tests.test_services import submit
from doudi.intake.tests.test_steps import awaiting, visited
from doudi.testing.clients import api_headers
from doudi.testing.clock import on
from doudi.testing.state import row_counts

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def state(application: Application) -> tuple:
    application.refresh_from_db()
    return (
        application.status,
        application.version,
        list(application.missing_items),
        list(application.requested_items),
        *row_counts(CaseEvent, AuditEvent, Material, MaterialUse),
    )


def act(call, application, action, **fields):  # type: ignore[no-untyped-def]
    application.refresh_from_db()
    return call(
        "post",
        f"/api/applications/{application.public_id}/actions/{action}",
        {"version": application.version, **fields},
    )


def uploader(user):  # type: ignore[no-untyped-def]
    client = Client(**api_headers(user, name="上传"))

    def send(application, kind, name, content):  # type: ignore[no-untyped-def]
        return client.post(
            f"/api/applications/{application.public_id}/materials",
            {"kind": kind, "file": SimpleUploadedFile(name, content)},
        )

    return send, client


def test_request_more_and_supplied_items_through_the_api(caseworker, caseworker_user, household):
    cw = client_for(caseworker_user)
    with on("2026-11-02"):
        application = submit(caseworker, household)
        before = state(application)
        response = act(cw, application, "request_more", items=[])
        assert (response.status_code, response.json()) == (
            400,
            {"message": "要求补正须列明所缺的全部材料", "field": "action"},
        )
        assert state(application) == before

        data = act(cw, application, "request_more", items=["申请书", "医疗费用票据"]).json()
        assert (data["missing_items"], data["requested_items"]) == (
            ["申请书", "医疗费用票据"],
            ["申请书", "医疗费用票据"],
        )
        before = state(application)
        response = act(cw, application, "request_more", items=["申请书", "存款证明"])
        assert (response.status_code, response.json()["message"]) == (
            400,
            "以下材料此前未一次性告知，不能再要求补正：存款证明",
        )
        assert state(application) == before
        data = act(cw, application, "record_supplied", items=["申请书", "医疗费用票据"]).json()
        assert data["missing_items"] == []
        data = act(cw, application, "accept").json()
    assert data["status"] == "accepted"


def test_community_review_through_the_api(caseworker, caseworker_user, household):
    cw = client_for(caseworker_user)
    application = visited(caseworker, household)
    with on("2026-11-06"):
        data = act(cw, application, "start_community_review").json()
        assert (data["status"], data["community_review_started"]) == ("community_review", True)
        before = state(application)
        response = act(cw, application, "record_community_review", result=" ")
        assert (response.status_code, response.json()) == (
            400,
            {"message": "请填写民主评议结果", "field": "result"},
        )
        assert state(application) == before
        data = act(cw, application, "record_community_review", result="一致同意").json()
    assert data["community_review_result"] == "一致同意"
    assert [e["action_label"] for e in data["events"]][-2:] == ["启动民主评议", "登记民主评议结果"]


def test_county_review_by_a_township_user_is_forbidden_and_by_the_county_confirms(
    caseworker, caseworker_user, approver_user, household
):
    township_user = make_staff("wuhang_approver", WUHANG, [Role.APPROVER], display_name="吴航审核")
    application = awaiting(caseworker, visited(caseworker, household, is_relative_declared=True))
    ap, township = client_for(approver_user), client_for(township_user)
    cw = client_for(caseworker_user)
    with on("2026-11-18"):
        before = state(application)
        response = act(township, application, "county_review", opinion="同意")
        assert (response.status_code, response.json()["message"]) == (
            403,
            "只有县级审核确认人可以执行“县级复核”",
        )
        response = act(cw, application, "county_review", opinion="同意")
        assert response.status_code == 403
        response = act(ap, application, "confirm")
        assert response.json()["message"] == "近亲属备案的申请须经县级民政部门审核后方可确认"
        assert state(application) == before
        data = act(ap, application, "county_review", opinion="复核同意").json()
        assert (data["county_reviewed_by"], data["status"]) == ("长乐审核", "awaiting_confirmation")
        data = act(ap, application, "confirm").json()
    assert data["status"] == "confirmed"
    assert data["entitlements"][0]["monthly_amount"] == "2107.00"


def test_the_refusal_notice_twice_through_the_api(
    caseworker, caseworker_user, approver_user, household
):
    application = awaiting(caseworker, visited(caseworker, household))
    cw, ap = client_for(caseworker_user), client_for(approver_user)
    with on("2026-11-20"):
        act(ap, application, "refuse", reason="收入超标")
    with on("2026-11-24"):
        data = act(cw, application, "send_refusal_notice", sent_on="2026-11-23").json()
        assert (data["status"], data["refusal_notice_sent_on"]) == ("refused", "2026-11-23")
        assert [
            d["closed_at"] is not None for d in data["deadlines"] if d["kind"] == "refusal_notice"
        ] == [True]
        before = state(application)
        response = act(ap, application, "send_refusal_notice")
        assert (response.status_code, response.json()) == (
            400,
            {"message": "不予确认通知书已登记送达，不能重复登记", "field": "action"},
        )
    assert state(application) == before


def test_uploads_through_the_api_are_checked_and_reused(caseworker, caseworker_user, household):
    with on("2026-11-02"):
        application = submit(caseworker, household)
    send, client = uploader(caseworker_user)
    before = state(application)
    refusals = [
        ("other", "a.pdf", b"MZ\x90\x00" + b"\x00" * 60, "不能上传可执行程序、脚本或压缩包"),
        (
            "other",
            "a.pdf",
            b"\x7fELF\x02\x01\x01" + b"\x00" * 60,
            "不能上传可执行程序、脚本或压缩包",
        ),
        ("other", "a.pdf", zipped(["x.exe"]), "不能上传可执行程序、脚本或压缩包"),
        ("other", "a.pdf", b"", "文件为空（0 字节），请重新选择"),
        ("other", "a.pdf", PDF + b"0" * (50 * MB), "文件大小为 50.0 MB，超过上限 20.0 MB"),
        ("hukou", "户口簿.pdf", PDF, "户口簿/户籍证明不需提交：户籍信息由平台向公安部门核查获取"),
    ]
    for kind, name, content, message in refusals:
        response = send(application, kind, name, content)
        assert response.status_code == 400
        assert response.json()["message"].startswith(message)
        assert state(application) == before

    response = send(application, "home_visit_photo", "现场.png", PNG)
    assert response.status_code == 201
    created = response.json()
    assert created["content_type"] == "image/png"
    assert created["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert (created["used_here"], created["uploaded_by"]) == (True, "吴航经办")
    again = send(application, "home_visit_photo", "再传一次.png", PNG)
    assert (again.status_code, again.json()["public_id"]) == (200, created["public_id"])
    listed = client.get(f"/api/applications/{application.public_id}/materials").json()
    assert [(m["public_id"], m["original_name"]) for m in listed] == [
        (created["public_id"], "现场.png")
    ]

    download = client.get(f"/api/materials/{created['public_id']}/file")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    assert AuditEvent.objects.filter(action="material.download").count() == 1


def test_a_later_application_attaches_without_uploading(
    caseworker, caseworker_user, outsider_user, household
):
    with on("2026-11-02"):
        first = submit(caseworker, household)
    send, client = uploader(caseworker_user)
    material = send(first, "income_proof", "收入证明.pdf", PDF).json()
    with on("2026-11-03"):
        cw = client_for(caseworker_user)
        act(cw, first, "withdraw", reason="撤回")
        later = submit(caseworker, household)
    listed = cw("get", f"/api/applications/{later.public_id}/materials").json()
    assert [(m["used_here"], m["earlier_applications"]) for m in listed] == [
        (False, [str(first.public_id)])
    ]
    response = cw(
        "post",
        f"/api/applications/{later.public_id}/materials/attach",
        {"material": material["public_id"]},
    )
    assert response.status_code == 200
    assert [m["used_here"] for m in response.json()] == [True]
    assert Material.objects.count() == 1

    outsider = client_for(outsider_user)
    before = state(later)
    assert outsider("get", f"/api/materials/{material['public_id']}/file").status_code == 404
    response = outsider(
        "post",
        f"/api/applications/{later.public_id}/materials/attach",
        {"material": material["public_id"]},
    )
    assert response.status_code == 404
    assert state(later) == before
