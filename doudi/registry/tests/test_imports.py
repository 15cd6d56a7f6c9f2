from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from doudi.core.exceptions import ApplicationError
from doudi.core.id_protection import id_number_decrypt, id_number_hash
from doudi.core.models import AuditEvent, Division
from doudi.registry import selectors
from doudi.registry.imports import registry_import_parquet
from doudi.registry.models import BankAccount, Household, Membership, Person

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def population(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    call_command("synth", counties="350112", persons=400, seed=11, out=str(out), verbosity=0)
    return out


def _load(out):  # type: ignore[no-untyped-def]
    return registry_import_parquet(
        persons_path=out / "persons.parquet",
        households_path=out / "households.parquet",
        progress=False,
    )


def test_it_loads_every_household_person_and_membership_as_generated(population):
    persons = pq.read_table(population / "persons.parquet").to_pylist()
    households = pq.read_table(population / "households.parquet").to_pylist()

    counts = _load(population)

    assert counts["persons"] == len(persons) == Person.objects.count() == Membership.objects.count()
    assert counts["households"] == len(households) == Household.objects.count()
    assert (
        counts["bank_accounts"]
        == sum(1 for p in persons if p["bank_account"])
        == BankAccount.objects.count()
    )
    sample = persons[7]
    person = Person.objects.get(id_number_hash=id_number_hash(sample["id_number"]))
    assert (person.name, person.sex, person.birth_date, person.hukou_region_id) == (
        sample["name"],
        sample["sex"],
        sample["birth_date"],
        sample["hukou_region_code"],
    )
    assert id_number_decrypt(person.id_number_encrypted) == sample["id_number"]
    membership = person.memberships.get()
    assert (membership.relation, membership.is_counted) == (sample["relation"], sample["counted"])
    assert Household.objects.filter(memberships__relation="head").count() == len(households)


def test_it_creates_the_synthetic_villages_and_history_and_one_audit_event(population):
    _load(population)
    villages = {
        row["village_code"] for row in pq.read_table(population / "households.parquet").to_pylist()
    }
    assert Division.objects.filter(
        code__in=villages, is_synthetic=True, level="village"
    ).count() == len(villages)
    person = Person.objects.first()
    assert [(h.history_type, h.history_change_reason) for h in person.history.all()] == [
        ("+", "合成数据导入")
    ]
    assert AuditEvent.objects.filter(action="registry.imported").count() == 1


def test_loading_the_same_files_again_writes_nothing(population):
    _load(population)
    before = (Person.objects.count(), Household.objects.count(), Person.history.count())

    counts = _load(population)

    assert (counts["persons"], counts["households"]) == (0, 0)
    assert counts["skipped_households"] == before[1]
    assert (Person.objects.count(), Household.objects.count(), Person.history.count()) == before


def test_loaded_households_are_found_by_region_scoped_search(population, caseworker, outsider):
    _load(population)
    wuhang = {
        row["household_id"]
        for row in pq.read_table(population / "households.parquet").to_pylist()
        if row["township_code"] == "350112001"
    }
    head = next(
        row
        for row in pq.read_table(population / "persons.parquet").to_pylist()
        if row["relation"] == "head" and row["household_id"] in wuhang
    )
    household = Household.objects.get(
        memberships__person__id_number_hash=id_number_hash(head["id_number"])
    )

    found = selectors.household_search(actor=caseworker, id_number=head["id_number"])
    hidden = selectors.household_search(actor=outsider, id_number=head["id_number"])

    assert household.township_code == "350112001"
    assert [s.public_id for s in found] == [household.public_id]
    assert hidden == []


def test_a_missing_file_is_refused_and_nothing_is_written(tmp_path):
    with pytest.raises(ApplicationError) as error:
        registry_import_parquet(
            persons_path=tmp_path / "persons.parquet",
            households_path=tmp_path / "households.parquet",
            progress=False,
        )
    assert error.value.message == f"文件不存在：{tmp_path / 'persons.parquet'}"
    assert Person.objects.count() == 0
