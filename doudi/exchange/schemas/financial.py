"""Feeds of financial institutions (through 金融监管): bank deposits, securities, insurance."""

from __future__ import annotations

from doudi.exchange.schemas import meaning as M
from doudi.exchange.schemas.columns import C, T, identity_columns
from doudi.exchange.schemas.feed import FeedSchema


def _balances(
    source: str, label: str, department: str, institution: str, value: tuple[str, str], day: str
) -> FeedSchema:
    """A feed of balances a person holds at institutions, each on a day; a report counts the
    latest balance per institution as a financial asset."""
    name, value_label = value
    return FeedSchema(
        source,
        label,
        department,
        (
            *identity_columns(),
            C("institution", institution, T.TEXT),
            C(name, value_label, T.YUAN, unit="元"),
            C("as_of", day, T.DATE),
        ),
        natural_key=("id_number", "name", "birth_date", "institution", "as_of"),
        partner_department="financial_regulation",
        meaning=M.AssetMeaning(
            category=M.FINANCIAL,
            value=name,
            detail=("institution", "as_of"),
            latest=M.Latest(by="as_of", per=("institution",)),
        ),
    )


BANK_DEPOSITS = _balances(
    "bank_deposits", "银行存款", "银行业金融机构", "开户机构", ("balance", "存款余额"), "余额日期"
)
SECURITIES = _balances(
    "securities", "证券资产", "证券公司", "证券公司", ("market_value", "证券市值"), "市值日期"
)

COMMERCIAL_INSURANCE = FeedSchema(
    "commercial_insurance",
    "商业保险",
    "保险公司",
    (
        *identity_columns(),
        C("insurer", "保险公司", T.TEXT),
        C("policy_number", "保单号", T.TEXT, max_length=32),
        C(
            "product_type",
            "险类",
            T.CODE,
            choices=(
                ("life", "人寿保险"),
                ("health", "健康保险"),
                ("annuity", "年金保险"),
                ("accident", "意外伤害保险"),
            ),
        ),
        C("annual_premium", "年缴保费", T.YUAN, unit="元"),
        C("cash_value", "现金价值", T.YUAN, unit="元"),
        C("start_date", "生效日期", T.DATE),
    ),
    natural_key=("policy_number", "id_number", "name", "birth_date"),
    partner_department="financial_regulation",
    # the cash value of each policy
    meaning=M.AssetMeaning(
        category=M.FINANCIAL,
        value="cash_value",
        key="policy_number",
        detail=("product_type",),
    ),
)
