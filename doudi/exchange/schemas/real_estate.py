"""Feed of 不动产登记机构: registered real estate, one row per certificate and holder."""

from __future__ import annotations

from doudi.exchange.schemas import meaning as M
from doudi.exchange.schemas.columns import C, T, identity_columns
from doudi.exchange.schemas.feed import FeedSchema

REAL_ESTATE = FeedSchema(
    "real_estate",
    "不动产登记",
    "不动产登记机构",
    (
        *identity_columns(),
        C("certificate_number", "不动产权证号", T.TEXT, max_length=64),
        C("location_code", "坐落区划代码", T.REGION),
        C(
            "usage",
            "用途",
            T.CODE,
            choices=(("residential", "住宅"), ("commercial", "商业"), ("other", "其他")),
        ),
        C("floor_area", "建筑面积", T.DECIMAL, unit="平方米"),
        C("registered_on", "登记日期", T.DATE),
    ),
    natural_key=("certificate_number", "id_number", "name", "birth_date"),
    partner_department="natural_resources",
    # dwellings count against the limit; other property is reported only
    meaning=M.AssetMeaning(
        category=M.by_code(
            "usage",
            {
                "residential": M.REAL_ESTATE,
                "commercial": M.NON_RESIDENTIAL,
                "other": M.NON_RESIDENTIAL,
            },
        ),
        key="certificate_number",
        detail=("floor_area",),
    ),
)
