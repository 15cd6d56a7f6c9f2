"""Moving entitlements and one-off grants from intake to benefits keeps every row, every change
that points at one, and the content types (admin log, permissions) that name them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# serialized_rollback: the flush after a transactional test empties the division table that the
# migrations load; restoring it keeps the next transactional test working.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [
    ("intake", "0005_situation_assessment"),
    ("reviews", "0001_review_cases_changes_and_reports"),
]
AFTER = [("benefits", "0002_tables_and_content_types")]


def _migrate(targets):  # type: ignore[no-untyped-def]
    """Migrate to ``targets`` and return the models as they are then in every app."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    moved = {app for app, _ in BEFORE + AFTER}
    state = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in moved]
    if targets == BEFORE:
        state += BEFORE
    else:
        state = executor.loader.graph.leaf_nodes()
    return executor.loader.project_state(state).apps


def _rows_before_the_move(apps):  # type: ignore[no-untyped-def]
    division = apps.get_model("core", "Division")
    user = apps.get_model("auth", "User").objects.create(username="approver")
    township = division.objects.filter(level="township", code__startswith="350112").first()
    village = division.objects.create(
        code=township.code + "001",
        name="合成村",
        level="village",
        parent=township,
        province_code="350000",
        city_code="350100",
        county_code="350112",
        township_code=township.code,
        is_synthetic=True,
    )
    region = {
        "province_code": "350000",
        "city_code": "350100",
        "county_code": "350112",
        "township_code": township.code,
        "village_code": village.code,
    }
    household = apps.get_model("registry", "Household").objects.create(
        village=village, address="合成路1号", area_type="urban", **region
    )
    application = apps.get_model("intake", "Application").objects.create(
        household=household,
        programmes=["dibao", "temporary_assistance"],
        channel="window",
        status="confirmed",
        **region,
    )
    entitlement_model = apps.get_model("intake", "Entitlement")
    common = {
        "application": application,
        "household": household,
        "programme": "dibao",
        "county_code": "350112",
        "township_code": township.code,
    }
    old = entitlement_model.objects.create(
        monthly_amount=Decimal("800.00"),
        from_month=dt.date(2026, 1, 1),
        to_month=dt.date(2026, 6, 1),
        **common,
    )
    new = entitlement_model.objects.create(
        monthly_amount=Decimal("650.00"), from_month=dt.date(2026, 7, 1), **common
    )
    review = apps.get_model("reviews", "ReviewCase").objects.create(
        household=household,
        trigger="scheduled",
        status="decided",
        review_class="stable",
        started_by=user,
        county_code="350112",
        township_code=township.code,
        village_code=village.code,
    )
    apps.get_model("reviews", "EntitlementChange").objects.create(
        review=review,
        household=household,
        programme="dibao",
        kind="decrease",
        old_entitlement=old,
        new_entitlement=new,
        old_amount=Decimal("800.00"),
        new_amount=Decimal("650.00"),
        effective_month=dt.date(2026, 7, 1),
        reason="收入增加",
        decided_by=user,
    )
    apps.get_model("intake", "OneOffGrant").objects.create(
        application=application,
        household=household,
        programme="temporary_assistance",
        amount=Decimal("3000.00"),
        approved_by=user,
        approved_month=dt.date(2026, 5, 1),
        county_code="350112",
        township_code=township.code,
        village_code=village.code,
    )
    content_type = apps.get_model("contenttypes", "ContentType")
    return content_type.objects.get_or_create(app_label="intake", model="entitlement")[0].pk


def test_the_move_keeps_every_row_and_the_changes_that_point_at_them():
    # given: rows written before the move
    apps = _migrate(BEFORE)
    content_type_id = _rows_before_the_move(apps)

    # when
    apps = _migrate(AFTER)

    # then
    entitlements = apps.get_model("benefits", "Entitlement").objects.order_by("from_month")
    assert [(e.monthly_amount, e.from_month, e.to_month) for e in entitlements] == [
        (Decimal("800.00"), dt.date(2026, 1, 1), dt.date(2026, 6, 1)),
        (Decimal("650.00"), dt.date(2026, 7, 1), None),
    ]
    change = apps.get_model("reviews", "EntitlementChange").objects.get()
    assert (change.old_entitlement.monthly_amount, change.new_entitlement.monthly_amount) == (
        Decimal("800.00"),
        Decimal("650.00"),
    )
    grant = apps.get_model("benefits", "OneOffGrant").objects.get()
    assert (grant.amount, grant.application.programmes) == (
        Decimal("3000.00"),
        ["dibao", "temporary_assistance"],
    )
    content_type = apps.get_model("contenttypes", "ContentType").objects.get(pk=content_type_id)
    assert (content_type.app_label, content_type.model) == ("benefits", "entitlement")
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert {"benefits_entitlement", "benefits_oneoffgrant"} <= tables
    assert not {"intake_entitlement", "intake_oneoffgrant"} & tables
