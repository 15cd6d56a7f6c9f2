"""`doudi demo` prepares a usable platform: the population, the demo accounts and every
department feed as a snapshot with identity resolution run, so verification has data to read.
Run twice, it takes nothing again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from doudi.exchange.models import FeedSnapshot, IdentityResolutionRun
from doudi.exchange.schemas import FEEDS
from doudi.registry.models import Person


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_demo_loads_people_accounts_and_department_data_once(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.DEBUG = True  # on PostgreSQL the demo's public passwords need a development setting
    first = StringIO()
    call_command("demo", persons=300, no_serve=True, stdout=first)

    persons = Person.objects.count()
    assert persons == 300
    sources = sorted(FeedSnapshot.objects.values_list("source", flat=True))
    # 300 synthetic persons: nobody died in the reference period, so 公安 sends no deaths file
    assert sources == sorted(set(FEEDS) - {"deaths"})
    flagged = FeedSnapshot.objects.filter(id_missing_count__gt=0) | FeedSnapshot.objects.filter(
        id_invalid_count__gt=0
    )
    runs = IdentityResolutionRun.objects.count()
    assert runs == flagged.distinct().count()
    assert (
        f"部门数据：18 个数据源有快照（本次新接收 18 个），本次身份比对 {runs} 个数据源"
        "；演示人口中无记录、未报送：死亡人员"
    ) in first.getvalue()

    second = StringIO()
    call_command("demo", persons=300, no_serve=True, stdout=second)
    assert Person.objects.count() == persons
    assert FeedSnapshot.objects.count() == 18
    assert IdentityResolutionRun.objects.count() == runs
    assert "部门数据：18 个数据源有快照（本次新接收 0 个），本次身份比对 0 个数据源" in (
        second.getvalue()
    )
