"""The declared schema of every department feed, as data (no Django imports).

Each feed lists its columns (English name, Chinese label, type, required, unit, allowed codes), the
column carrying the 公民身份号码, the natural key that detects duplicate rows, and how invalid ID
numbers are treated: `strict` feeds (公安, the issuer of the numbers) reject a file with a bad
number; `flag` feeds keep the record with a quality flag for identity resolution (docs/exchange.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ColumnType(StrEnum):
    ID_NUMBER = "id_number"  # 公民身份号码: normalised, stored only as keyed HMAC (+ masked form)
    TEXT = "text"
    CODE = "code"  # one of `choices`
    REGION = "region"  # administrative division code, 6, 9 or 12 digits
    DATE = "date"  # not in the future
    MONTH = "month"  # YYYY-MM, stored as the first day; not in the future
    YUAN = "yuan"  # Decimal yuan, 2 decimals, never negative
    DECIMAL = "decimal"  # non-negative number with up to 2 decimals (areas)
    INTEGER = "integer"  # between `minimum` and `maximum`
    BOOLEAN = "boolean"  # 是/否, true/false, 1/0


class IdPolicy(StrEnum):
    STRICT = "strict"  # an invalid or missing ID number rejects the file
    FLAG = "flag"  # kept with id_status = missing / invalid; name and birth date then required


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    type: ColumnType
    required: bool = True
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (code, Chinese label); either is accepted
    max_length: int = 200
    minimum: int | None = None
    maximum: int | None = None
    # The value embeds an ID number (the 残疾人证号 is the holder's number + type + grade): it is
    # stored only as the keyed HMAC, like the ID number itself.
    is_hashed: bool = False


@dataclass(frozen=True)
class FeedSchema:
    source: str
    label: str
    department: str  # the sending department, Chinese
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    id_policy: IdPolicy = IdPolicy.FLAG
    # accounts.PartnerDepartment whose users may upload this feed ("" = verification centre only)
    partner_department: str = ""
    version: int = 1
    column_by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_by_name", {c.name: c for c in self.columns})
        missing = [name for name in self.natural_key if name not in self.column_by_name]
        if missing:
            raise ValueError(f"{self.source}: natural key names unknown columns {missing}")

    @property
    def id_column(self) -> Column:
        return self.column_by_name["id_number"]


C = Column
T = ColumnType

SEX = (("M", "男"), ("F", "女"))
HUKOU_TYPE = (("urban", "城镇"), ("rural", "农村"))
RELATION = (
    ("head", "户主"),
    ("spouse", "配偶"),
    ("child", "子女"),
    ("parent", "父母"),
    ("grandchild", "孙子女"),
    ("grandparent", "祖父母"),
    ("sibling", "兄弟姐妹"),
    ("child_in_law", "儿媳女婿"),
    ("other_relative", "其他亲属"),
)
DISABILITY_TYPE = (
    ("physical", "肢体"),
    ("visual", "视力"),
    ("hearing", "听力"),
    ("speech", "言语"),
    ("intellectual", "智力"),
    ("mental", "精神"),
    ("multiple", "多重"),
)
STAGE = (
    ("preschool", "学前教育"),
    ("compulsory", "义务教育"),
    ("high_school", "普通高中"),
    ("secondary_vocational", "中等职业教育"),
    ("undergraduate", "本专科"),
    ("postgraduate", "研究生"),
)


def _identity(*, strict: bool = False) -> tuple[Column, ...]:
    """The identity columns every feed carries: what identity resolution links on."""
    return (
        C("id_number", "公民身份号码", T.ID_NUMBER, required=strict),
        C("name", "姓名", T.TEXT, max_length=50),
        C("birth_date", "出生日期", T.DATE, required=strict),
        C("region_code", "所在区划代码", T.REGION, required=False),
    )


FEEDS: dict[str, FeedSchema] = {
    schema.source: schema
    for schema in (
        FeedSchema(
            "hukou",
            "户籍人口",
            "公安机关",
            (
                *_identity(strict=True),
                C("sex", "性别", T.CODE, choices=SEX),
                C("hukou_type", "户口性质", T.CODE, choices=HUKOU_TYPE),
                C("household_number", "户号", T.TEXT, max_length=32),
                C("relation", "与户主关系", T.CODE, choices=RELATION),
            ),
            natural_key=("id_number",),
            id_policy=IdPolicy.STRICT,
            partner_department="public_security",
        ),
        FeedSchema(
            "deaths",
            "死亡人员",
            "公安机关",
            (*_identity(strict=True), C("date_of_death", "死亡日期", T.DATE)),
            natural_key=("id_number",),
            id_policy=IdPolicy.STRICT,
            partner_department="public_security",
        ),
        FeedSchema(
            "tax",
            "个人所得税",
            "税务部门",
            (
                *_identity(),
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
        ),
        FeedSchema(
            "social_insurance_contributions",
            "社会保险缴费",
            "人力资源和社会保障部门",
            (
                *_identity(),
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
        ),
        FeedSchema(
            "pensions",
            "养老金领取",
            "人力资源和社会保障部门",
            (
                *_identity(),
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
        ),
        FeedSchema(
            "unemployment_benefits",
            "失业保险金领取",
            "人力资源和社会保障部门",
            (
                *_identity(),
                C("period", "发放月份", T.MONTH),
                C("amount", "月发放金额", T.YUAN, unit="元/月"),
            ),
            natural_key=("id_number", "name", "birth_date", "period"),
            partner_department="employment_assistance",
        ),
        FeedSchema(
            "housing_fund",
            "住房公积金",
            "住房公积金管理中心",
            (
                *_identity(),
                C("period", "缴存月份", T.MONTH),
                C("monthly_contribution", "月缴存额", T.YUAN, unit="元/月"),
                C("balance", "账户余额", T.YUAN, unit="元"),
            ),
            natural_key=("id_number", "name", "birth_date", "period"),
            partner_department="housing_fund_centre",
        ),
        FeedSchema(
            "real_estate",
            "不动产登记",
            "不动产登记机构",
            (
                *_identity(),
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
        ),
        FeedSchema(
            "vehicles",
            "机动车登记",
            "公安机关交通管理部门",
            (
                *_identity(),
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
        ),
        FeedSchema(
            "business_registration",
            "市场主体登记",
            "市场监督管理部门",
            (
                *_identity(),
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
        ),
        FeedSchema(
            "bank_deposits",
            "银行存款",
            "银行业金融机构",
            (
                *_identity(),
                C("institution", "开户机构", T.TEXT),
                C("balance", "存款余额", T.YUAN, unit="元"),
                C("as_of", "余额日期", T.DATE),
            ),
            natural_key=("id_number", "name", "birth_date", "institution", "as_of"),
            partner_department="financial_regulation",
        ),
        FeedSchema(
            "securities",
            "证券资产",
            "证券公司",
            (
                *_identity(),
                C("institution", "证券公司", T.TEXT),
                C("market_value", "证券市值", T.YUAN, unit="元"),
                C("as_of", "市值日期", T.DATE),
            ),
            natural_key=("id_number", "name", "birth_date", "institution", "as_of"),
            partner_department="financial_regulation",
        ),
        FeedSchema(
            "commercial_insurance",
            "商业保险",
            "保险公司",
            (
                *_identity(),
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
        ),
        FeedSchema(
            "medical_costs",
            "医疗费用结算",
            "医疗保障部门",
            (
                *_identity(),
                C("settlement_number", "结算单号", T.TEXT, max_length=32),
                C("settled_on", "结算日期", T.DATE),
                C("institution", "医疗机构", T.TEXT),
                C("is_inpatient", "是否住院", T.BOOLEAN),
                C("total_cost", "医疗总费用", T.YUAN, unit="元"),
                C("out_of_pocket", "个人自付费用", T.YUAN, unit="元"),
            ),
            natural_key=("settlement_number",),
            partner_department="medical_assistance",
        ),
        FeedSchema(
            "disability_certificates",
            "残疾人证",
            "残疾人联合会",
            (
                *_identity(),
                C("certificate_number", "残疾人证号", T.TEXT, max_length=24, is_hashed=True),
                C("disability_type", "残疾类别", T.CODE, choices=DISABILITY_TYPE),
                C("disability_grade", "残疾等级", T.INTEGER, minimum=1, maximum=4),
                C("issued_on", "发证日期", T.DATE),
            ),
            natural_key=("certificate_number",),
            partner_department="disabled_persons_federation",
        ),
        FeedSchema(
            "unemployment_registration",
            "失业登记",
            "人力资源和社会保障部门",
            (
                *_identity(),
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
        ),
        FeedSchema(
            "education",
            "在校学生及费用",
            "教育部门",
            (
                *_identity(),
                C("school_name", "学校名称", T.TEXT),
                C("stage", "学段", T.CODE, choices=STAGE),
                C("enrolled_on", "入学日期", T.DATE),
                C("annual_tuition", "年学费", T.YUAN, unit="元/年"),
                C("annual_other_costs", "年住宿费及其他费用", T.YUAN, unit="元/年"),
            ),
            natural_key=("id_number", "name", "birth_date", "school_name", "enrolled_on"),
            partner_department="education_assistance",
        ),
        FeedSchema(
            "disaster_relief",
            "受灾救助",
            "应急管理部门",
            (
                *_identity(),
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
        ),
        FeedSchema(
            "anti_poverty_monitoring",
            "防返贫监测对象",
            "农业农村（乡村振兴）部门",
            (
                *_identity(),
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
        ),
    )
}


def feed_schema(source: str) -> FeedSchema | None:
    return FEEDS.get(source)
