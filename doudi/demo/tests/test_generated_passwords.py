"""`doudi demo --generated-passwords`: the demo cast on a production-like set-up (PostgreSQL with
DEBUG off), each account with its own random password shown once. Without the flag the demo's
public password is refused there."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from doudi.accounts.demo_staff import DEMO_PASSWORD
from doudi.core.models import AuditEvent
from doudi.portal.models import ApplicantAccount
from doudi.registry.models import Person

PASSWORD_LINE = re.compile(r"^  ([a-z_0-9]+) +([A-Za-z0-9_-]{24})$")


def login(*, username: str, password: str):  # type: ignore[no-untyped-def]
    """The staff login's check (axes needs the request it counts failures by)."""
    return authenticate(RequestFactory().post("/login/"), username=username, password=password)


def printed_passwords(output: str) -> dict[str, str]:
    """username → password from the block at the end of the command's output."""
    block = output.split("演示账号的随机密码", 1)[1]
    return {m[1]: m[2] for line in block.splitlines() if (m := PASSWORD_LINE.match(line))}


def applicant_password(output: str) -> str:
    block = output.split("演示账号的随机密码", 1)[1]
    return next(line.split()[-1] for line in block.splitlines() if "网上申请" in line)


@pytest.fixture
def production_like(settings, tmp_path):  # type: ignore[no-untyped-def]
    """The check of `doudi demo` reads these settings, so both engines of the suite see a
    PostgreSQL set-up with DEBUG off."""
    settings.DATA_DIR = tmp_path
    settings.DB_ENGINE = "postgres"
    settings.DEBUG = False
    return settings


@pytest.mark.django_db
def test_without_the_flag_it_refuses_and_names_the_flag(production_like):
    with pytest.raises(CommandError) as refused:
        call_command("demo", persons=300, no_serve=True, stdout=StringIO())

    assert str(refused.value) == (
        "演示账号使用公开的密码，只能在内置 SQLite 演示环境中创建；"
        "在 PostgreSQL 上请运行 doudi demo --generated-passwords，为每个演示账号生成随机密码"
    )
    assert Person.objects.count() == 0
    assert get_user_model().objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_account_gets_a_printed_password_that_logs_in_and_a_rerun_replaces_it(
    production_like,
):
    # given / when
    first = StringIO()
    call_command("demo", persons=300, no_serve=True, generated_passwords=True, stdout=first)

    # then: every demo account is in the block at the end, with its own password
    output = first.getvalue()
    passwords = printed_passwords(output)
    assert sorted(passwords) == sorted(
        [
            "caseworker1",
            "caseworker2",
            "village_worker1",
            "county_approver",
            "county_officer",
            "verifier",
            "county_auditor",
            "medical_partner",
            "tax_partner",
            "city_analyst",
            "province_admin",
        ]
    )
    assert len(set(passwords.values())) == len(passwords)
    assert DEMO_PASSWORD not in output
    assert output.rstrip().splitlines()[-1].startswith("  网上申请 ")
    for username, password in passwords.items():
        assert login(username=username, password=password).username == username
        assert login(username=username, password=DEMO_PASSWORD) is None
        user = get_user_model().objects.get(username=username)
        assert password not in user.password  # only the hash is stored
    applicant = ApplicantAccount.objects.select_related("user").get()
    assert applicant.user.check_password(applicant_password(output))
    assert not applicant.user.check_password(DEMO_PASSWORD)

    # when: a newcomer who lost the output runs it again
    second = StringIO()
    call_command("demo", persons=300, no_serve=True, generated_passwords=True, stdout=second)

    # then: fresh passwords replace the old ones, and nothing else is loaded twice
    fresh = printed_passwords(second.getvalue())
    assert sorted(fresh) == sorted(passwords)
    for username in passwords:
        assert fresh[username] != passwords[username]
        assert login(username=username, password=passwords[username]) is None
        assert login(username=username, password=fresh[username]).username == username
    applicant.user.refresh_from_db()
    assert applicant.user.check_password(applicant_password(second.getvalue()))
    assert Person.objects.count() == 300
    assert AuditEvent.objects.filter(action="staff.demo_password_reset").count() == len(passwords)
    assert not any(
        password in str(event.parameters)
        for event in AuditEvent.objects.all()
        for password in [*passwords.values(), *fresh.values()]
    )
