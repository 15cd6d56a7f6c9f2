"""Builders for verification tests: a household with known (synthetic) ID numbers, department
files ingested through the exchange app, and an identity-resolution sidecar."""

from __future__ import annotations

import csv
import datetime as dt
import io
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from doudi.accounts.scoping import actor_for_user
from doudi.core import idcard
from doudi.exchange.models import FeedSnapshot
from doudi.exchange.services import feed_file_ingest
from doudi.exchange.store import snapshot_path
from doudi.registry.services import MemberSpec
from doudi.registry.tests.factories import person_facts, register_household
from doudi.testing.clock import on
from doudi.verification.snapshots import links_path
from doudi.verification.sources import SOURCES


def id_number(first17: str) -> str:
    return first17 + idcard.check_character(first17)


HEAD = id_number("35011219800517001")  # 林建国
SPOUSE = id_number("35011219820308002")  # 陈秀英
CHILD = id_number("35011220150901004")  # 林小雨
STRANGER = id_number("35011219700101005")  # 王五, in no household of the tests


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def verification_officer(verification_officer_user):  # noqa: F811
    return actor_for_user(verification_officer_user)


@pytest.fixture
def lin_household(caseworker):
    """林家 of 吴航街道兴华社区: head, spouse and a minor child, with known ID numbers."""
    village = "350112001001"
    return register_household(
        caseworker,
        members=[
            MemberSpec(
                relation="head",
                facts=person_facts("林建国", date(1980, 5, 17), id_number=HEAD),
            ),
            MemberSpec(
                relation="spouse",
                facts=person_facts("陈秀英", date(1982, 3, 8), sex="F", id_number=SPOUSE),
            ),
            MemberSpec(
                relation="child",
                facts=person_facts("林小雨", date(2015, 9, 1), sex="F", id_number=CHILD),
            ),
        ],
        village=village,
    )


def stranger_row(source: str) -> dict[str, str]:
    """One valid row of `source` about STRANGER (so that the source has a snapshot)."""
    base = {"id_number": STRANGER, "name": "王五", "birth_date": "1970-01-01"}
    rows = {
        "tax": {
            "period": "2026-09",
            "income_type": "wage",
            "income_amount": "100.00",
            "tax_paid": "0",
        },
        "pensions": {"period": "2026-09", "pension_type": "employee", "amount": "100.00"},
        "unemployment_benefits": {"period": "2026-09", "amount": "100.00"},
        "social_insurance_contributions": {
            "period": "2026-09",
            "scheme": "employee_pension",
            "contribution_base": "100.00",
        },
        "bank_deposits": {"institution": "某银行", "balance": "100.00", "as_of": "2026-10-31"},
        "securities": {"institution": "某证券", "market_value": "100.00", "as_of": "2026-10-31"},
        "commercial_insurance": {
            "insurer": "某保险",
            "policy_number": "P-STRANGER",
            "product_type": "life",
            "annual_premium": "100",
            "cash_value": "100",
            "start_date": "2020-01-01",
        },
        "vehicles": {
            "plate_number": "闽A00000",
            "vehicle_type": "car",
            "registered_on": "2020-01-01",
            "assessed_value": "100",
        },
        "real_estate": {
            "certificate_number": "R-STRANGER",
            "location_code": "350112",
            "usage": "residential",
            "floor_area": "80",
            "registered_on": "2010-01-01",
        },
        "business_registration": {
            "credit_code": "91350112MA0000000X",
            "business_name": "某店",
            "entity_type": "individual",
            "role": "operator",
            "registered_capital": "1000",
            "registered_on": "2020-01-01",
            "status": "active",
        },
        "housing_fund": {"period": "2026-09", "monthly_contribution": "100", "balance": "100"},
    }
    return {**base, **rows[source]}


def ingest(source: str, rows: list[dict[str, str]], *, day: str = "2026-11-05") -> FeedSnapshot:
    """Ingest `rows` (plus the stranger's row) as `source`'s snapshot received on `day`."""
    all_rows = [stranger_row(source), *rows]
    header = list(all_rows[0])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(all_rows)
    with on(day):
        outcome = feed_file_ingest(
            actor=None, source=source, data=buffer.getvalue().encode(), filename=f"{source}.csv"
        )
    assert outcome.outcome == "accepted", [p.as_dict() for p in outcome.problems]
    assert outcome.snapshot is not None
    return outcome.snapshot


def ingest_all(data: dict[str, list[dict[str, str]]], *, skip: tuple[str, ...] = ()) -> None:
    """Every verification source gets a snapshot (with `data`'s rows), except `skip`."""
    for spec in SOURCES:
        if spec.source not in skip:
            ingest(spec.source, data.get(spec.source, []))


def write_sidecar(snapshot: FeedSnapshot, links: list[tuple[int, str, str, float]]) -> None:
    """An identity-resolution sidecar X.links.parquet: (source_row, person_key, method, p)."""
    path = links_path(snapshot_path(snapshot.path))
    table = pa.table(
        {
            "source_row": pa.array([link[0] for link in links], pa.int64()),
            "person_key": pa.array([link[1] for link in links], pa.string()),
            "method": pa.array([link[2] for link in links], pa.string()),
            "match_probability": pa.array([link[3] for link in links], pa.float64()),
            "model_version": pa.array(["test-1"] * len(links), pa.string()),
            "decided_at": pa.array(
                [dt.datetime(2026, 11, 6, tzinfo=dt.UTC)] * len(links), pa.timestamp("us", "UTC")
            ),
        }
    )
    pq.write_table(table, path)
