"""Referrals to partner departments (一门受理、协同办理), see docs/referrals.md.

A need declared at the window (:class:`Need`) becomes a :class:`Referral` to the department that
serves it; the department receives it and answers within a working-day limit
(:class:`ReferralTimeLimit`, 10 working days by default), or returns it with a reason."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from doudi.accounts.models import REFERRAL_DEPARTMENT_CHOICES, PartnerDepartment
from doudi.core.models import BaseModel


class Need(models.TextChoices):
    """Needs declared on the one form that other departments serve (一门受理、协同办理)."""

    MEDICAL = "medical", "医疗"
    EDUCATION = "education", "教育"
    HOUSING = "housing", "住房"
    EMPLOYMENT = "employment", "就业"
    CARE = "care", "照料护理"
    LEGAL = "legal", "法律援助"


# The department that serves each declared need. 照料护理 has no government department of its
# own on the single window; it goes to charity (慈善帮扶), which may also be chosen by hand for
# any need.
NEED_DEPARTMENTS: dict[str, str] = {
    Need.MEDICAL: PartnerDepartment.MEDICAL_ASSISTANCE,
    Need.EDUCATION: PartnerDepartment.EDUCATION_ASSISTANCE,
    Need.HOUSING: PartnerDepartment.HOUSING_ASSISTANCE,
    Need.EMPLOYMENT: PartnerDepartment.EMPLOYMENT_ASSISTANCE,
    Need.LEGAL: PartnerDepartment.LEGAL_AID,
    Need.CARE: PartnerDepartment.CHARITY,
}

# Working days a department has to answer when no ReferralTimeLimit row says otherwise.
DEFAULT_ANSWER_WORKING_DAYS = 10


class ReferralStatus(models.TextChoices):
    SENT = "sent", "已转介"  # made by the window, waiting for the department
    RECEIVED = "received", "已接收"  # the department has taken it up
    ANSWERED = "answered", "已反馈"  # the department answered (final)
    RETURNED = "returned", "已退回"  # the department sent it back with a reason (final)


OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.RECEIVED)


class ReferralOutcome(models.TextChoices):
    GRANTED = "granted", "已给予救助"
    NOT_ELIGIBLE = "not_eligible", "不符合条件"
    REDIRECTED = "redirected", "已转其他渠道"


class ReferralOrigin(models.TextChoices):
    APPLICATION = "application", "随救助申请转介"  # one per declared need, made on submission
    MANUAL = "manual", "窗口发起"  # made by a caseworker


class Referral(BaseModel):
    """转介单: one need of one household, referred to one partner department."""

    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="家庭",
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    application = models.ForeignKey(
        "intake.Application",
        verbose_name="救助申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name="涉及成员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin = models.CharField("来源", max_length=16, choices=ReferralOrigin.choices)
    need = models.CharField("救助需求", max_length=16, choices=Need.choices)
    department = models.CharField(
        "协同部门", max_length=32, choices=REFERRAL_DEPARTMENT_CHOICES, db_index=True
    )
    status = models.CharField(
        "状态",
        max_length=16,
        choices=ReferralStatus.choices,
        default=ReferralStatus.SENT,
        db_index=True,
    )
    province_code = models.CharField("省", max_length=6, db_index=True)
    city_code = models.CharField("市", max_length=6, db_index=True)
    county_code = models.CharField("县", max_length=6, db_index=True)
    township_code = models.CharField("乡镇", max_length=9, db_index=True)
    village_code = models.CharField("村（社区）代码", max_length=12, db_index=True)
    note = models.TextField("转介说明", blank=True)
    deadline = models.OneToOneField(
        "core.Deadline",
        verbose_name="答复期限",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="转介人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    outcome = models.CharField(
        "办理结果", max_length=16, choices=ReferralOutcome.choices, blank=True
    )
    answer = models.TextField("反馈意见", blank=True)
    amount = models.DecimalField(
        "救助金额（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="反馈人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("反馈时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退回人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "转介单"
        verbose_name_plural = "转介单"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["county_code", "department", "status"], name="referral_partner"),
        ]
        constraints = [
            # Submitting (or re-running) an application refers each declared need once.
            models.UniqueConstraint(
                fields=["application", "need"],
                condition=Q(origin="application"),
                name="referral_once_per_application_need",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="referral_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"转介单 {self.public_id}（{self.get_department_display()}，{self.get_status_display()}）"


class ReferralTimeLimit(BaseModel):
    """How many working days a department has to answer; without a row, 10 working days."""

    department = models.CharField(
        "协同部门", max_length=32, choices=REFERRAL_DEPARTMENT_CHOICES, unique=True
    )
    working_days = models.PositiveIntegerField("答复时限（工作日）")
    note = models.CharField("依据", max_length=255, blank=True)

    class Meta:
        verbose_name = "转介答复时限"
        verbose_name_plural = "转介答复时限"
        ordering = ["department"]

    def __str__(self) -> str:
        return f"{self.get_department_display()}：{self.working_days} 个工作日"
