"""Feed of 住房公积金管理中心: monthly contributions and the account balance."""

from __future__ import annotations

from doudi.exchange.schemas import meaning as M
from doudi.exchange.schemas.columns import C, T, identity_columns
from doudi.exchange.schemas.feed import FeedSchema

HOUSING_FUND = FeedSchema(
    "housing_fund",
    "住房公积金",
    "住房公积金管理中心",
    (
        *identity_columns(),
        C("period", "缴存月份", T.MONTH),
        C("monthly_contribution", "月缴存额", T.YUAN, unit="元/月"),
        C("balance", "账户余额", T.YUAN, unit="元"),
    ),
    natural_key=("id_number", "name", "birth_date", "period"),
    partner_department="housing_fund_centre",
    # the latest balance, reported only (not a financial asset)
    meaning=M.AssetMeaning(
        category=M.HOUSING_FUND,
        value="balance",
        detail=("period",),
        latest=M.Latest(by="period"),
    ),
)
