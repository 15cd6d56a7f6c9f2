"""The staff login's later steps (doudi/web/login.py, login_security.py): the second factor for
county scope and wider and for admins, the enrolment, the expired password, the idle timeout,
and the Content-Security-Policy on the pages."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from doudi.accounts.demo_staff import DEMO_TOTP_SECRET, demo_staff_ensure
from doudi.accounts.models import PasswordRecord
from doudi.core.models import AuditEvent
from doudi.testing.clients import api_headers, logged_in
from doudi.web.login_security import LAST_ACTIVITY

pytestmark = pytest.mark.django_db


def _password_step(client: Client, username: str, password: str = "pass-1234"):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password})


def _code(device: TOTPDevice, *, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def _later(*, seconds: int):  # type: ignore[no-untyped-def]
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def test_a_wrong_code_makes_the_device_wait_before_checking_the_next(approver_user):
    device = _enrolled(approver_user)
    client = Client()
    _password_step(client, "changle_approver")
    client.post("/login/verify/", {"otp_token": "000000"})
    assert client.post("/login/verify/", {"otp_token": _code(device)}).status_code == 200


def _enrolled(user) -> TOTPDevice:  # type: ignore[no-untyped-def]
    return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)


# -- who needs a second factor -----------------------------------------------------------------


def test_a_county_officer_without_a_device_cannot_reach_the_dashboard_after_the_password(
    approver_user,
):
    # given
    client = Client()

    # when
    response = _password_step(client, "changle_approver")
    dashboard = client.get("/")
    api = client.get("/api/households?region_code=350112001")

    # then: sent to the enrolment, and held there
    assert response.status_code == 302
    assert response.url == "/login/enrol/?next=%2F"
    assert dashboard.status_code == 302
    assert dashboard.url == "/login/enrol/?next=%2F"
    assert api.status_code == 403
    assert "双因素认证" in api.json()["message"]
    assert client.get("/households/?region_code=350112001").url.startswith("/login/enrol/")


def test_the_enrolment_shows_the_secret_once_and_a_correct_code_lets_the_officer_in(
    approver_user,
):
    # given
    client = Client()
    _password_step(client, "changle_approver")

    # when
    page = client.get("/login/enrol/?next=/")
    device = TOTPDevice.objects.get(user=approver_user)
    wrong = client.post("/login/enrol/", {"otp_token": "000000", "next": "/"})
    with _later(seconds=2):  # after a wrong code the device waits a second before the next
        right = client.post("/login/enrol/", {"otp_token": _code(device), "next": "/"})

    # then
    html = page.content.decode()
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert len(secret) == 32
    assert "otpauth://totp/%E5%85%9C%E5%BA%95%3Achangle_approver?secret=" + secret in html
    assert "须开启双因素认证" in html
    assert wrong.status_code == 200
    assert "验证码不正确" in wrong.content.decode()
    assert right.status_code == 302
    assert right.url == "/"
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    event = AuditEvent.objects.get(action="two_factor.enrolled")
    assert event.actor == approver_user
    assert event.region_code == "350112"
    # once confirmed, the secret is never shown again
    assert client.get("/login/enrol/").status_code == 302
    assert secret not in Client().get("/login/").content.decode()


def test_an_enrolled_officer_enters_the_code_after_the_password(approver_user):
    # given
    device = _enrolled(approver_user)
    client = Client()

    # when
    response = _password_step(client, "changle_approver")
    held = client.get("/")
    wrong = client.post("/login/verify/", {"otp_token": "123456", "next": "/"})
    still_held = client.get("/")
    with _later(seconds=2):
        right = client.post("/login/verify/", {"otp_token": _code(device), "next": "/"})

    # then
    assert response.url == "/login/verify/?next=%2F"
    assert held.url == "/login/verify/?next=%2F"
    assert "验证码不正确" in wrong.content.decode()
    assert still_held.status_code == 302
    assert right.status_code == 302
    assert right.url == "/"
    assert client.get("/").status_code == 200


def test_a_code_is_accepted_once(approver_user):
    device = _enrolled(approver_user)
    code = _code(device)
    first, second = Client(), Client()
    _password_step(first, "changle_approver")
    _password_step(second, "changle_approver")
    assert first.post("/login/verify/", {"otp_token": code}).status_code == 302
    assert second.post("/login/verify/", {"otp_token": code}).status_code == 200
    assert second.get("/").status_code == 302


@pytest.mark.parametrize(
    ("_case", "fixture"),
    [
        ("county auditor", "auditor_user"),
        ("city analyst", "analyst_user"),
        ("province admin", "admin_user"),
        ("county partner department", "partner_user"),
    ],
)
def test_county_scope_and_wider_and_admins_must_enrol(_case, fixture, request):
    user = request.getfixturevalue(fixture)
    client = Client()
    assert _password_step(client, user.username).url == "/login/enrol/?next=%2F"


def test_a_township_caseworker_may_log_in_without_a_second_factor(caseworker_user):
    client = Client()
    response = _password_step(client, "wuhang_caseworker")
    assert response.url == "/"
    assert client.get("/").status_code == 200
    assert client.get("/login/enrol/").status_code == 200  # may enrol


def test_a_caseworker_who_enrolled_must_enter_the_code(caseworker_user):
    _enrolled(caseworker_user)
    client = Client()
    assert _password_step(client, "wuhang_caseworker").url == "/login/verify/?next=%2F"
    assert client.get("/").status_code == 302


def test_the_admin_site_logs_in_through_the_staff_login(admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    assert Client().get("/admin/login/?next=/admin/").url == "/login/?next=/admin/"
    client = Client()
    _password_step(client, "fujian_admin")
    assert client.get("/admin/").url == "/login/enrol/?next=%2Fadmin%2F"


def test_the_api_with_a_token_does_not_ask_for_a_second_factor(approver_user):
    headers = api_headers(approver_user)
    response = Client().get("/api/households?region_code=350112001", **headers)
    assert response.status_code == 200


def test_an_admin_resets_a_lost_device_and_the_officer_enrols_again(admin_user, approver_user):
    # given
    _enrolled(approver_user)
    admin_user.is_superuser = True
    admin_user.save()
    profile = approver_user.staff_profile

    # when
    logged_in(admin_user).post(
        "/admin/accounts/staffprofile/",
        {"action": "reset_two_factor", "_selected_action": [profile.pk]},
    )

    # then
    assert not TOTPDevice.objects.filter(user=approver_user).exists()
    assert AuditEvent.objects.get(action="two_factor.reset").actor == admin_user
    assert _password_step(Client(), "changle_approver").url == "/login/enrol/?next=%2F"


def test_the_demo_accounts_of_county_scope_and_wider_come_enrolled_with_the_demo_secret(villages):
    # given / when
    accounts = {account.username for account, _ in demo_staff_ensure("350112")}

    # then
    enrolled = set(
        TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True)
    )
    assert enrolled == accounts - {"caseworker1", "caseworker2", "village_worker1"}
    device = TOTPDevice.objects.get(user__username="county_officer")
    assert DEMO_TOTP_SECRET in device.config_url
    client = Client()
    _password_step(client, "county_officer", "doudi-demo-2026")
    assert client.post("/login/verify/", {"otp_token": _code(device)}).url == "/"
    demo_staff_ensure("350112")  # again: nothing added
    assert TOTPDevice.objects.count() == len(enrolled)


# -- passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "password", "message"),
    [
        ("too short", "Ab1!xyz", "密码长度太短"),
        ("two kinds of character", "abcdefgh1234", "至少 3 种"),
        ("the user name", "Wuhang_caseworker-2026", "不能包含用户名"),
        ("the user name reversed", "Rekrowesac_gnahuw-9", "不能包含用户名"),
        ("only digits", "1234567890123", "密码只包含数字"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(_case, password, message, caseworker_user):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_password(password, caseworker_user)
    assert any(message in text for text in error.value.messages), error.value.messages


def test_a_good_password_passes(caseworker_user):
    validate_password("Fuzhou-Changle-2026", caseworker_user)
    validate_password("doudi-demo-2026", caseworker_user)


def test_an_expired_password_must_be_changed_at_the_next_login(caseworker_user):
    # given: the password was set 91 days ago
    PasswordRecord.objects.update_or_create(
        user=caseworker_user, defaults={"changed_at": timezone.now() - timedelta(days=91)}
    )
    client = Client()

    # when
    response = _password_step(client, "wuhang_caseworker")
    held = client.get("/households/?region_code=350112001")
    form = client.get("/password/change/").content.decode()
    weak = client.post(
        "/password/change/",
        {"old_password": "pass-1234", "new_password1": "short", "new_password2": "short"},
    )
    changed = client.post(
        "/password/change/",
        {
            "old_password": "pass-1234",
            "new_password1": "Fuzhou-Changle-2026",
            "new_password2": "Fuzhou-Changle-2026",
            "next": "/",
        },
    )

    # then
    assert response.url == "/password/change/?next=%2F"
    assert held.url.startswith("/password/change/")
    assert "密码已过有效期" in form
    assert weak.status_code == 200
    assert "密码长度太短" in weak.content.decode()
    assert changed.status_code == 302
    assert client.get("/").status_code == 200
    record = PasswordRecord.objects.get(user=caseworker_user)
    assert timezone.now() - record.changed_at < timedelta(minutes=1)
    assert AuditEvent.objects.filter(action="password.changed", actor=caseworker_user).count() == 1


def test_a_password_within_its_age_is_not_asked_for(caseworker_user):
    PasswordRecord.objects.update_or_create(
        user=caseworker_user, defaults={"changed_at": timezone.now() - timedelta(days=89)}
    )
    assert _password_step(Client(), "wuhang_caseworker").url == "/"


def test_a_password_set_is_recorded(caseworker_user):
    caseworker_user.set_password("Another-Good-2026")
    caseworker_user.save()
    record = PasswordRecord.objects.get(user=caseworker_user)
    assert timezone.now() - record.changed_at < timedelta(minutes=1)


# -- idle sessions -----------------------------------------------------------------------------


def _idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - seconds
    session.save()


def test_an_idle_session_is_logged_out(caseworker_user):
    client = Client()
    _password_step(client, "wuhang_caseworker")
    _idle_for(client, 30 * 60 + 1)
    response = client.get("/households/?region_code=350112001")
    assert response.status_code == 302
    assert response.url == "/login/?next=%2Fhouseholds%2F%3Fregion_code%3D350112001"
    assert "_auth_user_id" not in client.session
    assert "长时间未操作" in client.get(response.url).content.decode()


def test_a_session_in_use_stays(caseworker_user):
    client = Client()
    _password_step(client, "wuhang_caseworker")
    _idle_for(client, 29 * 60)
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200


def test_the_idle_time_is_a_setting(settings, caseworker_user):
    settings.DOUDI_SESSION_IDLE_SECONDS = 120
    client = Client()
    _password_step(client, "wuhang_caseworker")
    _idle_for(client, 121)
    assert client.get("/").status_code == 302


# -- Content-Security-Policy -------------------------------------------------------------------


def _policy(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response.headers["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize("path", ["/login/", "/self/login/", "/", "/api/docs"])
def test_every_page_has_a_policy_without_inline_scripts(path, caseworker_user):
    response = logged_in(caseworker_user).get(path)
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_no_template_has_an_inline_script_or_handler():
    root = Path(__file__).resolve().parents[2]
    offending = []
    for template in root.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offending.append(f"{template.name}: {tag}")
        if re.search(r"\son[a-z]+\s*=", text):
            offending.append(f"{template.name}: on…= handler")
        if "javascript:" in text:
            offending.append(f"{template.name}: javascript: URL")
    assert offending == []
