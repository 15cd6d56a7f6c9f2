from __future__ import annotations

from decimal import Decimal

import pytest

from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.id_protection import id_number_hash
from doudi.core.models import AuditEvent
from doudi.intake import services as intake
from doudi.intake.services import ConsentSpec, Declaration, IncomeSpec
from doudi.testing.clock import on
from doudi.testing.state import row_counts
from doudi.verification import selectors, services
from doudi.verification.models import (
    PersonDataAccess,
    ReportItem,
    ReportSignature,
    VerificationConsent,
    VerificationReport,
)
from doudi.verification.tests.helpers import SPOUSE, ingest, ingest_all, write_sidecar

pytestmark = pytest.mark.django_db

MONTHS = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


def people(household):  # type: ignore[no-untyped-def]
    return {m.relation: m.person for m in household.memberships.select_related("person")}


def apply(caseworker, household, *, declaration=None, take_over=True):  # type: ignore[no-untyped-def]
    """A dibao application submitted on 2026-11-02 with the three members' consents, which
    verification takes over (what the integrator's intake step will call)."""
    p = people(household)
    with on("2026-11-02"):
        application = intake.application_submit(
            actor=caseworker,
            household=household,
            programmes=["dibao"],
            channel="window",
            consents=[
                ConsentSpec(person=p["head"]),
                ConsentSpec(person=p["spouse"]),
                ConsentSpec(person=p["child"], signed_by="guardian", proxy_reason="未成年"),
            ],
            declaration=declaration
            or Declaration(incomes=[IncomeSpec(person=p["head"], type="wage", monthly="1200.00")]),
        )
        if take_over:
            services.consents_from_application(
                actor=caseworker, application=application, consents=application.consents.all()
            )
    return application


def wages(id_number: str, name: str, birth: str, amount: str, months=MONTHS, kind="wage"):  # type: ignore[no-untyped-def]
    return [
        {
            "id_number": id_number,
            "name": name,
            "birth_date": birth,
            "period": month,
            "income_type": kind,
            "income_amount": amount,
            "tax_paid": "0",
        }
        for month in months
    ]


def counts() -> tuple[int, ...]:
    return row_counts(VerificationReport, ReportItem, PersonDataAccess, ReportSignature, AuditEvent)


def lin_feeds() -> None:
    """林家's department data, received 2026-11-05; 证券 has sent nothing."""
    head = ("350112198005170013", "林建国", "1980-05-17")
    from doudi.verification.tests.helpers import HEAD

    head = (HEAD, "林建国", "1980-05-17")
    tax_rows = [
        *wages(*head, "3000.00"),
        # April is outside the 6 months before November: not counted
        *wages(*head, "9999.00", months=["2026-04"]),
        # the spouse's 劳务报酬 sent without an ID number: linked by identity resolution
        *[
            {**row, "id_number": ""}
            for row in wages(SPOUSE, "陈秀英", "1982-03-08", "500.00", kind="labour")
        ],
    ]
    ingest_all(
        {
            "tax": tax_rows,
            "vehicles": [
                {
                    "id_number": HEAD,
                    "name": "林建国",
                    "birth_date": "1980-05-17",
                    "plate_number": "闽A12345",
                    "vehicle_type": "car",
                    "registered_on": "2021-03-01",
                    "assessed_value": "80000.00",
                },
                {
                    "id_number": SPOUSE,
                    "name": "陈秀英",
                    "birth_date": "1982-03-08",
                    "plate_number": "闽A6789",
                    "vehicle_type": "motorcycle",
                    "registered_on": "2019-03-01",
                    "assessed_value": "2000.00",
                },
            ],
            "bank_deposits": [
                {
                    "id_number": HEAD,
                    "name": "林建国",
                    "birth_date": "1980-05-17",
                    "institution": "长乐农商行",
                    "balance": "5000.00",
                    "as_of": "2026-09-30",
                },
                {
                    "id_number": HEAD,
                    "name": "林建国",
                    "birth_date": "1980-05-17",
                    "institution": "长乐农商行",
                    "balance": "6000.50",
                    "as_of": "2026-10-31",
                },
            ],
        },
        skip=("securities",),
    )


def link_spouse_labour() -> None:
    from doudi.exchange.selectors import feed_snapshot_latest

    tax = feed_snapshot_latest(source="tax")
    # CSV rows: 1 header, 2 stranger, 3–8 head's wages, 9 head's April, 10–15 spouse's labour
    write_sidecar(
        tax, [(row, id_number_hash(SPOUSE), "probabilistic", 0.97) for row in range(10, 16)]
    )


# -- the whole path ---------------------------------------------------------------------------


