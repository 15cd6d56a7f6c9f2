"""The persona cast shared by every app's tests (healthchecks' owner / member / outsider idea):

- `caseworker`: 经办人 of 吴航街道 (350112001), the township that owns the test households;
- `approver`: 审核确认人 + 县级民政干部 of 长乐区 (350112), the county above it;
- `outsider`: 经办人 of 航城街道 (350112002), another township of the same county: must see nothing;
- `auditor`: 审计监督人员 of 长乐区, read-only;
- `analyst`: 分析人员 of 福州市, aggregates only;
- `admin`: 系统管理员 of 福建省.
"""

from __future__ import annotations

import pytest

from doudi.accounts.models import Role
from doudi.accounts.scoping import Actor, actor_for_user
from doudi.core.division_sync import villages_ensure
from doudi.core.models import Division
from doudi.testing.factories import DivisionOfficeFactory, OrgUnitFactory, UserFactory, staff_user

WUHANG = "350112001"
HANGCHENG = "350112002"
WUHANG_VILLAGE = "350112001001"
WUHANG_VILLAGE_2 = "350112001002"
HANGCHENG_VILLAGE = "350112002001"


@pytest.fixture
def villages(db) -> dict[str, Division]:
    villages_ensure(
        Division,
        [
            (WUHANG_VILLAGE, "兴华社区"),
            (WUHANG_VILLAGE_2, "西关社区"),
            (HANGCHENG_VILLAGE, "航城社区"),
        ],
    )
    return {d.code: d for d in Division.objects.filter(level="village")}


def make_staff(
    username: str,
    division_code: str,
    roles: list[str],
    *,
    display_name: str,
    is_staff: bool = False,
):
    unit = DivisionOfficeFactory(division_code=division_code)
    return staff_user(
        username, org_unit=unit, roles=roles, display_name=display_name, is_staff=is_staff
    )


@pytest.fixture
def caseworker_user(villages):
    return make_staff("wuhang_caseworker", WUHANG, [Role.CASEWORKER], display_name="吴航经办")


@pytest.fixture
def approver_user(villages):
    return make_staff(
        "changle_approver", "350112", [Role.APPROVER, Role.COUNTY_OFFICER], display_name="长乐审核"
    )


@pytest.fixture
def outsider_user(villages):
    return make_staff("hangcheng_caseworker", HANGCHENG, [Role.CASEWORKER], display_name="航城经办")


@pytest.fixture
def auditor_user(villages):
    return make_staff("changle_auditor", "350112", [Role.AUDITOR], display_name="长乐审计")


@pytest.fixture
def analyst_user(villages):
    return make_staff("fuzhou_analyst", "350100", [Role.ANALYST], display_name="福州分析")


@pytest.fixture
def admin_user(villages):
    return make_staff(
        "fujian_admin", "350000", [Role.ADMIN], display_name="省级管理员", is_staff=True
    )


@pytest.fixture
def village_worker_user(villages):
    return make_staff(
        "xinghua_village_worker", WUHANG_VILLAGE, [Role.VILLAGE_WORKER], display_name="兴华协理员"
    )


@pytest.fixture
def partner_user(villages):
    """长乐区医疗保障局: receives the county's medical-assistance referrals."""
    unit = OrgUnitFactory(
        division_code="350112", name="长乐区医疗保障局", partner_department="medical_assistance"
    )
    return staff_user(
        "changle_medical", org_unit=unit, roles=[Role.PARTNER], display_name="长乐医保经办"
    )


@pytest.fixture
def applicant_user(villages, household):
    """A resident who signs in to apply online: a user with no staff profile, whose applicant
    account (doudi.portal) is linked to the test household's head, 林建国."""
    from doudi.portal.models import ApplicantAccount

    user = UserFactory(username="applicant_lin")
    head = household.memberships.get(relation="head", is_active=True).person
    ApplicantAccount.objects.create(user=user, person=head, phone="13800000001")
    return user


def _actor(user) -> Actor:
    actor = actor_for_user(user)
    assert actor is not None
    return actor


@pytest.fixture
def village_worker(village_worker_user) -> Actor:
    return _actor(village_worker_user)


@pytest.fixture
def partner(partner_user) -> Actor:
    return _actor(partner_user)


@pytest.fixture
def caseworker(caseworker_user) -> Actor:
    return _actor(caseworker_user)


@pytest.fixture
def approver(approver_user) -> Actor:
    return _actor(approver_user)


@pytest.fixture
def outsider(outsider_user) -> Actor:
    return _actor(outsider_user)


@pytest.fixture
def auditor(auditor_user) -> Actor:
    return _actor(auditor_user)


@pytest.fixture
def analyst(analyst_user) -> Actor:
    return _actor(analyst_user)


@pytest.fixture
def admin_actor(admin_user) -> Actor:
    return _actor(admin_user)


@pytest.fixture
def city_officer_user(villages):
    return make_staff("fuzhou_officer", "350100", [Role.COUNTY_OFFICER], display_name="福州民政")


@pytest.fixture
def city_officer(city_officer_user) -> Actor:
    return _actor(city_officer_user)
