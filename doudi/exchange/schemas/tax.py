"""Feed of 税务部门: personal income tax returns, one row per person, month and income item."""

from __future__ import annotations

from doudi.exchange.schemas import meaning as M
from doudi.exchange.schemas.columns import C, T, identity_columns
from doudi.exchange.schemas.feed import FeedSchema

TAX = FeedSchema(
    "tax",
    "个人所得税",
    "税务部门",
    (
        *identity_columns(),
        C("period", "所属期", T.MONTH),
        C(
            "income_type",
            "所得项目",
            T.CODE,
            choices=(
                ("wage", "工资薪金"),
                ("business", "经营所得"),
                ("labour", "劳务报酬"),
                ("property", "财产租赁"),
                ("other", "其他所得"),
            ),
        ),
        C("income_amount", "收入额", T.YUAN, unit="元"),
        C("tax_paid", "已缴税额", T.YUAN, unit="元"),
    ),
    natural_key=("id_number", "name", "birth_date", "period", "income_type"),
    partner_department="tax",
    # 所得项目 → policy income type; 劳务报酬 is 工资性收入 (POLICY.md §2.4)
    meaning=M.IncomeMeaning(
        period="period",
        amount="income_amount",
        income_type=M.by_code(
            "income_type",
            {
                "wage": "wage",
                "labour": "wage",
                "business": "business",
                "property": "property",
                "other": "other",
            },
        ),
    ),
)
