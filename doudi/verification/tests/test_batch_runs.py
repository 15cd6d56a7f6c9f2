"""Batch screening as a persisted, logged run (`batch_services.batch_run`): counts and
conclusions, households skipped for lack of consent, the access log, refusals that write
nothing, immutability, the command, the API and the pages."""

from __future__ import annotations

import datetime as dt
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.models import AuditEvent
from doudi.registry.services import MemberSpec
from doudi.registry.tests.factories import person_facts, register_household
from doudi.testing.clients import api_headers
from doudi.testing.clock import on
from doudi.testing.factories import EntitlementFactory
from doudi.testing.state import row_counts
from doudi.testing.workbooks import value_rows
from doudi.verification import batch_services, services
from doudi.verification.batch import SCREENED_SOURCES
from doudi.verification.models import (
    BatchPersonAccess,
    BatchResult,
    BatchRun,
    PersonDataAccess,
    VerificationConsent,
    VerificationReport,
)
from doudi.verification.tests.test_services import lin_feeds, link_spouse_labour, people

pytestmark = pytest.mark.django_db

READ = [s for s in SCREENED_SOURCES if s != "securities"]  # lin_feeds: 证券 sent nothing


def counts() -> tuple[int, ...]:
    return row_counts(
        BatchRun,
        BatchResult,
        BatchPersonAccess,
        AuditEvent.objects.filter(action="verification.batch_run"),
        VerificationReport,
        PersonDataAccess,
    )


def consent(caseworker, household, person, **kwargs):  # type: ignore[no-untyped-def]
    return services.consent_record(
        actor=caseworker, household=household, person=person, signed_by="self", **kwargs
    )


def household(caseworker, village, address, members):  # type: ignore[no-untyped-def]
    return register_household(
        caseworker,
        village=village,
        address=address,
        members=[
            MemberSpec(relation=relation, facts=person_facts(name, birth, village=village))
            for relation, name, birth in members
        ],
    )


@pytest.fixture
def township(caseworker, lin_household, other_household, data_dir):  # type: ignore[no-untyped-def]
    """吴航街道: 林家 (兴华社区, every consent signed), 王家 (西关社区, the wife withdrew), 赵家
    (西关社区, one member, signed), 陈家 (兴华社区, nobody signed); 航城街道's household (signed)
    lies outside the caseworker's township. Feeds of 2026-11-05: 林家's data, 证券 missing."""
    wang = household(
        caseworker,
        "350112001002",
        "吴航街道西关社区3号",
        [("head", "王海", date(1975, 6, 1)), ("spouse", "王丽", date(1977, 2, 3))],
    )
    zhao = household(
        caseworker, "350112001002", "吴航街道西关社区5号", [("head", "赵强", date(1960, 1, 9))]
    )
    chen = household(
        caseworker,
        "350112001001",
        "吴航街道兴华社区7号",
        [("head", "陈明", date(1970, 4, 4)), ("child", "陈小明", date(2012, 8, 8))],
    )
    with on("2026-11-09"):
        for person in people(lin_household).values():
            consent(caseworker, lin_household, person)
        for person in people(wang).values():
            consent(caseworker, wang, person)
        services.consent_withdraw(
            actor=caseworker,
            consent=VerificationConsent.objects.get(person__name="王丽"),
            reason="本人撤回",
        )
        consent(caseworker, zhao, people(zhao)["head"])
        head = people(other_household)["head"]
        VerificationConsent.objects.create(
            person=head,
            household=other_household,
            signed_by="self",
            signed_at=dt.datetime(2026, 11, 9, tzinfo=dt.UTC),
            valid_until=dt.datetime(2027, 5, 8, tzinfo=dt.UTC),
            **other_household.region_codes(),
        )
    lin_feeds()
    link_spouse_labour()
    return {"lin": lin_household, "wang": wang, "zhao": zhao, "chen": chen}


