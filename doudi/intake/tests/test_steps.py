"""The steps added to the services: 一次性告知补正 and supplied items, community review, county
review of declared-relative cases, the written refusal notice, the confirmation setting and
home-visit photos from uploaded materials."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.accounts.models import Role
from doudi.accounts.scoping import actor_for_user
from doudi.accounts.tests.fixtures import WUHANG, make_staff
from doudi.benefits.models import Entitlement
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.models import AuditEvent, Division
from doudi.intake import selectors, services
from doudi.intake.models import ConfirmationSetting, ConfirmationSettingChange, MaterialUse
from doudi.intake.tests.test_materials import PDF, PNG
from doudi.intake.tests.test_services import deadlines, snapshot, submit
from doudi.testing.clock import on

pytestmark = pytest.mark.django_db

ITEMS = ["低保申请书（本人签字）", "医疗费用票据"]


def township_approver():  # type: ignore[no-untyped-def]
    return actor_for_user(
        make_staff("wuhang_approver", WUHANG, [Role.APPROVER], display_name="吴航审核")
    )


def delegate() -> None:
    ConfirmationSetting.objects.create(
        county=Division.objects.get(code="350112"), delegated_to_township=True
    )


def visited(caseworker, household, *, is_full: bool = True, **submit_options):  # type: ignore[no-untyped-def]
    with on("2026-11-02"):
        application = submit(caseworker, household, **submit_options)
        application = services.application_accept(actor=caseworker, application=application)
        application = services.application_start_verification(
            actor=caseworker, application=application
        )
    with on("2026-11-05"):
        return services.application_record_home_visit(
            actor=caseworker,
            application=application,
            investigators=["吴航经办", "兴华社区主任"],
            record_signed=True,
            photos=2,
            is_full=is_full,
        )


def awaiting(caseworker, application):  # type: ignore[no-untyped-def]
    with on("2026-11-06"):
        application = services.application_give_initial_opinion(
            actor=caseworker, application=application, favourable=True, opinion="同意纳入"
        )
        application = services.application_publish_notice(actor=caseworker, application=application)
    with on("2026-11-16"):
        return services.application_close_notice(actor=caseworker, application=application)


# -- 一次性告知补正 ---------------------------------------------------------------------------


def test_missing_items_are_listed_at_once_supplied_and_then_the_case_is_accepted(
    caseworker, household
):
    with on("2026-11-02"):
        application = submit(caseworker, household)
        application = services.application_request_more(
            actor=caseworker, application=application, items=[" 低保申请书（本人签字） ", *ITEMS]
        )
        assert (application.missing_items, application.requested_items) == (ITEMS, ITEMS)
        assert application.status == "submitted"

        before = snapshot(application)
        with pytest.raises(ApplicationError, match="^尚有2项材料未补齐，不能受理$"):
            services.application_accept(actor=caseworker, application=application)
        assert snapshot(application) == before

        # a reminder repeats listed items only
        application = services.application_request_more(
            actor=caseworker, application=application, items=["医疗费用票据"]
        )
        assert (application.missing_items, application.requested_items) == (
            ["医疗费用票据"],
            ITEMS,
        )
        application = services.application_record_supplied(
            actor=caseworker, application=application, items=["医疗费用票据"]
        )
        assert application.missing_items == []
        application = services.application_accept(actor=caseworker, application=application)
    assert application.status == "accepted"
    events = list(application.events.values_list("action", "parameters"))
    assert events[1:] == [
        ("request_more", {"items": ITEMS, "first_request": True}),
        ("request_more", {"items": ["医疗费用票据"], "first_request": False}),
        ("record_supplied", {"items": ["医疗费用票据"], "still_missing": []}),
        ("accept", {"accepted_on": "2026-11-02"}),
    ]
    assert AuditEvent.objects.filter(action="application.request_more").count() == 2


def test_request_more_without_items_or_with_new_items_changes_nothing(caseworker, household):
    with on("2026-11-02"):
        application = submit(caseworker, household)
        before = snapshot(application)
        with pytest.raises(ApplicationError) as error:
            services.application_request_more(
                actor=caseworker, application=application, items=["  ", ""]
            )
        assert error.value.message == "要求补正须列明所缺的全部材料"
        assert snapshot(application) == before

        application = services.application_request_more(
            actor=caseworker, application=application, items=ITEMS
        )
        before = snapshot(application)
        with pytest.raises(ApplicationError) as error:
            services.application_request_more(
                actor=caseworker, application=application, items=["医疗费用票据", "银行流水"]
            )
        assert error.value.message == "以下材料此前未一次性告知，不能再要求补正：银行流水"
        assert snapshot(application) == before
        assert application.requested_items == ITEMS

        with pytest.raises(ApplicationError, match="^以下材料不在待补正清单中：承诺书$"):
            services.application_record_supplied(
                actor=caseworker, application=application, items=["承诺书"]
            )
        assert snapshot(application) == before


def test_only_the_caseworker_asks_for_more(approver, outsider, household, caseworker):
    with on("2026-11-02"):
        application = submit(caseworker, household)
        before = snapshot(application)
        with pytest.raises(PermissionDenied):
            services.application_request_more(actor=approver, application=application, items=ITEMS)
        with pytest.raises(NotFound):
            services.application_request_more(actor=outsider, application=application, items=ITEMS)
    assert snapshot(application) == before


# -- community review -------------------------------------------------------------------------


def test_the_opinion_waits_for_the_community_reviews_result(caseworker, household):
    application = visited(caseworker, household)
    with on("2026-11-06"):
        application = services.application_start_community_review(
            actor=caseworker, application=application
        )
        assert (application.status, application.community_review_started) == (
            "community_review",
            True,
        )
        before = snapshot(application)
        with pytest.raises(ApplicationError, match="^民主评议结果尚未登记，不能提出初审意见$"):
            services.application_give_initial_opinion(
                actor=caseworker, application=application, favourable=True, opinion="同意"
            )
        with pytest.raises(ApplicationError, match="^请填写民主评议结果$"):
            services.application_record_community_review(
                actor=caseworker, application=application, result="  "
            )
        assert snapshot(application) == before
        application = services.application_record_community_review(
            actor=caseworker, application=application, result="评议代表11人，10人同意纳入"
        )
        application = services.application_give_initial_opinion(
            actor=caseworker, application=application, favourable=True, opinion="同意"
        )
    assert application.status == "initial_opinion"
    assert application.community_review_result == "评议代表11人，10人同意纳入"
    actions = list(application.events.values_list("action", flat=True))
    assert actions[-3:] == [
        "start_community_review",
        "record_community_review",
        "give_initial_opinion",
    ]


# -- county review of a declared relative ----------------------------------------------------


def test_a_declared_relative_case_is_confirmed_after_the_county_review(
    caseworker, approver, household
):
    application = awaiting(caseworker, visited(caseworker, household, is_relative_declared=True))
    with on("2026-11-18"):
        before = snapshot(application)
        with pytest.raises(ApplicationError) as error:
            services.application_confirm(actor=approver, application=application)
        assert error.value.message == "近亲属备案的申请须经县级民政部门审核后方可确认"
        assert snapshot(application) == before
        assert [a.pk for a in selectors.confirmation_queue(actor=approver)] == [application.pk]

        with pytest.raises(ApplicationError, match="^请填写县级复核意见$"):
            services.application_county_review(actor=approver, application=application, opinion="")
        assert snapshot(application) == before
        application = services.application_county_review(
            actor=approver, application=application, opinion="经复核，近亲属备案属实，程序合规"
        )
        assert application.status == "awaiting_confirmation"
        assert application.county_reviewed_by == approver.user
        with pytest.raises(ApplicationError, match="^该申请已完成县级复核$"):
            services.application_county_review(
                actor=approver, application=application, opinion="再次复核"
            )
        application = services.application_confirm(actor=approver, application=application)
    assert application.status == "confirmed"
    assert Entitlement.objects.filter(application=application).count() == 1
    assert list(application.events.values_list("action", flat=True))[-2:] == [
        "county_review",
        "confirm",
    ]
    assert application.events.get(action="county_review").parameters == {
        "opinion": "经复核，近亲属备案属实，程序合规"
    }


def test_delegated_confirmation_of_a_declared_relative_still_needs_the_county_review(
    caseworker, approver, household
):
    delegate()
    township = township_approver()
    application = awaiting(caseworker, visited(caseworker, household, is_relative_declared=True))
    with on("2026-11-18"):
        # the township approver sees it in the queue, the county approver for the review
        assert [a.pk for a in selectors.confirmation_queue(actor=township)] == [application.pk]
        assert [a.pk for a in selectors.confirmation_queue(actor=approver)] == [application.pk]
        before = snapshot(application)
        with pytest.raises(ApplicationError, match="须经县级民政部门审核后方可确认$"):
            services.application_confirm(actor=township, application=application)
        # county review by a township user: refused as about the actor, nothing changes
        with pytest.raises(PermissionDenied) as error:
            services.application_county_review(
                actor=township, application=application, opinion="同意"
            )
        assert error.value.message == "只有县级审核确认人可以执行“县级复核”"
        with pytest.raises(PermissionDenied):
            services.application_county_review(
                actor=caseworker, application=application, opinion="同意"
            )
        assert snapshot(application) == before

        application = services.application_county_review(
            actor=approver, application=application, opinion="复核同意"
        )
        assert selectors.confirmation_queue(actor=approver).count() == 0
        application = services.application_confirm(actor=township, application=application)
    assert (application.status, application.confirmed_by) == ("confirmed", township.user)


def test_a_declared_relative_without_a_full_visit_is_not_confirmed_even_when_reviewed(
    caseworker, approver, household
):
    application = awaiting(
        caseworker, visited(caseworker, household, is_full=False, is_relative_declared=True)
    )
    with on("2026-11-18"):
        application = services.application_county_review(
            actor=approver, application=application, opinion="复核"
        )
        with pytest.raises(ApplicationError, match="^近亲属备案的申请须经全面入户调查后方可确认$"):
            services.application_confirm(actor=approver, application=application)


def test_the_county_review_is_only_for_declared_relatives(caseworker, approver, household):
    application = awaiting(caseworker, visited(caseworker, household))
    before = snapshot(application)
    with (
        on("2026-11-18"),
        pytest.raises(ApplicationError, match="^只有近亲属备案的申请需要县级复核$"),
    ):
        services.application_county_review(actor=approver, application=application, opinion="x")
    assert snapshot(application) == before


# -- the written refusal ----------------------------------------------------------------------


def test_the_refusal_notice_is_recorded_once_and_closes_its_deadline(
    caseworker, approver, household
):
    application = awaiting(caseworker, visited(caseworker, household))
    with on("2026-11-20"):
        application = services.application_refuse(
            actor=approver, application=application, reason="家庭有未申报的经营性收入"
        )
    with on("2026-11-23"):
        before = snapshot(application)
        with pytest.raises(ApplicationError, match="^送达日期不能晚于今天$"):
            services.application_send_refusal_notice(
                actor=caseworker, application=application, sent_on=dt.date(2026, 11, 24)
            )
        with pytest.raises(
            ApplicationError, match=r"^送达日期不能早于不予确认决定日期（2026-11-20）$"
        ):
            services.application_send_refusal_notice(
                actor=caseworker, application=application, sent_on=dt.date(2026, 11, 19)
            )
        assert snapshot(application) == before
        application = services.application_send_refusal_notice(
            actor=caseworker, application=application
        )
        assert (application.status, application.refusal_notice_sent_on) == (
            "refused",
            dt.date(2026, 11, 23),
        )
        assert deadlines(application)[-1] == (
            "refusal_notice",
            "2026-11-20",
            "2026-11-25",
            False,
            False,
        )
        before = snapshot(application)
        with pytest.raises(ApplicationError) as error:
            services.application_send_refusal_notice(actor=approver, application=application)
        assert error.value.message == "不予确认通知书已登记送达，不能重复登记"
        assert snapshot(application) == before
    assert application.events.last().parameters == {"sent_on": "2026-11-23"}


def test_a_refusal_notice_before_a_refusal_is_refused(caseworker, household):
    with on("2026-11-02"):
        application = submit(caseworker, household)
        before = snapshot(application)
        with pytest.raises(
            ApplicationError, match="^当前状态为“已提交”，不能执行“送达不予确认通知书”$"
        ):
            services.application_send_refusal_notice(actor=caseworker, application=application)
    assert snapshot(application) == before


# -- home-visit photos from materials ---------------------------------------------------------


def test_the_photo_count_comes_from_the_uploaded_photos(caseworker, household):
    with on("2026-11-02"):
        application = submit(caseworker, household)
        photo, _ = services.material_upload(
            actor=caseworker,
            application=application,
            kind="home_visit_photo",
            upload=SimpleUploadedFile("现场.png", PNG),
        )
        record, _ = services.material_upload(
            actor=caseworker,
            application=application,
            kind="signed_home_visit_record",
            upload=SimpleUploadedFile("记录.pdf", PDF),
        )
        MaterialUse.objects.filter(material=photo).delete()
        application = services.application_accept(actor=caseworker, application=application)
        application = services.application_start_verification(
            actor=caseworker, application=application
        )
        before = snapshot(application)
        with pytest.raises(ApplicationError) as error:
            services.application_record_home_visit(
                actor=caseworker,
                application=application,
                investigators=["甲", "乙"],
                record_signed=True,
                photos=5,
                photo_ids=[str(record.public_id)],
            )
        assert (error.value.message, error.value.field) == (
            "“记录.pdf”不是入户调查照片",
            "photo_ids[0]",
        )
        assert snapshot(application) == before
        application = services.application_record_home_visit(
            actor=caseworker,
            application=application,
            investigators=["甲", "乙"],
            record_signed=True,
            photos=0,  # ignored: the photos given are counted
            photo_ids=[str(photo.public_id), str(photo.public_id)],
        )
    assert application.events.last().parameters["photos"] == 1
    assert application.events.last().parameters["photo_ids"] == [str(photo.public_id)]
    assert list(photo.applications.all()) == [application]


# -- the confirmation setting -----------------------------------------------------------------


def test_the_county_officer_switches_delegation_with_a_reason_and_history(
    approver, caseworker, household
):
    before = (ConfirmationSetting.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ApplicationError, match="^请填写调整审核确认权委托的理由$"):
        services.confirmation_setting_set(actor=approver, delegated_to_township=True, reason=" ")
    with pytest.raises(ApplicationError, match="^本县审核确认权当前已是“未委托乡镇（街道）”"):
        services.confirmation_setting_set(actor=approver, delegated_to_township=False, reason="x")
    with pytest.raises(PermissionDenied):
        services.confirmation_setting_set(actor=caseworker, delegated_to_township=True, reason="x")
    assert (ConfirmationSetting.objects.count(), AuditEvent.objects.count()) == before

    services.confirmation_setting_set(
        actor=approver, delegated_to_township=True, reason="区政府2026年第3号文件"
    )
    services.confirmation_setting_set(actor=approver, delegated_to_township=False, reason="收回")
    county, delegated, history = selectors.confirmation_setting_get(actor=approver)
    assert (county.code, delegated) == ("350112", False)
    assert [(h.delegated_to_township, h.reason) for h in history] == [
        (False, "收回"),
        (True, "区政府2026年第3号文件"),
    ]
    assert ConfirmationSettingChange.objects.count() == 2
    assert list(
        AuditEvent.objects.filter(action="confirmation_setting.set")
        .order_by("id")
        .values_list("parameters__delegated_to_township", flat=True)
    ) == [True, False]


def test_a_township_approver_cannot_change_the_setting(household):
    township = actor_for_user(
        make_staff("wuhang_officer", WUHANG, [Role.COUNTY_OFFICER], display_name="吴航干部")
    )
    with pytest.raises(PermissionDenied, match="^只有县级民政部门可以设置本县的审核确认权委托$"):
        services.confirmation_setting_set(actor=township, delegated_to_township=True, reason="x")
    assert ConfirmationSetting.objects.count() == 0
