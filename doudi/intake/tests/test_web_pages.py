"""The staff pages of the added steps: materials on the case page, the new action forms, the work
list's paging and exports, the confirmation queue and the confirmation setting."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.core.models import AuditEvent
from doudi.intake import services
from doudi.intake.models import Application, ConfirmationSetting, Material
from doudi.intake.tests.test_materials import PDF
from doudi.intake.tests.test_services import submit
from doudi.intake.tests.test_steps import awaiting, visited
from doudi.testing.clients import logged_in as _client
from doudi.testing.clock import on
from doudi.testing.workbooks import value_rows

pytestmark = pytest.mark.django_db


def test_the_case_page_uploads_lists_and_downloads_materials(
    caseworker, caseworker_user, outsider_user, household
):
    with on("2026-11-02"):
        application = submit(caseworker, household)
    client = _client(caseworker_user)
    url = f"/applications/{application.public_id}/"
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "户口簿/户籍证明、居民身份证复印件、残疾证" in page

    response = client.post(
        f"{url}materials/",
        {"kind": "other", "file": SimpleUploadedFile("程序.pdf", b"MZ\x90\x00" + b"\x00" * 60)},
        follow=True,
    )
    assert "不能上传可执行程序、脚本或压缩包" in response.content.decode()
    assert Material.objects.count() == 0

    response = client.post(
        f"{url}materials/",
        {"kind": "medical_bills", "file": SimpleUploadedFile("住院发票.pdf", PDF)},
        follow=True,
    )
    text = response.content.decode()
    assert "已上传：住院发票.pdf" in text
    material = Material.objects.get()
    assert f"/materials/{material.public_id}/download/" in text
    assert "医疗费用票据" in text

    download = client.get(f"/materials/{material.public_id}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action="material.download").count() == 1
    assert (
        _client(outsider_user).get(f"/materials/{material.public_id}/download/").status_code == 404
    )
    assert AuditEvent.objects.filter(action="material.download").count() == 1


def test_the_request_more_form_lists_items_one_per_line(caseworker, caseworker_user, household):
    with on("2026-11-02"):
        application = submit(caseworker, household)
        client = _client(caseworker_user)
        url = f"/applications/{application.public_id}/"
        assert 'data-testid="action-request_more"' in client.get(url).content.decode()
        client.post(
            f"{url}actions/request_more/",
            {"version": "1", "items": "申请书\r\n医疗费用票据\r\n"},
        )
        application.refresh_from_db()
        assert application.requested_items == ["申请书", "医疗费用票据"]
        page = client.get(url).content.decode()
        assert "申请书、医疗费用票据" in page
        client.post(f"{url}actions/record_supplied/", {"version": "2", "items": ["申请书"]})
    application.refresh_from_db()
    assert application.missing_items == ["医疗费用票据"]


def test_the_worklist_pages_50_at_a_time_and_exports_the_page(caseworker_user, household):
    Application.objects.bulk_create(
        [
            Application(
                household=household,
                programmes=["dibao"],
                channel="window",
                status="submitted",
                province_code=household.province_code,
                city_code=household.city_code,
                county_code=household.county_code,
                township_code=household.township_code,
                village_code=household.village_code,
            )
            for _ in range(51)
        ]
    )
    client = _client(caseworker_user)
    first = client.get("/applications/").content.decode()
    assert "共 51 件" in first
    assert "第 1 / 2 页（每页 50 件）" in first
    assert first.count("吴航街道兴华社区1号</td>") == 50
    second = client.get("/applications/?page=2").content.decode()
    assert second.count("吴航街道兴华社区1号</td>") == 1
    rows = value_rows(client.get("/applications/?page=2&format=xlsx").content)
    assert rows == [
        ("户主", "地址", "申请项目", "状态", "受理日期", "办理期限", "期限暂定"),
        ("林建国", "吴航街道兴华社区1号", "最低生活保障（低保）", "已提交", None, None, "否"),
    ]
    assert len(value_rows(client.get("/applications/?format=xlsx").content)) == 51


def test_the_due_lists_export(caseworker, caseworker_user, household):
    with on("2026-11-02"):
        application = submit(caseworker, household)
        services.application_accept(actor=caseworker, application=application)
    with on("2026-11-03"):
        rows = value_rows(
            _client(caseworker_user).get("/applications/?format=xlsx&list=due").content
        )
    assert rows[0] == ("乡镇（街道）", "状态", "户主", "地址", "办理时限", "截止日期", "期限暂定")
    assert [row[:5] for row in rows[1:]] == [
        ("吴航街道", "已超期", "林建国", "吴航街道兴华社区1号", "发起家庭经济状况核对")
    ]


def test_the_confirmation_queue_shows_the_proposal_notice_and_deadline(
    caseworker, approver_user, caseworker_user, household
):
    application = awaiting(caseworker, visited(caseworker, household))
    client = _client(approver_user)
    with on("2026-11-18"):
        text = client.get("/confirmations/").content.decode()
        rows = value_rows(client.get("/confirmations/?format=xlsx").content)
    assert f"/applications/{application.public_id}/" in text
    assert "最低生活保障（低保） 2107.00" in text
    assert rows[1][:8] == (
        "林建国",
        "吴航街道兴华社区1号",
        "吴航街道",
        "最低生活保障（低保）",
        "待审核确认",
        "最低生活保障（低保） 2107.00",
        rows[1][6],
        rows[1][7],
    )
    assert (rows[1][6].date().isoformat(), rows[1][7].date().isoformat(), rows[1][8]) == (
        "2026-11-13",
        "2026-11-27",
        "不需要",
    )
    assert _client(caseworker_user).get("/confirmations/").status_code == 403
    # once delegated, the county approver no longer has it
    ConfirmationSetting.objects.create(county_id="350112", delegated_to_township=True)
    assert len(value_rows(client.get("/confirmations/?format=xlsx").content)) == 1


def test_the_setting_page_switches_with_a_reason_and_shows_the_history(
    approver_user, caseworker_user
):
    client = _client(approver_user)
    page = client.get("/confirmations/setting/").content.decode()
    assert "由县级民政部门审核确认" in page
    assert "暂无调整记录" in page
    response = client.post(
        "/confirmations/setting/", {"delegated": "yes", "reason": ""}, follow=True
    )
    assert "请填写调整审核确认权委托的理由" in response.content.decode()
    assert ConfirmationSetting.objects.count() == 0
    response = client.post(
        "/confirmations/setting/", {"delegated": "yes", "reason": "长民〔2026〕1号"}, follow=True
    )
    text = response.content.decode()
    assert "已委托乡镇（街道）审核确认" in text
    assert "长民〔2026〕1号" in text
    assert "长乐审核" in text
    assert ConfirmationSetting.objects.get().delegated_to_township is True
    assert _client(caseworker_user).get("/confirmations/setting/").status_code == 403