def results(run: BatchRun) -> dict[str, BatchResult]:
    return {r.household.address: r for r in run.results.select_related("household")}


# -- the run ----------------------------------------------------------------------------------


def test_it_screens_the_township_and_keeps_every_household_result(caseworker, township):
    # when
    with on("2026-11-10"):
        run = batch_services.batch_run(actor=caseworker, region_code="350112001")
    # then: four households of 吴航街道 selected, two screened, two skipped
    assert (run.region_code, run.region_level, run.region_name) == (
        "350112001",
        "township",
        "吴航街道",
    )
    assert (run.county_code, run.township_code, run.village_code) == ("350112", "350112001", "")
    assert (run.month, run.income_months, run.programme, run.status) == (
        "2026-11",
        6,
        "",
        "completed",
    )
    assert run.requested_by == caseworker.user
    assert (
        run.households_selected,
        run.households_screened,
        run.households_skipped,
        run.households_without_members,
    ) == (4, 2, 2, 0)
    assert (run.compliant_count, run.non_compliant_count, run.suspect_count) == (0, 1, 1)
    assert run.persons_read == 4
    assert run.sources_not_checked == ["securities"]
    assert sorted(run.snapshots) == sorted(
        ["tax", "pensions", "unemployment_benefits", "social_insurance_contributions"]
        + ["bank_deposits", "commercial_insurance", "vehicles", "real_estate"]
        + ["business_registration", "housing_fund"]
    )
    assert run.snapshots["tax"]["snapshot_date"] == "2026-11-05"
    assert run.limits == {
        "350112/urban": {
            "dibao.standard": "970.00",
            "assets.financial_months": 24,
            "assets.vehicles_max": 0,
            "assets.real_estate_max": 1,
            "assets.business_registrations_max": 0,
        }
    }
    found = results(run)
    assert sorted(found) == [
        "吴航街道兴华社区1号",
        "吴航街道兴华社区7号",
        "吴航街道西关社区3号",
        "吴航街道西关社区5号",
    ]
    # 林家: 3,000 wage + 500 linked labour income a month; the car breaks the limit
    lin = found["吴航街道兴华社区1号"]
    assert (lin.conclusion, lin.get_conclusion_display(), lin.rule) == (
        "non_compliant",
        "不符合",
        "asset_limit_breach",
    )
    assert lin.reason == "家庭机动车辆：查到 1 项，超过限额 0 项"
    assert (lin.counted_members, lin.monthly_income, lin.financial, lin.financial_limit) == (
        3,
        Decimal("3500.00"),
        Decimal("6000.50"),
        Decimal("69840.00"),
    )
    assert (lin.vehicles, lin.dwellings, lin.businesses) == (1, 0, 0)
    assert lin.sources_not_checked == ["securities"]
    # 赵家: nothing found, but 证券 sent nothing: suspect
    zhao = found["吴航街道西关社区5号"]
    assert (zhao.conclusion, zhao.rule) == ("suspect", "source_not_checked")
    assert zhao.reason == "“证券资产”尚未报送数据，该项未核对（不作为零值）"
    assert (zhao.monthly_income, zhao.financial, zhao.financial_limit, zhao.vehicles) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("23280.00"),
        0,
    )
    # skipped: the members without a valid consent are named, nothing was read for them
    wang = found["吴航街道西关社区3号"]
    assert (wang.conclusion, wang.get_conclusion_display(), wang.rule) == (
        "skipped",
        "未核对",
        "no_valid_consent",
    )
    assert wang.reason == "无有效核对授权：王丽（已撤回）"
    assert [m["name"] for m in wang.members_without_consent] == ["王丽"]
    assert (wang.counted_members, wang.monthly_income, wang.financial) == (2, None, None)
    chen = found["吴航街道兴华社区7号"]
    assert chen.reason == "无有效核对授权：陈明（未签署）、陈小明（未签署）"
    # one audit event, without personal data
    event = AuditEvent.objects.get(action="verification.batch_run")
    assert event.object_id == str(run.pk)
    assert event.region_code == "350112001"
    assert event.parameters == {
        "programme": "",
        "month": "2026-11",
        "households_screened": 2,
        "households_skipped": 2,
        "compliant": 0,
        "non_compliant": 1,
        "suspect": 1,
        "persons_read": 4,
    }
    # a batch is not a report
    assert VerificationReport.objects.count() == 0


