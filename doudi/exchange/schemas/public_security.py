"""Feeds of 公安机关: the household register, deaths, and (交通管理部门) motor vehicles."""

from __future__ import annotations

from doudi.exchange.schemas import meaning as M
from doudi.exchange.schemas.codes import HUKOU_TYPE, RELATION, SEX
from doudi.exchange.schemas.columns import C, T, identity_columns
from doudi.exchange.schemas.feed import FeedSchema, IdPolicy

HUKOU = FeedSchema(
    "hukou",
    "户籍人口",
    "公安机关",
    (
        *identity_columns(strict=True),
        C("sex", "性别", T.CODE, choices=SEX),
        C("hukou_type", "户口性质", T.CODE, choices=HUKOU_TYPE),
        C("household_number", "户号", T.TEXT, max_length=32),
        C("relation", "与户主关系", T.CODE, choices=RELATION),
    ),
    natural_key=("id_number",),
    id_policy=IdPolicy.STRICT,
    partner_department="public_security",
)

DEATHS = FeedSchema(
    "deaths",
    "死亡人员",
    "公安机关",
    (*identity_columns(strict=True), C("date_of_death", "死亡日期", T.DATE)),
    natural_key=("id_number",),
    id_policy=IdPolicy.STRICT,
    partner_department="public_security",
)

VEHICLES = FeedSchema(
    "vehicles",
    "机动车登记",
    "公安机关交通管理部门",
    (
        *identity_columns(),
        C("plate_number", "号牌号码", T.TEXT, max_length=16),
        C(
            "vehicle_type",
            "车辆类型",
            T.CODE,
            choices=(
                ("car", "小型汽车"),
                ("truck", "货车"),
                ("motorcycle", "摩托车"),
                ("other", "其他"),
            ),
        ),
        C("registered_on", "登记日期", T.DATE),
        C("assessed_value", "评估价值", T.YUAN, required=False, unit="元"),
    ),
    natural_key=("plate_number",),
    partner_department="public_security",
    # one vehicle per plate; a motorcycle is not a vehicle that must be declared (docs/policy.md)
    meaning=M.AssetMeaning(
        category=M.by_code(
            "vehicle_type",
            {
                "car": M.VEHICLES,
                "truck": M.VEHICLES,
                "motorcycle": M.EXEMPT_VEHICLE,
                "other": M.VEHICLES,
            },
        ),
        value="assessed_value",
        key="plate_number",
        detail=("vehicle_type",),
    ),
)
