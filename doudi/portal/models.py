"""Tables of the portal app: applicants' own accounts for 全程网办 (docs/channels.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.core.models import BaseModel


class ApplicantAccount(BaseModel):
    """A resident's self-service account: a Django user linked to their registry person.

    Made only when the name and ID number given at registration match a registry person (found
    by the keyed hash of the number: the number itself is never stored here). One per person."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="applicant_account",
    )
    person = models.OneToOneField(
        "registry.Person",
        verbose_name="人员",
        on_delete=models.PROTECT,
        related_name="applicant_account",
    )
    phone = models.CharField("联系电话", max_length=20)

    class Meta:
        verbose_name = "申请人账号"
        verbose_name_plural = "申请人账号"
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.person.id_number_masked}）"
