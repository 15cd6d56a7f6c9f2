"""The PDF downloads over HTTP: the bytes, the audit event, the refusals (nothing audited)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.models import AuditEvent
from doudi.documents.tests.cases import in_notice, people, published, submitted
from doudi.documents.tests.pdftext import FULL_ID_NUMBER, pdf_text
from doudi.testing.clients import logged_in as _client
from doudi.testing.clock import on

pytestmark = pytest.mark.django_db


def test_the_application_form_downloads_as_an_audited_pdf(caseworker, household):
    application = submitted(caseworker, household)
    before = AuditEvent.objects.count()

    response = _client(caseworker.user).get(
        f"/applications/{application.public_id}/documents/application-form.pdf"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == (
        f'inline; filename="application-form-{application.public_id}.pdf"; '
        "filename*=UTF-8''%E7%A4%BE%E4%BC%9A%E6%95%91%E5%8A%A9%E7%94%B3%E8%AF%B7%E4%B9%A6-350112001"
        f"%E7%94%B3%E8%AF%B7%E3%80%942026%E3%80%95{application.pk}%E5%8F%B7.pdf"
    )
    text = pdf_text(response.content)
    assert f"350112001申请〔2026〕{application.pk}号" in text
    assert f"林建国户主{people(household)['head'].id_number_masked}是" in text
    assert FULL_ID_NUMBER.search(text) is None
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.actor, event.object_type, event.object_id, event.region_code) == (
        "document.download",
        caseworker.user,
        "intake.application",
        str(application.pk),
        "350112001001",
    )
    assert event.parameters == {
        "kind": "application-form",
        "number": f"350112001申请〔2026〕{application.pk}号",
    }


def test_the_consent_letters_and_home_visit_record_download(caseworker, household):
    application = published(caseworker, household)
    client = _client(caseworker.user)

    consent = client.get(f"/applications/{application.public_id}/documents/consent.pdf")
    visit = client.get(f"/applications/{application.public_id}/documents/home-visit.pdf")

    assert consent.status_code == visit.status_code == 200
    assert "签署方式监护人代签代签原因未成年" in pdf_text(consent.content)
    assert "调查人员吴航经办、兴华社区主任" in pdf_text(visit.content)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("decision", "该申请当前状态为“公示中”，尚未审核确认，没有审核确认通知书"),
        ("refusal", "该申请当前状态为“公示中”，未作出不予确认决定，没有不予确认通知书"),
    ],
)
def test_a_notice_of_a_case_not_yet_decided_is_refused_and_not_audited(
    kind, message, caseworker, household
):
    application = published(caseworker, household)
    before = AuditEvent.objects.count()

    response = _client(caseworker.user).get(
        f"/applications/{application.public_id}/documents/{kind}.pdf"
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_the_outsider_gets_404_and_nothing_is_audited(caseworker, outsider, household):
    application = submitted(caseworker, household)
    before = AuditEvent.objects.count()

    response = _client(outsider.user).get(
        f"/applications/{application.public_id}/documents/application-form.pdf"
    )

    assert response.status_code == 404
    assert AuditEvent.objects.count() == before


def test_an_unknown_kind_is_not_found(caseworker, household):
    application = submitted(caseworker, household)
    response = _client(caseworker.user).get(
        f"/applications/{application.public_id}/documents/passport.pdf"
    )
    assert response.status_code == 404


def test_the_notice_sheet_downloads_with_its_contacts_and_is_audited(caseworker, household):
    in_notice(
        household,
        programmes=["dibao"],
        proposal={"dibao": {"eligible": True, "amount": "2107.00"}},
        published_on=dt.date(2026, 11, 6),
    )
    before = AuditEvent.objects.count()

    with on("2026-11-09"):
        response = _client(caseworker.user).get(
            "/notices/350112001.pdf", {"phone": "0591-00000000", "address": "吴航街道民政办"}
        )

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "林建国" in text
    assert "林小雨" not in text
    assert "联系电话：0591-00000000地址：吴航街道民政办" in text
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.object_id, event.parameters) == (
        "document.download",
        "documents.notice_sheet",
        "350112001",
        {"kind": "notice", "number": "350112001公示〔2026〕1109号", "lines": 1},
    )


def test_an_overlong_contact_is_refused_with_the_field_named(caseworker, household):
    before = AuditEvent.objects.count()
    response = _client(caseworker.user).get("/notices/350112001.pdf", {"phone": "1" * 65})
    assert response.status_code == 400
    assert "联系电话不能超过64个字" in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_the_outsider_gets_no_notice_sheet_of_another_township(outsider, household):
    response = _client(outsider.user).get("/notices/350112001.pdf")
    assert response.status_code == 404
