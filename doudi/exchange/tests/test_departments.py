"""Each feed is sent by its department: the department's staff upload their own feeds (API and
the 报送部门数据 page), see their own files' outcome, and nothing of other departments."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from doudi.accounts.models import PartnerDepartment
from doudi.accounts.scoping import actor_for_user
from doudi.core.models import AuditEvent
from doudi.exchange import access
from doudi.exchange.models import FeedSnapshot, FeedSubmission
from doudi.exchange.schemas import FEEDS
from doudi.exchange.tests.helpers import TAX_HEADER, TAX_ROWS, csv_bytes
from doudi.testing.clients import api_headers
from doudi.testing.factories import OrgUnitFactory, partner_user
from doudi.testing.state import row_counts

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield tmp_path


def department_user(username: str, department: str):  # type: ignore[no-untyped-def]
    unit = OrgUnitFactory(
        division_code="350112",
        name=f"长乐区{PartnerDepartment(department).label}",
        partner_department=department,
    )
    return partner_user(username, org_unit=unit, display_name=f"{username}经办")


@pytest.fixture
def tax_user(villages):  # type: ignore[no-untyped-def]
    return department_user("changle_tax", PartnerDepartment.TAX)


def _state() -> tuple[int, ...]:
    return row_counts(FeedSubmission, FeedSnapshot, AuditEvent)


def test_every_feed_has_its_sending_department():
    departments = {source: schema.partner_department for source, schema in FEEDS.items()}
    assert departments == {
        "hukou": "public_security",
        "deaths": "public_security",
        "tax": "tax",
        "social_insurance_contributions": "employment_assistance",
        "pensions": "employment_assistance",
        "unemployment_benefits": "employment_assistance",
        "housing_fund": "housing_fund_centre",
        "real_estate": "natural_resources",
        "vehicles": "public_security",
        "business_registration": "market_regulation",
        "bank_deposits": "financial_regulation",
        "securities": "financial_regulation",
        "commercial_insurance": "financial_regulation",
        "medical_costs": "medical_assistance",
        "disability_certificates": "disabled_persons_federation",
        "unemployment_registration": "employment_assistance",
        "education": "education_assistance",
        "disaster_relief": "emergency_management",
        "anti_poverty_monitoring": "rural_revitalisation",
    }


def test_who_may_send_which_feeds(tax_user, partner_user, verification_officer_user, caseworker):
    def sources(user):  # type: ignore[no-untyped-def]
        return [schema.source for schema in access.uploadable_feeds(actor_for_user(user))]

    assert sources(tax_user) == ["tax"]
    assert sources(partner_user) == ["medical_costs"]
    assert sources(verification_officer_user) == list(FEEDS)
    assert [s.source for s in access.uploadable_feeds(caseworker)] == []
    bank = department_user("fujian_bank", PartnerDepartment.FINANCIAL_REGULATION)
    assert sources(bank) == ["bank_deposits", "securities", "commercial_insurance"]


def test_the_tax_department_sends_its_file_on_the_page_and_sees_the_outcome(tax_user, client):
    client.force_login(tax_user)
    page = client.get(reverse("web:exchange_feed_upload"))
    assert page.status_code == 200
    text = page.content.decode()
    assert '<option value="tax"' in text
    assert '<option value="bank_deposits"' not in text
    assert "尚无报送记录。" in text

    response = client.post(
        reverse("web:exchange_feed_upload"),
        {"source": "tax", "file": SimpleUploadedFile("tax.csv", csv_bytes(TAX_HEADER, TAX_ROWS))},
    )

    submission = FeedSubmission.objects.get()
    assert (submission.source, submission.status, submission.channel) == (
        "tax",
        "accepted",
        "web",
    )
    assert submission.submitted_by == tax_user
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "web:exchange_submission_detail", args=[submission.public_id]
    )
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "“个人所得税”：已接收 3 条记录，快照日期 2026-03-10" in text
    assert "页面上传" in text
    listing = client.get(reverse("web:exchange_feed_upload")).content.decode()
    assert "tax.csv" in listing
    assert "2026-03-10" in listing


def test_a_rejected_file_shows_every_problem_to_its_department(tax_user, client):
    client.force_login(tax_user)
    rows = [*TAX_ROWS, ["", "钱七", "2030-01-01", "2025-12", "工资薪金", "-5", "0"]]
    response = client.post(
        reverse("web:exchange_feed_upload"),
        {"source": "tax", "file": SimpleUploadedFile("bad.csv", csv_bytes(TAX_HEADER, rows))},
    )
    submission = FeedSubmission.objects.get()
    assert submission.status == "rejected"
    assert FeedSnapshot.objects.count() == 0
    detail = client.get(response["Location"]).content.decode()
    assert "“个人所得税”：文件被退回，共 2 个问题，未保存任何数据" in detail
    assert [(p["row"], p["column"], p["reason"]) for p in submission.problems] == [
        (5, "出生日期（birth_date）", "日期 2030-01-01 晚于今天（2026-03-10）"),
        (5, "收入额（income_amount）", "金额不能为负数：-5"),
    ]
    assert "<td>金额不能为负数：-5</td>" in detail


def test_a_department_may_not_send_or_see_another_departments_feed(tax_user, partner_user, client):
    medical = client.post(
        reverse("web:exchange_feed_upload"),
        {"source": "medical_costs", "file": SimpleUploadedFile("m.csv", b"x")},
    )
    assert medical.status_code == 302  # not logged in yet
    client.force_login(tax_user)
    before = _state()
    response = client.post(
        reverse("web:exchange_feed_upload"),
        {"source": "medical_costs", "file": SimpleUploadedFile("m.csv", b"x")},
    )
    assert response.status_code == 400
    assert "请选择要报送的数据源" in response.content.decode()
    missing = client.post(reverse("web:exchange_feed_upload"), {"source": "tax"})
    assert missing.status_code == 400
    assert "请选择要报送的文件" in missing.content.decode()
    assert _state() == before

    # the medical department's file is not the tax department's business
    client.force_login(partner_user)
    header = ["公民身份号码", "姓名", "出生日期", "结算单号", "结算日期", "医疗机构", "是否住院"]
    client.post(
        reverse("web:exchange_feed_upload"),
        {"source": "medical_costs", "file": SimpleUploadedFile("m.csv", csv_bytes(header, []))},
    )
    medical_file = FeedSubmission.objects.get(source="medical_costs")
    client.force_login(tax_user)
    other = client.get(reverse("web:exchange_submission_detail", args=[medical_file.public_id]))
    assert other.status_code == 404
    assert "m.csv" not in client.get(reverse("web:exchange_feed_upload")).content.decode()


def test_staff_who_send_nothing_are_refused(caseworker_user, client):
    client.force_login(caseworker_user)
    before = _state()
    assert client.get(reverse("web:exchange_feed_upload")).status_code == 403
    response = client.post(
        reverse("web:exchange_feed_upload"),
        {"source": "tax", "file": SimpleUploadedFile("tax.csv", csv_bytes(TAX_HEADER, TAX_ROWS))},
    )
    assert response.status_code == 403
    assert _state() == before


def test_a_department_uploads_through_the_api_only_its_own_feed(tax_user, client):
    headers = api_headers(tax_user, name="税务接口")
    accepted = client.post(
        "/api/exchange/feeds/tax/snapshots",
        {"file": SimpleUploadedFile("tax.csv", csv_bytes(TAX_HEADER, TAX_ROWS))},
        **headers,
    )
    assert accepted.status_code == 201
    before = _state()
    refused = client.post(
        "/api/exchange/feeds/bank_deposits/snapshots",
        {"file": SimpleUploadedFile("b.csv", b"x")},
        **headers,
    )
    assert refused.status_code == 403
    assert refused.json()["message"] == "无权限：报送“银行存款”数据"
    assert _state() == before
