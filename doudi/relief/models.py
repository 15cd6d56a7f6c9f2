"""The township reserve fund for temporary assistance (临时救助备用金), its append-only ledger and
reconciliations, advance payments (先行救助) and staged payments (分阶段救助) of approved
expenditure-type cases. See docs/relief.md.

Write through :mod:`doudi.relief.services`: they lock the fund, audit and open deadlines in one
transaction."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from doudi.core.models import AppendOnlyModel, BaseModel


class ReserveFund(BaseModel):
    """One township's reserve fund; its balance is the sum of its ledger entries."""

    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    township = models.OneToOneField(
        "core.Division",
        verbose_name="乡镇（街道）",
        on_delete=models.PROTECT,
        related_name="+",
    )
    province_code = models.CharField("省", max_length=6, db_index=True)
    city_code = models.CharField("市", max_length=6, db_index=True)
    county_code = models.CharField("县", max_length=6, db_index=True)
    township_code = models.CharField("乡镇", max_length=9, db_index=True)
    advance_limit = models.DecimalField("先行救助单笔限额（元）", max_digits=12, decimal_places=2)
    advance_limit_is_demo = models.BooleanField(
        "限额为演示值", default=True, help_text="取自规则参数的演示值，尚未由县级民政部门设定"
    )
    paperwork_working_days = models.PositiveSmallIntegerField("补办手续期限（工作日）")
    paperwork_days_is_demo = models.BooleanField("补办期限为演示值", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设立人",
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "临时救助备用金"
        verbose_name_plural = "临时救助备用金"
        ordering = ["township_code"]

    def __str__(self) -> str:
        return f"{self.township_code} 临时救助备用金"


class EntryKind(models.TextChoices):
    TOP_UP = "top_up", "拨付（增加备用金）"
    ADVANCE_PAYMENT = "advance_payment", "先行救助支出"
    REVERSAL = "reversal", "冲销先行救助支出"
    ADJUSTMENT = "adjustment", "对账调整"


class LedgerEntry(AppendOnlyModel):
    """One movement of the fund: positive amounts add to it, negative ones take from it."""

    fund = models.ForeignKey(
        ReserveFund, verbose_name="备用金", on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField("类型", max_length=24, choices=EntryKind.choices)
    amount = models.DecimalField("金额（元，支出为负）", max_digits=12, decimal_places=2)
    entry_date = models.DateField("记账日期")
    memo = models.TextField("摘要")
    reverses = models.OneToOneField(
        "self",
        verbose_name="冲销的支出",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记账人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "备用金台账"
        verbose_name_plural = "备用金台账"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0), name="relief_ledger_entry_amount_not_zero"
            ),
            models.CheckConstraint(
                condition=(Q(kind="reversal") & Q(reverses__isnull=False))
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="relief_ledger_reversal_names_its_payment",
            ),
        ]


class Reconciliation(AppendOnlyModel):
    """对账: the counted balance (cash count or bank statement) at ``as_of`` against the ledger."""

    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    fund = models.ForeignKey(
        ReserveFund, verbose_name="备用金", on_delete=models.PROTECT, related_name="reconciliations"
    )
    as_of = models.DateField("对账日期")
    counted_balance = models.DecimalField(
        "实存/银行对账单余额（元）", max_digits=12, decimal_places=2
    )
    ledger_balance = models.DecimalField("台账余额（元）", max_digits=12, decimal_places=2)
    difference = models.DecimalField("差额（实存 − 台账）", max_digits=12, decimal_places=2)
    first_entry_id = models.BigIntegerField("本期首笔台账编号", null=True, blank=True)
    last_entry_id = models.BigIntegerField("本期末笔台账编号", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    adjustment = models.OneToOneField(
        LedgerEntry,
        verbose_name="对账调整",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reconciliation",
    )
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="对账人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "备用金对账"
        verbose_name_plural = "备用金对账"
        ordering = ["-as_of", "-id"]


class AdvancePayment(BaseModel):
    """先行救助: an emergency payment from the fund, with the application to be filed afterwards."""

    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    fund = models.ForeignKey(
        ReserveFund, verbose_name="备用金", on_delete=models.PROTECT, related_name="advances"
    )
    # The paying township's codes: the fund pays, wherever the family is registered.
    province_code = models.CharField("省", max_length=6, db_index=True)
    city_code = models.CharField("市", max_length=6, db_index=True)
    county_code = models.CharField("县", max_length=6, db_index=True)
    township_code = models.CharField("乡镇", max_length=9, db_index=True)
    person = models.ForeignKey(
        "registry.Person", verbose_name="救助对象", on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name="所在家庭", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    paid_on = models.DateField("发放日期")
    emergency = models.TextField("急难情形")
    ledger_entry = models.OneToOneField(
        LedgerEntry, verbose_name="台账记录", on_delete=models.PROTECT, related_name="advance"
    )
    paperwork_due = models.DateField("补办手续截止日期")
    paperwork_due_is_provisional = models.BooleanField("截止日期暂定", default=False)
    application = models.OneToOneField(
        "intake.Application",
        verbose_name="补办的临时救助申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    linked_at = models.DateTimeField("补办时间", null=True, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="补办登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reversed_at = models.DateTimeField("冲销时间", null=True, blank=True)
    reversal_reason = models.TextField("冲销原因", blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "先行救助"
        verbose_name_plural = "先行救助"
        ordering = ["-paid_on", "-id"]


class InstalmentPlan(BaseModel):
    """一次审批、分阶段救助: the approved amount of an expenditure-type case paid in instalments."""

    application = models.OneToOneField(
        "intake.Application",
        verbose_name="临时救助申请",
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_amount = models.DecimalField("核定金额（元）", max_digits=12, decimal_places=2)
    province_code = models.CharField("省", max_length=6, db_index=True)
    city_code = models.CharField("市", max_length=6, db_index=True)
    county_code = models.CharField("县", max_length=6, db_index=True)
    township_code = models.CharField("乡镇", max_length=9, db_index=True)
    village_code = models.CharField("村（社区）代码", max_length=12, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="制定人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "分阶段救助计划"
        verbose_name_plural = "分阶段救助计划"
        ordering = ["-id"]


class Instalment(BaseModel):
    plan = models.ForeignKey(
        InstalmentPlan, verbose_name="计划", on_delete=models.PROTECT, related_name="instalments"
    )
    number = models.PositiveSmallIntegerField("期次")
    month = models.DateField("发放月份", help_text="该月第一日")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "分阶段救助分期"
        verbose_name_plural = "分阶段救助分期"
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="relief_instalment_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="relief_instalment_positive"),
        ]


class InstalmentPayment(AppendOnlyModel):
    """The record that an instalment was paid: at most one per instalment (DB-enforced)."""

    instalment = models.OneToOneField(
        Instalment, verbose_name="分期", on_delete=models.PROTECT, related_name="payment"
    )
    paid_on = models.DateField("发放日期")
    reference = models.CharField("发放凭证号", max_length=64, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "分期发放记录"
        verbose_name_plural = "分期发放记录"
        ordering = ["id"]
