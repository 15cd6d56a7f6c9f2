"""The verification centre's signing deadline and its work list of reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from doudi.core.models import Deadline
from doudi.testing.clock import on
from doudi.testing.workbooks import cell_rows
from doudi.verification import selectors, services
from doudi.verification.tests.test_services import apply, lin_feeds

pytestmark = pytest.mark.django_db

LIST = "/verification/reports/"


def sign_deadlines() -> list[tuple[str, str, int, str, str | None]]:
    return [
        (
            d.kind,
            d.start_date.isoformat(),
            d.working_days,
            d.due_date.isoformat(),
            d.closed_at.date().isoformat() if d.closed_at else None,
        )
        for d in Deadline.objects.filter(object_type="verification.verificationreport").order_by(
            "id"
        )
    ]


@pytest.fixture
def reports(caseworker, verification_officer, lin_household, data_dir):  # type: ignore[no-untyped-def]
    """Three reports of 林家: one signed (requested 11-10, signed 11-11), one draft of 11-10 and
    one draft of 11-12 (the re-check of the signed one)."""
    application = apply(caseworker, lin_household)
    lin_feeds()
    with on("2026-11-10"):
        signed = services.verification_request(actor=caseworker, application=application)
        draft = services.verification_request(actor=caseworker, application=application)
    with on("2026-11-11"):
        services.report_sign(actor=verification_officer, report=signed, opinion="车辆超限")
    with on("2026-11-12"):
        recheck = services.report_recheck(
            actor=caseworker, report=signed, evidence="车辆已于10月出售，附过户登记证明"
        )
    return signed, draft, recheck


def test_a_report_opens_a_signing_deadline_that_signing_closes(reports):
    signed, draft, recheck = reports
    # 3 working days after the request day: 11-10 (Tue) → 11-13 (Fri); 11-12 (Thu) → 11-17 (Tue)
    assert sign_deadlines() == [
        ("verification_sign", "2026-11-10", 3, "2026-11-13", "2026-11-11"),
        ("verification_sign", "2026-11-10", 3, "2026-11-13", None),
        ("verification_sign", "2026-11-12", 3, "2026-11-17", None),
    ]
    assert [
        d.object_id for d in Deadline.objects.order_by("id") if d.kind == "verification_sign"
    ] == [
        str(signed.pk),
        str(draft.pk),
        str(recheck.pk),
    ]


def test_the_work_list_shows_reports_to_sign_first_and_flags_the_overdue(
    reports, verification_officer_user, client
):
    signed, draft, recheck = reports
    client.force_login(verification_officer_user)
    with on("2026-11-16"):
        page = client.get(LIST)
    assert page.status_code == 200
    text = page.content.decode()
    assert draft.number in text
    assert recheck.number in text
    # the default filter is 待签发: the signed report is not listed
    assert f">{signed.number}<" not in text
    assert text.count('data-testid="overdue"') == 1  # the 11-10 draft, due 11-13
    assert "共 2 条" in text
    with on("2026-11-16"):
        rows = [r["report"] for r in client.get(LIST).context["rows"]]
    assert rows == [recheck, draft]

    with on("2026-11-16"):
        signed_only = client.get(LIST + "?status=signed&conclusion=")
    assert [r["report"] for r in signed_only.context["rows"]] == [signed]
    with on("2026-11-16"):
        everything = client.get(LIST + "?status=&conclusion=non_compliant")
    assert [r["report"] for r in everything.context["rows"]] == [recheck, draft, signed]

    with on("2026-11-16"):
        refused = client.get(LIST + "?status=lost")
    assert refused.status_code == 400
    assert "未知的报告状态：lost" in refused.content.decode()


def test_the_excel_export_holds_every_report_of_the_filter(
    reports, verification_officer_user, client
):
    signed, draft, recheck = reports
    client.force_login(verification_officer_user)
    with on("2026-11-16"):
        response = client.get(LIST + "?status=&conclusion=&format=xlsx")
    values = cell_rows(response.content)
    assert values[0] == [
        "报告编号",
        "生成时间",
        "家庭住址",
        "核对类型",
        "核对结论",
        "状态",
        "签发期限",
        "是否逾期",
    ]
    assert [(row[0], row[3], row[4], row[5], row[6].date(), row[7]) for row in values[1:]] == [
        (recheck.number, "复核", "不符合", "待签发", dt.date(2026, 11, 17), None),
        (draft.number, "申请核对", "不符合", "待签发", dt.date(2026, 11, 13), "逾期"),
        (signed.number, "申请核对", "不符合", "已签发", dt.date(2026, 11, 13), None),
    ]


def test_the_dashboard_shows_the_centre_its_signing_deadlines_only(
    reports, verification_officer_user, caseworker_user, client
):
    client.force_login(verification_officer_user)
    with on("2026-11-16"):
        text = client.get("/").content.decode()
    assert "核对中心签发核对报告" in text
    _, draft, _ = reports
    assert reverse("web:verification_report", args=[draft.public_id]) in text
    client.force_login(caseworker_user)
    with on("2026-11-16"):
        assert "核对中心签发核对报告" not in client.get("/").content.decode()


def test_others_see_their_region_only_or_nothing(
    reports, outsider, analyst_user, outsider_user, client
):
    assert list(selectors.report_list(actor=outsider, status="")) == []
    client.force_login(outsider_user)
    assert "没有符合条件的核对报告。" in client.get(LIST + "?status=").content.decode()
    client.force_login(analyst_user)
    assert client.get(LIST).status_code == 403
