"""Load a synthetic population (Parquet from `doudi synth`) into the registry.

One transaction: either the whole population is loaded or nothing is. Loading the same files again
is a no-op (households carry an external reference derived from the file's checksum)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from django.db import transaction
from simple_history.utils import bulk_create_with_history
from tqdm import tqdm

from doudi.core import idcard
from doudi.core.audit import audit_event_record
from doudi.core.division_sync import villages_ensure
from doudi.core.exceptions import ApplicationError
from doudi.core.id_protection import field_encrypt, id_number_encrypt, id_number_hash
from doudi.core.models import Division
from doudi.registry.models import BankAccount, Household, Membership, Person

IMPORT_REASON = "合成数据导入"
BATCH_HOUSEHOLDS = 2000


def _file_tag(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def _mask_account(number: str) -> str:
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


def registry_import_parquet(
    *,
    persons_path: Path | str,
    households_path: Path | str,
    progress: bool = True,
    actor: Any = None,
) -> dict[str, int]:
    """Load households and persons; returns counts of what was inserted."""
    persons_path, households_path = Path(persons_path), Path(households_path)
    for path in (persons_path, households_path):
        if not path.exists():
            raise ApplicationError(f"文件不存在：{path}", field="path")
    tag = _file_tag(households_path)
    prefix = f"synth:{tag}:"
    households_table = pq.read_table(households_path)
    households = {row["household_id"]: row for row in households_table.to_pylist()}
    villages = sorted({(row["village_code"], row["village_name"]) for row in households.values()})

    with transaction.atomic():
        villages_ensure(Division, villages)
        already = {
            int(ref.removeprefix(prefix))
            for ref in Household.objects.filter(external_ref__startswith=prefix).values_list(
                "external_ref", flat=True
            )
        }
        village_rows = {
            d.code: d for d in Division.objects.filter(code__in=[code for code, _ in villages])
        }
        members_by_household: dict[int, list[dict[str, Any]]] = defaultdict(list)
        persons_file = pq.ParquetFile(persons_path)
        bar = tqdm(
            total=persons_file.metadata.num_rows, unit="人", desc="导入人员", disable=not progress
        )
        counts = {
            "households": 0,
            "persons": 0,
            "memberships": 0,
            "bank_accounts": 0,
            "skipped_households": 0,
        }
        pending: list[int] = []
        for batch in persons_file.iter_batches(batch_size=20000):
            for row in batch.to_pylist():
                if row["household_id"] not in members_by_household:
                    pending.append(row["household_id"])
                members_by_household[row["household_id"]].append(row)
            bar.update(batch.num_rows)
            # Persons are written household by household in generation order; flush complete ones.
            while len(pending) > BATCH_HOUSEHOLDS:
                chunk, pending = pending[:BATCH_HOUSEHOLDS], pending[BATCH_HOUSEHOLDS:]
                _write_chunk(
                    chunk,
                    households,
                    members_by_household,
                    village_rows,
                    already,
                    prefix,
                    counts,
                    actor,
                )
        _write_chunk(
            pending, households, members_by_household, village_rows, already, prefix, counts, actor
        )
        bar.close()
        audit_event_record(
            actor=actor,
            action="registry.imported",
            object_type="registry.import",
            object_id=tag,
            parameters={
                "persons_file": persons_path.name,
                "households_file": households_path.name,
                **counts,
            },
        )
    return counts


def _write_chunk(
    household_ids: list[int],
    households: dict[int, dict[str, Any]],
    members_by_household: dict[int, list[dict[str, Any]]],
    village_rows: dict[str, Division],
    already: set[int],
    prefix: str,
    counts: dict[str, int],
    actor: Any,
) -> None:
    new_ids = [hid for hid in household_ids if hid not in already]
    counts["skipped_households"] += len(household_ids) - len(new_ids)
    if not new_ids:
        for hid in household_ids:
            members_by_household.pop(hid, None)
        return
    household_objects = []
    for hid in new_ids:
        row = households[hid]
        village = village_rows[row["village_code"]]
        household_objects.append(
            Household(
                village=village,
                province_code=village.province_code,
                city_code=village.city_code,
                county_code=village.county_code,
                township_code=village.township_code,
                village_code=village.code,
                address=row["address"],
                area_type=row["area_type"],
                external_ref=f"{prefix}{hid}",
            )
        )
    created_households = bulk_create_with_history(
        household_objects,
        Household,
        batch_size=1000,
        default_user=actor,
        default_change_reason=IMPORT_REASON,
    )
    by_ref = {h.external_ref: h for h in created_households}
    if any(h.pk is None for h in created_households):
        by_ref = {
            h.external_ref: h for h in Household.objects.filter(external_ref__in=list(by_ref))
        }

    person_objects, member_rows, accounts = [], [], []
    for hid in new_ids:
        for row in members_by_household.pop(hid):
            number = row["id_number"]
            person = Person(
                name=row["name"],
                id_number_encrypted=id_number_encrypt(number),
                id_number_hash=id_number_hash(number),
                id_number_masked=idcard.mask(number),
                sex=row["sex"],
                birth_date=row["birth_date"],
                hukou_region_id=row["hukou_region_code"],
                hukou_type=row["hukou_type"],
                residence_region_id=row["residence_region_code"],
                phone=row["phone"] or "",
                disability_type=row["disability_type"] or "",
                disability_grade=row["disability_grade"],
                labour_capacity=row["labour_capacity"],
                serious_illness=row["serious_illness"],
                schooling=row["schooling"],
                vital_status=row["vital_status"],
            )
            person_objects.append(person)
            member_rows.append((by_ref[f"{prefix}{hid}"], person, row))
    for hid in household_ids:
        members_by_household.pop(hid, None)
    created_persons = bulk_create_with_history(
        person_objects,
        Person,
        batch_size=1000,
        default_user=actor,
        default_change_reason=IMPORT_REASON,
    )
    if any(p.pk is None for p in created_persons):
        ids = dict(
            Person.objects.filter(
                id_number_hash__in=[p.id_number_hash for p in person_objects]
            ).values_list("id_number_hash", "id")
        )
        for person in person_objects:
            person.pk = ids[person.id_number_hash]
    memberships = []
    for household, person, row in member_rows:
        memberships.append(
            Membership(
                household=household,
                person=person,
                relation=row["relation"],
                is_counted=row["counted"],
                exclusion_reason=row["exclusion_reason"] or "",
                joined_on=row["birth_date"]
                if row["relation"] in ("child", "grandchild")
                else _default_joined(),
            )
        )
        if row.get("bank_account"):
            number = row["bank_account"]
            accounts.append(
                BankAccount(
                    person=person,
                    bank_name="合成数据银行",
                    account_number_encrypted=field_encrypt(number),
                    account_number_masked=_mask_account(number),
                )
            )
    bulk_create_with_history(
        memberships,
        Membership,
        batch_size=1000,
        default_user=actor,
        default_change_reason=IMPORT_REASON,
    )
    bulk_create_with_history(
        accounts,
        BankAccount,
        batch_size=1000,
        default_user=actor,
        default_change_reason=IMPORT_REASON,
    )
    counts["households"] += len(household_objects)
    counts["persons"] += len(person_objects)
    counts["memberships"] += len(memberships)
    counts["bank_accounts"] += len(accounts)


def _default_joined():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localdate()
