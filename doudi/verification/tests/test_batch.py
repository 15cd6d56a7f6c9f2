from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pytest

from doudi.exchange.selectors import feed_snapshot_latest
from doudi.exchange.store import snapshot_path
from doudi.verification.batch import batch_screen
from doudi.verification.findings import Limits
from doudi.verification.sources import SOURCES
from doudi.verification.tests.helpers import STRANGER
from doudi.verification.tests.test_services import lin_feeds, link_spouse_labour

pytestmark = pytest.mark.django_db

LIMITS = Limits(Decimal("970.00"), 24, 0, 1, 0, 0)


def test_the_batch_agrees_with_the_report_rules(lin_household, data_dir):
    # given: 林家's feeds (as in the report test) and the stranger as a second household
    lin_feeds()
    link_spouse_labour()
    from doudi.core.id_protection import id_number_hash

    keys = [m.person.id_number_hash for m in lin_household.memberships.order_by("id")]
    members = pa.table(
        {
            "household_id": pa.array([1, 1, 1, 2], pa.int64()),
            "person_key": [*keys, id_number_hash(STRANGER)],
            "county_code": ["350112"] * 4,
        }
    )
    snapshots = {}
    for spec in SOURCES:
        latest = feed_snapshot_latest(source=spec.source)
        if latest is not None:
            snapshots[spec.source] = snapshot_path(latest.path)
    # when
    result = batch_screen(
        members=members,
        snapshots=snapshots,
        limits={"350112": LIMITS},
        month="2026-11",
        income_months=6,
    ).to_pylist()
    # then: 3,000 wage + 500 linked labour income a month; the car breaks the limit
    lin, stranger = result
    assert (lin["monthly_income"], lin["financial"], lin["vehicles"]) == (
        Decimal("3500.00"),
        Decimal("6000.50"),
        1,
    )
    assert (lin["financial_limit"], lin["conclusion"], lin["rule"]) == (
        Decimal("69840.00"),
        "non_compliant",
        "asset_limit_breach",
    )
    # the stranger: 100 yuan each of wage, employee pension and unemployment benefit in
    # September only (300 ÷ 6 months), one car, one dwelling
    assert (stranger["monthly_income"], stranger["vehicles"], stranger["dwellings"]) == (
        Decimal("50.00"),
        1,
        1,
    )
    assert stranger["conclusion"] == "non_compliant"
