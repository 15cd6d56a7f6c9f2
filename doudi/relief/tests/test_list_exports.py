"""The advance list pages 50 a page with its filters kept, and the advance and fund lists export
exactly the rows of their filter; who may not see a list gets the same refusal for its export."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from doudi.core.id_protection import id_number_decrypt
from doudi.relief import services
from doudi.relief.tests.helpers import WUHANG, people, relief_state
from doudi.testing.clients import logged_in
from doudi.testing.clock import on
from doudi.testing.workbooks import excel, sheet_rows
from doudi.web.exports import XLSX

pytestmark = pytest.mark.django_db

HANGCHENG = "350112002"
ADVANCE_HEADINGS = [
    "发放日期",
    "乡镇（街道）",
    "救助对象",
    "金额（元）",
    "急难情形",
    "补办截止",
    "补办截止为暂定",
    "状态",
]


def table_amounts(response) -> list[str]:  # type: ignore[no-untyped-def]
    """The amount column of the advance table, in page order."""
    assert response.status_code == 200
    rows = response.content.decode().split('data-testid="advances"')[1].split("</table>")[0]
    return re.findall(r'<td class="text-end">([\d,.]+)</td>', rows)


def pay(actor, fund, person, amount: str, emergency: str = "家中失火"):  # type: ignore[no-untyped-def]
    return services.advance_payment_record(
        actor=actor,
        fund=fund,
        id_number=id_number_decrypt(person.id_number_encrypted),
        name=person.name,
        amount=amount,
        emergency=emergency,
    )


@pytest.fixture
def wuhang_fund(approver):  # type: ignore[no-untyped-def]
    with on("2026-09-28"):
        fund = services.reserve_fund_create(actor=approver, township_code=WUHANG)
        services.reserve_fund_top_up(actor=approver, fund=fund, amount="20000.00", memo="拨付")
    return fund


@pytest.fixture
def fifty_three(approver, caseworker, household, wuhang_fund):  # type: ignore[no-untyped-def]
    """53 payments of 吴航 on Monday 2026-09-28, of 101.00 … 153.00 yuan (the newest is the
    largest), to the head, spouse and child in turn; the first two are reversed."""
    members = people(household)
    persons = [members["head"], members["spouse"], members["child"]]
    with on("2026-09-28"):
        advances = [
            pay(caseworker, wuhang_fund, persons[i % 3], f"{101 + i}.00") for i in range(53)
        ]
        for advance in advances[:2]:
            services.advance_payment_reverse(actor=approver, advance=advance, reason="误发")
    return advances


def test_it_shows_50_payments_a_page_with_the_total_and_the_rest_on_page_2(
    caseworker_user, fifty_three
):
    client = logged_in(caseworker_user)
    with on("2026-09-28"):
        first = client.get("/relief/advances/")
        second = client.get("/relief/advances/?page=2")

    assert table_amounts(first) == [f"{n}.00" for n in range(153, 103, -1)]
    assert table_amounts(second) == ["103.00", "102.00", "101.00"]
    text = second.content.decode()
    assert "共 53 条，第 51–53 条（第 2 / 2 页，每页 50 条）" in text
    assert 'href="?township=&amp;state=&amp;page=1"' in text
    # the last three are the first payments: two reversed, one waiting for its paperwork
    assert text.count("<td>已冲销</td>") == 2
    assert text.count("<td>待补办手续</td>") == 1
    assert "导出Excel（当前筛选的全部 53 条）" in first.content.decode()


def test_it_keeps_the_filters_in_the_page_links_and_pages_within_the_filter(
    caseworker_user, fifty_three
):
    client = logged_in(caseworker_user)
    with on("2026-09-28"):
        second = client.get(f"/relief/advances/?township={WUHANG}&state=open&page=2")
        reversed_only = client.get("/relief/advances/?state=reversed")

    text = second.content.decode()
    assert "共 51 条，第 51–51 条（第 2 / 2 页，每页 50 条）" in text
    assert f'href="?township={WUHANG}&amp;state=open&amp;page=1"' in text
    assert f'href="?township={WUHANG}&amp;state=open&amp;format=xlsx"' in text
    assert table_amounts(second) == ["103.00"]
    assert table_amounts(reversed_only) == ["102.00", "101.00"]
    assert "共 2 条" in reversed_only.content.decode()


def test_the_export_holds_every_payment_of_the_filter_not_a_page(caseworker_user, fifty_three):
    client = logged_in(caseworker_user)
    with on("2026-09-28"):
        everything = sheet_rows(client.get("/relief/advances/?page=2&format=xlsx"))
        reversed_only = sheet_rows(client.get("/relief/advances/?state=reversed&format=xlsx"))

    assert fifty_three[0].paperwork_due_is_provisional is False
    due = fifty_three[0].paperwork_due
    provisional = "否"  # the 2026 holiday schedule is known
    assert due == dt.date(2026, 10, 16)
    assert everything[0] == ADVANCE_HEADINGS
    assert len(everything) == 1 + 53
    assert [row[3] for row in everything[1:]] == list(range(153, 100, -1))
    assert everything[1] == [
        excel(2026, 9, 28),
        "吴航街道",
        "陈秀英",  # 153 is payment i = 52, and 52 % 3 = 1: the spouse
        153,
        "家中失火",
        excel(2026, 10, 16),
        provisional,
        "待补办手续",
    ]
    assert reversed_only == [
        ADVANCE_HEADINGS,
        [
            excel(2026, 9, 28),
            "吴航街道",
            "陈秀英",
            102,
            "家中失火",
            excel(2026, 10, 16),
            provisional,
            "已冲销",
        ],
        [
            excel(2026, 9, 28),
            "吴航街道",
            "林建国",
            101,
            "家中失火",
            excel(2026, 10, 16),
            provisional,
            "已冲销",
        ],
    ]


def test_the_deadline_filters_follow_the_working_day_calendar(caseworker_user, fifty_three):
    client = logged_in(caseworker_user)
    with on("2026-10-14"):
        due_soon = sheet_rows(client.get("/relief/advances/?state=due_soon&format=xlsx"))
        on_time = sheet_rows(client.get("/relief/advances/?state=on_time&format=xlsx"))
        page = client.get("/relief/advances/?state=completed")
    with on("2026-10-19"):
        overdue = client.get("/relief/advances/?state=overdue")

    assert [row[3] for row in due_soon[1:]] == list(range(153, 102, -1))
    assert {row[7] for row in due_soon[1:]} == {"即将到期"}
    assert on_time == [ADVANCE_HEADINGS]
    assert table_amounts(page) == []
    # the due-soon panel lists every open payment, whatever the state filter
    panel = page.content.decode().split('data-testid="due-soon"')[1].split("</ul>")[0]
    assert panel.count("<li>") == 51
    assert "共 51 条" in overdue.content.decode()
    assert "<td>补办已超期</td>" in overdue.content.decode()


def test_an_unknown_state_is_refused_and_the_whole_list_shown(caseworker_user, fifty_three):
    with on("2026-09-28"):
        response = logged_in(caseworker_user).get("/relief/advances/?state=lost", follow=True)
    text = response.content.decode()
    assert "不支持的状态：lost" in text
    assert "共 53 条" in text


def test_the_county_filters_by_township_and_a_township_sees_only_its_own(
    approver,
    approver_user,
    caseworker,
    caseworker_user,
    outsider,
    outsider_user,
    household,
    other_household,
    wuhang_fund,
):
    with on("2026-09-28"):
        hangcheng = services.reserve_fund_create(actor=approver, township_code=HANGCHENG)
        services.reserve_fund_top_up(actor=approver, fund=hangcheng, amount="5000.00", memo="拨付")
        pay(caseworker, wuhang_fund, people(household)["head"], "300.00")
        pay(outsider, hangcheng, people(other_household)["head"], "450.00", "交通事故")
        county = logged_in(approver_user)
        both = sheet_rows(county.get("/relief/advances/?format=xlsx"))
        filtered = sheet_rows(county.get(f"/relief/advances/?township={HANGCHENG}&format=xlsx"))
        county_page = county.get("/relief/advances/").content.decode()
        wuhang_rows = sheet_rows(logged_in(caseworker_user).get("/relief/advances/?format=xlsx"))
        hangcheng_rows = sheet_rows(logged_in(outsider_user).get("/relief/advances/?format=xlsx"))
        smuggled = sheet_rows(
            logged_in(caseworker_user).get(f"/relief/advances/?township={HANGCHENG}&format=xlsx")
        )

    assert [(r[1], r[3]) for r in both[1:]] == [("航城街道", 450), ("吴航街道", 300)]
    assert [(r[1], r[3], r[4]) for r in filtered[1:]] == [("航城街道", 450, "交通事故")]
    assert f'<option value="{HANGCHENG}">航城街道</option>' in county_page
    assert [(r[1], r[3]) for r in wuhang_rows[1:]] == [("吴航街道", 300)]
    assert [(r[1], r[3]) for r in hangcheng_rows[1:]] == [("航城街道", 450)]
    assert smuggled == [ADVANCE_HEADINGS]  # another township's code finds nothing


@pytest.mark.parametrize(
    ("persona", "status"),
    [("analyst_user", 403), ("partner_user", 403), ("applicant_user", 403)],
)
@pytest.mark.parametrize("path", ["/relief/advances/", "/relief/funds/"])
def test_who_may_not_see_a_list_is_refused_its_export_alike(
    request, persona, status, path, fifty_three
):
    client = logged_in(request.getfixturevalue(persona))
    with on("2026-09-28"):
        before = relief_state()
        page = client.get(path)
        export = client.get(f"{path}?format=xlsx")

    assert page.status_code == export.status_code == status
    assert export["Content-Type"] != XLSX
    body = export.content.decode()
    assert "吴航街道" not in body
    assert "林建国" not in body
    assert relief_state() == before


def test_anonymous_is_sent_to_sign_in_for_the_export(fifty_three):
    response = Client().get("/relief/advances/?format=xlsx")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


FUND_HEADINGS = [
    "乡镇（街道）",
    "区划代码",
    "余额（元）",
    "先行救助单笔限额（元）",
    "限额为演示值",
    "补办期限（工作日）",
    "补办期限为演示值",
]


def test_the_fund_list_exports_its_funds_with_balances(
    approver, approver_user, caseworker, caseworker_user, household, wuhang_fund
):
    with on("2026-09-28"):
        hangcheng = services.reserve_fund_create(actor=approver, township_code=HANGCHENG)
        services.reserve_fund_configure(
            actor=approver, fund=hangcheng, advance_limit="2000.00", paperwork_working_days="5"
        )
        services.reserve_fund_top_up(actor=approver, fund=hangcheng, amount="800.50", memo="拨付")
        pay(caseworker, wuhang_fund, people(household)["head"], "1234.56")
        county = sheet_rows(logged_in(approver_user).get("/relief/funds/?format=xlsx"))
        township = sheet_rows(logged_in(caseworker_user).get("/relief/funds/?format=xlsx"))

    assert county == [
        FUND_HEADINGS,
        ["吴航街道", WUHANG, 18765.44, 5000, "是", 10, "是"],
        ["航城街道", HANGCHENG, 800.5, 2000, "否", 5, "否"],
    ]
    assert township == [FUND_HEADINGS, ["吴航街道", WUHANG, 18765.44, 5000, "是", 10, "是"]]
    assert wuhang_fund.advance_limit == Decimal("5000.00")


def test_the_fund_list_offers_its_export(caseworker_user, wuhang_fund):
    text = logged_in(caseworker_user).get("/relief/funds/").content.decode()
    assert 'href="?format=xlsx" data-testid="export"' in text
