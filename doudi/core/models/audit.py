from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    """Audit events are append-only: bulk updates and deletes are refused."""

    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("审计事件只能追加，不能修改")

    def delete(self):  # type: ignore[no-untyped-def]
        raise PermissionError("审计事件只能追加，不能删除")


class AuditEvent(models.Model):
    """One row per recorded action, written in the same transaction as the change it records."""

    occurred_at = models.DateTimeField("发生时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象编号", max_length=64, db_index=True)
    region_code = models.CharField("区划代码", max_length=12, blank=True, db_index=True)
    parameters = models.JSONField("参数", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
        )

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("审计事件只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("审计事件只能追加，不能删除")
