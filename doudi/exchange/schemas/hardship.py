"""Feeds that show hardship rather than means: medical costs (医疗保障部门), disability
certificates (残疾人联合会), schooling (教育部门), disaster relief (应急管理部门) and anti-poverty
monitoring (农业农村（乡村振兴）部门). Verification does not read them."""

from __future__ import annotations

from doudi.exchange.schemas.codes import DISABILITY_TYPE, STAGE
from doudi.exchange.schemas.columns import C, T, identity_columns
from doudi.exchange.schemas.feed import FeedSchema

MEDICAL_COSTS = FeedSchema(
    "medical_costs",
    "医疗费用结算",
    "医疗保障部门",
    (
        *identity_columns(),
        C("settlement_number", "结算单号", T.TEXT, max_length=32),
        C("settled_on", "结算日期", T.DATE),
        C("institution", "医疗机构", T.TEXT),
        C("is_inpatient", "是否住院", T.BOOLEAN),
        C("total_cost", "医疗总费用", T.YUAN, unit="元"),
        C("out_of_pocket", "个人自付费用", T.YUAN, unit="元"),
    ),
    natural_key=("settlement_number",),
    partner_department="medical_assistance",
)

DISABILITY_CERTIFICATES = FeedSchema(
    "disability_certificates",
    "残疾人证",
    "残疾人联合会",
    (
        *identity_columns(),
        C("certificate_number", "残疾人证号", T.TEXT, max_length=24, is_hashed=True),
        C("disability_type", "残疾类别", T.CODE, choices=DISABILITY_TYPE),
        C("disability_grade", "残疾等级", T.INTEGER, minimum=1, maximum=4),
        C("issued_on", "发证日期", T.DATE),
    ),
    natural_key=("certificate_number",),
    partner_department="disabled_persons_federation",
)

EDUCATION = FeedSchema(
    "education",
    "在校学生及费用",
    "教育部门",
    (
        *identity_columns(),
        C("school_name", "学校名称", T.TEXT),
        C("stage", "学段", T.CODE, choices=STAGE),
        C("enrolled_on", "入学日期", T.DATE),
        C("annual_tuition", "年学费", T.YUAN, unit="元/年"),
        C("annual_other_costs", "年住宿费及其他费用", T.YUAN, unit="元/年"),
    ),
    natural_key=("id_number", "name", "birth_date", "school_name", "enrolled_on"),
    partner_department="education_assistance",
)

DISASTER_RELIEF = FeedSchema(
    "disaster_relief",
    "受灾救助",
    "应急管理部门",
    (
        *identity_columns(),
        C("disaster_date", "受灾日期", T.DATE),
        C(
            "disaster_type",
            "灾害种类",
            T.CODE,
            choices=(
                ("flood", "洪涝"),
                ("typhoon", "台风"),
                ("landslide", "地质灾害"),
                ("drought", "干旱"),
                ("fire", "火灾"),
                ("other", "其他"),
            ),
        ),
        C("loss_amount", "直接经济损失", T.YUAN, unit="元"),
        C("relief_amount", "救助金额", T.YUAN, unit="元"),
    ),
    natural_key=("id_number", "name", "birth_date", "disaster_date", "disaster_type"),
    partner_department="emergency_management",
)

ANTI_POVERTY_MONITORING = FeedSchema(
    "anti_poverty_monitoring",
    "防返贫监测对象",
    "农业农村（乡村振兴）部门",
    (
        *identity_columns(),
        C(
            "monitoring_type",
            "监测对象类别",
            T.CODE,
            choices=(
                ("unstable", "脱贫不稳定户"),
                ("marginal", "边缘易致贫户"),
                ("sudden_hardship", "突发严重困难户"),
            ),
        ),
        C(
            "main_risk",
            "主要风险",
            T.CODE,
            choices=(
                ("illness", "因病"),
                ("disability", "因残"),
                ("education", "因学"),
                ("disaster", "因灾"),
                ("unemployment", "因失业"),
                ("accident", "因意外事故"),
                ("other", "其他"),
            ),
        ),
        C("identified_on", "识别日期", T.DATE),
        C(
            "status",
            "风险状态",
            T.CODE,
            choices=(("monitoring", "风险未消除"), ("eliminated", "风险已消除")),
        ),
    ),
    natural_key=("id_number", "name", "birth_date", "identified_on"),
    partner_department="rural_revitalisation",
)
