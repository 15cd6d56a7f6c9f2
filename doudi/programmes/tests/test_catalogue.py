"""The catalogue says once what each programme is; every context reads it from here."""

from __future__ import annotations

import pytest

from doudi import programmes
from doudi.core.tests.purity import REPOSITORY, django_modules_loaded_by, modules_importing_django
from doudi.programmes import Exclusion, Programme


def test_it_lists_the_eight_programmes_in_output_order_with_one_label_each() -> None:
    assert programmes.CHOICES == [
        ("dibao", "最低生活保障（低保）"),
        ("tekun", "特困人员救助供养"),
        ("marginal_household", "低保边缘家庭"),
        ("rigid_expenditure_household", "刚性支出困难家庭"),
        ("temporary_assistance", "临时救助"),
        ("disability_living_subsidy", "困难残疾人生活补贴"),
        ("disability_care_subsidy", "重度残疾人护理补贴"),
        ("orphan", "孤儿、事实无人抚养儿童基本生活保障"),
    ]
    assert programmes.KEYS == tuple(key for key, _ in programmes.CHOICES)


def test_the_attributes_every_context_asks_for() -> None:
    assert programmes.MEANS_TESTED == {
        "dibao",
        "tekun",
        "marginal_household",
        "rigid_expenditure_household",
    }
    assert programmes.ONE_OFF == {"temporary_assistance"}
    assert programmes.MONTHLY == set(programmes.KEYS) - {"temporary_assistance"}
    assert programmes.PUBLISHED_IN_NOTICE == {"dibao", "tekun", "temporary_assistance"}
    assert programmes.CROSS_REGION == {"disability_living_subsidy", "disability_care_subsidy"}
    assert programmes.AT_EMERGENCY_PLACE == {"temporary_assistance"}


def test_every_exclusion_is_declared_on_both_sides_at_the_same_level() -> None:
    for spec in programmes.CATALOGUE.values():
        for other, level in spec.excludes.items():
            assert other != spec.key
            assert programmes.CATALOGUE[other].excludes.get(spec.key) == level, (spec.key, other)


def test_dibao_and_tekun_exclude_each_other_per_person_and_temporary_assistance_stacks() -> None:
    assert Programme.DIBAO.spec.excludes[Programme.TEKUN] == Exclusion.PERSON
    assert Programme.MARGINAL_HOUSEHOLD.spec.excludes[Programme.DIBAO] == Exclusion.HOUSEHOLD
    assert dict(Programme.TEMPORARY_ASSISTANCE.spec.excludes) == {}


def test_an_unknown_key_is_a_key_error_and_keeps_its_name_as_label() -> None:
    with pytest.raises(KeyError, match="pension"):
        programmes.spec("pension")
    assert programmes.label("pension") == "pension"
    assert programmes.label("tekun") == "特困人员救助供养"


def test_the_policy_engine_and_the_tables_use_the_same_labels() -> None:
    from doudi.benefits.models import Entitlement
    from doudi.policy.codes import PROGRAMMES

    assert list(PROGRAMMES.items()) == programmes.CHOICES
    assert Entitlement._meta.get_field("programme").choices == programmes.CHOICES


def test_it_imports_without_loading_django() -> None:
    assert django_modules_loaded_by("import doudi.programmes") == []
    assert modules_importing_django(REPOSITORY / "doudi" / "programmes") == []
