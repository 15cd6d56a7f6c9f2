from __future__ import annotations

import pytest
from django.test import Client

from doudi.core.models import AuditEvent
from doudi.registry.tests.factories import register_household
from doudi.testing.clock import SHANGHAI, on
from doudi.testing.state import row_counts
from doudi.verification import services
from doudi.verification.models import VerificationConsent, VerificationReport
from doudi.verification.tests.test_services import apply, lin_feeds, people

pytestmark = pytest.mark.django_db


def test_the_pages_request_a_check_and_show_a_printable_report(
    caseworker_user, outsider_user, caseworker, lin_household, data_dir
):
    application = apply(caseworker, lin_household)
    lin_feeds()
    client = Client()
    client.force_login(caseworker_user)
    page = client.get(f"/verification/households/{lin_household.public_id}/")
    assert page.status_code == 200
    assert "本人已签署" in page.content.decode()
    assert "代签有效" in page.content.decode()
    with on("2026-11-10"):
        response = client.post(
            f"/verification/households/{lin_household.public_id}/",
            {"application": str(application.public_id)},
        )
    report = VerificationReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/verification/reports/{report.public_id}/"
    html = client.get(response["Location"]).content.decode()
    assert "核〔2026〕350112-000001" in html
    assert "不符合" in html
    assert "未报送/未核对" in html
    assert "data-print" in html
    assert "doudi/print.js" in html
    assert "草稿（待核对人员签发）" in html
    outsider = Client()
    outsider.force_login(outsider_user)
    assert outsider.get(f"/verification/reports/{report.public_id}/").status_code == 404
    assert outsider.get(f"/verification/households/{lin_household.public_id}/").status_code == 404


# -- consent pages ------------------------------------------------------------------------------


def _consent_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _member_form(html: str, person) -> str:  # type: ignore[no-untyped-def]
    """The consent form of one member in the household page's HTML."""
    start = html.index(f'name="person" value="{person.public_id}"')
    return html[start : html.index("</form>", start)]


def _consent_state() -> tuple[int, ...]:
    return row_counts(
        VerificationConsent,
        VerificationConsent.objects.filter(withdrawn_at__isnull=False),
        AuditEvent.objects.filter(action__startswith="verification.consent"),
    )


def test_a_caseworker_records_a_standalone_consent_from_the_household_page(
    caseworker_user, lin_household
):
    # given
    head = people(lin_household)["head"]
    client = _consent_client(caseworker_user)

    # when
    with on("2026-11-10"):
        response = client.post(
            f"/verification/households/{lin_household.public_id}/consents/",
            {"person": str(head.public_id), "signed_by": "self", "proxy_reason": ""},
        )
        page = client.get(response["Location"])

    # then
    assert response.status_code == 302
    assert response["Location"] == f"/verification/households/{lin_household.public_id}/"
    consent = VerificationConsent.objects.get()
    assert (consent.person, consent.household, consent.signed_by, consent.application) == (
        head,
        lin_household,
        "self",
        None,
    )
    assert consent.recorded_by == caseworker_user
    assert AuditEvent.objects.filter(action="verification.consent_record").count() == 1
    html = page.content.decode()
    assert "已登记林建国的核对授权书（本人签署），有效期至 2027-05-09" in html
    assert html.count('data-testid="consent"') == 1
    assert "本人已签署" in html
    assert "2026-11-10 签署，有效期至 2027-05-09" in html
    assert "来源：单独授权" in html
    assert html.count('data-testid="consent-form"') == 3  # one per counted member
    assert html.count('data-testid="withdraw-form"') == 1


