"""Where snapshots live: DATA_DIR/exchange/<source>/<received YYYYMMDDTHHMMSS>-<sha256[:16]>.parquet.

Each file is the normalised feed sorted by `person_key` (the keyed HMAC of the ID number, nulls
last) in small row groups of `ROW_GROUP_SIZE` rows with min/max statistics, so that reading one
person decodes one small row group (docs/exchange.md, Snapshots). `person_key` is written without
dictionary encoding: the keys are nearly all distinct, so a dictionary only costs decode time. Files are written under a temporary name in the same
directory, renamed into place, and made read-only: a snapshot never changes."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

ROW_GROUP_SIZE = 4_096
ROOT = "exchange"


def snapshot_write_options(column_names: list[str]) -> dict:
    """`pyarrow.parquet.write_table` keyword arguments of the snapshot layout (also used by
    `bench/verification_report.py`, which writes snapshots directly)."""
    return {
        "row_group_size": ROW_GROUP_SIZE,
        "compression": "zstd",
        "write_statistics": True,
        "use_dictionary": [name for name in column_names if name != "person_key"],
    }


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def snapshot_relative_path(source: str, received_at: dt.datetime, checksum: str) -> str:
    stamp = received_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{ROOT}/{source}/{stamp}-{checksum[:16]}.parquet"


def snapshot_write_temporary(table: pa.Table, relative: str, metadata: dict[str, str]) -> Path:
    """Write `table` next to its final place under a temporary name; return that temporary path."""
    final = data_dir() / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.name}.tmp-{os.getpid()}")
    schema = table.schema.with_metadata({k.encode(): v.encode() for k, v in metadata.items()})
    pq.write_table(
        table.replace_schema_metadata(schema.metadata),
        temporary,
        **snapshot_write_options(table.column_names),
    )
    return temporary


def snapshot_publish(temporary: Path, relative: str) -> Path:
    """Atomically move the temporary file into place and make it read-only."""
    final = data_dir() / relative
    os.replace(temporary, final)
    final.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return final


def snapshot_discard(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def snapshot_path(relative: str) -> Path:
    return data_dir() / relative
