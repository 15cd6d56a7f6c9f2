from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from doudi.core.models import BaseModel, Division


class LocalParameter(models.TextChoices):
    """Standards that cities and counties set themselves (POLICY.md §8.4–8.7); the rest are
    national or provincial and live in the policy package's YAML files."""

    DIBAO_STANDARD = "dibao.standard", "低保标准（元/人·月）"


class AreaScope(models.TextChoices):
    UNIFIED = "unified", "城乡统一"
    URBAN = "urban", "城市"
    RURAL = "rural", "农村"


class LocalStandard(BaseModel):
    """One dated value of a local standard for a city or county (平潭综合实验区 included)."""

    parameter = models.CharField("标准", max_length=64, choices=LocalParameter.choices)
    region = models.ForeignKey(
        Division, verbose_name="区划", on_delete=models.PROTECT, related_name="+"
    )
    area_scope = models.CharField(
        "适用范围", max_length=8, choices=AreaScope.choices, default=AreaScope.UNIFIED
    )
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    effective_from = models.DateField("起始日期")
    effective_to = models.DateField("截止日期", null=True, blank=True)
    document = models.CharField("文件依据（文号）", max_length=255)
    source_url = models.URLField("来源地址", blank=True)
    is_demo = models.BooleanField("演示值（非正式文件）", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = "地方保障标准"
        verbose_name_plural = "地方保障标准"
        ordering = ["parameter", "region_id", "area_scope", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["parameter", "region", "area_scope", "effective_from"],
                name="local_standard_one_per_start",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="local_standard_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="local_standard_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.get_parameter_display()} {self.amount} 元（{self.effective_from} 起）"


class EvaluationRecord(models.Model):
    """An evaluation made through the platform (API or command line): the facts, the month, the rule
    version, the parameter values used and the results, kept as they were. Append-only."""

    created_at = models.DateTimeField("测算时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="测算人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField("渠道", max_length=16)
    month = models.CharField("月份", max_length=7)
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    rule_version = models.CharField("规则版本", max_length=64)
    situation = models.JSONField("家庭情况")
    result = models.JSONField("测算结果")

    class Meta:
        verbose_name = "规则测算记录"
        verbose_name_plural = "规则测算记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.month} {self.region_code} {self.rule_version}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("测算记录只能追加，不能修改")
        super().save(*args, **kwargs)
