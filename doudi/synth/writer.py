"""Parquet output: `write_parquet` streams the run's blocks into row groups, one writer thread per
file, under temporary names that are renamed at the end (a failed run leaves no partial file)."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from doudi.synth.config import GENERATOR_VERSION, REFERENCE_DATE, SynthConfig
from doudi.synth.run import _Run
from doudi.synth.schema import _HOUSEHOLD_WIRE, _PERSON_WIRE

PERSONS_FILE = "persons.parquet"
HOUSEHOLDS_FILE = "households.parquet"
_DELTA_COLUMNS = ("person_id", "household_id", "birth_date")
_STATS_COLUMNS = ("person_id", "household_id", "county_code", "township_code", "village_code")


@dataclass(frozen=True)
class SynthResult:
    persons: int
    households: int
    hardship_households: int
    seconds: float
    persons_path: Path
    households_path: Path
    bytes_written: int
    birth_dates_moved: int  # persons moved one day off a full ID slot (0 below ~2M per county)

    @property
    def persons_per_second(self) -> float:
        return self.persons / self.seconds if self.seconds > 0 else float("inf")


def file_metadata(config: SynthConfig) -> dict[str, str]:
    """Key-value metadata stored in both files."""
    return {
        "doudi.synth.version": GENERATOR_VERSION,
        "doudi.synth.seed": str(config.seed),
        "doudi.synth.persons": str(config.persons),
        "doudi.synth.counties": ",".join(config.counties),
        "doudi.synth.reference_date": REFERENCE_DATE.isoformat(),
    }


def _parquet_writer(path: Path, wire: pa.Schema) -> pq.ParquetWriter:
    dict_cols = [f.name for f in wire if pa.types.is_dictionary(f.type)]
    return pq.ParquetWriter(
        str(path),
        wire,
        compression="zstd",
        compression_level=1,
        use_dictionary=dict_cols,
        column_encoding={c: "DELTA_BINARY_PACKED" for c in _DELTA_COLUMNS if c in wire.names},
        store_schema=False,  # readers then see plain `string` for the dictionary-typed columns
        write_statistics=[c for c in _STATS_COLUMNS if c in wire.names],  # row-group pruning on ids
    )


class _FileWriter(threading.Thread):
    """Writes row groups of one file from a queue, in its own thread (pyarrow releases the GIL)."""

    def __init__(self, path: Path, wire: pa.Schema, metadata: dict[str, str]) -> None:
        super().__init__(name=f"synth-writer-{path.name}", daemon=True)
        self.path, self.wire, self.metadata = path, wire, metadata
        self.jobs: queue.Queue[list[pa.Table] | None] = queue.Queue(maxsize=3)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with _parquet_writer(self.path, self.wire) as writer:
                while (parts := self.jobs.get()) is not None:
                    writer.write_table(pa.concat_tables(parts), row_group_size=1 << 30)
                writer.add_key_value_metadata(self.metadata)
        except BaseException as exc:  # noqa: BLE001 - reported to the producing thread
            self.error = exc
            while self.jobs.get() is not None:  # unblock the producer
                pass


def write_parquet(
    config: SynthConfig,
    out_dir: str | os.PathLike[str],
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> SynthResult:
    """Generate and write `persons.parquet` and `households.parquet` into `out_dir` (created if
    missing). Both files are written under temporary names in `out_dir` and renamed at the end, so
    a failed run leaves no partial file. `progress(n)` is called with each block's person count.

    `workers` threads generate blocks (default: the number of CPUs, at most 4) and one thread per
    file encodes and writes the row groups; the output does not depend on the number of threads. A row group holds whole blocks, at least
    `chunk_households` households, and never mixes counties."""
    if workers is None:
        workers = min(4, os.cpu_count() or 1)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tag = f".tmp-{os.getpid()}-{threading.get_ident()}"
    tmp_p, tmp_h = out / (PERSONS_FILE + tag), out / (HOUSEHOLDS_FILE + tag)
    meta = file_metadata(config)
    started = time.perf_counter()
    writers = (_FileWriter(tmp_h, _HOUSEHOLD_WIRE, meta), _FileWriter(tmp_p, _PERSON_WIRE, meta))
    n_p = n_h = n_hard = 0
    run = _Run(config, workers=workers)
    try:
        for w in writers:
            w.start()
        try:
            parts: tuple[list[pa.Table], list[pa.Table]] = ([], [])
            pending, county = 0, ""
            for block in run.blocks():
                if any(w.error for w in writers):
                    break
                if parts[0] and (pending >= config.chunk_households or block.county_code != county):
                    for w, p in zip(writers, parts, strict=True):
                        w.jobs.put(p)
                    parts, pending = ([], []), 0
                county = block.county_code
                parts[0].append(block.households)
                parts[1].append(block.persons)
                pending += block.households.num_rows
                n_p += block.persons.num_rows
                n_h += block.households.num_rows
                n_hard += int(np.count_nonzero(block.households.column("hardship").to_numpy()))
                if progress is not None:
                    progress(block.persons.num_rows)
            if parts[0] and not any(w.error for w in writers):
                for w, p in zip(writers, parts, strict=True):
                    w.jobs.put(p)
        finally:
            for w in writers:
                w.jobs.put(None)
            for w in writers:
                w.join()
        for w in writers:
            if w.error is not None:
                raise w.error
        os.replace(tmp_h, out / HOUSEHOLDS_FILE)
        os.replace(tmp_p, out / PERSONS_FILE)
    except BaseException:
        for tmp in (tmp_p, tmp_h):
            tmp.unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - started
    pp, hp = out / PERSONS_FILE, out / HOUSEHOLDS_FILE
    return SynthResult(
        persons=n_p,
        households=n_h,
        hardship_households=n_hard,
        seconds=seconds,
        persons_path=pp,
        households_path=hp,
        bytes_written=pp.stat().st_size + hp.stat().st_size,
        birth_dates_moved=run.allocator.shifted,
    )
