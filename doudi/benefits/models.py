"""What a confirmed decision grants: monthly entitlements and one-off grants (docs/benefits.md).

An entitlement is never overwritten: a change closes the row at its last month and opens a new
one (reviews), so every month's amount can be read back. ``application`` is the decision that
granted the first row; this context imports nothing of intake's code."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from doudi.core.models import BaseModel
from doudi.programmes import CHOICES as PROGRAMME_CHOICES


class Entitlement(BaseModel):
    """A monthly benefit created by a confirmed decision, from the month after confirmation."""

    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "intake.Application",
        verbose_name="申请",
        on_delete=models.PROTECT,
        related_name="entitlements",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="家庭",
        on_delete=models.PROTECT,
        related_name="entitlements",
    )
    programme = models.CharField("救助项目", max_length=32, choices=PROGRAMME_CHOICES)
    monthly_amount = models.DecimalField("月保障金额", max_digits=12, decimal_places=2)
    from_month = models.DateField("起始月份", help_text="该月第一日")
    to_month = models.DateField("终止月份", null=True, blank=True)
    county_code = models.CharField("县", max_length=6, db_index=True)
    township_code = models.CharField("乡镇", max_length=9, db_index=True)

    class Meta:
        verbose_name = "救助待遇"
        verbose_name_plural = "救助待遇"
        ordering = ["from_month", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "programme"],
                condition=Q(to_month__isnull=True),
                name="entitlement_one_open_per_programme",
            )
        ]


class OneOffGrant(BaseModel):
    """一次性救助: the one-off amount a confirmed decision grants (temporary assistance).

    Monthly programmes become :class:`Entitlement` rows; a one-off programme becomes one grant,
    at most one per application and programme (the database refuses a second: never paid
    twice). ``county_approved``: the amount was above the township approval limit
    (``requires_county_approval``), so a county approver confirmed it."""

    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "intake.Application",
        verbose_name="申请",
        on_delete=models.PROTECT,
        related_name="one_off_grants",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="家庭",
        on_delete=models.PROTECT,
        related_name="one_off_grants",
    )
    programme = models.CharField("救助项目", max_length=32, choices=PROGRAMME_CHOICES)
    amount = models.DecimalField("救助金额", max_digits=12, decimal_places=2)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审批人", on_delete=models.PROTECT, related_name="+"
    )
    approved_month = models.DateField("审批月份", help_text="该月第一日")
    requires_county_approval = models.BooleanField("超过乡镇（街道）审批额度", default=False)
    county_approved = models.BooleanField("县级审批", default=False)
    county_code = models.CharField("县", max_length=6, db_index=True)
    township_code = models.CharField("乡镇", max_length=9, db_index=True)
    village_code = models.CharField("村（社区）代码", max_length=12, db_index=True)

    class Meta:
        verbose_name = "一次性救助"
        verbose_name_plural = "一次性救助"
        ordering = ["approved_month", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "programme"], name="one_off_grant_once_per_programme"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="one_off_grant_amount_positive"),
            models.CheckConstraint(
                condition=Q(requires_county_approval=False) | Q(county_approved=True),
                name="one_off_grant_above_limit_county_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} {self.amount} 元"
