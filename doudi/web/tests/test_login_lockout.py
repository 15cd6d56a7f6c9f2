"""Failed-login lock-out on the staff login and the applicants' login (django-axes,
doudi/accounts/lockout.py): per account and per address, a Chinese answer, audited, unlocked by
an admin, never storing an ID number."""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt
from django.test import Client

from doudi.accounts.models import StaffProfile
from doudi.core.id_protection import id_number_decrypt
from doudi.core.models import AuditEvent
from doudi.intake.tests.test_services import members
from doudi.testing.clients import logged_in
from doudi.testing.clock import at

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"


def _staff_login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password})


def _superuser(user):  # type: ignore[no-untyped-def]
    user.is_superuser = True
    user.save()
    return user


def _is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_are_answered_with_the_limit_then_locked_with_429(caseworker_user):
    # given
    client = Client()

    # when
    answers = [_staff_login(client, "wuhang_caseworker", "wrong") for _ in range(6)]

    # then
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429, 429]
    assert "连续输错 5 次，账号将被暂时锁定" in answers[0].content.decode()
    assert LOCKED in answers[4].content.decode()
    assert "30 分钟后再试" in answers[4].content.decode()


def test_a_locked_account_cannot_log_in_with_the_right_password(caseworker_user):
    # given: the account is locked
    attacker = Client()
    for _ in range(5):
        _staff_login(attacker, "wuhang_caseworker", "wrong")

    # when: its owner, from another address, types the right password
    owner = Client(REMOTE_ADDR="10.1.2.3")
    response = _staff_login(owner, "wuhang_caseworker", "pass-1234")

    # then
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not _is_logged_in(owner)
    assert owner.get("/").status_code == 302


def test_the_lock_out_is_audited_with_the_account_and_the_address(caseworker_user):
    # given
    client = Client()

    # when
    for _ in range(6):
        _staff_login(client, "wuhang_caseworker", "wrong")

    # then
    events = list(AuditEvent.objects.filter(action__startswith="login.").order_by("pk"))
    assert [event.action for event in events] == ["login.locked_out", "login.refused_locked"]
    assert events[0].parameters["username"] == "wuhang_caseworker"
    assert events[0].parameters["ip_address"] == "127.0.0.1"
    assert events[0].parameters["failures"] == 5
    assert events[0].object_id == str(caseworker_user.pk)
    assert events[0].region_code == "350112001"
    assert events[0].actor is None


def test_the_lock_ends_after_the_cool_off(caseworker_user):
    # given
    client = Client()
    with at("2026-11-02T10:00"):
        for _ in range(5):
            _staff_login(client, "wuhang_caseworker", "wrong")

    # when
    with at("2026-11-02T10:29"):
        still_locked = _staff_login(client, "wuhang_caseworker", "pass-1234")
    with at("2026-11-02T11:00"):
        response = _staff_login(client, "wuhang_caseworker", "pass-1234")

    # then
    assert still_locked.status_code == 429
    assert response.status_code == 302
    assert response.url == "/"


def test_a_success_forgets_the_accounts_own_failures_only(caseworker_user, outsider_user):
    # given: four failures each for two accounts from one address
    client = Client()
    for _ in range(4):
        _staff_login(client, "wuhang_caseworker", "wrong")
        _staff_login(client, "hangcheng_caseworker", "wrong")

    # when: one of them logs in
    assert _staff_login(Client(), "hangcheng_caseworker", "pass-1234").status_code == 302

    # then: the other's failures still count
    assert not AccessAttempt.objects.filter(username="hangcheng_caseworker").exists()
    assert _staff_login(client, "wuhang_caseworker", "wrong").status_code == 429


def test_one_address_trying_many_accounts_is_locked(
    settings, caseworker_user, outsider_user, auditor_user
):
    # given
    settings.DOUDI_LOGIN_ADDRESS_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="10.9.9.9")
    for username in ("nobody1", "nobody2", "nobody3"):
        _staff_login(client, username, "wrong")

    # when
    response = _staff_login(client, "wuhang_caseworker", "pass-1234")

    # then: locked although that account never failed; another address is not
    assert response.status_code == 429
    assert _staff_login(Client(), "wuhang_caseworker", "pass-1234").status_code == 302