def test_it_reports_undeclared_income_a_car_over_the_limit_and_an_unchecked_source(
    caseworker, lin_household, data_dir
):
    # given: 林家 declared only the head's wage of 1,200 yuan; the feeds say otherwise
    application = apply(caseworker, lin_household)
    lin_feeds()
    link_spouse_labour()
    p = people(lin_household)
    # when
    with on("2026-11-10"):
        report = services.verification_request(actor=caseworker, application=application)
    # then: numbered per county and year, not compliant because of the car
    assert report.number == "核〔2026〕350112-000001"
    assert report.month == "2026-11"
    assert report.conclusion == "non_compliant"
    assert report.get_conclusion_display() == "不符合"
    assert report.conclusion_rule == "asset_limit_breach"
    assert report.conclusion_reason == "家庭机动车辆：查到 1 项，超过限额 0 项"
    body = report.body
    assert body["limits"] == {
        "dibao.standard": "970.00",
        "assets.financial_months": 24,
        "assets.vehicles_max": 0,
        "assets.real_estate_max": 1,
        "assets.business_registrations_max": 0,
        "financial_limit": "69840.00",
        "region": "350112",
    }
    assert body["comparison"]["income_window"] == {"from": "2026-05", "to": "2026-10", "months": 6}
    # items: income by type (monthly yuan), assets, link method and snapshot date
    found = [
        (
            i.person.name,
            i.source,
            i.kind,
            i.category,
            i.amount,
            i.quantity,
            i.snapshot_date and i.snapshot_date.isoformat(),
            i.link_method,
        )
        for i in report.items.select_related("person").order_by("id")
        if i.kind != "not_checked"
    ]
    assert sorted(found, key=str) == sorted(
        [
            (
                "林建国",
                "tax",
                "income",
                "wage",
                Decimal("3000.00"),
                None,
                "2026-11-05",
                "id_number",
            ),
            (
                "陈秀英",
                "tax",
                "income",
                "wage",
                Decimal("500.00"),
                None,
                "2026-11-05",
                "probabilistic",
            ),
            (
                "林建国",
                "bank_deposits",
                "asset",
                "financial",
                Decimal("6000.50"),
                None,
                "2026-11-05",
                "id_number",
            ),
            (
                "林建国",
                "vehicles",
                "asset",
                "vehicles",
                Decimal("80000.00"),
                1,
                "2026-11-05",
                "id_number",
            ),
            (
                "陈秀英",
                "vehicles",
                "asset",
                "exempt_vehicle",
                Decimal("2000.00"),
                1,
                "2026-11-05",
                "id_number",
            ),
        ],
        key=str,
    )
    # the source that sent nothing: one "not checked" line per member, never a zero
    unchecked = report.items.filter(kind="not_checked")
    assert sorted(unchecked.values_list("source", "person__name")) == [
        ("securities", "林小雨"),
        ("securities", "林建国"),
        ("securities", "陈秀英"),
    ]
    assert set(unchecked.values_list("amount", "snapshot_date")) == {(None, None)}
    securities = next(s for s in body["sources"] if s["source"] == "securities")
    assert securities == {
        "source": "securities",
        "label": "证券资产",
        "checked": False,
        "snapshot_date": None,
        "snapshot_label": "未报送/未核对",
    }
    # the comparison with the declaration and the flags
    assert [
        (r["name"], r["type"], r["declared"], r["found"]) for r in body["comparison"]["incomes"]
    ] == [
        ("林建国", "wage", "1200.00", "3000.00"),
        ("陈秀英", "wage", "0.00", "500.00"),
    ]
    assert [
        (r["category"], r["declared"], r["found"], r["limit"]) for r in body["comparison"]["assets"]
    ] == [
        ("financial", "0.00", "6000.50", "69840.00"),
        ("vehicles", "0", "1", "0"),
        ("real_estate", "0", "0", "1"),
        ("business_registrations", "0", "0", "0"),
    ]
    assert [(f["code"], f["message"]) for f in body["flags"]] == [
        ("source_not_checked", "“证券资产”尚未报送数据，该项未核对（不作为零值）"),
        ("income_underdeclared", "林建国工资性收入：申报 1200.00 元/月，核对查到 3000.00 元/月"),
        ("income_undeclared", "陈秀英工资性收入：申报 0.00 元/月，核对查到 500.00 元/月"),
        ("asset_undeclared", "家庭金融资产：申报 0.00 元，核对查到 6000.50 元"),
        ("asset_limit_breach", "家庭机动车辆：查到 1 项，超过限额 0 项"),
        ("asset_undeclared", "家庭机动车辆：申报 0 项，核对查到 1 项"),
    ]
    # the spouse's linked item says how it was linked
    linked = report.items.get(person=p["spouse"], source="tax")
    assert linked.detail["match_probability"] == 0.97
    # access log: exactly once per person and checked source (10 sources × 3 members)
    logs = PersonDataAccess.objects.filter(report=report)
    assert logs.count() == 30
    assert len(set(logs.values_list("person_id", "source"))) == 30
    assert "securities" not in set(logs.values_list("source", flat=True))
    spouse_log = logs.get(person=p["spouse"], source="tax")
    assert spouse_log.consent.person == p["spouse"]
    assert spouse_log.consent.application == application
    assert spouse_log.purpose == "社会救助家庭经济状况核对"
    assert spouse_log.actor == caseworker.user
    assert AuditEvent.objects.filter(action="verification.report_create").count() == 1


