"""Two payments at once cannot overdraw the fund: the fund row is locked (PostgreSQL). On SQLite
the test is skipped: SQLite admits one writer at a time, which serialises the payments anyway
(docs/relief.md)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from doudi.core.exceptions import ApplicationError
from doudi.core.id_protection import id_number_decrypt
from doudi.relief import services
from doudi.relief.models import LedgerEntry
from doudi.relief.tests.helpers import WUHANG, people

# serialized_rollback: the flush after a transactional test empties the division table that the
# migrations load; restoring it keeps the next transactional test (the browser test) working.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_simultaneous_payments_cannot_overdraw_the_fund(approver, caseworker, household):
    # given: 20,000 yuan and a limit of 15,000 per case
    fund = services.reserve_fund_create(
        actor=approver, township_code=WUHANG, advance_limit="15000.00"
    )
    services.reserve_fund_top_up(actor=approver, fund=fund, amount="20000.00", memo="拨付")
    members = people(household)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def pay(person) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services.advance_payment_record(
                actor=caseworker,
                fund=fund,
                id_number=id_number_decrypt(person.id_number_encrypted),
                name=person.name,
                amount="12000.00",
                emergency="火灾",
            )
            outcomes.append("paid")
        except ApplicationError as error:
            outcomes.append(error.message)
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=pay, args=(members[r],)) for r in ("head", "spouse")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: one is paid, the other sees the balance left by the first
    assert sorted(outcomes) == [
        "paid",
        "备用金余额不足：本次支出 12,000.00 元，当前余额 8,000.00 元",
    ]
    assert LedgerEntry.objects.filter(kind="advance_payment").count() == 1
    total = sum(e.amount for e in LedgerEntry.objects.all())
    assert total == Decimal("8000.00")
