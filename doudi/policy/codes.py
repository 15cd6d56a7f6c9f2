"""The closed vocabularies of the situation format, with their integer codes and Chinese labels.

OpenFisca variables hold these as small integers (faster than `Enum` variables, and the batch path
can pass plain numpy arrays); the situation parser and the explanations use the English keys and
the Chinese labels below. Keys follow docs/glossary.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from doudi.programmes import CATALOGUE

# 收入类型 (民发〔2021〕57号 第十一条、第十二条; POLICY.md §2.4). "counted" types enter family
# income; "excluded" types never do; "basic_pension" depends on the dated parameter
# dibao.exclude_basic_pension (excluded during the 十四五 period).
COUNTED_INCOME_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "wage": "工资性收入",
        "business": "经营净收入",
        "property": "财产净收入",
        "pension": "离退休金、养老金（不含城乡居民基础养老金）",
        "support": "赡养费、抚养费、扶养费",
        "unemployment": "失业保险金",
        "survivor": "遗属补助金",
        "compensation": "赔偿收入",
        "other": "其他应当计入的收入",
    }
)
BASIC_PENSION = "basic_pension"
EXCLUDED_INCOME_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "special_care": "优待抚恤金",
        "family_planning": "计划生育奖励与扶助金",
        "scholarship": "奖学金",
        "reward": "见义勇为等奖励性补助",
        "social_assistance": "政府发放的社会救助款物",
        "poverty_relief": "扶贫帮困资金",
        "old_age_allowance": "高龄津贴",
        "excluded": "其他按规定不计入的收入",
    }
)
INCOME_TYPES: Mapping[str, str] = MappingProxyType(
    {
        **COUNTED_INCOME_TYPES,
        BASIC_PENSION: "城乡居民基本养老保险基础养老金",
        **EXCLUDED_INCOME_TYPES,
    }
)

SCHOOLING: Mapping[str, int] = MappingProxyType(
    {
        "none": 0,
        "compulsory": 1,
        "high_school": 2,
        "secondary_vocational": 3,
        "undergraduate": 4,
        "postgraduate": 5,
    }
)
SCHOOLING_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "none": "不在学",
        "compulsory": "义务教育",
        "high_school": "普通高中",
        "secondary_vocational": "中等职业学校",
        "undergraduate": "全日制本科及以下",
        "postgraduate": "研究生",
    }
)

DISABILITY_TYPES: Mapping[str, int] = MappingProxyType(
    {
        "none": 0,
        "physical": 1,
        "visual": 2,
        "hearing": 3,
        "speech": 4,
        "intellectual": 5,
        "mental": 6,
        "multiple": 7,
    }
)
DISABILITY_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "physical": "肢体",
        "visual": "视力",
        "hearing": "听力",
        "speech": "言语",
        "intellectual": "智力",
        "mental": "精神",
        "multiple": "多重",
    }
)
GRADE_LABELS = ("", "一级", "二级", "三级", "四级")

ORPHAN_KINDS: Mapping[str, int] = MappingProxyType({"none": 0, "orphan": 1, "unsupported_child": 2})
ORPHAN_LABELS: Mapping[str, str] = MappingProxyType(
    {"orphan": "孤儿", "unsupported_child": "事实无人抚养儿童"}
)

TEMPORARY_KINDS: Mapping[str, int] = MappingProxyType({"none": 0, "emergency": 1, "expenditure": 2})
TEMPORARY_LABELS: Mapping[str, str] = MappingProxyType(
    {"emergency": "急难型", "expenditure": "支出型"}
)

SELF_CARE_LEVELS = ("self_care", "partial_care", "full_care")
SELF_CARE_LABELS: Mapping[str, str] = MappingProxyType(
    {"self_care": "全自理", "partial_care": "半护理", "full_care": "全护理"}
)

RELATIONS = (
    "head",
    "spouse",
    "child",
    "parent",
    "grandchild",
    "grandparent",
    "sibling",
    "child_in_law",
    "other_relative",
)

# Programme keys (GLOSSARY.md) and labels, in the order they appear in every output: the one
# catalogue, doudi.programmes.
PROGRAMMES: Mapping[str, str] = MappingProxyType(
    {str(key): spec.label for key, spec in CATALOGUE.items()}
)


def choices(keys: Iterable[str]) -> str:
    """'wage、business、…' for error messages listing the allowed values."""
    return "、".join(keys)