def test_it_concludes_compliant_when_everything_matches_the_declaration(
    caseworker, lin_household, data_dir
):
    from doudi.verification.tests.helpers import HEAD

    application = apply(caseworker, lin_household)
    ingest_all({"tax": wages(HEAD, "林建国", "1980-05-17", "1200.00")})
    with on("2026-11-10"):
        report = services.verification_request(actor=caseworker, application=application)
    assert (report.conclusion, report.conclusion_rule) == ("compliant", "consistent")
    assert report.get_conclusion_display() == "符合"
    assert report.conclusion_reason == "各数据源查到的收入、财产与申报一致，且未超过财产限额"
    assert report.body["flags"] == []
    assert [
        (r["name"], r["declared"], r["found"]) for r in report.body["comparison"]["incomes"]
    ] == [("林建国", "1200.00", "1200.00")]
    assert report.items.filter(kind="not_checked").count() == 0
    assert PersonDataAccess.objects.filter(report=report).count() == 33


def test_a_standalone_check_compares_no_declaration(caseworker, lin_household, data_dir):
    from doudi.verification.tests.helpers import HEAD

    p = people(lin_household)
    with on("2026-11-09"):
        for relation in ("head", "spouse"):
            services.consent_record(
                actor=caseworker, household=lin_household, person=p[relation], signed_by="self"
            )
        services.consent_record(
            actor=caseworker,
            household=lin_household,
            person=p["child"],
            signed_by="guardian",
            proxy_reason="未成年",
        )
    ingest_all({"tax": wages(HEAD, "林建国", "1980-05-17", "1200.00")})
    with on("2026-11-10"):
        report = services.verification_request(actor=caseworker, household=lin_household)
    assert report.application is None
    assert (report.conclusion, report.conclusion_rule) == ("compliant", "consistent")
    assert report.conclusion_reason == "各数据源查到的财产未超过限额（无申报，未作收入比对）"
    assert report.body["comparison"]["incomes"][0]["declared"] is None


# -- consents ---------------------------------------------------------------------------------


def test_consent_status_follows_its_lifecycle(caseworker, lin_household, data_dir):
    application = apply(caseworker, lin_household)
    consents = {c.person.name: c for c in VerificationConsent.objects.select_related("person")}
    assert len(consents) == 3
    with on("2026-11-10"):
        from django.utils import timezone

        now = timezone.now()
        assert consents["林建国"].status_at(now) == "signed"
        assert consents["林小雨"].status_at(now) == "proxy"
        withdrawn = services.consent_withdraw(
            actor=caseworker, consent=consents["陈秀英"], reason="本人撤回授权"
        )
        assert withdrawn.status_at(timezone.now()) == "withdrawn"
        with pytest.raises(ApplicationError, match="该授权已撤回"):
            services.consent_withdraw(actor=caseworker, consent=withdrawn, reason="再次撤回")
    assert consents["林建国"].valid_until.date().isoformat() == "2027-05-01"
    with on("2027-05-03"):
        from django.utils import timezone

        assert consents["林建国"].status_at(timezone.now()) == "expired"
    # taking over twice creates nothing new
    assert (
        services.consents_from_application(
            actor=caseworker, application=application, consents=application.consents.all()
        )
        == []
    )


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("missing", "林建国（未签署）、陈秀英（未签署）、林小雨（未签署）"),
        ("withdrawn", "陈秀英（已撤回）"),
        ("expired", "林建国（已过期）、陈秀英（已过期）、林小雨（已过期）"),
    ],
)
def test_a_request_without_valid_consents_is_refused_and_writes_nothing(
    caseworker, lin_household, data_dir, situation, message
):
    application = apply(caseworker, lin_household, take_over=situation != "missing")
    lin_feeds()
    day = "2026-11-10"
    if situation == "withdrawn":
        with on(day):
            spouse = VerificationConsent.objects.get(person__name="陈秀英")
            services.consent_withdraw(actor=caseworker, consent=spouse, reason="撤回")
    if situation == "expired":
        day = "2027-06-01"
    before = counts()
    with on(day), pytest.raises(ApplicationError) as error:
        services.verification_request(actor=caseworker, application=application)
    assert error.value.message == "以下共同生活家庭成员没有有效的核对授权，不能核对：" + message
    assert error.value.field == "consents"
    assert counts() == before