def test_it_logs_each_person_read_exactly_once_with_the_consent_relied_on(caseworker, township):
    with on("2026-11-10"):
        run = batch_services.batch_run(actor=caseworker, region_code="350112001")
    logs = BatchPersonAccess.objects.filter(run=run).select_related("person", "consent")
    assert sorted(log.person.name for log in logs) == ["林小雨", "林建国", "赵强", "陈秀英"]
    assert len({log.person_id for log in logs}) == 4
    for log in logs:
        assert log.consent.person_id == log.person_id
        assert log.consent.household_id == log.household_id
        assert log.sources == READ
        assert log.purpose == "社会救助家庭经济状况核对"
        assert log.actor == caseworker.user
        assert log.accessed_at == dt.datetime(2026, 11, 10, 2, tzinfo=dt.UTC)
    # nobody of a skipped household, nobody outside the township
    assert not logs.filter(person__name__in=["王海", "王丽", "陈明", "陈小明"]).exists()
    assert PersonDataAccess.objects.count() == 0


def test_the_newest_valid_consent_is_relied_on_and_expired_ones_skip_the_household(
    caseworker, township
):
    zhao = township["zhao"]
    head = people(zhao)["head"]
    with on("2026-12-01"):
        newer = consent(caseworker, zhao, head)
    # given: on 2026-12-20 the newer consent is in force; on 2027-07-01 every consent expired
    with on("2026-12-20"):
        run = batch_services.batch_run(actor=caseworker, region_code="350112001002")
    assert BatchPersonAccess.objects.get(run=run, person=head).consent == newer
    with on("2027-07-01"):
        expired = batch_services.batch_run(actor=caseworker, region_code="350112001002")
    assert (expired.households_screened, expired.households_skipped, expired.status) == (
        0,
        2,
        "nothing_screened",
    )
    assert results(expired)["吴航街道西关社区5号"].reason == "无有效核对授权：赵强（已过期）"
    assert BatchPersonAccess.objects.filter(run=expired).count() == 0


def test_a_village_run_covers_only_that_village(caseworker, township):
    with on("2026-11-10"):
        run = batch_services.batch_run(
            actor=caseworker, region_code="350112001002", month="2026-10"
        )
    assert (run.region_name, run.village_code, run.township_code) == (
        "西关社区",
        "350112001002",
        "350112001",
    )
    assert sorted(results(run)) == ["吴航街道西关社区3号", "吴航街道西关社区5号"]
    assert (run.month, run.households_screened, run.suspect_count) == ("2026-10", 1, 1)


def _entitlement(household, programme, *, to_month=None):  # type: ignore[no-untyped-def]
    entitlement = EntitlementFactory(
        household=household,
        programme=programme,
        monthly_amount=Decimal("500.00"),
        from_month=date(2026, 1, 1),
        to_month=to_month,
    )
    return entitlement.application


def test_a_programme_run_screens_only_its_current_recipients(caseworker, township):
    # given: 林家 and 王家 receive dibao; 赵家's dibao ended in October; 陈家 receives tekun
    _entitlement(township["lin"], "dibao")
    _entitlement(township["wang"], "dibao", to_month=date(2026, 12, 1))  # 渐退期: still paid
    _entitlement(township["zhao"], "dibao", to_month=date(2026, 10, 1))
    _entitlement(township["chen"], "tekun")
    # when
    with on("2026-11-10"):
        run = batch_services.batch_run(actor=caseworker, region_code="350112001", programme="dibao")
    # then
    assert run.programme == "dibao"
    assert sorted(results(run)) == ["吴航街道兴华社区1号", "吴航街道西关社区3号"]
    assert (run.households_screened, run.households_skipped, run.non_compliant_count) == (1, 1, 1)


