"""Applications for assistance and their way to a decision (docs/intake.md, docs/workflow.md).

The statuses, transitions, guards and time limits are the pure package :mod:`.workflow`; these
tables only persist a case, its consents and its append-only events. What a confirmation grants
(entitlements, one-off grants) belongs to :mod:`doudi.benefits`."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from doudi.core.models import AppendOnlyModel, BaseModel
from doudi.intake.workflow import STATUS_LABELS, ApplicationStatus


class Channel(models.TextChoices):
    WINDOW = "window", "窗口受理"
    VILLAGE_WORKER = "village_worker", "村（社区）代办"
    ONLINE = "online", "网上申请"


STATUS_CHOICES = [(status.value, STATUS_LABELS[status]) for status in ApplicationStatus]


class Application(BaseModel):
    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="家庭",
        on_delete=models.PROTECT,
        related_name="applications",
    )
    programmes = models.JSONField("申请项目", default=list)
    channel = models.CharField("申请渠道", max_length=16, choices=Channel.choices)
    status = models.CharField("状态", max_length=24, choices=STATUS_CHOICES, db_index=True)
    province_code = models.CharField("省", max_length=6, db_index=True)
    city_code = models.CharField("市", max_length=6, db_index=True)
    county_code = models.CharField("县", max_length=6, db_index=True)
    township_code = models.CharField("乡镇", max_length=9, db_index=True)
    village_code = models.CharField("村（社区）代码", max_length=12, db_index=True)
    situation = models.JSONField("申报的家庭情况", default=dict)
    is_relative_declared = models.BooleanField("近亲属备案", default=False)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="初审意见提出人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion = models.TextField("初审意见", blank=True)
    opinion_favourable = models.BooleanField("初审意见同意纳入", null=True, blank=True)
    proposal_evaluation = models.ForeignKey(
        "standards.EvaluationRecord",
        verbose_name="初审测算记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposal = models.JSONField("初审测算结果", default=dict, blank=True)
    last_home_visit_full = models.BooleanField("最近一次为全面入户调查", default=False)
    notice_published_on = models.DateField("公示发布日期", null=True, blank=True)
    objection_open = models.BooleanField("有未处理的异议", default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="不予确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    refusal_reason = models.TextField("不予确认理由", blank=True)
    extension_reason = models.TextField("延长办理时限理由", blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    needs = models.JSONField("其他救助需求", default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    receiving_township_code = models.CharField(
        "接收申请的乡镇（街道）",
        max_length=9,
        blank=True,
        db_index=True,
        help_text="在户籍地或居住地以外的窗口提出时（跨省通办、急难发生地）填写",
    )
    missing_items = models.JSONField("尚缺材料", default=list, blank=True)
    requested_items = models.JSONField("已一次性告知的补正材料", default=list, blank=True)
    community_review_started = models.BooleanField("已启动民主评议", default=False)
    community_review_result = models.TextField("民主评议结果", blank=True)
    county_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="县级复核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    county_reviewed_at = models.DateTimeField("县级复核时间", null=True, blank=True)
    refusal_notice_sent_on = models.DateField("不予确认通知送达日期", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "救助申请"
        verbose_name_plural = "救助申请"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"申请 {self.public_id}（{self.get_status_display()}）"


class SignedBy(models.TextChoices):
    SELF = "self", "本人签署"
    GUARDIAN = "guardian", "监护人代签"
    PROXY = "proxy", "委托代签"


class Consent(BaseModel):
    """授权核对书: a counted member's consent to the verification of their economic status."""

    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.CASCADE, related_name="consents"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.CharField("签署方式", max_length=16, choices=SignedBy.choices)
    proxy_reason = models.CharField("代签原因", max_length=255, blank=True)
    signed_at = models.DateTimeField("签署时间")

    class Meta:
        verbose_name = "授权核对书"
        verbose_name_plural = "授权核对书"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "person"], name="consent_once_per_person"
            )
        ]


