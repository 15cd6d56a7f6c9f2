"""Feeds of 人力资源和社会保障部门: social insurance contributions, pensions, unemployment benefit
and unemployment registration."""

from __future__ import annotations

from doudi.exchange.schemas import meaning as M
from doudi.exchange.schemas.columns import C, T, identity_columns
from doudi.exchange.schemas.feed import FeedSchema

SOCIAL_INSURANCE_CONTRIBUTIONS = FeedSchema(
    "social_insurance_contributions",
    "社会保险缴费",
    "人力资源和社会保障部门",
    (
        *identity_columns(),
        C("period", "缴费月份", T.MONTH),
        C(
            "scheme",
            "险种",
            T.CODE,
            choices=(
                ("employee_pension", "职工养老保险"),
                ("resident_pension", "城乡居民养老保险"),
            ),
        ),
        C("contribution_base", "缴费基数", T.YUAN, unit="元/月"),
        C("employer_name", "参保单位", T.TEXT, required=False),
    ),
    natural_key=("id_number", "name", "birth_date", "period", "scheme"),
    partner_department="employment_assistance",
    # the employee scheme's contribution base, a proxy of the wage where tax shows none
    meaning=M.IncomeMeaning(
        period="period",
        amount="contribution_base",
        income_type="wage",
        rows=M.Rows("scheme", ("employee_pension",)),
        counted_unless_in="tax",
        basis="职工养老保险缴费基数（工资收入推算）",
    ),
)

PENSIONS = FeedSchema(
    "pensions",
    "养老金领取",
    "人力资源和社会保障部门",
    (
        *identity_columns(),
        C("period", "发放月份", T.MONTH),
        C(
            "pension_type",
            "待遇类别",
            T.CODE,
            choices=(("employee", "职工基本养老金"), ("resident", "城乡居民基本养老金")),
        ),
        C("amount", "月发放金额", T.YUAN, unit="元/月"),
    ),
    natural_key=("id_number", "name", "birth_date", "period", "pension_type"),
    partner_department="employment_assistance",
    # the resident pension is the excluded basic pension
    meaning=M.IncomeMeaning(
        period="period",
        amount="amount",
        income_type=M.by_code("pension_type", {"employee": "pension", "resident": "basic_pension"}),
    ),
)

UNEMPLOYMENT_BENEFITS = FeedSchema(
    "unemployment_benefits",
    "失业保险金领取",
    "人力资源和社会保障部门",
    (
        *identity_columns(),
        C("period", "发放月份", T.MONTH),
        C("amount", "月发放金额", T.YUAN, unit="元/月"),
    ),
    natural_key=("id_number", "name", "birth_date", "period"),
    partner_department="employment_assistance",
    meaning=M.IncomeMeaning(period="period", amount="amount", income_type="unemployment"),
)

UNEMPLOYMENT_REGISTRATION = FeedSchema(
    "unemployment_registration",
    "失业登记",
    "人力资源和社会保障部门",
    (
        *identity_columns(),
        C("registered_on", "登记日期", T.DATE),
        C(
            "status",
            "登记状态",
            T.CODE,
            choices=(
                ("registered", "失业登记中"),
                ("reemployed", "已就业"),
                ("cancelled", "已注销"),
            ),
        ),
    ),
    natural_key=("id_number", "name", "birth_date", "registered_on"),
    partner_department="employment_assistance",
)