def test_a_guardian_or_proxy_consent_needs_a_reason(caseworker, lin_household):
    p = people(lin_household)
    with pytest.raises(ApplicationError) as error:
        services.consent_record(
            actor=caseworker, household=lin_household, person=p["child"], signed_by="guardian"
        )
    assert (error.value.field, VerificationConsent.objects.count()) == ("proxy_reason", 0)


# -- sign, re-check, immutability -------------------------------------------------------------


def test_a_recheck_references_the_signed_first_report(
    caseworker, verification_officer, lin_household, data_dir
):
    application = apply(caseworker, lin_household)
    lin_feeds()
    with on("2026-11-10"):
        first = services.verification_request(actor=caseworker, application=application)
        with pytest.raises(ApplicationError, match="原报告尚未签发，不能复核"):
            services.report_recheck(actor=caseworker, report=first, evidence="车辆已于10月出售")
        with pytest.raises(PermissionDenied):
            services.report_sign(actor=caseworker, report=first)
        signature = services.report_sign(
            actor=verification_officer, report=first, opinion="经核对，车辆超限"
        )
        assert (signature.signer_name, signature.org_unit_name) == (
            "长乐核对",
            "长乐区社会救助家庭经济状况核对中心",
        )
        with pytest.raises(ApplicationError, match="该报告已签发，不能重复签发"):
            services.report_sign(actor=verification_officer, report=first)
        before = counts()
        with pytest.raises(ApplicationError) as error:
            services.report_recheck(actor=caseworker, report=first, evidence="  ")
        assert (error.value.field, counts()) == ("evidence", before)
        second = services.report_recheck(
            actor=caseworker, report=first, evidence="车辆已于10月出售，附过户登记证明"
        )
    assert second.number == "核〔2026〕350112-000002"
    assert second.previous == first
    assert second.objection_evidence == "车辆已于10月出售，附过户登记证明"
    assert second.body["previous"] == "核〔2026〕350112-000001"
    assert second.application == application
    assert list(first.rechecks.all()) == [second]
    assert AuditEvent.objects.filter(action="verification.report_recheck").count() == 1


def test_reports_items_signatures_and_logs_cannot_be_changed(
    caseworker, verification_officer, lin_household, data_dir
):
    application = apply(caseworker, lin_household)
    lin_feeds()
    with on("2026-11-10"):
        report = services.verification_request(actor=caseworker, application=application)
        signature = services.report_sign(actor=verification_officer, report=report)
    report.conclusion = "compliant"
    for obj in (report, report.items.first(), signature, report.data_accesses.first()):
        with pytest.raises(RuntimeError):
            obj.save()
        with pytest.raises(RuntimeError):
            obj.delete()
    report.refresh_from_db()
    assert report.conclusion == "non_compliant"


# -- who may see what -------------------------------------------------------------------------


def test_an_outsider_can_neither_request_nor_read(
    caseworker, outsider, auditor, analyst, lin_household, data_dir
):
    application = apply(caseworker, lin_household)
    lin_feeds()
    before = counts()
    with on("2026-11-10"), pytest.raises(NotFound):
        services.verification_request(actor=outsider, application=application)
    with on("2026-11-10"), pytest.raises(NotFound):
        services.verification_request(actor=outsider, household=lin_household)
    assert counts() == before
    with on("2026-11-10"):
        report = services.verification_request(actor=caseworker, application=application)
    with pytest.raises(NotFound):
        selectors.report_get(actor=outsider, public_id=report.public_id)
    assert selectors.report_get(actor=auditor, public_id=report.public_id) == report
    with pytest.raises(PermissionDenied):
        selectors.report_get(actor=analyst, public_id=report.public_id)
    with pytest.raises(PermissionDenied):
        services.verification_request(actor=auditor, household=lin_household)
    assert list(selectors.report_list(actor=outsider)) == []


def test_report_numbers_run_per_county_and_year(caseworker, lin_household, data_dir):
    application = apply(caseworker, lin_household)
    ingest("tax", [])
    with on("2026-12-30"):
        first = services.verification_request(actor=caseworker, application=application)
    with on("2027-01-04"):
        # consents signed 2026-11-02 are still valid (180 days)
        second = services.verification_request(actor=caseworker, application=application)
    assert (first.number, second.number) == ("核〔2026〕350112-000001", "核〔2027〕350112-000001")
