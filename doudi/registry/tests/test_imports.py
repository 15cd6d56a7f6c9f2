from __future__ import annotations

import importlib
import json
from datetime import date
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.test import Client

from doudi.core.exceptions import ApplicationError
from doudi.core.id_protection import id_number_decrypt, id_number_hash
from doudi.core.models import AuditEvent, Division
from doudi.registry import selectors
from doudi.registry.imports import registry_import_parquet
from doudi.registry.models import BankAccount, Household, Membership, Person
from doudi.registry.tests.factories import make_id_number
from doudi.testing.clients import api_headers

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


def _ordinary_writes(caseworker_user) -> tuple[list[int], list[int]]:  # type: ignore[no-untyped-def]
    """Staff register a household, add a member, edit a person and register an account: the
    statuses answered and the rows each history table gained."""
    histories = (Household.history, Person.history, Membership.history, BankAccount.history)
    before = [history.count() for history in histories]
    client = Client(**api_headers(caseworker_user))

    def send(method: str, url: str, body: dict) -> Any:
        return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")

    registered = send(
        "post",
        "/api/households",
        {
            "village_code": "350112001001",
            "address": "吴航街道兴华社区88号",
            "area_type": "urban",
            "reason": "首次登记",
            "members": [
                {"relation": "head", "person": _person("郑立群", date(1971, 2, 3), "M")},
            ],
        },
    )
    household = registered.json()["public_id"]
    added = send(
        "post",
        f"/api/households/{household}/members",
        {
            "relation": "spouse",
            "reason": "婚入",
            "person": _person("郑素华", date(1973, 6, 9), "F"),
        },
    )
    head = Person.objects.get(name="郑立群").public_id
    edited = send("patch", f"/api/persons/{head}", {"reason": "更新电话", "phone": "10012345678"})
    account = send(
        "post",
        f"/api/persons/{head}/bank-accounts",
        {
            "bank_name": "福建省农村信用社",
            "account_number": "9999990000000000006",
            "reason": "发放账户",
        },
    )
    statuses = [r.status_code for r in (registered, added, edited, account)]
    after = [history.count() for history in histories]
    return statuses, [a - b for a, b in zip(after, before, strict=True)]


def test_after_an_import_ordinary_writes_take_the_next_free_ids(population, caseworker_user):
    # given a county brought in by the bulk import (rows and history written with explicit ids)
    _load(population)

    # when staff register a household, add a member, edit a person and register an account
    statuses, history_rows = _ordinary_writes(caseworker_user)

    # then every write succeeds and is recorded in its history
    assert statuses == [201, 201, 200, 201]
    assert history_rows == [1, 3, 2, 1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite tracks the largest id itself")
def test_after_a_restore_from_a_dump_ordinary_writes_take_the_next_free_ids(
    population, caseworker_user, tmp_path
):
    # given a county dumped (rows and history with their ids) and restored into an empty registry
    # whose sequences start again at 1, as on a new server
    _load(population)
    persons = Person.objects.count()
    dump = tmp_path / "registry.json"
    call_command("dumpdata", "registry", output=str(dump), verbosity=0)
    tables = [model._meta.db_table for model in django_apps.get_app_config("registry").get_models()]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    assert Person.objects.count() == 0
    call_command("loaddata", str(dump), verbosity=0)
    assert Person.objects.count() == persons

    # when staff go on with their ordinary writes, then each takes the next free id
    statuses, history_rows = _ordinary_writes(caseworker_user)

    assert statuses == [201, 201, 200, 201]
    assert history_rows == [1, 3, 2, 1]


def _person(name: str, birth: date, sex: str) -> dict[str, Any]:
    return {
        "name": name,
        "id_number": make_id_number(birth, sex=sex, address="350112"),
        "hukou_region_code": "350112001001",
        "hukou_type": "urban",
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite tracks the largest id itself")
def test_the_repair_migration_moves_every_sequence_past_the_largest_id(population):
    # given a database loaded before the import advanced the history sequences
    _load(population)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('registry_historicalhousehold', 'history_id'), 1)"
        )
    repair = importlib.import_module("doudi.registry.migrations.0004_reset_history_sequences")

    # when the migration runs
    with connection.schema_editor() as editor:
        repair.reset_sequences(django_apps, editor)

    # then the next history row takes the id after the largest
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(history_id) FROM registry_historicalhousehold")
        largest = cursor.fetchone()[0]
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('registry_historicalhousehold', 'history_id'))"
        )
        assert cursor.fetchone()[0] == largest + 1
