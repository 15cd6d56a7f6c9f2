"""The intake step 发起核对 takes over the application's consents and requests the report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from doudi.accounts.models import Role
from doudi.accounts.scoping import actor_for_user
from doudi.accounts.tests.fixtures import make_staff
from doudi.core.exceptions import ApplicationError
from doudi.core.models import AuditEvent
from doudi.intake import services as intake
from doudi.testing.clock import on
from doudi.verification import services
from doudi.verification.models import PersonDataAccess, VerificationConsent, VerificationReport
from doudi.verification.tests.helpers import HEAD, ingest_all
from doudi.verification.tests.test_services import apply, wages

pytestmark = pytest.mark.django_db


def started(caseworker, application, day: str = "2026-11-03"):  # type: ignore[no-untyped-def]
    with on(day):
        application = intake.application_accept(actor=caseworker, application=application)
        return intake.application_start_verification(actor=caseworker, application=application)


def _visited(caseworker, application):  # type: ignore[no-untyped-def]
    with on("2026-11-05"):
        return intake.application_record_home_visit(
            actor=caseworker,
            application=application,
            investigators=["吴航经办", "兴华社区主任"],
            record_signed=True,
            photos=2,
        )


def test_starting_verification_takes_over_consents_and_makes_the_report(
    caseworker, lin_household, data_dir
):
    application = apply(caseworker, lin_household, take_over=False)
    ingest_all({"tax": wages(HEAD, "林建国", "1980-05-17", "1200.00")})
    assert VerificationConsent.objects.count() == 0

    application = started(caseworker, application)

    assert application.status == "verifying"
    consents = VerificationConsent.objects.filter(application=application).order_by("id")
    assert [(c.person.name, c.signed_by) for c in consents] == [
        ("林建国", "self"),
        ("陈秀英", "self"),
        ("林小雨", "guardian"),
    ]
    report = VerificationReport.objects.get(application=application)
    assert report.number == "核〔2026〕350112-000001"
    assert (report.conclusion, report.conclusion_rule) == ("compliant", "consistent")
    assert report.requested_by == caseworker.user
    assert PersonDataAccess.objects.filter(report=report).count() == 33
    actions = list(
        AuditEvent.objects.filter(action__startswith="verification.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["verification.consents_take_over", "verification.report_create"]
    assert services.verification_blockers(household=lin_household, application=application) == []


def test_a_withdrawn_consent_leaves_the_step_done_and_the_case_page_says_why(
    caseworker, lin_household, data_dir, client
):
    application = apply(caseworker, lin_household)  # consents already taken over
    spouse = VerificationConsent.objects.get(application=application, person__name="陈秀英")
    with on("2026-11-02"):
        services.consent_withdraw(actor=caseworker, consent=spouse, reason="本人撤回授权")

    application = started(caseworker, application)

    assert application.status == "verifying"
    assert application.events.filter(action="start_verification").count() == 1
    assert VerificationReport.objects.count() == 0
    assert PersonDataAccess.objects.count() == 0
    assert VerificationConsent.objects.filter(application=application).count() == 3  # not again
    blockers = services.verification_blockers(household=lin_household, application=application)
    assert blockers == ["以下共同生活家庭成员没有有效的核对授权，不能核对：陈秀英（已撤回）"]

    client.force_login(caseworker.user)
    with on("2026-11-03"):
        page = client.get(reverse("web:application_detail", args=[application.public_id]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "以下共同生活家庭成员没有有效的核对授权，不能核对：陈秀英（已撤回）" in text
    assert reverse("web:verification_household", args=[lin_household.public_id]) in text


def test_the_case_page_lists_the_report_and_staff_without_verification_rights_see_none(
    caseworker, lin_household, data_dir, client
):
    application = started(caseworker, apply(caseworker, lin_household, take_over=False))
    report = VerificationReport.objects.get(application=application)

    client.force_login(caseworker.user)
    page = client.get(reverse("web:application_detail", args=[application.public_id]))
    text = page.content.decode()
    assert report.number in text
    assert reverse("web:verification_report", args=[report.public_id]) in text
    assert "待核对中心签发" in text

    worker = make_staff(
        "xinghua_worker", "350112001001", [Role.VILLAGE_WORKER], display_name="兴华协理员"
    )
    assert not actor_for_user(worker).can("verification.view")
    client.force_login(worker)
    page = client.get(reverse("web:application_detail", args=[application.public_id]))
    assert page.status_code == 200
    assert 'data-testid="verification"' not in page.content.decode()
    assert report.number not in page.content.decode()


def test_the_step_without_the_right_to_request_leaves_the_report_to_the_centre(
    caseworker, lin_household, data_dir, monkeypatch
):
    application = apply(caseworker, lin_household, take_over=False)
    original = type(caseworker).can

    def can(self, permission):  # type: ignore[no-untyped-def]
        return permission != "verification.request" and original(self, permission)

    monkeypatch.setattr(type(caseworker), "can", can)
    application = started(caseworker, application)

    assert application.status == "verifying"
    assert VerificationConsent.objects.filter(application=application).count() == 3
    assert VerificationReport.objects.count() == 0


def test_without_a_report_the_initial_opinion_waits_and_then_goes_ahead(
    caseworker, lin_household, data_dir, settings
):
    application = apply(caseworker, lin_household)  # consents already taken over
    spouse = VerificationConsent.objects.get(application=application, person__name="陈秀英")
    with on("2026-11-02"):
        services.consent_withdraw(actor=caseworker, consent=spouse, reason="本人撤回授权")
    application = _visited(caseworker, started(caseworker, application))
    with on("2026-11-05"):
        before = (application.status, application.version, application.events.count())
        with pytest.raises(ApplicationError) as refusal:
            intake.application_give_initial_opinion(
                actor=caseworker, application=application, favourable=True, opinion="同意纳入"
            )
    assert refusal.value.message == (
        "尚未生成家庭经济状况核对报告（逢进必核），不能提出初审意见：请在核对页面登记授权并发起核对"
    )
    application.refresh_from_db()
    assert (application.status, application.version, application.events.count()) == before

    # the spouse signs a new 授权书; the report is requested from the verification page
    with on("2026-11-06"):
        services.consent_record(
            actor=caseworker, household=lin_household, person=spouse.person, signed_by="self"
        )
        services.verification_request(actor=caseworker, application=application)
        application = intake.application_give_initial_opinion(
            actor=caseworker, application=application, favourable=True, opinion="同意纳入"
        )
    assert application.status == "initial_opinion"


def test_the_report_requirement_can_be_switched_off(caseworker, lin_household, data_dir, settings):
    settings.INTAKE_VERIFICATION_REQUIRED = False
    application = apply(caseworker, lin_household)
    spouse = VerificationConsent.objects.get(application=application, person__name="陈秀英")
    with on("2026-11-02"):
        services.consent_withdraw(actor=caseworker, consent=spouse, reason="本人撤回授权")
    application = _visited(caseworker, started(caseworker, application))
    with on("2026-11-05"):
        application = intake.application_give_initial_opinion(
            actor=caseworker, application=application, favourable=True, opinion="同意纳入"
        )
    assert application.status == "initial_opinion"
    assert VerificationReport.objects.count() == 0


@pytest.mark.parametrize(
    ("programmes", "required"),
    [
        (["dibao"], True),
        (["tekun"], True),
        (["marginal_household"], True),
        (["rigid_expenditure_household"], True),
        (["temporary_assistance"], False),
        (["disability_living_subsidy", "disability_care_subsidy"], False),
        (["orphan"], False),
        (["temporary_assistance", "dibao"], True),
    ],
)
def test_only_means_tested_programmes_need_the_report(
    programmes, required, settings, django_assert_num_queries
):
    from doudi.intake.models import Application
    from doudi.intake.services.steps import verification_facts

    unsaved = Application(pk=999_999, programmes=programmes)  # no report can point to it
    if not required:  # decided without asking the database
        with django_assert_num_queries(0):
            assert verification_facts(unsaved) == {
                "verification_required": False,
                "verification_report_made": False,
            }
    else:
        assert verification_facts(unsaved) == {
            "verification_required": True,
            "verification_report_made": False,
        }
    settings.INTAKE_VERIFICATION_REQUIRED = False
    assert verification_facts(unsaved)["verification_required"] is False


def test_the_caseworker_adopts_what_the_report_found_and_the_opinion_runs_on_it(
    caseworker, lin_household, data_dir, client
):
    from doudi.intake.models import SituationAssessment
    from doudi.standards.models import EvaluationRecord

    # declared: the head earns 1,200 a month; the tax office shows 3,000; a car nobody declared
    application = apply(caseworker, lin_household, take_over=False)
    ingest_all(
        {
            "tax": wages(HEAD, "林建国", "1980-05-17", "3000.00"),
            "vehicles": [
                {
                    "id_number": HEAD,
                    "name": "林建国",
                    "birth_date": "1980-05-17",
                    "plate_number": "闽A12345",
                    "vehicle_type": "car",
                    "registered_on": "2021-03-01",
                    "assessed_value": "80000.00",
                }
            ],
        }
    )
    application = _visited(caseworker, started(caseworker, application))
    report = VerificationReport.objects.get(application=application)
    assert report.conclusion == "non_compliant"  # the car is over the limit of 0 vehicles

    client.force_login(caseworker.user)
    page = client.get(reverse("web:application_detail", args=[application.public_id]))
    assert f"采用核对报告 {report.number} 核定收入和财产" in page.content.decode()
    with on("2026-11-06"):
        response = client.post(
            reverse("web:application_adopt_verification", args=[application.public_id]),
            {"report": str(report.public_id)},
        )
    assert response.status_code == 302
    assessment = SituationAssessment.objects.get()
    assert assessment.report == report
    assert assessment.assessed_by == caseworker.user
    assert assessment.changes == [
        {
            "name": "林建国",
            "label": "工资性收入",
            "declared": "1200.00 元/月",
            "assessed": "3000.00 元/月",
        },
        {"name": "家庭", "label": "机动车辆", "declared": "0 项", "assessed": "1 项"},
    ]
    head = next(m for m in assessment.situation["members"] if m["relation"] == "head")
    assert head["incomes"] == [{"type": "wage", "monthly": "3000.00", "stable": True}]
    assert assessment.situation["assets"]["vehicles"] == 1
    application.refresh_from_db()
    declared_head = next(m for m in application.situation["members"] if m["relation"] == "head")
    assert declared_head["incomes"] == [{"type": "wage", "monthly": "1200.00", "stable": True}]
    page = client.get(reverse("web:application_detail", args=[application.public_id]))
    assert "林建国工资性收入：申报 1200.00 元/月，核定 3000.00 元/月" in page.content.decode()

    with on("2026-11-06"):
        application = intake.application_give_initial_opinion(
            actor=caseworker, application=application, favourable=False, opinion="车辆超限"
        )
    record = EvaluationRecord.objects.get(pk=application.proposal_evaluation_id)
    evaluated_head = next(m for m in record.situation["members"] if m["relation"] == "head")
    assert evaluated_head["incomes"] == [{"type": "wage", "monthly": "3000.00", "stable": True}]
    assert record.situation["assets"]["vehicles"] == 1
    assert application.proposal["dibao"]["eligible"] is False
    opinion = application.events.get(action="give_initial_opinion")
    assert opinion.parameters["assessment_id"] == assessment.pk
    # the declaration on the case stays as declared
    declared_head = next(m for m in application.situation["members"] if m["relation"] == "head")
    assert declared_head["incomes"] == [{"type": "wage", "monthly": "1200.00", "stable": True}]


def test_adopting_is_refused_when_nothing_is_higher_or_the_report_is_another_cases(
    caseworker, lin_household, data_dir
):
    from doudi.intake.models import SituationAssessment

    application = apply(caseworker, lin_household, take_over=False)
    ingest_all({})  # every department answered, nothing about 林家
    application = _visited(caseworker, started(caseworker, application))
    report = VerificationReport.objects.get(application=application)
    audit = AuditEvent.objects.count()
    with on("2026-11-06"), pytest.raises(ApplicationError) as refusal:
        intake.application_adopt_verification(
            actor=caseworker, application=application, report=report
        )
    assert refusal.value.message == (
        f"核对报告 {report.number} 查到的收入和财产均不高于申报，无需核定"
    )
    with on("2026-11-06"):
        for membership in lin_household.memberships.filter(is_counted=True):
            services.consent_record(
                actor=caseworker,
                household=lin_household,
                person=membership.person,
                signed_by="self",
            )
        standalone = services.verification_request(actor=caseworker, household=lin_household)
        audit = AuditEvent.objects.count()
        with pytest.raises(ApplicationError) as refusal:
            intake.application_adopt_verification(
                actor=caseworker, application=application, report=standalone
            )
    assert refusal.value.message == "该核对报告不属于本申请"
    assert (SituationAssessment.objects.count(), AuditEvent.objects.count()) == (0, audit)
