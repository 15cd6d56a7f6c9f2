"""Load a synthetic population (Parquet from `doudi synth`) into the registry.

One transaction: either the whole population is loaded or nothing is. Loading the same files again
is a no-op (households carry an external reference derived from the file's checksum)."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from doudi.core import idcard
from doudi.core.audit import audit_event_record
from doudi.core.bulk import insert_rows, reserve_ids
from doudi.core.division_sync import villages_ensure
from doudi.core.exceptions import ApplicationError
from doudi.core.id_protection import field_encrypt, id_number_encrypt, id_number_hash
from doudi.core.models import Division
from doudi.registry.models import BankAccount, Household, Membership, Person
from doudi.registry.services.bank_accounts import account_number_mask

IMPORT_REASON = "合成数据导入"
BATCH_HOUSEHOLDS = 2000


def _file_tag(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def registry_import_parquet(
    *,
    persons_path: Path | str,
    households_path: Path | str,
    progress: bool = True,
    actor: Any = None,
) -> dict[str, int]:
    """Load households and persons; returns counts of what was inserted.

    The two files are read row group by row group, side by side (`doudi synth` writes the persons of
    households row group i into persons row group i), so memory stays bounded at any scale."""
    persons_path, households_path = Path(persons_path), Path(households_path)
    for path in (persons_path, households_path):
        if not path.exists():
            raise ApplicationError(f"文件不存在：{path}", field="path")
    prefix = f"synth:{_file_tag(households_path)}:"
    households_file = pq.ParquetFile(households_path)
    persons_file = pq.ParquetFile(persons_path)
    if households_file.num_row_groups != persons_file.num_row_groups:
        raise ApplicationError(
            "人员文件与家庭文件的分组数不一致：请使用 doudi synth 同一次生成的两个文件",
            field="path",
        )
    counts = {
        "households": 0,
        "persons": 0,
        "memberships": 0,
        "bank_accounts": 0,
        "skipped_households": 0,
    }
    with transaction.atomic():
        villages_ensure(Division, _villages(households_file))
        village_rows: dict[str, Division] = {}
        bar = tqdm(
            total=persons_file.metadata.num_rows, unit="人", desc="导入人员", disable=not progress
        )
        for group in range(households_file.num_row_groups):
            households, members, persons = _row_group(households_file, persons_file, group)
            needed = {row["village_code"] for row in households.values()} - set(village_rows)
            village_rows.update((d.code, d) for d in Division.objects.filter(code__in=needed))
            ids = list(households)
            for start in range(0, len(ids), BATCH_HOUSEHOLDS):
                _write_chunk(
                    ids[start : start + BATCH_HOUSEHOLDS],
                    households,
                    members,
                    village_rows,
                    prefix,
                    counts,
                    actor,
                )
            bar.update(persons.num_rows)
        bar.close()
        audit_event_record(
            actor=actor,
            action="registry.imported",
            object_type="registry.import",
            object_id=prefix.removesuffix(":"),
            parameters={
                "persons_file": persons_path.name,
                "households_file": households_path.name,
                **counts,
            },
        )
    return counts


def _row_group(
    households_file: pq.ParquetFile, persons_file: pq.ParquetFile, group: int
) -> tuple[dict[int, dict[str, Any]], dict[int, list[dict[str, Any]]], pa.Table]:
    """Row group `group` of both files: the households by id, their members, and the persons
    table (refused when a person's household is not in the same row group)."""
    households = {
        row["household_id"]: row for row in households_file.read_row_group(group).to_pylist()
    }
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    persons = persons_file.read_row_group(group)
    for row in persons.to_pylist():
        if row["household_id"] not in households:
            raise ApplicationError(
                f"人员 {row['person_id']} 所属家庭 {row['household_id']} 不在对应的家庭分组中",
                field="path",
            )
        members[row["household_id"]].append(row)
    return households, members, persons


def _villages(households_file: pq.ParquetFile) -> list[tuple[str, str]]:
    villages: dict[str, str] = {}
    for group in range(households_file.num_row_groups):
        table = households_file.read_row_group(group, columns=["village_code", "village_name"])
        for code, name in zip(
            table.column("village_code").to_pylist(),
            table.column("village_name").to_pylist(),
            strict=True,
        ):
            villages.setdefault(code, name)
    return sorted(villages.items())


def _with_history(model: Any, rows: list[dict[str, Any]], *, actor: Any, now: Any) -> None:
    """Insert rows and, for each, its creation record in the model's history table."""
    insert_rows(model, rows)
    history_model = model.history.model
    history_columns = [field.column for field in history_model._meta.concrete_fields]
    history_ids = reserve_ids(history_model, len(rows))
    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    insert_rows(
        history_model,
        (
            {
                **{column: row[column] for column in history_columns if column in row},
                "history_id": history_id,
                "history_date": now,
                "history_change_reason": IMPORT_REASON,
                "history_type": "+",
                "history_user_id": user_id,
            }
            for row, history_id in zip(rows, history_ids, strict=True)
        ),
    )


def _new_household_ids(household_ids: list[int], prefix: str) -> list[int]:
    """The households of the chunk not loaded yet (by their external reference)."""
    refs = [f"{prefix}{hid}" for hid in household_ids]
    already = {
        int(ref.removeprefix(prefix))
        for ref in Household.objects.filter(external_ref__in=refs).values_list(
            "external_ref", flat=True
        )
    }
    return [hid for hid in household_ids if hid not in already]


def _household_row(
    pk: int, hid: int, row: dict[str, Any], village: Division, prefix: str, now: Any
) -> dict[str, Any]:
    return {
        "id": pk,
        "created_at": now,
        "updated_at": now,
        "public_id": uuid.uuid4(),
        "village_id": village.code,
        "province_code": village.province_code,
        "city_code": village.city_code,
        "county_code": village.county_code,
        "township_code": village.township_code,
        "village_code": village.code,
        "address": row["address"],
        "area_type": row["area_type"],
        "external_ref": f"{prefix}{hid}",
    }


def _person_row(pk: int, row: dict[str, Any], now: Any) -> dict[str, Any]:
    """The person, with the ID number encrypted, hashed and masked."""
    number = row["id_number"]
    return {
        "id": pk,
        "created_at": now,
        "updated_at": now,
        "public_id": uuid.uuid4(),
        "name": row["name"],
        "id_number_encrypted": id_number_encrypt(number),
        "id_number_hash": id_number_hash(number),
        "id_number_masked": idcard.mask(number),
        "sex": row["sex"],
        "birth_date": row["birth_date"],
        "hukou_region_id": row["hukou_region_code"],
        "hukou_type": row["hukou_type"],
        "residence_region_id": row["residence_region_code"],
        "phone": row["phone"] or "",
        "disability_type": row["disability_type"] or "",
        "disability_grade": row["disability_grade"],
        "labour_capacity": row["labour_capacity"],
        "serious_illness": row["serious_illness"],
        "schooling": row["schooling"],
        "vital_status": row["vital_status"],
        "date_of_death": row.get("date_of_death"),
    }


def _membership_row(
    pk: int, household_pk: int, person_pk: int, row: dict[str, Any], now: Any, today: Any
) -> dict[str, Any]:
    return {
        "id": pk,
        "created_at": now,
        "updated_at": now,
        "household_id": household_pk,
        "person_id": person_pk,
        "relation": row["relation"],
        "is_counted": row["counted"],
        "exclusion_reason": row["exclusion_reason"] or "",
        "is_active": True,
        "joined_on": today,
        "left_on": None,
    }


def _account_row(person_pk: int, account: str, now: Any) -> dict[str, Any]:
    """The person's primary bank account (its id is reserved once the chunk's are known)."""
    return {
        "created_at": now,
        "updated_at": now,
        "person_id": person_pk,
        "bank_name": "合成数据银行",
        "account_number_encrypted": field_encrypt(account),
        "account_number_masked": account_number_mask(account),
        "is_primary": True,
        "is_active": True,
    }


def _write_chunk(
    household_ids: list[int],
    households: dict[int, dict[str, Any]],
    members_by_household: dict[int, list[dict[str, Any]]],
    village_rows: dict[str, Division],
    prefix: str,
    counts: dict[str, int],
    actor: Any,
) -> None:
    new_ids = _new_household_ids(household_ids, prefix)
    counts["skipped_households"] += len(household_ids) - len(new_ids)
    members = {hid: members_by_household.pop(hid, []) for hid in household_ids}
    if not new_ids:
        return
    now = timezone.now()
    today = timezone.localdate()
    household_pks = dict(zip(new_ids, reserve_ids(Household, len(new_ids)), strict=True))
    household_rows = [
        _household_row(
            household_pks[hid],
            hid,
            households[hid],
            village_rows[households[hid]["village_code"]],
            prefix,
            now,
        )
        for hid in new_ids
    ]
    _with_history(Household, household_rows, actor=actor, now=now)

    person_count = sum(len(members[hid]) for hid in new_ids)
    person_pks = iter(reserve_ids(Person, person_count))
    membership_pks = iter(reserve_ids(Membership, person_count))
    person_rows, membership_rows, account_rows = [], [], []
    for hid in new_ids:
        for row in members[hid]:
            person_pk = next(person_pks)
            person_rows.append(_person_row(person_pk, row, now))
            membership_rows.append(
                _membership_row(
                    next(membership_pks), household_pks[hid], person_pk, row, now, today
                )
            )
            if row.get("bank_account"):
                account_rows.append(_account_row(person_pk, row["bank_account"], now))
    _with_history(Person, person_rows, actor=actor, now=now)
    _with_history(Membership, membership_rows, actor=actor, now=now)
    for account, pk in zip(account_rows, reserve_ids(BankAccount, len(account_rows)), strict=True):
        account["id"] = pk
    _with_history(BankAccount, account_rows, actor=actor, now=now)
    counts["households"] += len(household_rows)
    counts["persons"] += len(person_rows)
    counts["memberships"] += len(membership_rows)
    counts["bank_accounts"] += len(account_rows)
