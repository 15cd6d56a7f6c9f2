"""Feed of 市场监督管理部门: market entities (businesses) and the persons registered with them."""

from __future__ import annotations

from doudi.exchange.schemas import meaning as M
from doudi.exchange.schemas.columns import C, T, identity_columns
from doudi.exchange.schemas.feed import FeedSchema

BUSINESS_REGISTRATION = FeedSchema(
    "business_registration",
    "市场主体登记",
    "市场监督管理部门",
    (
        *identity_columns(),
        C("credit_code", "统一社会信用代码", T.TEXT, max_length=18),
        C("business_name", "市场主体名称", T.TEXT),
        C(
            "entity_type",
            "主体类型",
            T.CODE,
            choices=(
                ("individual", "个体工商户"),
                ("company", "公司"),
                ("cooperative", "农民专业合作社"),
            ),
        ),
        C(
            "role",
            "身份",
            T.CODE,
            choices=(
                ("operator", "经营者"),
                ("legal_representative", "法定代表人"),
                ("shareholder", "股东"),
            ),
        ),
        C("registered_capital", "注册资本（出资额）", T.YUAN, required=False, unit="元"),
        C("registered_on", "成立日期", T.DATE),
        C("status", "登记状态", T.CODE, choices=(("active", "存续"), ("closed", "注销"))),
    ),
    natural_key=("credit_code", "id_number", "name", "birth_date", "role"),
    partner_department="market_regulation",
    # only registrations still active count
    meaning=M.AssetMeaning(
        category=M.BUSINESS_REGISTRATIONS,
        value="registered_capital",
        key="credit_code",
        detail=("business_name",),
        rows=M.Rows("status", ("active",)),
    ),
)