def test_a_proxy_consent_without_a_reason_is_refused_and_the_form_keeps_what_was_entered(
    caseworker_user, lin_household
):
    # given
    child = people(lin_household)["child"]
    client = _consent_client(caseworker_user)
    before = _consent_state()

    # when
    response = client.post(
        f"/verification/households/{lin_household.public_id}/consents/",
        {"person": str(child.public_id), "signed_by": "guardian", "proxy_reason": "  "},
    )

    # then
    assert response.status_code == 400
    assert _consent_state() == before
    form = _member_form(response.content.decode(), child)
    assert "监护人代签或委托代签须写明原因" in form
    assert '<option value="guardian" selected>监护人代签</option>' in form
    head_form = _member_form(response.content.decode(), people(lin_household)["head"])
    assert '<option value="self" selected>本人签署</option>' in head_form
    assert "须写明原因" not in head_form


def test_an_invalid_signing_method_is_refused_and_the_reason_entered_is_kept(
    caseworker_user, lin_household
):
    spouse = people(lin_household)["spouse"]
    client = _consent_client(caseworker_user)
    before = _consent_state()

    response = client.post(
        f"/verification/households/{lin_household.public_id}/consents/",
        {"person": str(spouse.public_id), "signed_by": "bogus", "proxy_reason": "本人住院"},
    )

    assert response.status_code == 400
    assert _consent_state() == before
    form = _member_form(response.content.decode(), spouse)
    assert "签署方式取值无效：&#x27;bogus&#x27;" in form
    assert 'value="本人住院"' in form


@pytest.mark.parametrize(
    ("_case", "person"),
    [("not a uuid", "nobody"), ("a person of another household", None)],
)
def test_a_consent_for_someone_outside_the_household_is_refused(
    _case, person, caseworker, caseworker_user, lin_household
):
    # given
    if person is None:
        other = register_household(caseworker, address="吴航街道兴华社区2号")
        person = str(other.memberships.get(relation="head").person.public_id)
    client = _consent_client(caseworker_user)
    before = _consent_state()

    # when
    response = client.post(
        f"/verification/households/{lin_household.public_id}/consents/",
        {"person": person, "signed_by": "self"},
    )

    # then
    assert response.status_code == 400
    assert _consent_state() == before
    html = response.content.decode()
    assert (
        '<div class="alert alert-danger" role="alert" data-testid="form-error">该人员不是本家庭成员</div>'
        in html
    )


def test_a_caseworker_withdraws_a_consent_with_a_reason(caseworker, caseworker_user, lin_household):
    # given
    head = people(lin_household)["head"]
    with on("2026-11-10"):
        consent = services.consent_record(
            actor=caseworker, household=lin_household, person=head, signed_by="self"
        )
    client = _consent_client(caseworker_user)
    url = f"/verification/consents/{consent.public_id}/withdraw/"

    # when: without a reason, then with one
    with on("2026-11-20"):
        refused = client.post(url, {"reason": " "})
        consent.refresh_from_db()
        withdrawn_at_after_refusal = consent.withdrawn_at
        response = client.post(url, {"reason": "本人要求撤回"})
        page = client.get(response["Location"]).content.decode()

    # then
    assert refused.status_code == 400
    assert withdrawn_at_after_refusal is None
    assert "请填写撤回原因" in refused.content.decode()
    assert response.status_code == 302
    assert response["Location"] == f"/verification/households/{lin_household.public_id}/"
    consent.refresh_from_db()
    assert consent.withdrawal_reason == "本人要求撤回"
    assert f"{consent.withdrawn_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" == "2026-11-20 10:00"
    assert AuditEvent.objects.filter(action="verification.consent_withdraw").count() == 1
    assert "已撤回林建国的核对授权（2026-11-10 签署）" in page
    assert "已撤回" in page
    assert "2026-11-20 撤回，撤回原因：本人要求撤回" in page
    assert 'data-testid="withdraw-form"' not in page  # a withdrawn consent has no form


