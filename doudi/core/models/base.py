from django.db import models


class BaseModel(models.Model):
    """Every model records when it was created and last changed."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyModel(BaseModel):
    """A row written once and never changed or deleted (case timelines, ledgers, changes).

    The refusal names the table by its verbose name, e.g. “备用金台账只能追加，不能修改”."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise RuntimeError(f"{self._meta.verbose_name}只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"{self._meta.verbose_name}只能追加，不能删除")