def test_an_admin_unlocks_a_locked_attempt_and_it_is_audited(admin_user, caseworker_user):
    # given
    for _ in range(5):
        _staff_login(Client(), "wuhang_caseworker", "wrong")
    attempt = AccessAttempt.objects.get(username="wuhang_caseworker")
    admin = logged_in(_superuser(admin_user))

    # when
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "unlock", "_selected_action": [attempt.pk]},
    )

    # then
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    event = AuditEvent.objects.get(action="login.unlocked")
    assert event.actor == admin_user
    assert event.parameters == {
        "username": "wuhang_caseworker",
        "ip_address": "127.0.0.1",
        "removed": 1,
    }
    assert _staff_login(Client(), "wuhang_caseworker", "pass-1234").status_code == 302


def test_an_admin_unlocks_a_staff_member_from_the_staff_list(admin_user, caseworker_user):
    # given
    for _ in range(5):
        _staff_login(Client(REMOTE_ADDR="10.0.0.7"), "wuhang_caseworker", "wrong")
    profile = StaffProfile.objects.get(user=caseworker_user)

    # when
    logged_in(_superuser(admin_user)).post(
        "/admin/accounts/staffprofile/",
        {"action": "unlock_login", "_selected_action": [profile.pk]},
    )

    # then
    assert not AccessAttempt.objects.exists()
    assert AuditEvent.objects.filter(action="login.unlocked", actor=admin_user).count() == 1
    assert _staff_login(Client(), "wuhang_caseworker", "pass-1234").status_code == 302


def test_attempts_cannot_be_deleted_by_hand_in_the_admin(admin_user, caseworker_user):
    _staff_login(Client(), "wuhang_caseworker", "wrong")
    attempt = AccessAttempt.objects.get()
    response = logged_in(_superuser(admin_user)).get(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/"
    )
    assert response.status_code == 403


# -- the applicants' login ---------------------------------------------------------------------


def _portal_login(client: Client, id_number: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/self/login/", {"id_number": id_number, "password": password})


def test_an_applicant_is_locked_out_by_id_number_and_the_right_password_is_refused(
    applicant_user, household
):
    # given
    number = id_number_decrypt(members(household)["head"].id_number_encrypted)
    client = Client()

    # when
    answers = [_portal_login(client, number, "wrong").status_code for _ in range(5)]
    right = _portal_login(client, number, "pass-1234")

    # then
    assert answers == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert "乡镇（街道）窗口" in right.content.decode()
    assert not _is_logged_in(client)
    assert AuditEvent.objects.filter(action="login.locked_out").count() == 1


def test_no_id_number_is_stored_or_logged_by_the_lock_out(applicant_user, household, caplog):
    # given: failures for a number with an account and for one without
    head, spouse = members(household)["head"], members(household)["spouse"]
    number = id_number_decrypt(head.id_number_encrypted)
    unregistered = id_number_decrypt(spouse.id_number_encrypted)
    client = Client()

    # when
    with caplog.at_level(logging.DEBUG):
        for _ in range(5):
            _portal_login(client, number, "wrong")
            _portal_login(client, unregistered, "wrong")

    # then: axes knows the applicant by the internal user name and the other by a keyed hash
    usernames = set(AccessAttempt.objects.values_list("username", flat=True))
    assert applicant_user.username in usernames
    (other,) = usernames - {applicant_user.username}
    assert other.startswith("applicant-unknown-")
    stored = [
        value
        for row in AccessAttempt.objects.values("username", "get_data", "post_data", "path_info")
        for value in row.values()
    ]
    stored += [
        str(value) for event in AuditEvent.objects.all() for value in event.parameters.values()
    ]
    for value in stored + [caplog.text]:
        assert number not in value
        assert unregistered not in value
        assert number[:14] not in value
    assert "id_number=********************" in AccessAttempt.objects.first().post_data


def test_behind_a_proxy_the_address_it_appended_counts(settings, caseworker_user):
    # given: a client behind the proxy forges the left part of X-Forwarded-For
    settings.DOUDI_LOGIN_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    client = Client(REMOTE_ADDR="10.0.0.1")

    # when
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        client.post(
            "/login/",
            {"username": f"nobody-{forged}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.9",
        )

    # then
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
