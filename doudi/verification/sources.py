"""Which department feeds a verification reads and what each row means (no Django imports).

Income feeds give monthly amounts over the reference months; asset feeds give items with a value.
Income types are the policy engine's (`doudi.policy.codes.INCOME_TYPES`); asset categories are
the four the policy engine limits (`assets.*`: financial, vehicles, real_estate,
business_registrations) plus items reported for information only (not counted by any limit)."""

from __future__ import annotations

from dataclasses import dataclass

from doudi.exchange.schemas import FEEDS

# Asset categories. The first four are those of the policy situation's `assets` block.
FINANCIAL = "financial"
VEHICLES = "vehicles"
REAL_ESTATE = "real_estate"
BUSINESS_REGISTRATIONS = "business_registrations"
NON_RESIDENTIAL = "non_residential"  # 非住宅房产: reported, no limit in the policy engine
EXEMPT_VEHICLE = "exempt_vehicle"  # 摩托车: not a vehicle that must be declared (docs/policy.md)
HOUSING_FUND = "housing_fund"  # 住房公积金余额: reported, not a financial asset

ASSET_LABELS = {
    FINANCIAL: "金融资产",
    VEHICLES: "机动车辆",
    REAL_ESTATE: "住房",
    BUSINESS_REGISTRATIONS: "市场主体登记",
    NON_RESIDENTIAL: "非住宅房产（仅供参考）",
    EXEMPT_VEHICLE: "无须申报的车辆（摩托车，仅供参考）",
    HOUSING_FUND: "住房公积金账户余额（仅供参考）",
}
LIMITED_ASSETS = (FINANCIAL, VEHICLES, REAL_ESTATE, BUSINESS_REGISTRATIONS)


@dataclass(frozen=True)
class SourceSpec:
    source: str
    kind: str  # "income" or "asset"
    columns: tuple[str, ...]  # feed columns read besides person_key and source_row

    @property
    def label(self) -> str:
        return FEEDS[self.source].label


SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec("tax", "income", ("period", "income_type", "income_amount")),
    SourceSpec("pensions", "income", ("period", "pension_type", "amount")),
    SourceSpec("unemployment_benefits", "income", ("period", "amount")),
    SourceSpec(
        "social_insurance_contributions", "income", ("period", "scheme", "contribution_base")
    ),
    SourceSpec("bank_deposits", "asset", ("institution", "balance", "as_of")),
    SourceSpec("securities", "asset", ("institution", "market_value", "as_of")),
    SourceSpec("commercial_insurance", "asset", ("policy_number", "product_type", "cash_value")),
    SourceSpec(
        "vehicles", "asset", ("plate_number", "vehicle_type", "registered_on", "assessed_value")
    ),
    SourceSpec("real_estate", "asset", ("certificate_number", "usage", "floor_area")),
    SourceSpec(
        "business_registration",
        "asset",
        ("credit_code", "business_name", "entity_type", "status", "registered_capital"),
    ),
    SourceSpec("housing_fund", "asset", ("period", "balance")),
)
SOURCE_BY_NAME = {spec.source: spec for spec in SOURCES}

# 个人所得税 所得项目 → policy income type. 劳务报酬 is 工资性收入 (POLICY.md §2.4).
TAX_INCOME_TYPE = {
    "wage": "wage",
    "labour": "wage",
    "business": "business",
    "property": "property",
    "other": "other",
}
# 养老金 待遇类别 → policy income type (the resident pension is the excluded basic pension).
PENSION_INCOME_TYPE = {"employee": "pension", "resident": "basic_pension"}