class CaseEvent(AppendOnlyModel):
    """One step of a case. Append-only: never changed or deleted."""

    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("操作", max_length=40)
    from_status = models.CharField("原状态", max_length=24)
    to_status = models.CharField("新状态", max_length=24)
    parameters = models.JSONField("参数", default=dict, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["created_at", "id"]


class ConfirmationSetting(BaseModel):
    """Per county: whether confirmation (审核确认) is delegated to the townships."""

    county = models.OneToOneField(
        "core.Division",
        verbose_name="县（市、区）",
        on_delete=models.PROTECT,
        related_name="+",
    )
    delegated_to_township = models.BooleanField("审核确认权委托乡镇（街道）", default=False)

    class Meta:
        verbose_name = "审核确认权设置"
        verbose_name_plural = "审核确认权设置"
        ordering = ["county_id"]


class ConfirmationSettingChange(BaseModel):
    """One switch of a county's delegation, with who made it and why (history of the setting)."""

    county = models.ForeignKey(
        "core.Division",
        verbose_name="县（市、区）",
        on_delete=models.PROTECT,
        related_name="+",
    )
    delegated_to_township = models.BooleanField("审核确认权委托乡镇（街道）")
    reason = models.TextField("理由")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="设置人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "审核确认权设置记录"
        verbose_name_plural = "审核确认权设置记录"
        ordering = ["-created_at", "-id"]


class MaterialKind(models.TextChoices):
    """What a household may hand in. Certificates the platform looks up itself are not kinds:
    see ``services.materials.PLATFORM_OBTAINED``."""

    SIGNED_APPLICATION_FORM = "signed_application_form", "签字的申请书"
    SIGNED_CONSENT = "signed_consent", "签字的授权核对书"
    HOME_VISIT_PHOTO = "home_visit_photo", "入户调查照片"
    SIGNED_HOME_VISIT_RECORD = "signed_home_visit_record", "签字的入户调查记录"
    MEDICAL_BILLS = "medical_bills", "医疗费用票据"
    INCOME_PROOF = "income_proof", "平台无法获取的收入证明"
    EMERGENCY_PROOF = "emergency_proof", "急难情况证明"
    OTHER = "other", "其他材料"


def material_upload_to(instance: Material, filename: str) -> str:
    """A random path: the name the user gave is kept only in ``original_name``."""
    return f"materials/{instance.household_id}/{uuid.uuid4().hex}"


class Material(BaseModel):
    """材料: a file handed in by a household once and reused by its later applications."""

    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="家庭",
        on_delete=models.PROTECT,
        related_name="materials",
    )
    kind = models.CharField("材料类别", max_length=32, choices=MaterialKind.choices)
    file = models.FileField("文件", upload_to=material_upload_to, max_length=255)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    province_code = models.CharField("省", max_length=6, db_index=True)
    city_code = models.CharField("市", max_length=6, db_index=True)
    county_code = models.CharField("县", max_length=6, db_index=True)
    township_code = models.CharField("乡镇", max_length=9, db_index=True)
    village_code = models.CharField("村（社区）代码", max_length=12, db_index=True)
    applications = models.ManyToManyField(
        Application,
        verbose_name="用于的申请",
        through="MaterialUse",
        related_name="materials",
        blank=True,
    )

    class Meta:
        verbose_name = "材料"
        verbose_name_plural = "材料"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "sha256"], name="material_once_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.original_name}"


class MaterialUse(BaseModel):
    """A material used for an application: who attached it and when."""

    material = models.ForeignKey(
        Material, verbose_name="材料", on_delete=models.PROTECT, related_name="uses"
    )
    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.PROTECT, related_name="material_uses"
    )
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="关联人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "材料使用记录"
        verbose_name_plural = "材料使用记录"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "application"], name="material_use_once_per_application"
            )
        ]


class SituationAssessment(AppendOnlyModel):
    """核定: the situation the initial opinion runs on, after the caseworker adopted what a
    verification report of the application found above the declaration. The declaration itself
    (`Application.situation`) is kept as declared. Append-only: a later assessment supersedes."""

    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.PROTECT, related_name="assessments"
    )
    report = models.ForeignKey(
        "verification.VerificationReport",
        verbose_name="所依据的核对报告",
        on_delete=models.PROTECT,
        related_name="+",
    )
    situation = models.JSONField("核定后的家庭情况")
    changes = models.JSONField("核定变更", default=list)  # [{name, label, declared, assessed}]
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="核定人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "收入财产核定"
        verbose_name_plural = "收入财产核定"
        ordering = ["created_at", "id"]
