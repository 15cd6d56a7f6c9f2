"""Staff saving at the same moment, on the platform's own database settings (not the suite's):
run as a script in a fresh interpreter (`test_concurrent_writes.py`), it migrates the database
named by the environment, then ``THREADS`` API clients each register ``EACH`` households at once
and it prints, as JSON, the status codes answered and the households readable afterwards."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections import Counter
from datetime import date

import django

THREADS = int(os.environ.get("PROBE_THREADS", "8"))
EACH = int(os.environ.get("PROBE_EACH", "5"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from doudi.accounts.models import Role
    from doudi.accounts.tests.fixtures import WUHANG, WUHANG_VILLAGE, make_staff
    from doudi.core.division_sync import villages_ensure
    from doudi.core.models import Division
    from doudi.registry.models import Household
    from doudi.registry.tests.factories import make_id_number
    from doudi.testing.clients import api_headers

    call_command("migrate", verbosity=0)
    villages_ensure(Division, [(WUHANG_VILLAGE, "兴华社区")])
    user = make_staff("probe_caseworker", WUHANG, [Role.CASEWORKER], display_name="吴航经办")
    headers = api_headers(user)
    numbers = [
        [make_id_number(date(1960 + t, 1 + i % 12, 1 + i)) for i in range(EACH)]
        for t in range(THREADS)
    ]
    connection.close()
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def staff(thread: int) -> None:
        client = Client(raise_request_exception=False, **headers)
        start.wait()
        for index, number in enumerate(numbers[thread]):
            body = {
                "village_code": WUHANG_VILLAGE,
                "address": f"吴航街道兴华社区{thread}-{index}号",
                "area_type": "urban",
                "reason": "首次登记",
                "members": [
                    {
                        "relation": "head",
                        "person": {
                            "name": f"林{thread}{index}",
                            "id_number": number,
                            "hukou_region_code": WUHANG_VILLAGE,
                            "hukou_type": "urban",
                        },
                    }
                ],
            }
            response = client.post(
                "/api/households", data=json.dumps(body), content_type="application/json"
            )
            with lock:
                statuses[response.status_code] += 1
        from django.db import connection as own

        own.close()

    threads = [threading.Thread(target=staff, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(  # noqa: T201  (the answer to the test that runs this script)
        json.dumps(
            {
                "statuses": {str(k): v for k, v in sorted(statuses.items())},
                "households": Household.objects.count(),
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
