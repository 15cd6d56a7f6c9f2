"""Place-dependent standards, resolved per household (county → city → default → fallback).

Each variable here reads a `by_region` parameter file (see `doudi.policy.regional`). Overrides
(`"dibao.standard": "700.00"`) and a `StandardsProvider` set these variables as inputs, which
OpenFisca then uses instead of the formula.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from openfisca_core.model_api import MONTH, Variable

from doudi.policy import sources
from doudi.policy.entities import Household
from doudi.policy.money import round_fen, yuan_value_to_fen
from doudi.policy.regional import regional_vector


def _node(parameters_at: object, path: str) -> object:
    node = parameters_at
    for part in path.split("."):
        node = getattr(node, part)
    return node


def _floor_monthly_fen(p: object) -> float | None:
    """省定低保最低标准 (yuan per year) as fen per month, unrounded; None before it exists."""
    dibao = p.dibao  # type: ignore[attr-defined]
    if "provincial_floor" not in dibao:
        return None
    return float(dibao.provincial_floor) * 100 / 12


class minimum_wage_tier(Variable):
    """最低工资标准档次 (1–4) of the household's county.

    Rule: Fujian sets four tiers by county (2022-04-01 area table, POLICY.md §8.2). Tier 1, tier 2
    and 20 tier-3 counties are verified [V3]; the other 33 counties' split is a demo value, and the
    same mapping is used before 2022 (parameters/minimum_wage/tier.yaml). Unknown counties (retired
    codes, 金门) take `default` = tier 4.
    """

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "最低工资标准档次"
    reference = ["福建省最低工资标准分档地区表（2022-04-01）"]

    def formula(household, period, parameters):
        values = regional_vector(
            parameters(period).minimum_wage.tier.by_region, household("region", period)
        )
        return np.nan_to_num(values, nan=4).astype(np.int64)


class minimum_wage(Variable):
    """当地月最低工资标准 (fen per month): the monthly amount of the household county's tier.

    Rule: tiers 1800/1720/1570/1420 before 2022-04-01 ([R], start date demo) and 2030/1960/1810/1660
    from 2022-04-01 ([V], 新华社 2021-12-23). Used to impute unstable work, the disabled worker
    deduction, and tekun care standards.
    """

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "当地月最低工资标准（分）"
    reference = ["福建省最低工资标准（2022-04-01 起）"]

    def formula(household, period, parameters):
        monthly = parameters(period).minimum_wage.monthly
        table = yuan_value_to_fen(
            [0, monthly.tier_1, monthly.tier_2, monthly.tier_3, monthly.tier_4]
        )
        tier = np.clip(household("minimum_wage_tier", period), 1, 4)
        return table[tier]


class dibao_standard(Variable):
    """当地低保标准 (fen per person per month), urban and rural unified.

    Rule: the county's standard, else its city's (parameters/dibao/standard.yaml); where the region
    has no standard in force, the provincial floor 省定低保最低标准 ÷ 12 (福建省困难群众救助补助政策
    调整方案 2021: 4,050 yuan/year from 2021-09, +350 a year inferred). Fuzhou 880 (start date demo)
    → 970 from 2025-07-01; Ningde 866/799 from 2025-07-01; other counties demo values.
    """

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "当地低保标准（分/人·月）"
    reference = [sources.INTERIM_MEASURES_ART_9, sources.FUJIAN_ADJUSTMENT_2021]

    def formula(household, period, parameters):
        p = parameters(period)
        values = regional_vector(p.dibao.standard.by_region, household("region", period))
        fen = yuan_value_to_fen(np.nan_to_num(values, nan=0.0))
        missing = np.isnan(values)
        if missing.any():
            floor = _floor_monthly_fen(p)
            if floor is None:
                raise ValueError(f"{period}：部分地区没有在用的低保标准，省定最低标准也未生效")
            fen = np.where(missing, round_fen(floor), fen)
        return fen


def _regional(
    name: str,
    path: str,
    label: str,
    doc: str,
    *,
    in_fen: bool = True,
    fallback: Callable[[object, NDArray[np.int64]], NDArray[np.int64]] | None = None,
) -> type[Variable]:
    """A household variable resolving `path` by region; NaN goes to `fallback` (or -1 = none)."""

    def formula(household, period, parameters):
        p = parameters(period)
        values = regional_vector(_node(p, path).by_region, household("region", period))
        missing = np.isnan(values)
        clean = np.nan_to_num(values, nan=0.0)
        resolved = yuan_value_to_fen(clean) if in_fen else np.rint(clean).astype(np.int64)
        if not missing.any():
            return resolved
        filler = fallback(p, missing) if fallback else np.full(missing.shape, -1, dtype=np.int64)
        return np.where(missing, filler, resolved)

    return type(
        name,
        (Variable,),
        {
            "value_type": int,
            "entity": Household,
            "definition_period": MONTH,
            "label": label,
            "__doc__": doc,
            "__module__": __name__,
            "formula": formula,
        },
    )


def _provincial(base: str, share: str) -> Callable[[object, NDArray[np.int64]], NDArray[np.int64]]:
    """max(provincial base amount, share × 省定低保最低标准 ÷ 12); the base alone before the floor."""

    def fallback(p: object, missing: NDArray[np.int64]) -> NDArray[np.int64]:
        base_fen = int(yuan_value_to_fen(_node(p, base)))
        floor = _floor_monthly_fen(p)
        amount = (
            base_fen
            if floor is None
            else max(base_fen, int(round_fen(float(_node(p, share)) * floor)))
        )
        return np.full(missing.shape, amount, dtype=np.int64)

    return fallback


asset_financial_months = _regional(
    "asset_financial_months",
    "assets.financial_months",
    "人均金融资产上限（月数×低保标准）",
    """人均金融资产上限的月数: per-capita financial assets may not exceed this many months of the
    local dibao standard. Xiamen 48 (2019-07-01, low-income family rule [V3]); elsewhere 24, a
    demo value (Fujian provincial asset limits are a [GAP]; 民发〔2021〕57号 第十三条 leaves them local).""",
    in_fen=False,
)

disability_living_subsidy_standard = _regional(
    "disability_living_subsidy_standard",
    "disability_living_subsidy.amount",
    "困难残疾人生活补贴标准（分/人·月）",
    """困难残疾人生活补贴 amount (fen per person per month).

    Rule: Fuzhou (3501xx) 285 from 2022-01-01, 闽侯 309 (2025, date demo), Putian 100 from
    2022-01 [V3]; elsewhere the provincial rule of the 实施办法: at least 25 % of the provincial
    floor ÷ 12, and never below the 2020 provincial amount of 80 yuan.""",
    fallback=_provincial(
        "disability_living_subsidy.provincial_base",
        "disability_living_subsidy.provincial_floor_share",
    ),
)


def _care(name: str, label: str, fallback: bool) -> type[Variable]:
    path = f"disability_care_subsidy.{name}"
    provincial = (
        _provincial(
            f"disability_care_subsidy.provincial.{name}_base",
            f"disability_care_subsidy.provincial.{name}_floor_share",
        )
        if fallback
        else None
    )
    return _regional(
        f"disability_care_standard_{name}",
        path,
        f"重度残疾人护理补贴标准（{label}，分/人·月）",
        f"""重度残疾人护理补贴 ({label}) amount (fen per person per month).

    Rule: Fuzhou 2022-01-01 (困难 119/99, 非困难 115/85), Putian 2022-01, 闽侯 2025 [V3]/[V];
    elsewhere the provincial rule (困难: at least 30 %/25 % of the provincial floor ÷ 12 and the
    2020 amounts 115/85; 非困难: 115/85 province-wide). Source: {sources.DISABILITY_FUJIAN}.""",
        fallback=provincial,
    )


disability_care_standard_hardship_grade_1 = _care("hardship_grade_1", "生活困难一级", True)
disability_care_standard_hardship_grade_2 = _care("hardship_grade_2", "生活困难二级", True)
disability_care_standard_other_grade_1 = _care("other_grade_1", "非生活困难一级", False)
disability_care_standard_other_grade_2 = _care("other_grade_2", "非生活困难二级", False)

TEKUN_TOTALS: dict[tuple[str, str], type[Variable]] = {
    (mode, level): _regional(
        f"tekun_total_{mode}_{level}",
        f"tekun.total_standard.{mode}.{level}",
        f"当地公布的特困供养标准总额（{mode}/{level}，分/人·月，-1 为无）",
        f"""当地直接公布的特困人员供养标准总额 ({mode}, {level}), or -1 where none is published.

    Rule: Fuzhou publishes totals (basic living + care) from 2025-07-01 [V3] (dispersed
    1490/1810/2140, centralised 1780/3187/3884); where a total exists it is the tekun amount,
    otherwise 1.3 × the dibao standard plus the care standard applies. Source: {sources.TEKUN_FUJIAN}.""",
    )
    for mode in ("dispersed", "centralised")
    for level in ("self_care", "partial_care", "full_care")
}

VARIABLES = (
    minimum_wage_tier,
    minimum_wage,
    dibao_standard,
    asset_financial_months,
    disability_living_subsidy_standard,
    disability_care_standard_hardship_grade_1,
    disability_care_standard_hardship_grade_2,
    disability_care_standard_other_grade_1,
    disability_care_standard_other_grade_2,
    *TEKUN_TOTALS.values(),
)