def test_withdrawing_twice_is_refused_with_a_message(caseworker, caseworker_user, lin_household):
    head = people(lin_household)["head"]
    consent = services.consent_record(
        actor=caseworker, household=lin_household, person=head, signed_by="self"
    )
    services.consent_withdraw(actor=caseworker, consent=consent, reason="本人要求")
    before = _consent_state()

    response = _consent_client(caseworker_user).post(
        f"/verification/consents/{consent.public_id}/withdraw/", {"reason": "再次撤回"}
    )

    assert response.status_code == 400
    assert _consent_state() == before
    html = response.content.decode()
    assert 'data-testid="form-error">该授权已撤回</div>' in html


def test_the_page_shows_each_consents_status_and_source(
    caseworker, caseworker_user, lin_household, data_dir
):
    # given: the application's consents (2026-11-02, valid 180 days), one standalone consent
    # withdrawn
    application = apply(caseworker, lin_household)
    spouse = people(lin_household)["spouse"]
    with on("2026-11-03"):
        standalone = services.consent_record(
            actor=caseworker,
            household=lin_household,
            person=spouse,
            signed_by="proxy",
            proxy_reason="本人外出务工",
        )
        services.consent_withdraw(actor=caseworker, consent=standalone, reason="委托人撤回")
    url = f"/verification/households/{lin_household.public_id}/"

    # when: before and after the application's consents expire (2027-05-01 10:00); signed in
    # on the day (sessions last 8 hours)
    with on("2027-04-30"):
        valid = _consent_client(caseworker_user).get(url)
    with on("2027-05-02"):
        expired = _consent_client(caseworker_user).get(url)

    # then
    html = valid.content.decode()
    short = str(application.public_id)[:8]
    assert html.count(f">申请 {short}</a>") == 3
    assert f'href="/applications/{application.public_id}/"' in html
    assert html.count(">本人已签署</span>") == 2
    assert html.count(">代签有效</span>") == 1
    assert "监护人代签（未成年）" in html
    assert html.count(">已撤回</span>") == 1
    assert "委托代签（本人外出务工），" in html
    assert "2026-11-03 撤回，撤回原因：委托人撤回" in html
    assert html.count('data-testid="withdraw-form"') == 3  # the valid ones only
    later = expired.content.decode()
    assert later.count(">已过期</span>") == 3
    assert later.count(">已撤回</span>") == 1
    assert 'data-testid="withdraw-form"' not in later


def test_without_consent_manage_the_page_has_no_forms_and_posts_are_refused(
    caseworker, auditor_user, lin_household
):
    # given
    head = people(lin_household)["head"]
    consent = services.consent_record(
        actor=caseworker, household=lin_household, person=head, signed_by="self"
    )
    client = _consent_client(auditor_user)
    before = _consent_state()

    # when
    page = client.get(f"/verification/households/{lin_household.public_id}/")
    record = client.post(
        f"/verification/households/{lin_household.public_id}/consents/",
        {"person": str(head.public_id), "signed_by": "self"},
    )
    withdraw = client.post(
        f"/verification/consents/{consent.public_id}/withdraw/", {"reason": "撤回"}
    )

    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="consent"') == 1
    assert 'data-testid="consent-form"' not in html
    assert 'data-testid="withdraw-form"' not in html
    assert (record.status_code, withdraw.status_code) == (403, 403)
    assert "无权限：登记或撤回核对授权" in record.content.decode()
    assert _consent_state() == before
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_outside_the_region_the_consent_pages_are_not_found(
    caseworker, outsider_user, lin_household
):
    head = people(lin_household)["head"]
    consent = services.consent_record(
        actor=caseworker, household=lin_household, person=head, signed_by="self"
    )
    client = _consent_client(outsider_user)
    before = _consent_state()

    record = client.post(
        f"/verification/households/{lin_household.public_id}/consents/",
        {"person": str(head.public_id), "signed_by": "self"},
    )
    withdraw = client.post(
        f"/verification/consents/{consent.public_id}/withdraw/", {"reason": "撤回"}
    )

    assert (record.status_code, withdraw.status_code) == (404, 404)
    assert _consent_state() == before
