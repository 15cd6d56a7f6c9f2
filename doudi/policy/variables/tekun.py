"""特困人员救助供养 (tekun): the "three nos" test per person, and the support standard.

Tekun is decided per counted member. Decision (docs/policy.md): a tekun person leaves the dibao
unit — the rest of the household is assessed for dibao without them and their income — so no
person is ever covered by both (民发〔2021〕43号: 特困 and 低保 are mutually exclusive).
"""

from __future__ import annotations

import numpy as np
from openfisca_core.model_api import MONTH, Variable

from doudi.policy import sources
from doudi.policy.codes import DISABILITY_TYPES, SCHOOLING
from doudi.policy.entities import Household, Person
from doudi.policy.money import round_fen
from doudi.policy.variables.regional_values import TEKUN_TOTALS

IN_SECONDARY_SCHOOL = (
    SCHOOLING["compulsory"],
    SCHOOLING["high_school"],
    SCHOOLING["secondary_vocational"],
)
MENTAL_OR_INTELLECTUAL = (DISABILITY_TYPES["intellectual"], DISABILITY_TYPES["mental"])
PHYSICAL = DISABILITY_TYPES["physical"]
VISUAL = DISABILITY_TYPES["visual"]
MULTIPLE = DISABILITY_TYPES["multiple"]


def _minor_or_elderly(person, period, parameters):
    p = parameters(period).tekun
    age = person("age", period)
    continuing = person("tekun_recognised", period) & (age < p.continuation_age)
    return (age >= p.elderly_age) | (age < p.minor_age) | continuing


class tekun_no_labour_capacity(Variable):
    """无劳动能力 for tekun purposes.

    Until 2021-11 (民发〔2021〕43号 第五条, national): aged 60+; under 16; intellectual or mental
    disability grade 1–3; physical disability grade 1–2; visual disability grade 1. An already
    recognised minor keeps the status until 18 (2020 MCA/MOF notice).
    From 2021-12 (《福建省特困人员认定办法》 2021 [V3]): also 16+ while in compulsory education,
    general senior high or secondary vocational school (not university), and visual disability
    grade 1–2. Decision: 多重残疾 is treated like physical disability (grade 1–2).
    """

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "无劳动能力（特困认定）"
    reference = [sources.TEKUN_RULES, sources.TEKUN_FUJIAN]

    def formula(person, period, parameters):
        grade = person("disability_grade", period)
        kind = person("disability_type", period)
        disabled = (np.isin(kind, MENTAL_OR_INTELLECTUAL) & (grade >= 1) & (grade <= 3)) | (
            np.isin(kind, (PHYSICAL, MULTIPLE)) & (grade >= 1) & (grade <= 2)
        )
        disabled = disabled | ((kind == VISUAL) & (grade == 1))
        return _minor_or_elderly(person, period, parameters) | disabled

    def formula_2021_12(person, period, parameters):
        grade = person("disability_grade", period)
        kind = person("disability_type", period)
        disabled = (np.isin(kind, MENTAL_OR_INTELLECTUAL) & (grade >= 1) & (grade <= 3)) | (
            np.isin(kind, (PHYSICAL, VISUAL, MULTIPLE)) & (grade >= 1) & (grade <= 2)
        )
        in_school = np.isin(person("schooling", period), IN_SECONDARY_SCHOOL)
        return _minor_or_elderly(person, period, parameters) | disabled | in_school


class tekun_no_means(Variable):
    """无生活来源: own assessed income below the local dibao standard, and assets within the rules.

    Source: 民发〔2021〕43号 第六条 [V3]; excluded income (基础养老金, 优待抚恤金, 高龄津贴 …) is
    already left out of `assessed_income`. Decision: the household's asset record is used.
    """

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "无生活来源（特困认定）"
    reference = [sources.TEKUN_RULES]

    def formula(person, period, parameters):
        standard = person.household("dibao_standard", period)
        return (person("assessed_income", period) < standard) & person.household(
            "assets_within_limits", period
        )


class is_tekun(Variable):
    """A counted member meets all three "nos" (社会救助暂行办法 第十四条).

    No labour capacity, no means, and no legal supporter or supporters unable (the input
    `supporters_unable`, judged by the caseworker under 民发〔2021〕43号 第七条). A minor who also
    qualifies as an orphan or unsupported child and chooses that scheme is not tekun.
    """

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "特困人员"
    reference = [sources.INTERIM_MEASURES_ART_14, sources.TEKUN_RULES, sources.TEKUN_FUJIAN]

    def formula(person, period, parameters):
        chooses_orphan = (person("orphan_kind", period) > 0) & person(
            "chooses_orphan_scheme", period
        )
        return (
            person("counted", period)
            & person("tekun_no_labour_capacity", period)
            & person("tekun_no_means", period)
            & person("supporters_unable", period)
            & ~chooses_orphan
        )