def test_a_consent_of_the_application_behind_a_paid_entitlement_counts(caseworker, township):
    # given: 陈家 signed with their tekun application (in payment) — and the old application
    # of 赵家, whose dibao ended, carries the only consent of a second member
    chen = township["chen"]
    application = _entitlement(chen, "tekun")
    with on("2026-11-09"):
        for person in people(chen).values():
            VerificationConsent.objects.create(
                person=person,
                household=chen,
                application=application,
                signed_by="self",
                signed_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
                valid_until=dt.datetime(2027, 5, 1, tzinfo=dt.UTC),
                **chen.region_codes(),
            )
    zhao = township["zhao"]
    old = _entitlement(zhao, "dibao", to_month=date(2026, 6, 1))
    VerificationConsent.objects.filter(household=zhao).update(application=old)
    # when
    with on("2026-11-10"):
        run = batch_services.batch_run(actor=caseworker, region_code="350112001")
    found = results(run)
    # then
    assert found["吴航街道兴华社区7号"].conclusion == "suspect"
    assert found["吴航街道西关社区5号"].reason == "无有效核对授权：赵强（授权所属申请已无在发待遇）"
    assert BatchPersonAccess.objects.get(run=run, person__name="陈明").consent.application == (
        application
    )


def test_a_household_without_counted_members_is_listed_not_screened(caseworker, township):
    from doudi.registry.models import Membership

    Membership.objects.filter(household=township["zhao"]).update(is_active=False)
    with on("2026-11-10"):
        run = batch_services.batch_run(actor=caseworker, region_code="350112001002")
    zhao = results(run)["吴航街道西关社区5号"]
    assert (zhao.conclusion, zhao.rule, zhao.reason) == (
        "skipped",
        "no_counted_members",
        "没有共同生活家庭成员，未核对",
    )
    assert (run.households_without_members, run.households_skipped, run.status) == (
        1,
        1,
        "nothing_screened",
    )


def test_the_county_sees_the_townships_runs_and_another_township_does_not(
    caseworker, approver, outsider, township
):
    with on("2026-11-10"):
        run = batch_services.batch_run(actor=caseworker, region_code="350112001")
    from doudi.verification import batch_selectors

    assert list(batch_selectors.batch_run_list(actor=approver)) == [run]
    assert list(batch_selectors.batch_run_list(actor=outsider)) == []
    with pytest.raises(NotFound):
        batch_selectors.batch_run_get(actor=outsider, public_id=run.public_id)


@pytest.mark.parametrize(
    ("_case", "persona", "region", "programme", "month", "error"),
    [
        ("no permission", "approver", "350112", None, None, PermissionDenied),
        ("auditor", "auditor", "350112", None, None, PermissionDenied),
        ("other township", "outsider", "350112001", None, None, NotFound),
        ("the county above", "caseworker", "350112", None, None, NotFound),
        ("unknown region", "caseworker", "999999", None, None, NotFound),
        ("bad programme", "caseworker", "350112001", "dibaoo", None, ApplicationError),
        ("bad month", "caseworker", "350112001", None, "2026-13", ApplicationError),
    ],
)
def test_a_refused_run_writes_nothing(  # type: ignore[no-untyped-def]
    request, township, _case, persona, region, programme, month, error
):
    actor = request.getfixturevalue(persona)
    before = counts()
    with on("2026-11-10"), pytest.raises(error):
        batch_services.batch_run(actor=actor, region_code=region, programme=programme, month=month)
    assert counts() == before


