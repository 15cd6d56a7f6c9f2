from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.models import ApiToken, StaffProfile
from doudi.accounts.services import api_token_create
from doudi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _admin_client(admin_user) -> Client:  # type: ignore[no-untyped-def]
    admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    return client


def test_an_admin_assigns_roles_from_the_role_list_and_it_is_audited(admin_user, caseworker_user):
    # given
    client = _admin_client(admin_user)
    profile = StaffProfile.objects.get(user=caseworker_user)

    # when
    response = client.post(
        f"/admin/accounts/staffprofile/{profile.pk}/change/",
        {
            "user": caseworker_user.pk,
            "org_unit": profile.org_unit_id,
            "display_name": "吴航经办",
            "roles": ["caseworker", "approver"],
        },
    )

    # then
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.roles == ["caseworker", "approver"]
    event = AuditEvent.objects.get(action="staff.changed")
    assert event.parameters == {"roles": ["caseworker", "approver"], "org_unit": "吴航街道民政办"}


def test_an_unknown_role_is_refused_and_nothing_changes(admin_user, caseworker_user):
    client = _admin_client(admin_user)
    profile = StaffProfile.objects.get(user=caseworker_user)
    response = client.post(
        f"/admin/accounts/staffprofile/{profile.pk}/change/",
        {
            "user": caseworker_user.pk,
            "org_unit": profile.org_unit_id,
            "display_name": "x",
            "roles": ["king"],
        },
    )
    assert response.status_code == 200
    profile.refresh_from_db()
    assert (profile.display_name, profile.roles) == ("吴航经办", ["caseworker"])


def test_an_admin_revokes_a_token(admin_user, caseworker_user):
    client = _admin_client(admin_user)
    _, token = api_token_create(user=caseworker_user, name="脚本")
    client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0


def test_a_caseworker_cannot_open_the_admin(caseworker_user):
    client = Client()
    client.force_login(caseworker_user)
    assert client.get("/admin/accounts/staffprofile/").status_code == 302
