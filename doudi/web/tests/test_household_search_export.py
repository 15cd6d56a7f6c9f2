"""The household search as Excel: exactly the page's rows, masked ID numbers, audited."""

from __future__ import annotations

import pytest

from doudi.core.models import AuditEvent
from doudi.registry.tests.factories import register_household
from doudi.testing.clients import logged_in
from doudi.testing.workbooks import cell_rows, first_sheet

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_rows_the_page_shows(caseworker, household, other_household):
    second = register_household(caseworker, village="350112001002", address="吴航街道西关社区3号")
    client = logged_in(caseworker.user)
    before = AuditEvent.objects.count()

    page = client.get("/households/", {"region_code": "350112001"})
    export = client.get("/households/", {"region_code": "350112001", "format": "xlsx"})

    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = cell_rows(export.content)
    heads = {
        h.pk: h.memberships.get(relation="head").person.id_number_masked
        for h in (household, second)
    }
    assert rows == [
        ["户主", "身份证号码（脱敏）", "地址", "村（社区）代码", "成员", "计入共同生活家庭成员"],
        ["林建国", heads[household.pk], "吴航街道兴华社区1号", "350112001001", 3, 3],
        ["林建国", heads[second.pk], "吴航街道西关社区3号", "350112001002", 3, 3],
    ]
    assert [r.address for r in page.context["results"]] == [row[2] for row in rows[1:]]
    assert all("*" * 10 in row[1] for row in rows[1:])
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.parameters) == (
        "document.download",
        "registry.household",
        {
            "kind": "household_search.xlsx",
            "number": "",
            "query": {"id_number": "", "name": "", "region_code": "350112001"},
            "page": 1,
            "rows": 2,
        },
    )


def test_an_export_without_criteria_is_refused_and_not_audited(caseworker, household):
    before = AuditEvent.objects.count()
    response = logged_in(caseworker.user).get("/households/", {"format": "xlsx"})
    assert response.status_code == 400
    assert response.content.decode() == "请至少填写身份证号码、姓名或区划代码之一"
    assert AuditEvent.objects.count() == before


def test_the_outsider_exports_an_empty_sheet(outsider, household):
    response = logged_in(outsider.user).get(
        "/households/", {"region_code": "350112001", "format": "xlsx"}
    )
    sheet = first_sheet(response.content)
    assert response.status_code == 200
    assert sheet.max_row == 1
