"""The confirmation-setting (审核确认权委托) history exports exactly the switches its page
lists, newest first, for the county officer's own county only; everyone else is refused the
export as they are refused the page."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.models import Role
from doudi.accounts.scoping import actor_for_user
from doudi.accounts.tests.fixtures import make_staff
from doudi.core.models import AuditEvent
from doudi.intake import services
from doudi.intake.models import ConfirmationSetting, ConfirmationSettingChange
from doudi.testing.clients import logged_in
from doudi.testing.clock import at
from doudi.testing.workbooks import excel, sheet_rows
from doudi.web.exports import XLSX

pytestmark = pytest.mark.django_db

HEADINGS = ["调整时间", "县（市、区）", "调整为", "理由", "设置人"]


@pytest.fixture
def switched(approver, villages):  # type: ignore[no-untyped-def]
    """长乐区 delegates on 2026-03-02 09:30 and takes it back on 2026-07-15 16:05; 闽侯县
    delegates on 2026-05-01 08:00 (another county: never shown to 长乐区)."""
    minhou = actor_for_user(
        make_staff(
            "minhou_approver",
            "350121",
            [Role.APPROVER, Role.COUNTY_OFFICER],
            display_name="闽侯审核",
        )
    )
    with at("2026-03-02T09:30:00"):
        services.confirmation_setting_set(
            actor=approver, delegated_to_township=True, reason="长民〔2026〕1号"
        )
    with at("2026-05-01T08:00:00"):
        services.confirmation_setting_set(
            actor=minhou, delegated_to_township=True, reason="闽民〔2026〕9号"
        )
    with at("2026-07-15T16:05:00"):
        services.confirmation_setting_set(
            actor=approver, delegated_to_township=False, reason="长民〔2026〕7号 收回"
        )


def test_the_export_holds_the_switches_the_page_lists_newest_first(approver_user, switched):
    client = logged_in(approver_user)
    page = client.get("/confirmations/setting/").content.decode()
    rows = sheet_rows(client.get("/confirmations/setting/?format=xlsx"))

    assert rows == [
        HEADINGS,
        [
            excel(2026, 7, 15, 16, 5),
            "长乐区",
            "县级审核确认",
            "长民〔2026〕7号 收回",
            "长乐审核",
        ],
        [
            excel(2026, 3, 2, 9, 30),
            "长乐区",
            "委托乡镇（街道）",
            "长民〔2026〕1号",
            "长乐审核",
        ],
    ]
    history = page.split('data-testid="history"')[1].split("</table>")[0]
    assert history.count("<tr><td>") == 2
    assert history.index("2026-07-15 16:05") < history.index("2026-03-02 09:30")
    assert "闽民" not in history
    assert 'href="?format=xlsx" data-testid="export"' in page


def test_an_empty_history_exports_the_headings_only(approver_user):
    assert sheet_rows(logged_in(approver_user).get("/confirmations/setting/?format=xlsx")) == [
        HEADINGS
    ]


@pytest.mark.parametrize(
    "persona",
    [
        "caseworker_user",
        "outsider_user",
        "auditor_user",
        "analyst_user",
        "admin_user",
        "village_worker_user",
        "partner_user",
        "applicant_user",
    ],
)
def test_who_may_not_see_the_history_is_refused_its_export_alike(request, persona, switched):
    client = logged_in(request.getfixturevalue(persona))
    before = (
        ConfirmationSettingChange.objects.count(),
        ConfirmationSetting.objects.filter(delegated_to_township=True).count(),
        AuditEvent.objects.count(),
    )

    page = client.get("/confirmations/setting/")
    export = client.get("/confirmations/setting/?format=xlsx")

    assert page.status_code == export.status_code == 403
    assert export["Content-Type"] != XLSX
    assert "长民〔2026〕" not in export.content.decode()
    assert before == (
        ConfirmationSettingChange.objects.count(),
        ConfirmationSetting.objects.filter(delegated_to_township=True).count(),
        AuditEvent.objects.count(),
    )


def test_anonymous_is_sent_to_sign_in(switched):
    response = Client().get("/confirmations/setting/?format=xlsx")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
