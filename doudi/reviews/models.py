"""Tables of dynamic management (动态管理, POLICY.md §2.8, §2.9, §3.5; docs/reviews.md).

A :class:`ReviewCase` re-assesses a household that holds entitlements; deciding it writes
:class:`EntitlementChange` rows (append-only) and adjusts the ``benefits.Entitlement`` rows:
an open one is closed by setting its ``to_month`` and a new one is opened. An amount or a start
month already written is never changed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from doudi.core.models import AppendOnlyModel, BaseModel


class RegionCodes(models.Model):
    province_code = models.CharField("省", max_length=6, db_index=True)
    city_code = models.CharField("市", max_length=6, db_index=True)
    county_code = models.CharField("县", max_length=6, db_index=True)
    township_code = models.CharField("乡镇", max_length=9, db_index=True)
    village_code = models.CharField("村（社区）代码", max_length=12, db_index=True)

    class Meta:
        abstract = True


class ReviewTrigger(models.TextChoices):
    SCHEDULE = "schedule", "定期复核"
    STAFF = "staff", "工作人员发起"
    CHANGE_REPORT = "change_report", "家庭情况变化报告"


class ReviewStatus(models.TextChoices):
    # 调查中: the caseworker records the household's current situation and proposes.
    INVESTIGATING = "investigating", "调查中"
    # 待审核确认: a proposal with written reasons awaits the approver.
    PROPOSED = "proposed", "待审核确认"
    # 终止公示中: a proposed 特困 termination is on its 7-day notice (POLICY.md §3.5).
    NOTICE = "notice", "终止公示中"
    # 已决定: the decision is written and the entitlements adjusted.
    DECIDED = "decided", "已决定"


OPEN_REVIEW_STATUSES = (ReviewStatus.INVESTIGATING, ReviewStatus.PROPOSED, ReviewStatus.NOTICE)


class ChangeKind(models.TextChoices):
    UNCHANGED = "unchanged", "维持不变"
    INCREASE = "increase", "增发"
    DECREASE = "decrease", "减发"
    STOP = "stop", "停发"
    PHASE_OUT = "phase_out", "渐退"
    SUSPEND = "suspend", "暂停发放"
    RESUME = "resume", "恢复发放"


class ReportedBy(models.TextChoices):
    FAMILY = "family", "家庭报告"
    STAFF = "staff", "工作人员发现"


class ReviewCase(RegionCodes, BaseModel):
    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="家庭",
        on_delete=models.PROTECT,
        related_name="review_cases",
    )
    trigger = models.CharField("发起方式", max_length=16, choices=ReviewTrigger.choices)
    status = models.CharField("状态", max_length=16, choices=ReviewStatus.choices, db_index=True)
    review_class = models.CharField("复核类别", max_length=40)
    due_on = models.DateField("应复核日期", null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    situation = models.JSONField("复核时的家庭情况", default=dict, blank=True)
    evaluation = models.ForeignKey(
        "standards.EvaluationRecord",
        verbose_name="复核测算记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phase_out_evaluation = models.ForeignKey(
        "standards.EvaluationRecord",
        verbose_name="渐退期测算记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # {programme: {kind, old_amount, new_amount, phase_out_months}} as the engine suggests it.
    engine_proposal = models.JSONField("测算建议", default=dict, blank=True)
    # The caseworker's proposal, same shape; what the decision applies.
    proposal = models.JSONField("复核意见", default=dict, blank=True)
    proposal_reason = models.TextField("复核意见理由", blank=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核意见提出人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice_published_on = models.DateField("终止公示发布日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_reason = models.TextField("决定理由", blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "复核案件"
        verbose_name_plural = "复核案件"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"复核 {self.public_id}（{self.get_status_display()}）"


class ReviewEvent(AppendOnlyModel):
    """One step of a review case."""

    review = models.ForeignKey(
        ReviewCase, verbose_name="复核案件", on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("操作", max_length=32)
    from_status = models.CharField("原状态", max_length=16)
    to_status = models.CharField("新状态", max_length=16)
    parameters = models.JSONField("参数", default=dict, blank=True)

    class Meta:
        verbose_name = "复核记录"
        verbose_name_plural = "复核记录"
        ordering = ["created_at", "id"]


class ChangeReport(RegionCodes, AppendOnlyModel):
    """A change in the household's situation, reported by the family or found by staff."""

    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="家庭",
        on_delete=models.PROTECT,
        related_name="change_reports",
    )
    reported_by = models.CharField("报告方", max_length=8, choices=ReportedBy.choices)
    reporter_name = models.CharField("报告人", max_length=64, blank=True)
    reported_on = models.DateField("报告日期")
    description = models.TextField("变化情况")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    review = models.ForeignKey(
        ReviewCase,
        verbose_name="复核案件",
        on_delete=models.PROTECT,
        related_name="change_reports",
    )

    class Meta:
        verbose_name = "家庭情况变化报告"
        verbose_name_plural = "家庭情况变化报告"
        ordering = ["-reported_on", "-id"]


class EntitlementChange(RegionCodes, AppendOnlyModel):
    """A decided change of one programme's entitlement: what was paid, what is paid from
    ``effective_month``, and why. Never changed or deleted."""

    review = models.ForeignKey(
        ReviewCase, verbose_name="复核案件", on_delete=models.PROTECT, related_name="changes"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="家庭",
        on_delete=models.PROTECT,
        related_name="entitlement_changes",
    )
    programme = models.CharField("救助项目", max_length=32)
    kind = models.CharField("变更类型", max_length=16, choices=ChangeKind.choices)
    old_entitlement = models.ForeignKey(
        "benefits.Entitlement",
        verbose_name="原待遇",
        on_delete=models.PROTECT,
        related_name="+",
    )
    new_entitlement = models.ForeignKey(
        "benefits.Entitlement",
        verbose_name="新待遇",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    old_amount = models.DecimalField("原月金额", max_digits=12, decimal_places=2)
    new_amount = models.DecimalField(
        "新月金额", max_digits=12, decimal_places=2, null=True, blank=True
    )
    effective_month = models.DateField("生效月份", help_text="该月第一日")
    to_month = models.DateField("新待遇终止月份", null=True, blank=True)
    reason = models.TextField("理由")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluation = models.ForeignKey(
        "standards.EvaluationRecord",
        verbose_name="测算记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "待遇变更"
        verbose_name_plural = "待遇变更"
        ordering = ["effective_month", "id"]