class self_care_level(Variable):
    """生活自理能力: 0 全自理 (all 6 activities achieved), 1 半护理 (1–3 not), 2 全护理 (4+ not).

    Source: 民发〔2021〕43号 (six activities: eating, dressing, getting in/out of bed, toileting,
    walking indoors, bathing) [V3].
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "生活自理能力等级"
    reference = [sources.TEKUN_RULES]

    def formula(person, period, parameters):
        failed = person("self_care_failed_items", period)
        return np.select([failed <= 0, failed <= 3], [0, 1], 2)


class tekun_basic_standard(Variable):
    """基本生活标准: 1.3 × the local dibao standard (fen, rounded half up).

    Source: Fujian 2014 意见 "不低于当地城市低保标准的130%"; 宁德 2018 [V3] (tekun.basic_ratio).
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "特困人员基本生活标准（分/月）"
    reference = [sources.FUJIAN_OPINION_2014, sources.TEKUN_FUJIAN]

    def formula(person, period, parameters):
        standard = person.household("dibao_standard", period)
        return round_fen(parameters(period).tekun.basic_ratio * standard)


class tekun_care_standard(Variable):
    """照料护理标准: a share of the local monthly minimum wage by care level and form of support.

    Demo rule ([GAP] for Fujian, after 安徽 2023): dispersed 3 % / 20 % / 35 %, centralised
    4 % / 30 % / 50 % for 全自理 / 半护理 / 全护理 (parameters tekun.care.*).
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "特困人员照料护理标准（分/月）"
    reference = [sources.TEKUN_RULES]

    def formula(person, period, parameters):
        care = parameters(period).tekun.care
        level = person("self_care_level", period)
        centralised = person("tekun_centralised", period)
        shares = np.array(
            [
                [care.dispersed.self_care, care.dispersed.partial_care, care.dispersed.full_care],
                [
                    care.centralised.self_care,
                    care.centralised.partial_care,
                    care.centralised.full_care,
                ],
            ]
        )
        share = shares[centralised.astype(np.int64), level]
        return round_fen(share * person.household("minimum_wage", period))


class tekun_local_total(Variable):
    """The locally published total standard for this person's form and care level, or -1.

    Fuzhou publishes totals from 2025-07-01 [V3]; see `tekun_person_amount`.
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "当地公布的特困供养标准总额（分/月，-1 为无）"
    reference = [sources.TEKUN_FUJIAN]

    def formula(person, period, parameters):
        level = person("self_care_level", period)
        centralised = person("tekun_centralised", period)
        result = np.full(level.shape, -1, dtype=np.int64)
        for (mode, care_level), variable in TEKUN_TOTALS.items():
            index = ("self_care", "partial_care", "full_care").index(care_level)
            selected = (centralised == (mode == "centralised")) & (level == index)
            values = person.household(variable.__name__, period)
            result = np.where(selected, values, result)
        return result


class tekun_person_amount(Variable):
    """Monthly tekun support for a tekun person (fen): the local total where one is published,
    else basic living standard + care standard (民发〔2021〕43号; 国发〔2016〕14号 [R])."""

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "特困人员供养金（分/月）"
    reference = [sources.TEKUN_RULES, sources.TEKUN_FUJIAN]

    def formula(person, period, parameters):
        total = person("tekun_local_total", period)
        computed = person("tekun_basic_standard", period) + person("tekun_care_standard", period)
        amount = np.where(total >= 0, total, computed)
        return np.where(person("is_tekun", period), amount, 0)


class tekun_eligible(Variable):
    """At least one member of the household is recognised as tekun."""

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "有特困人员"
    reference = [sources.TEKUN_RULES]

    def formula(household, period, parameters):
        return household.any(household.members("is_tekun", period))


class tekun_amount(Variable):
    """Total monthly tekun support of the household's tekun members (fen)."""

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "特困供养金合计（分/月）"
    reference = [sources.TEKUN_RULES]

    def formula(household, period, parameters):
        return household.sum(household.members("tekun_person_amount", period)).astype(np.int64)


VARIABLES = (
    tekun_no_labour_capacity,
    tekun_no_means,
    is_tekun,
    self_care_level,
    tekun_basic_standard,
    tekun_care_standard,
    tekun_local_total,
    tekun_person_amount,
    tekun_eligible,
    tekun_amount,
)
