"""The entitlement history page (救助待遇及变更记录) exports exactly the decided changes it lists,
with Chinese headings, amounts as numbers and months as dates; whoever may not see the
household's history is refused the export the same way."""

from __future__ import annotations

from decimal import Decimal

import pytest

from doudi.intake.services import Declaration, IncomeSpec
from doudi.reviews import services
from doudi.reviews.models import EntitlementChange
from doudi.reviews.tests.helpers import confirmed_dibao, people, state
from doudi.testing.clients import logged_in
from doudi.testing.clock import on
from doudi.testing.workbooks import excel, sheet_rows
from doudi.web.exports import XLSX

pytestmark = pytest.mark.django_db

HEADINGS = [
    "生效月份",
    "救助项目",
    "变更类型",
    "原月金额（元）",
    "新月金额（元）",
    "新待遇终止月份",
    "理由",
    "决定人",
]


def _review(caseworker, approver, household, *, monthly: str, start: str, decide: str, reason: str):  # type: ignore[no-untyped-def]
    head = people(household)["head"]
    with on(start):
        review = services.review_start(actor=caseworker, household=household)
        review = services.review_record_situation(
            actor=caseworker,
            review=review,
            declaration=Declaration(
                incomes=[IncomeSpec(person=head, type="wage", monthly=monthly)]
            ),
        )
        review = services.review_propose(actor=caseworker, review=review, reason=reason)
    with on(decide):
        return services.review_decide(actor=approver, review=review, reason=reason)


@pytest.fixture
def changed(caseworker, approver, household):  # type: ignore[no-untyped-def]
    """Dibao of 2,107.00 from 2026-12, decreased to 1,507.00 from 2027-04 (the head earns
    2,000), then increased back to 2,107.00 from 2027-09 (the head earns 1,200 again)."""
    confirmed_dibao(caseworker, approver, household)
    _review(
        caseworker,
        approver,
        household,
        monthly="2000.00",
        start="2027-03-10",
        decide="2027-03-15",
        reason="户主收入增加",
    )
    _review(
        caseworker,
        approver,
        household,
        monthly="1200.00",
        start="2027-08-02",
        decide="2027-08-10",
        reason="户主收入回落",
    )
    return household


def test_the_export_holds_the_changes_the_page_lists(approver_user, changed):
    client = logged_in(approver_user)
    url = f"/households/{changed.public_id}/entitlements/"
    page = client.get(url).content.decode()
    rows = sheet_rows(client.get(f"{url}?format=xlsx"))

    assert EntitlementChange.objects.count() == 2
    assert rows == [
        HEADINGS,
        [
            excel(2027, 4, 1),
            "最低生活保障（低保）",
            "减发",
            2107,
            1507,
            None,
            "户主收入增加",
            "长乐审核",
        ],
        [
            excel(2027, 9, 1),
            "最低生活保障（低保）",
            "增发",
            1507,
            2107,
            None,
            "户主收入回落",
            "长乐审核",
        ],
    ]
    changes = page.split('data-testid="changes"')[1].split("</table>")[0]
    assert changes.count("<tr><td>") == 2
    assert changes.index("2027年4月") < changes.index("2027年9月")
    assert changes.count("长乐审核") == 2
    assert 'href="?format=xlsx" data-testid="export"' in page


def test_a_household_without_changes_exports_the_headings_only(
    caseworker, approver, caseworker_user, household
):
    confirmed_dibao(caseworker, approver, household)
    response = logged_in(caseworker_user).get(
        f"/households/{household.public_id}/entitlements/?format=xlsx"
    )
    assert sheet_rows(response) == [HEADINGS]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider_user", 404),  # another township: the household does not exist for them
        ("analyst_user", 403),
        ("partner_user", 403),
        ("applicant_user", 403),
    ],
)
def test_who_may_not_see_the_history_is_refused_its_export_alike(request, persona, status, changed):
    client = logged_in(request.getfixturevalue(persona))
    url = f"/households/{changed.public_id}/entitlements/"
    before = state(changed)

    page = client.get(url)
    export = client.get(f"{url}?format=xlsx")

    assert page.status_code == export.status_code == status
    assert export["Content-Type"] != XLSX
    body = export.content.decode()
    assert "户主收入" not in body
    assert "1,507.00" not in body
    assert "林建国" not in body
    assert state(changed) == before
    assert Decimal("1507.00") in EntitlementChange.objects.values_list("new_amount", flat=True)
