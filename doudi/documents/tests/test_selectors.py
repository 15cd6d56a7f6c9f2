"""Document content built from real cases: exact names, masked IDs, amounts, dates, reasons;
the notice sheet's rules; the region and the case's state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from doudi.core.exceptions import ApplicationError, NotFound
from doudi.documents import selectors
from doudi.documents.content import (
    ConsentLetter,
    DecisionLine,
    HomeVisit,
    IncomeRow,
    MemberRow,
    NoticeLine,
)
from doudi.documents.tests.cases import (
    confirmed,
    in_notice,
    people,
    published,
    refused,
    submitted,
)
from doudi.registry.services import MemberSpec
from doudi.registry.tests.factories import person_facts, register_household
from doudi.testing.clock import on

pytestmark = pytest.mark.django_db


def _rows(household) -> tuple[MemberRow, ...]:  # type: ignore[no-untyped-def]
    p = people(household)
    return (
        MemberRow("林建国", "户主", p["head"].id_number_masked, True, ""),
        MemberRow("陈秀英", "配偶", p["spouse"].id_number_masked, True, ""),
        MemberRow("林小雨", "子女", p["child"].id_number_masked, True, ""),
    )


def test_the_application_form_holds_what_was_filed(caseworker, household):
    application = submitted(caseworker, household)

    form = selectors.application_form_content(actor=caseworker, application=application)

    assert form.heading.issuer == "长乐区吴航街道办事处"
    assert form.heading.number == f"350112001申请〔2026〕{application.pk}号"
    assert form.heading.issued_on == dt.date(2026, 11, 2)
    assert form.applicant == "林建国"
    assert form.address == "吴航街道兴华社区1号"
    assert form.village == "兴华社区"
    assert form.area_type == "城镇"
    assert form.members == _rows(household)
    assert all(
        len(row.masked_id_number) == 18 and "*" * 10 in row.masked_id_number for row in form.members
    )
    assert form.programmes == ("最低生活保障（低保）",)
    assert form.incomes == (IncomeRow("林建国", "工资性收入", Decimal("1200.00"), True),)
    assert form.assets == (("金融资产", "3,000.00 元"), ("需申报的机动车", "0辆"))
    assert form.expenses == ()
    assert form.channel == "窗口受理"
    assert form.submitted_on == dt.date(2026, 11, 2)


def test_consent_letters_say_who_signed_for_each_member(caseworker, household):
    application = submitted(caseworker, household)
    p = people(household)

    letters = selectors.consent_letters_content(actor=caseworker, application=application)

    day = dt.date(2026, 11, 2)
    assert letters.letters == (
        ConsentLetter("林建国", "户主", p["head"].id_number_masked, "本人签署", "", day),
        ConsentLetter("陈秀英", "配偶", p["spouse"].id_number_masked, "本人签署", "", day),
        ConsentLetter("林小雨", "子女", p["child"].id_number_masked, "监护人代签", "未成年", day),
    )


def test_the_home_visit_record_comes_from_the_case_events(caseworker, household):
    application = published(caseworker, household)

    record = selectors.home_visit_record_content(actor=caseworker, application=application)

    assert record.visits == (
        HomeVisit(
            dt.date(2026, 11, 5), ("吴航经办", "兴华社区主任"), False, "家中仅户主务工", 3, True
        ),
    )
    assert record.heading.number == f"350112001入户〔2026〕{application.pk}号"
    assert record.members == _rows(household)


def test_there_is_no_home_visit_record_before_a_visit(caseworker, household):
    application = submitted(caseworker, household)
    with pytest.raises(ApplicationError) as error:
        selectors.home_visit_record_content(actor=caseworker, application=application)
    assert error.value.message == "该申请尚未登记入户调查，没有入户调查记录"


def test_the_decision_notice_gives_the_confirmed_amount_from_next_month(
    caseworker, approver, household
):
    application = confirmed(caseworker, approver, household)

    notice = selectors.decision_notice_content(actor=approver, application=application)

    assert notice.heading.issuer == "长乐区民政办"  # the approver's unit
    assert notice.heading.number == f"350112001确认〔2026〕{application.pk}号"
    assert notice.heading.issued_on == dt.date(2026, 11, 20)
    assert notice.submitted_on == dt.date(2026, 11, 2)
    assert notice.lines == (
        DecisionLine("最低生活保障（低保）", Decimal("2107.00"), dt.date(2026, 12, 1)),
    )


@pytest.mark.parametrize("_case", ["published", "refused"])
def test_there_is_no_decision_notice_before_confirmation(_case, caseworker, approver, household):
    application = (
        published(caseworker, household)
        if _case == "published"
        else refused(caseworker, approver, household)
    )
    with pytest.raises(ApplicationError) as error:
        selectors.decision_notice_content(actor=caseworker, application=application)
    label = {"published": "公示中", "refused": "不予确认"}[_case]
    assert error.value.message == f"该申请当前状态为“{label}”，尚未审核确认，没有审核确认通知书"


def test_the_refusal_notice_carries_the_written_reasons(caseworker, approver, household):
    application = refused(caseworker, approver, household)

    notice = selectors.refusal_notice_content(actor=caseworker, application=application)

    assert notice.reasons == "家庭人均收入高于当地低保标准"
    assert notice.programmes == ("最低生活保障（低保）",)
    assert notice.review_body == "长乐区人民政府"
    assert notice.heading.issuer == "长乐区民政办"
    assert notice.heading.number == f"350112001不予〔2026〕{application.pk}号"
    assert notice.heading.issued_on == dt.date(2026, 11, 20)


def test_there_is_no_refusal_notice_for_a_confirmed_case(caseworker, approver, household):
    application = confirmed(caseworker, approver, household)
    with pytest.raises(ApplicationError) as error:
        selectors.refusal_notice_content(actor=caseworker, application=application)
    assert "未作出不予确认决定" in error.value.message


def test_an_outsider_gets_no_document_of_the_case(caseworker, outsider, household):
    application = submitted(caseworker, household)
    for content in (
        selectors.application_form_content,
        selectors.consent_letters_content,
        selectors.home_visit_record_content,
        selectors.decision_notice_content,
        selectors.refusal_notice_content,
    ):
        with pytest.raises(NotFound):
            content(actor=outsider, application=application)


# -- the notice sheet ---------------------------------------------------------------------------


def test_the_notice_sheet_of_a_real_case_names_the_adult_applicant(caseworker, household):
    application = published(caseworker, household)

    with on("2026-11-09"):
        sheet = selectors.notice_sheet_content(actor=caseworker, region_code="350112001")

    head = people(household)["head"]
    assert sheet.lines == (
        NoticeLine(
            "兴华社区",
            "最低生活保障（低保）",
            "林建国",
            head.id_number_masked,
            3,
            Decimal("2107.00"),
            dt.date(2026, 11, 6),
            dt.date(2026, 11, 13),
        ),
    )
    assert sheet.heading.number == "350112001公示〔2026〕1109号"
    assert sheet.heading.issuer == sheet.objection_office == "长乐区吴航街道办事处"
    assert sheet.region == "吴航街道"
    assert application.status == "public_notice"


def test_minors_and_unpublished_programmes_never_reach_the_sheet(caseworker, household):
    # given: the test household (adult head, minor child) asks for dibao and 低保边缘 at once;
    # a second household is headed by a 17-year-old living with a grandparent;
    # a third holds only children.
    in_notice(
        household,
        programmes=["dibao", "marginal_household", "rigid_expenditure_household"],
        proposal={
            "dibao": {"eligible": True, "amount": "2107.00"},
            "marginal_household": {"eligible": True, "amount": "0.00"},
            "rigid_expenditure_household": {"eligible": True, "amount": "0.00"},
        },
        published_on=dt.date(2026, 11, 6),
    )
    young = register_household(
        caseworker,
        village="350112001002",
        address="吴航街道西关社区5号",
        members=[
            MemberSpec(
                relation="head",
                facts=person_facts("郑少华", dt.date(2009, 3, 1), village="350112001002"),
            ),
            MemberSpec(
                relation="grandparent",
                facts=person_facts("郑阿婆", dt.date(1950, 1, 2), sex="F", village="350112001002"),
            ),
        ],
    )
    in_notice(
        young,
        programmes=["tekun"],
        proposal={"tekun": {"eligible": True, "amount": "1500.00"}},
        published_on=dt.date(2026, 11, 6),
    )
    children = register_household(
        caseworker,
        village="350112001002",
        address="吴航街道西关社区6号",
        members=[
            MemberSpec(
                relation="head",
                facts=person_facts("黄小明", dt.date(2012, 4, 4), village="350112001002"),
            ),
            MemberSpec(
                relation="sibling",
                facts=person_facts("黄小红", dt.date(2014, 5, 5), sex="F", village="350112001002"),
            ),
        ],
    )
    in_notice(
        children,
        programmes=["tekun"],
        proposal={"tekun": {"eligible": True, "amount": "2600.00"}},
        published_on=dt.date(2026, 11, 6),
    )

    # when
    with on("2026-11-09"):
        sheet = selectors.notice_sheet_content(actor=caseworker, region_code="350112001")

    # then
    grandmother = young.memberships.get(relation="grandparent").person
    assert [
        (
            line.village,
            line.programme,
            line.name,
            line.masked_id_number,
            line.number_covered,
            line.amount,
        )
        for line in sheet.lines
    ] == [
        (
            "兴华社区",
            "最低生活保障（低保）",
            "林建国",
            people(household)["head"].id_number_masked,
            3,
            Decimal("2107.00"),
        ),
        (
            "西关社区",
            "特困人员救助供养",
            "郑阿婆",
            grandmother.id_number_masked,
            2,
            Decimal("1500.00"),
        ),
    ]
    names = {line.name for line in sheet.lines}
    assert not names & {"林小雨", "郑少华", "黄小明", "黄小红"}


def test_the_sheet_leaves_out_cases_not_in_notice_and_ineligible_programmes(caseworker, household):
    application = in_notice(
        household,
        programmes=["dibao", "tekun"],
        proposal={
            "dibao": {"eligible": True, "amount": "2107.00"},
            "tekun": {"eligible": False, "amount": "0.00"},
        },
        published_on=dt.date(2026, 11, 6),
    )
    with on("2026-11-09"):
        assert [
            line.programme
            for line in selectors.notice_sheet_content(
                actor=caseworker, region_code="350112001"
            ).lines
        ] == ["最低生活保障（低保）"]

    application.status = "awaiting_confirmation"
    application.save(update_fields=["status"])
    with on("2026-11-16"):
        assert selectors.notice_sheet_content(actor=caseworker, region_code="350112001").lines == ()


def test_a_village_worker_gets_the_lines_of_their_own_village(
    caseworker, village_worker, household
):
    in_notice(
        household,
        programmes=["dibao"],
        proposal={"dibao": {"eligible": True, "amount": "2107.00"}},
        published_on=dt.date(2026, 11, 6),
    )
    other = register_household(
        caseworker,
        village="350112001002",
        address="吴航街道西关社区9号",
        members=[
            MemberSpec(
                relation="head",
                facts=person_facts("王海", dt.date(1975, 6, 1), village="350112001002"),
            )
        ],
    )
    in_notice(
        other,
        programmes=["dibao"],
        proposal={"dibao": {"eligible": True, "amount": "900.00"}},
        published_on=dt.date(2026, 11, 6),
    )

    with on("2026-11-09"):
        township = selectors.notice_sheet_content(actor=caseworker, region_code="350112001")
        village = selectors.notice_sheet_content(actor=village_worker, region_code="350112001")

    assert [line.name for line in township.lines] == ["林建国", "王海"]
    assert [line.name for line in village.lines] == ["林建国"]
    assert village.region == "吴航街道兴华社区"
    assert village.heading.number == "350112001001公示〔2026〕1109号"


@pytest.mark.parametrize("_case", ["other township", "unknown code", "a county"])
def test_a_region_outside_the_actor_or_not_a_township_is_not_found(_case, outsider, caseworker):
    actor, code = {
        "other township": (outsider, "350112001"),
        "unknown code": (caseworker, "350112999"),
        "a county": (caseworker, "350112"),
    }[_case]
    with pytest.raises(NotFound) as error:
        selectors.notice_sheet_content(actor=actor, region_code=code)
    assert error.value.message == "乡镇（街道）不存在或不在您的管辖范围内"