def test_runs_results_and_access_rows_cannot_be_changed_or_deleted(caseworker, township):
    with on("2026-11-10"):
        run = batch_services.batch_run(actor=caseworker, region_code="350112001")
    result = run.results.first()
    log = run.data_accesses.first()
    with pytest.raises(RuntimeError, match="批量核对只能追加，不能修改"):
        run.save()
    with pytest.raises(RuntimeError, match="批量核对结果只能追加，不能修改"):
        result.save()
    with pytest.raises(RuntimeError, match="批量核对个人数据查询记录只能追加，不能删除"):
        log.delete()
    with pytest.raises(RuntimeError, match="批量核对只能追加，不能删除"):
        run.delete()
    assert BatchRun.objects.count() == 1


# -- the command ------------------------------------------------------------------------------


def test_the_command_runs_a_batch_and_prints_the_counts(caseworker, township):
    out = io.StringIO()
    with on("2026-11-10"):
        call_command(
            "verification",
            "batch",
            "--region",
            "350112001",
            "--month",
            "2026-11",
            "--user",
            "wuhang_caseworker",
            stdout=out,
        )
    run = BatchRun.objects.get()
    assert out.getvalue() == (
        f"批量核对 {run.public_id}：吴航街道（350112001），2026-11，全部登记家庭，选取 4 户\n"
        "已核对 2 户（符合 0 户，不符合 1 户，疑似 1 户）；无有效核对授权未核对 2 户；"
        "无共同生活家庭成员 0 户；查询 4 人的部门数据（已记录查询）\n"
        "核对用时 0.0 秒\n"
    )


@pytest.mark.parametrize(
    ("_case", "arguments", "message"),
    [
        ("unknown user", ["--region", "350112001", "--user", "nobody"], "用户不存在：nobody"),
        (
            "other township",
            ["--region", "350112001", "--user", "hangcheng_caseworker"],
            "区域不存在或不在您的管辖范围内",
        ),
        (
            "no permission",
            ["--region", "350112", "--user", "changle_approver"],
            "无权限：发起家庭经济状况核对",
        ),
    ],
)
def test_the_command_refuses_and_writes_nothing(  # type: ignore[no-untyped-def]
    approver, outsider, township, _case, arguments, message
):
    before = counts()
    with on("2026-11-10"), pytest.raises(CommandError, match=message):
        call_command("verification", "batch", *arguments, stdout=io.StringIO())
    assert counts() == before


# -- the API ----------------------------------------------------------------------------------


def test_the_api_starts_lists_and_pages_runs(caseworker, caseworker_user, township):
    headers = api_headers(caseworker_user)
    client = Client()
    with on("2026-11-10"):
        response = client.post(
            "/api/verification/batches",
            data={"programme": "", "month": "2026-11"},
            content_type="application/json",
            **headers,
        )
    assert response.status_code == 201, response.content
    body = response.json()
    run = BatchRun.objects.get()
    assert body["public_id"] == str(run.public_id)
    assert (body["region_code"], body["requested_by"], body["status"]) == (
        "350112001",
        "wuhang_caseworker",
        "completed",
    )
    assert (
        body["households_screened"],
        body["households_skipped"],
        body["compliant_count"],
        body["non_compliant_count"],
        body["suspect_count"],
        body["persons_read"],
    ) == (2, 2, 0, 1, 1, 4)
    listed = client.get("/api/verification/batches", **headers).json()
    assert [r["public_id"] for r in listed] == [str(run.public_id)]
    detail = client.get(
        f"/api/verification/batches/{run.public_id}?conclusion=non_compliant", **headers
    ).json()
    assert (detail["results_count"], detail["page"], detail["pages"]) == (1, 1, 1)
    (lin,) = detail["results"]
    assert (lin["address"], lin["head"], lin["conclusion_label"], lin["vehicles"]) == (
        "吴航街道兴华社区1号",
        "林建国",
        "不符合",
        1,
    )
    assert Decimal(lin["monthly_income"]) == Decimal("3500.00")
    everything = client.get(f"/api/verification/batches/{run.public_id}", **headers).json()
    assert [r["conclusion"] for r in everything["results"]] == [
        "non_compliant",  # 林家
        "skipped",  # 王家
        "suspect",  # 赵家
        "skipped",  # 陈家
    ]


