"""The six documents of a case and its notice, each a pure function: content dataclass in, PDF
bytes out. Wording follows the paper forms townships use (民发〔2021〕57号 procedure, POLICY.md
§2.7): signature lines where the paper form has them, ID numbers only masked."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from doudi.documents import pdf
from doudi.documents.content import (
    ApplicationForm,
    ConsentLetters,
    DecisionNotice,
    HomeVisitRecord,
    MemberRow,
    NoticeSheet,
    RefusalNotice,
)
from doudi.documents.pdf import BLANK, cn_date, cn_month, fields, section, table, text

PLATFORM = "兜底社会救助平台打印"


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _members_table(members: tuple[MemberRow, ...]) -> Any:
    return table(
        ["姓名", "与户主关系", "公民身份号码", "计入共同生活家庭成员", "备注"],
        [[m.name, m.relation, m.masked_id_number, _yes_no(m.is_counted), m.notes] for m in members],
        [24, 22, 42, 28, 54],
    )


def application_form_pdf(form: ApplicationForm) -> bytes:
    """社会救助申请书: the household, its members, what it asks for and what it declares."""
    h = form.heading
    story: list[Any] = pdf.title_block(
        "社会救助申请书", issuer=h.issuer, number=h.number, issued_on=h.issued_on
    )
    story += [
        fields(
            [
                ("申请人（户主）", form.applicant),
                ("家庭住址", form.address),
                ("所在村（社区）", form.village),
                ("城乡类别", form.area_type),
                ("申请渠道", form.channel),
                ("申请日期", cn_date(form.submitted_on)),
                ("近亲属备案", "已备案" if form.is_relative_declared else "无"),
            ]
        ),
        section("一、家庭成员"),
        _members_table(form.members),
        section("二、申请救助项目"),
        text("、".join(form.programmes) or "无"),
        section("三、其他救助需求（一门受理、协同办理）"),
        text("、".join(form.needs) or "无"),
        section("四、申报收入（月）"),
    ]
    if form.incomes:
        story.append(
            table(
                ["成员", "收入类型", "月收入", "是否稳定"],
                [
                    [i.member, i.kind, pdf.yuan(i.monthly), _yes_no(i.is_stable)]
                    for i in form.incomes
                ],
                [30, 80, 35, 25],
            )
        )
    else:
        story.append(text("未申报收入"))
    story.append(section("五、申报财产"))
    story.append(fields(list(form.assets)) if form.assets else text("未申报财产"))
    story.append(section("六、近12个月刚性支出"))
    story.append(fields(list(form.expenses)) if form.expenses else text("未申报支出"))
    story += [
        section("七、申请人承诺"),
        text(
            "本人承诺以上所填内容及提供的材料真实、完整，家庭成员均已签署家庭经济状况核对授权书。"
            "如有隐瞒、虚报，愿意承担相应法律责任，并退还违规领取的救助资金。"
        ),
        *pdf.signature_lines(["申请人", "受理人"]),
    ]
    return pdf.build(story, title="社会救助申请书", footer=PLATFORM)


CONSENT_TEXT = (
    "本人自愿授权{issuer}及县级人民政府民政部门家庭经济状况核对机构，依照《社会救助暂行办法》"
    "及有关规定，向公安、人力资源社会保障、住房城乡建设、自然资源、市场监管、税务、医保、"
    "金融机构等单位查询、核对本人的户籍、收入、财产及支出等家庭经济状况信息，"
    "核对结果仅用于本次社会救助申请的审核确认及此后的动态管理。"
)


def consent_letters_pdf(consents: ConsentLetters) -> bytes:
    """家庭经济状况核对授权书: one page per counted member, who signed it and how."""
    h = consents.heading
    story: list[Any] = []
    for index, letter in enumerate(consents.letters):
        if index:
            story.append(PageBreak())
        story += pdf.title_block(
            "家庭经济状况核对授权书", issuer=h.issuer, number=h.number, issued_on=letter.signed_on
        )
        story += [
            fields(
                [
                    ("授权人", letter.member),
                    ("公民身份号码", letter.masked_id_number),
                    ("与户主关系", letter.relation),
                    ("申请人（户主）", consents.applicant),
                    ("家庭住址", consents.address),
                    ("签署方式", letter.signed_by),
                    ("代签原因", letter.proxy_reason or "无"),
                    ("签署日期", cn_date(letter.signed_on)),
                ]
            ),
            Spacer(1, 5 * mm),
            text(CONSENT_TEXT.format(issuer=h.issuer)),
            *pdf.signature_lines(
                ["授权人"] if not letter.proxy_reason else ["授权人", "代签人（监护人／受托人）"]
            ),
        ]
    if not consents.letters:
        story += pdf.title_block(
            "家庭经济状况核对授权书", issuer=h.issuer, number=h.number, issued_on=h.issued_on
        )
        story.append(text("本申请没有已签署的授权书。"))
    return pdf.build(story, title="家庭经济状况核对授权书", footer=PLATFORM)


def home_visit_record_pdf(record: HomeVisitRecord) -> bytes:
    """入户调查记录: each recorded visit, signed by the investigators and the applicant."""
    h = record.heading
    story: list[Any] = pdf.title_block(
        "入户调查记录", issuer=h.issuer, number=h.number, issued_on=h.issued_on
    )
    story += [
        fields([("申请人（户主）", record.applicant), ("家庭住址", record.address)]),
        section("家庭成员"),
        _members_table(record.members),
    ]
    for number, visit in enumerate(record.visits, start=1):
        story += [
            section(f"第{number}次入户调查"),
            fields(
                [
                    ("调查日期", cn_date(visit.visited_on)),
                    ("调查人员", "、".join(visit.investigators)),
                    ("调查方式", "全面入户调查" if visit.is_full else "入户调查"),
                    ("现场照片", f"{visit.photos}张"),
                    ("调查记录经调查人员和申请人签字", _yes_no(visit.record_signed)),
                    ("调查情况", visit.findings or "无"),
                ],
                label_width=55,
            ),
            *pdf.signature_lines(
                [f"调查人员 {name}" for name in visit.investigators] + ["被调查人（申请人）"]
            ),
        ]
    return pdf.build(story, title="入户调查记录", footer=PLATFORM)


def notice_sheet_pdf(sheet: NoticeSheet) -> bytes:
    """公示名单: name, masked ID, number covered and amount; minors never appear."""
    h = sheet.heading
    story: list[Any] = pdf.title_block(
        f"{sheet.region}社会救助对象公示名单",
        issuer=h.issuer,
        number=h.number,
        issued_on=h.issued_on,
    )
    story.append(
        text(
            "根据《社会救助暂行办法》和最低生活保障、特困人员认定办法的规定，"
            "现将拟纳入社会救助的对象予以公示，公示期为7天（发布次日起算）。"
        )
    )
    story.append(Spacer(1, 3 * mm))
    if sheet.lines:
        story.append(
            table(
                [
                    "序号",
                    "村（社区）",
                    "救助项目",
                    "姓名",
                    "公民身份号码",
                    "保障人数",
                    "月（次）金额",
                    "公示期",
                ],
                [
                    [
                        str(index),
                        line.village,
                        line.programme,
                        line.name,
                        line.masked_id_number,
                        str(line.number_covered),
                        pdf.yuan(line.amount),
                        f"{line.published_on:%Y-%m-%d}发布，{line.last_day:%Y-%m-%d}届满",
                    ]
                    for index, line in enumerate(sheet.lines, start=1)
                ],
                [10, 20, 26, 16, 32, 13, 22, 31],
            )
        )
    else:
        story.append(text("当前没有正在公示的社会救助对象。"))
    story += [
        Spacer(1, 5 * mm),
        text(
            "公示期内，任何单位和个人对公示对象有异议的，可以向"
            f"{sheet.objection_office}实名或匿名反映，我们将依法调查核实。"
        ),
        text(
            f"联系电话：{sheet.objection_phone or BLANK}　　"
            f"地址：{sheet.objection_address or BLANK}"
        ),
        text(
            "（未满18周岁的未成年人不予公示；低保边缘家庭、刚性支出困难家庭的认定不予公示。）",
            pdf.SMALL,
        ),
    ]
    return pdf.build(story, title="社会救助对象公示名单", footer=PLATFORM)


def _decision_tables(notice: DecisionNotice) -> list[Any]:
    """The monthly programmes (amount a month, from which month) and the one-off grants
    (临时救助: the amount once, in the month approved), each only when there are any."""
    parts: list[Any] = []
    if notice.lines:
        parts += [
            Spacer(1, 3 * mm),
            table(
                ["救助项目", "月保障金额", "起始月份"],
                [
                    [line.programme, pdf.yuan(line.monthly_amount), cn_month(line.from_month)]
                    for line in notice.lines
                ],
                [80, 45, 45],
            ),
            Spacer(1, 3 * mm),
            text(
                "救助金自起始月份起按月发放。家庭人口、收入、财产状况发生变化的，"
                "应当及时告知乡镇人民政府（街道办事处）；民政部门将定期核查，"
                "并根据家庭状况变化依法增发、减发或者停发。"
            ),
        ]
    if notice.one_off:
        parts += [
            Spacer(1, 3 * mm),
            table(
                ["救助项目", "一次性救助金额", "审批月份"],
                [
                    [line.programme, pdf.yuan(line.amount), cn_month(line.approved_month)]
                    for line in notice.one_off
                ],
                [80, 45, 45],
            ),
            Spacer(1, 3 * mm),
            text("临时救助金一次性发放。"),
        ]
    return parts


def decision_notice_pdf(notice: DecisionNotice) -> bytes:
    """审核确认通知书: what was confirmed — monthly programmes with the amount a month and the
    first month, one-off grants (临时救助) with the amount once."""
    h = notice.heading
    story: list[Any] = pdf.title_block(
        "审核确认通知书", issuer=h.issuer, number=h.number, issued_on=h.issued_on
    )
    story += [
        text(f"{notice.applicant}（家庭住址：{notice.address}）："),
        Spacer(1, 2 * mm),
        text(
            f"你家于{cn_date(notice.submitted_on)}提出的社会救助申请，经入户调查、家庭经济状况核对"
            "和公示，现审核确认如下："
        ),
        *_decision_tables(notice),
        Spacer(1, 10 * mm),
        text(f"{h.issuer}（盖章）", pdf.META),
        text(cn_date(h.issued_on), pdf.META),
        *pdf.signature_lines(["送达人", "受送达人"]),
    ]
    return pdf.build(story, title="审核确认通知书", footer=PLATFORM)


def refusal_notice_pdf(notice: RefusalNotice) -> bytes:
    """不予确认通知书: the written reasons and the applicant's right to challenge them."""
    h = notice.heading
    story: list[Any] = pdf.title_block(
        "不予确认通知书", issuer=h.issuer, number=h.number, issued_on=h.issued_on
    )
    story += [
        text(f"{notice.applicant}（家庭住址：{notice.address}）："),
        Spacer(1, 2 * mm),
        text(
            f"你家于{cn_date(notice.submitted_on)}提出的{'、'.join(notice.programmes)}申请，"
            "经审核，决定不予确认。理由如下："
        ),
        Spacer(1, 2 * mm),
        text(notice.reasons),
        Spacer(1, 3 * mm),
        text(
            f"如对本决定有异议，可以向{h.issuer}提出；也可以自收到本通知书之日起60日内"
            f"向{notice.review_body}申请行政复议，或者自收到本通知书之日起6个月内"
            "依法向人民法院提起行政诉讼。"
        ),
        Spacer(1, 10 * mm),
        text(f"{h.issuer}（盖章）", pdf.META),
        text(cn_date(h.issued_on), pdf.META),
        *pdf.signature_lines(["送达人", "受送达人"]),
    ]
    return pdf.build(story, title="不予确认通知书", footer=PLATFORM)
