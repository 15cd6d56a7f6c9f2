"""Identity resolution of department records against the registry (`doudi.exchange.identity`).

Builds a synthetic registry of N persons (`doudi.synth`, all Fujian counties) and M department
records drawn from it (without replacement) with the feeds' ID-number error rates
(`doudi.synth.feeds`: 0.5 % missing, 1 % one digit mistyped; name, birth date and region correct;
no sex column, as in most feeds). A second, harder slice has no ID number in any record, so Splink
does all the work. For each slice it times loading the registry's match columns from Parquet into
DuckDB plus `identity.resolve` (exact links, Splink training and prediction, decisions), and scores
the accepted links against the known truth: precision = correct links / links made, recall =
correct links / records (every record has one true person), F1. Review-queue records count as
not linked. The registry Parquet (person_key = the keyed HMAC the registry stores) is prepared
before timing. Figures go to bench/RESULTS.md with the load average (`uptime`).

    .venv/bin/python bench/identity_resolution.py --persons 1000000 --records 200000
    .venv/bin/python bench/identity_resolution.py --persons 50000 --records 10000   # quick
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from bench.results import record  # noqa: E402
from doudi.core.id_protection import id_number_hash  # noqa: E402
from doudi.exchange import identity  # noqa: E402
from doudi.synth.feeds import MISSING_SHARE, MISTYPED_SHARE, corrupt_id_numbers  # noqa: E402
from doudi.synth.generator import SynthConfig, write_parquet  # noqa: E402
from doudi.synth.villages import fujian_counties  # noqa: E402


def _masked(ids: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(ids, 0, 4), pc.utf8_slice_codeunits(ids, 14, 18), "**********"
    )


def _registry(persons: pa.Table, path: Path) -> None:
    ids = persons.column("id_number").to_pylist()
    keys = pa.array([id_number_hash(n) for n in ids], pa.string())
    table = pa.table(
        {
            "person_key": keys,
            "name": persons.column("name"),
            "birth_date": persons.column("birth_date"),
            "sex": persons.column("sex").cast(pa.string()),
            "region_code": persons.column("hukou_region_code").cast(pa.string()),
            "id_number_masked": _masked(persons.column("id_number")),
        }
    )
    pq.write_table(table, path)


def _records(persons: pa.Table, count: int, seed: int, missing: float, mistyped: float):
    rng = np.random.default_rng([seed, 0x1D])
    index = np.sort(rng.choice(persons.num_rows, size=count, replace=False))
    take = pa.array(index)
    ids, status = corrupt_id_numbers(persons.column("id_number").take(take), rng, missing, mistyped)
    id_list = ids.to_pylist()
    keys = [
        id_number_hash(n) if s == "valid" else None for n, s in zip(id_list, status, strict=False)
    ]
    truth = pa.array(
        [id_number_hash(n) for n in persons.column("id_number").take(take).to_pylist()],
        pa.string(),
    )
    records = pa.table(
        {
            "source_row": pa.array(np.arange(2, count + 2), pa.int64()),
            "person_key": pa.array(keys, pa.string()),
            "id_status": pa.array(status, pa.string()),
            "name": persons.column("name").take(take),
            "birth_date": persons.column("birth_date").take(take),
            "region_code": persons.column("hukou_region_code").take(take).cast(pa.string()),
        }
    )
    return records, truth


def _score(result: identity.Resolution, truth: pa.Array) -> dict[str, float]:
    true_key = dict(zip(range(2, len(truth) + 2), truth.to_pylist(), strict=False))
    rows = result.links.column("source_row").to_pylist()
    keys = result.links.column("person_key").to_pylist()
    methods = result.links.column("method").to_pylist()
    correct = sum(1 for r, k in zip(rows, keys, strict=False) if true_key[r] == k)
    made = len(rows)
    probabilistic = [
        (r, k) for r, k, m in zip(rows, keys, methods, strict=False) if m == "probabilistic"
    ]
    precision = correct / made if made else 0.0
    recall = correct / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    wrong_probabilistic = sum(1 for r, k in probabilistic if true_key[r] != k)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "links": made,
        "wrong_probabilistic": wrong_probabilistic,
    }


def _run(registry_path: Path, records: pa.Table, truth: pa.Array) -> tuple[float, dict, object]:
    started = time.perf_counter()
    con = identity.registry_connection()
    identity.registry_load_parquet(con, str(registry_path))
    result = identity.resolve(con, records)
    seconds = time.perf_counter() - started
    con.close()
    return seconds, _score(result, truth), result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-record", action="store_true", help="print only")
    parser.add_argument("--slice", choices=["all", "feed", "hard"], default="all")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory)
        config = SynthConfig(
            counties=tuple(fujian_counties()), persons=arguments.persons, seed=arguments.seed
        )
        generated = write_parquet(config, out)
        persons = pq.read_table(generated.persons_path)
        registry_path = out / "registry.parquet"
        _registry(persons, registry_path)
        slices = {
            "feed error rates": (MISSING_SHARE, MISTYPED_SHARE),
            "no ID numbers": (1.0, 0.0),
        }
        for name, (missing, mistyped) in slices.items():
            if arguments.slice != "all" and (arguments.slice == "hard") != (missing == 1.0):
                continue
            records, truth = _records(persons, arguments.records, arguments.seed, missing, mistyped)
            load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
            load = load.split("load average:")[-1].strip()
            seconds, score, result = _run(registry_path, records, truth)
            figure = (
                f"{seconds:.1f} s; precision {score['precision']:.4f}, recall "
                f"{score['recall']:.4f}, F1 {score['f1']:.4f}; exact {result.exact_count:,}, "
                f"probabilistic {result.probabilistic_count:,} "
                f"({score['wrong_probabilistic']} wrong), review {result.review_count:,}, "
                f"unmatched {result.unmatched_count:,}; m {result.parameters['m_source']}; "
                f"load average before the run {load}"
            )
            print(f"{name}: {figure}", flush=True)
            print(f"  phases: {result.parameters.get('seconds')}", flush=True)
            if not arguments.no_record:
                record(
                    f"identity_resolution ({name})",
                    f"{arguments.persons:,} registry persons × {arguments.records:,} records",
                    figure,
                )


if __name__ == "__main__":
    main()