def test_the_api_refuses_another_township_and_writes_nothing(outsider_user, township):
    before = counts()
    with on("2026-11-10"):
        response = Client().post(
            "/api/verification/batches",
            data={"region": "350112001"},
            content_type="application/json",
            **api_headers(outsider_user),
        )
    assert response.status_code == 404
    assert counts() == before


# -- the pages --------------------------------------------------------------------------------


def test_the_pages_start_a_run_filter_page_and_export(caseworker_user, township):
    client = Client()
    client.force_login(caseworker_user)
    # the form: the user's region, a programme select
    page = client.get("/verification/batches/")
    assert page.status_code == 200
    assert "吴航街道" in page.content.decode()
    assert 'value="dibao"' in page.content.decode()
    with on("2026-11-10"):
        response = client.post("/verification/batches/", {"programme": "", "month": ""})
    run = BatchRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/verification/batches/{run.public_id}/"
    assert run.region_code == "350112001"
    detail = client.get(response["Location"]).content.decode()
    assert "不符合（1）" in detail
    assert "未核对（2）" in detail
    assert "家庭机动车辆：查到 1 项，超过限额 0 项" in detail
    skipped = client.get(f"/verification/batches/{run.public_id}/?conclusion=skipped")
    text = skipped.content.decode()
    assert "无有效核对授权：王丽（已撤回）" in text
    assert "家庭机动车辆" not in text
    # the export holds every result of the filter
    export = client.get(f"/verification/batches/{run.public_id}/?format=xlsx")
    rows = value_rows(export.content)
    assert rows[0][:4] == ("户主", "家庭地址", "村（社区）代码", "核对结论")
    assert sorted((r[1], r[3]) for r in rows[1:]) == [
        ("吴航街道兴华社区1号", "不符合"),
        ("吴航街道兴华社区7号", "未核对"),
        ("吴航街道西关社区3号", "未核对"),
        ("吴航街道西关社区5号", "疑似"),
    ]
    listing = client.get("/verification/batches/?format=xlsx")
    runs = value_rows(listing.content)
    assert len(runs) == 2
    assert runs[1][1:4] == ("吴航街道（350112001）", "全部登记家庭", "2026-11")


def test_the_results_page_shows_fifty_households_a_page(caseworker, caseworker_user, township):
    # given: 60 more households of 兴华社区 without consents (skipped)
    from doudi.registry.models import Household

    base = township["lin"]
    Household.objects.bulk_create(
        [
            Household(
                village=base.village,
                address=f"吴航街道兴华社区{100 + i}号",
                area_type="urban",
                **base.region_codes(),
            )
            for i in range(60)
        ]
    )
    with on("2026-11-10"):
        run = batch_services.batch_run(actor=caseworker, region_code="350112001")
    assert (run.households_selected, run.households_without_members) == (64, 60)
    client = Client()
    client.force_login(caseworker_user)
    first = client.get(f"/verification/batches/{run.public_id}/")
    second = client.get(f"/verification/batches/{run.public_id}/?page=2")
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 14
    assert "共 64 条，第 51–64 条（第 2 / 2 页，每页 50 条）" in second.content.decode()


def test_a_form_error_is_shown_and_nothing_is_written(caseworker_user, township):
    client = Client()
    client.force_login(caseworker_user)
    before = counts()
    response = client.post("/verification/batches/", {"programme": "nope", "month": ""})
    assert response.status_code == 400
    assert "救助项目取值无效：&#x27;nope&#x27;" in response.content.decode()
    assert counts() == before
