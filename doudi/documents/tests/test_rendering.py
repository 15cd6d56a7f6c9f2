"""The renderers alone: plain dataclasses in, PDF out, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from doudi.documents import rendering
from doudi.documents.content import (
    ApplicationForm,
    ConsentLetter,
    ConsentLetters,
    DecisionLine,
    DecisionNotice,
    Heading,
    HomeVisit,
    HomeVisitRecord,
    IncomeRow,
    MemberRow,
    NoticeLine,
    NoticeSheet,
    RefusalNotice,
)
from doudi.documents.tests.pdftext import FULL_ID_NUMBER, page_size, pdf_pages, pdf_text

HEADING = Heading("长乐区吴航街道办事处", "350112001申请〔2026〕7号", dt.date(2026, 11, 2))
MEMBERS = (
    MemberRow("林建国", "户主", "3501**********1236", True, ""),
    MemberRow("陈秀英", "配偶", "3501**********2347", True, "肢体残疾2级"),
    MemberRow("林老伯", "父母", "3501**********0017", False, "不计入：宣告失踪人员"),
)
A4 = (595.28, 841.89)


def test_the_application_form_shows_household_members_programmes_and_declarations():
    form = ApplicationForm(
        heading=HEADING,
        applicant="林建国",
        address="吴航街道兴华社区1号",
        village="兴华社区",
        area_type="城镇",
        members=MEMBERS,
        programmes=("最低生活保障（低保）", "临时救助"),
        needs=("医疗", "教育"),
        incomes=(IncomeRow("林建国", "工资性收入", Decimal("1200.00"), True),),
        assets=(("金融资产", "3,000.00 元"), ("房产", "1套")),
        expenses=(("医疗支出", "8,000.00 元"),),
        channel="窗口受理",
        is_relative_declared=True,
        submitted_on=dt.date(2026, 11, 2),
    )

    data = rendering.application_form_pdf(form)

    text = pdf_text(data)
    assert page_size(data) == A4
    assert text.startswith(
        "社会救助申请书编号：350112001申请〔2026〕7号长乐区吴航街道办事处2026年11月2日"
    )
    for expected in (
        "申请人（户主）林建国",
        "家庭住址吴航街道兴华社区1号",
        "申请渠道窗口受理",
        "申请日期2026年11月2日",
        "近亲属备案已备案",
        "林建国户主3501**********1236是",
        "陈秀英配偶3501**********2347是肢体残疾2级",
        "林老伯父母3501**********0017否不计入：宣告失踪人员",
        "最低生活保障（低保）、临时救助",
        "医疗、教育",
        "林建国工资性收入1,200.00元是",
        "金融资产3,000.00元",
        "房产1套",
        "医疗支出8,000.00元",
        "申请人（签字）：",
        "受理人（签字）：",
        "第1页共1页",
    ):
        assert expected in text, expected
    assert FULL_ID_NUMBER.search(text) is None


def test_consent_letters_give_one_page_per_member_with_who_signed_and_why():
    letters = ConsentLetters(
        heading=HEADING,
        applicant="林建国",
        address="吴航街道兴华社区1号",
        letters=(
            ConsentLetter(
                "林建国", "户主", "3501**********1236", "本人签署", "", dt.date(2026, 11, 2)
            ),
            ConsentLetter(
                "林小雨", "子女", "3501**********4455", "监护人代签", "未成年", dt.date(2026, 11, 3)
            ),
        ),
    )

    pages = pdf_pages(rendering.consent_letters_pdf(letters))

    assert len(pages) == 2
    assert "授权人林建国公民身份号码3501**********1236与户主关系户主" in pages[0]
    assert "签署方式本人签署代签原因无签署日期2026年11月2日" in pages[0]
    assert "代签人" not in pages[0]
    assert "授权人林小雨" in pages[1]
    assert "签署方式监护人代签代签原因未成年签署日期2026年11月3日" in pages[1]
    assert "代签人（监护人／受托人）（签字）：" in pages[1]
    assert "第2页共2页" in pages[1]


def test_the_home_visit_record_lists_each_visit_with_a_signature_line_per_investigator():
    record = HomeVisitRecord(
        heading=HEADING,
        applicant="林建国",
        address="吴航街道兴华社区1号",
        members=MEMBERS[:2],
        visits=(
            HomeVisit(
                dt.date(2026, 11, 5), ("吴航经办", "兴华社区主任"), False, "家中仅户主务工", 3, True
            ),
            HomeVisit(dt.date(2026, 11, 9), ("吴航经办", "张三"), True, "", 5, True),
        ),
    )

    text = pdf_text(rendering.home_visit_record_pdf(record))

    assert (
        "第1次入户调查调查日期2026年11月5日调查人员吴航经办、兴华社区主任调查方式入户调查现场照片3张"
        in text
    )
    assert "调查情况家中仅户主务工" in text
    assert (
        "第2次入户调查调查日期2026年11月9日调查人员吴航经办、张三调查方式全面入户调查现场照片5张"
        in text
    )
    assert text.count("调查人员吴航经办（签字）") == 2
    assert "调查人员兴华社区主任（签字）" in text
    assert text.count("被调查人（申请人）（签字）") == 2


def test_the_notice_sheet_prints_its_lines_and_the_objection_contacts():
    sheet = NoticeSheet(
        heading=Heading(
            "长乐区吴航街道办事处", "350112001公示〔2026〕1109号", dt.date(2026, 11, 9)
        ),
        region="吴航街道",
        lines=(
            NoticeLine(
                "兴华社区",
                "最低生活保障（低保）",
                "林建国",
                "3501**********1236",
                3,
                Decimal("2107.00"),
                dt.date(2026, 11, 6),
                dt.date(2026, 11, 13),
            ),
        ),
        objection_office="长乐区吴航街道办事处",
        objection_phone="0591-00000000",
        objection_address="吴航街道民政办",
    )

    text = pdf_text(rendering.notice_sheet_pdf(sheet))

    assert text.startswith("吴航街道社会救助对象公示名单编号：350112001公示〔2026〕1109号")
    assert (
        "1兴华社区最低生活保障（低保）林建国3501**********123632,107.00元"
        "2026-11-06发布，2026-11-13届满"
    ) in text
    assert "向长乐区吴航街道办事处实名或匿名反映" in text
    assert "联系电话：0591-00000000地址：吴航街道民政办" in text


def test_an_empty_notice_sheet_says_so_and_leaves_the_contacts_to_fill_in():
    sheet = NoticeSheet(
        heading=Heading(
            "长乐区吴航街道办事处", "350112001公示〔2026〕1109号", dt.date(2026, 11, 9)
        ),
        region="吴航街道",
        lines=(),
        objection_office="长乐区吴航街道办事处",
    )

    text = pdf_text(rendering.notice_sheet_pdf(sheet))

    assert "当前没有正在公示的社会救助对象。" in text
    assert "联系电话：________________地址：________________" in text


def test_the_decision_notice_gives_programmes_amounts_and_start_month():
    notice = DecisionNotice(
        heading=Heading("长乐区民政办", "350112001确认〔2026〕7号", dt.date(2026, 11, 20)),
        applicant="林建国",
        address="吴航街道兴华社区1号",
        submitted_on=dt.date(2026, 11, 2),
        lines=(DecisionLine("最低生活保障（低保）", Decimal("2107.00"), dt.date(2026, 12, 1)),),
    )

    text = pdf_text(rendering.decision_notice_pdf(notice))

    assert text.startswith("审核确认通知书编号：350112001确认〔2026〕7号长乐区民政办2026年11月20日")
    assert "林建国（家庭住址：吴航街道兴华社区1号）：你家于2026年11月2日提出的社会救助申请" in text
    assert "最低生活保障（低保）2,107.00元2026年12月" in text
    assert "长乐区民政办（盖章）2026年11月20日" in text
    assert "受送达人（签字）" in text


def test_the_refusal_notice_gives_the_reasons_and_the_right_to_review():
    notice = RefusalNotice(
        heading=Heading("长乐区民政办", "350112001不予〔2026〕7号", dt.date(2026, 11, 20)),
        applicant="林建国",
        address="吴航街道兴华社区1号",
        submitted_on=dt.date(2026, 11, 2),
        programmes=("最低生活保障（低保）",),
        reasons="家庭人均收入高于当地低保标准<b>",
        review_body="长乐区人民政府",
    )

    text = pdf_text(rendering.refusal_notice_pdf(notice))

    assert (
        "你家于2026年11月2日提出的最低生活保障（低保）申请，经审核，决定不予确认。理由如下："
        in text
    )
    assert "家庭人均收入高于当地低保标准<b>" in text  # data is escaped, never markup
    assert "自收到本通知书之日起60日内向长乐区人民政府申请行政复议" in text
    assert "6个月内依法向人民法院提起行政诉讼" in text
