"""Holiday schedules maintained in the platform, and deadlines counted in working days.

Write through the services in ``doudi.core.calendar`` (``holiday_schedule_load``,
``deadline_open``, ``deadline_close``): they validate, recompute and audit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.core.models.base import BaseModel


class HolidaySchedule(BaseModel):
    """The State Council's holiday schedule for one year, as loaded by an administrator.

    Its days list only the deviations from Monday-Friday. Once a year is loaded it overrides
    chinese-calendar for that year."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField(
        "依据",
        max_length=200,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）",
    )
    note = models.TextField("备注", blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="加载人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class HolidayScheduleDay(BaseModel):
    """One deviation from Monday-Friday: a holiday on a weekday (``is_working_day`` False) or a
    make-up working day (调休上班) on a Saturday or Sunday (``is_working_day`` True)."""

    schedule = models.ForeignKey(
        HolidaySchedule, verbose_name="节假日安排", on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField(
        "调休上班", default=False, help_text="勾选：周末调休上班；不勾选：工作日放假"
    )
    name = models.CharField("名称", max_length=32, help_text="如：元旦、春节、春节调休上班")

    class Meta:
        verbose_name = "节假日安排日期"
        verbose_name_plural = "节假日安排日期"
        ordering = ["date"]

    def __str__(self) -> str:
        kind = "上班" if self.is_working_day else "放假"
        return f"{self.date:%Y-%m-%d} {self.name}（{kind}）"


class Deadline(BaseModel):
    """A deadline of a workflow step, counted in working days after ``start_date``.

    ``is_provisional`` is True when the count crossed a year without a loaded holiday schedule
    (Monday-Friday were assumed); such deadlines are recomputed when the schedule is loaded."""

    object_type = models.CharField("对象类型", max_length=64, help_text="如 intake.application")
    object_id = models.CharField("对象编号", max_length=64)
    kind = models.CharField("期限类型", max_length=32, help_text="如 accept、home_visit")
    region_code = models.CharField("区划代码", max_length=12, blank=True, db_index=True)
    start_date = models.DateField("起算日期")
    working_days = models.PositiveIntegerField("工作日数")
    due_date = models.DateField("截止日期", db_index=True)
    is_provisional = models.BooleanField("临时期限", default=False)
    provisional_years = models.JSONField("未加载节假日安排的年份", default=list, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)

    class Meta:
        verbose_name = "办理期限"
        verbose_name_plural = "办理期限"
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["is_provisional", "closed_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        mark = "（临时）" if self.is_provisional else ""
        return (
            f"{self.object_type}#{self.object_id} {self.kind} 截止 {self.due_date:%Y-%m-%d}{mark}"
        )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
