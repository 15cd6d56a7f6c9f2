"""家庭经济状况核对 (household economic-status verification, POLICY.md §7): the consents a check
relies on, the numbered immutable reports with their items, the officer's signature, and the log
of every read of a person's department data (docs/verification.md)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models

from doudi.core.models import AppendOnlyModel, BaseModel


class ConsentSignedBy(models.TextChoices):
    SELF = "self", "本人签署"
    GUARDIAN = "guardian", "监护人代签"
    PROXY = "proxy", "委托代签"


class ConsentStatus(models.TextChoices):
    SIGNED = "signed", "本人已签署"  # signed by the person, in force
    PROXY = "proxy", "代签有效"  # signed by a guardian or proxy (with reason), in force
    WITHDRAWN = "withdrawn", "已撤回"  # withdrawn by the person: no query may rely on it
    EXPIRED = "expired", "已过期"  # past valid_until


VALID_CONSENT_STATUSES = (ConsentStatus.SIGNED, ConsentStatus.PROXY)


class VerificationConsent(BaseModel):
    """授权核对书 of one person for one household's checks. Only withdrawal changes it."""

    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "registry.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name="家庭", on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        "intake.Application",
        verbose_name="申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    intake_consent = models.OneToOneField(
        "intake.Consent",
        verbose_name="申请时的授权核对书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_by = models.CharField("签署方式", max_length=16, choices=ConsentSignedBy.choices)
    proxy_reason = models.CharField("代签原因", max_length=255, blank=True)
    signed_at = models.DateTimeField("签署时间")
    valid_until = models.DateTimeField("有效期至")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawal_reason = models.CharField("撤回原因", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    county_code = models.CharField("县", max_length=6, db_index=True)
    township_code = models.CharField("乡镇", max_length=9, db_index=True)
    village_code = models.CharField("村（社区）代码", max_length=12, db_index=True)
    city_code = models.CharField("市", max_length=6, db_index=True)
    province_code = models.CharField("省", max_length=6, db_index=True)

    class Meta:
        verbose_name = "核对授权"
        verbose_name_plural = "核对授权"
        ordering = ["household_id", "person_id", "-signed_at", "-id"]

    def __str__(self) -> str:
        return f"核对授权 {self.public_id}"

    def status_at(self, moment: dt.datetime) -> ConsentStatus:
        if self.withdrawn_at is not None and self.withdrawn_at <= moment:
            return ConsentStatus.WITHDRAWN
        if self.valid_until < moment:
            return ConsentStatus.EXPIRED
        return (
            ConsentStatus.SIGNED if self.signed_by == ConsentSignedBy.SELF else ConsentStatus.PROXY
        )


class Conclusion(models.TextChoices):
    COMPLIANT = "compliant", "符合"  # nothing found against the declaration or the limits
    NON_COMPLIANT = "non_compliant", "不符合"  # an asset limit of the policy engine is exceeded
    SUSPECT = "suspect", "疑似"  # undeclared items or unchecked sources: to be explained


class ReportSequence(BaseModel):
    """The last report number given per county and year (numbers never repeat or skip)."""

    county_code = models.CharField("县", max_length=6)
    year = models.PositiveSmallIntegerField("年度")
    last_number = models.PositiveIntegerField("已用编号", default=0)

    class Meta:
        verbose_name = "核对报告编号"
        verbose_name_plural = "核对报告编号"
        ordering = ["county_code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "year"], name="verification_sequence_once"
            )
        ]


class VerificationReport(AppendOnlyModel):
    """核对报告: numbered, immutable. A re-check is a new report pointing at the previous one."""

    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField("报告编号", max_length=40, unique=True)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="家庭",
        on_delete=models.PROTECT,
        related_name="verification_reports",
    )
    application = models.ForeignKey(
        "intake.Application",
        verbose_name="申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verification_reports",
    )
    previous = models.ForeignKey(
        "self",
        verbose_name="复核所依据的原报告",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rechecks",
    )
    objection_evidence = models.TextField("异议及新证据", blank=True)
    month = models.CharField("核对月份", max_length=7)
    conclusion = models.CharField("核对结论", max_length=16, choices=Conclusion.choices)
    conclusion_rule = models.CharField("结论依据规则", max_length=40)
    conclusion_reason = models.TextField("结论理由")
    body = models.JSONField("报告内容")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请核对人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    province_code = models.CharField("省", max_length=6, db_index=True)
    city_code = models.CharField("市", max_length=6, db_index=True)
    county_code = models.CharField("县", max_length=6, db_index=True)
    township_code = models.CharField("乡镇", max_length=9, db_index=True)
    village_code = models.CharField("村（社区）代码", max_length=12, db_index=True)

    class Meta:
        verbose_name = "核对报告"
        verbose_name_plural = "核对报告"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number


class ItemKind(models.TextChoices):
    INCOME = "income", "收入"
    ASSET = "asset", "财产"
    NOT_CHECKED = "not_checked", "未核对"


class ReportItem(AppendOnlyModel):
    """One line of a report: a member's income of one type, or asset, from one source; or a
    source that has sent no data (未报送/未核对, never zero)."""

    report = models.ForeignKey(
        VerificationReport, verbose_name="报告", on_delete=models.PROTECT, related_name="items"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("数据源", max_length=64)
    kind = models.CharField("类别", max_length=16, choices=ItemKind.choices)
    category = models.CharField("收入或财产类型", max_length=40, blank=True)
    amount = models.DecimalField(
        "金额（收入为月均元，财产为价值元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    quantity = models.PositiveIntegerField("数量", null=True, blank=True)
    snapshot = models.ForeignKey(
        "exchange.FeedSnapshot",
        verbose_name="数据快照",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    snapshot_date = models.DateField("快照日期", null=True, blank=True)
    link_method = models.CharField("关联方式", max_length=40, blank=True)
    detail = models.JSONField("明细", default=dict)

    class Meta:
        verbose_name = "核对报告条目"
        verbose_name_plural = "核对报告条目"
        ordering = ["report_id", "id"]


class ReportSignature(AppendOnlyModel):
    """核对人员签发: turns a draft report into a signed one. One per report, never changed."""

    report = models.OneToOneField(
        VerificationReport, verbose_name="报告", on_delete=models.PROTECT, related_name="signature"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签发人", on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField("签发人姓名", max_length=64)
    org_unit_name = models.CharField("核对机构", max_length=128)
    opinion = models.TextField("核对意见", blank=True)

    class Meta:
        verbose_name = "核对报告签发"
        verbose_name_plural = "核对报告签发"
        ordering = ["-created_at", "-id"]


class PersonDataAccess(AppendOnlyModel):
    """One read of one person's data from one department snapshot, with the consent it relied
    on and its purpose. Written in the same transaction as the report."""

    person = models.ForeignKey(
        "registry.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("数据源", max_length=64)
    snapshot = models.ForeignKey(
        "exchange.FeedSnapshot", verbose_name="数据快照", on_delete=models.PROTECT, related_name="+"
    )
    consent = models.ForeignKey(
        VerificationConsent, verbose_name="所依据的授权", on_delete=models.PROTECT, related_name="+"
    )
    report = models.ForeignKey(
        VerificationReport,
        verbose_name="核对报告",
        on_delete=models.PROTECT,
        related_name="data_accesses",
    )
    purpose = models.CharField("用途", max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="查询人", on_delete=models.PROTECT, related_name="+"
    )
    accessed_at = models.DateTimeField("查询时间")

    class Meta:
        verbose_name = "个人数据查询记录"
        verbose_name_plural = "个人数据查询记录"
        ordering = ["-accessed_at", "-id"]


# -- batch screening (批量核对) ----------------------------------------------------------------


class BatchStatus(models.TextChoices):
    COMPLETED = "completed", "已完成"  # at least one household screened
    NOTHING_SCREENED = "nothing_screened", "无可核对家庭"  # none selected, or all skipped


class BatchOutcome(models.TextChoices):
    COMPLIANT = "compliant", "符合"  # no asset limit exceeded, every source checked
    NON_COMPLIANT = "non_compliant", "不符合"  # an asset limit of the policy engine is exceeded
    SUSPECT = "suspect", "疑似"  # a source has sent no data: part of the picture is missing
    SKIPPED = "skipped", "未核对"  # not screened (no valid consent, or no counted member)


class BatchRun(AppendOnlyModel):
    """批量核对: one screening of the households of a region (optionally the current recipients of
    one programme) against the latest department snapshots. Written once, after the screen,
    in one transaction with its results and access log; never changed."""

    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    region_code = models.CharField("核对区域代码", max_length=12)
    region_level = models.CharField("核对区域层级", max_length=16)
    region_name = models.CharField("核对区域", max_length=64)
    programme = models.CharField("在保救助项目", max_length=32, blank=True)
    month = models.CharField("核对月份", max_length=7)
    income_months = models.PositiveSmallIntegerField("收入参考月数")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间")
    status = models.CharField("状态", max_length=20, choices=BatchStatus.choices)
    households_selected = models.PositiveIntegerField("选取家庭数")
    households_screened = models.PositiveIntegerField("已核对家庭数")
    households_skipped = models.PositiveIntegerField("无有效授权未核对家庭数")
    households_without_members = models.PositiveIntegerField("无共同生活成员未核对家庭数")
    compliant_count = models.PositiveIntegerField("符合")
    non_compliant_count = models.PositiveIntegerField("不符合")
    suspect_count = models.PositiveIntegerField("疑似")
    persons_read = models.PositiveIntegerField("已查询人数")
    snapshots = models.JSONField("所用数据快照")  # source → {"snapshot_id", "snapshot_date"}
    sources_not_checked = models.JSONField("未报送的数据源")
    limits = models.JSONField("所用限额")  # "county/area type" → the policy engine's values
    province_code = models.CharField("省", max_length=6, db_index=True)
    city_code = models.CharField("市", max_length=6, blank=True, db_index=True)
    county_code = models.CharField("县", max_length=6, blank=True, db_index=True)
    township_code = models.CharField("乡镇", max_length=9, blank=True, db_index=True)
    village_code = models.CharField("村（社区）代码", max_length=12, blank=True, db_index=True)

    class Meta:
        verbose_name = "批量核对"
        verbose_name_plural = "批量核对"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"批量核对 {self.region_name} {self.month}"


class BatchResult(AppendOnlyModel):
    """One household of a batch run: what the screen found and its conclusion, or why it was
    not screened (the members without a valid consent)."""

    run = models.ForeignKey(
        BatchRun, verbose_name="批量核对", on_delete=models.PROTECT, related_name="results"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name="家庭", on_delete=models.PROTECT, related_name="+"
    )
    conclusion = models.CharField("核对结论", max_length=16, choices=BatchOutcome.choices)
    rule = models.CharField("结论依据规则", max_length=40)
    reason = models.TextField("结论理由")
    counted_members = models.PositiveSmallIntegerField("共同生活家庭成员人数")
    monthly_income = models.DecimalField(
        "月均计算收入（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    financial = models.DecimalField(
        "金融资产（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    financial_limit = models.DecimalField(
        "金融资产限额（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    vehicles = models.PositiveIntegerField("机动车辆（辆）", null=True, blank=True)
    dwellings = models.PositiveIntegerField("住房（套）", null=True, blank=True)
    businesses = models.PositiveIntegerField("市场主体登记（户）", null=True, blank=True)
    sources_not_checked = models.JSONField("未核对的数据源", default=list)
    members_without_consent = models.JSONField("无有效授权的成员", default=list)

    class Meta:
        verbose_name = "批量核对结果"
        verbose_name_plural = "批量核对结果"
        ordering = ["run_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "household"], name="batch_result_once")
        ]
        indexes = [models.Index(fields=["run", "conclusion", "id"], name="batch_result_conclusion")]


class BatchPersonAccess(AppendOnlyModel):
    """One person whose department data a batch run read: the sources read (the snapshots are
    the run's) and the consent relied on. Exactly one per person screened."""

    run = models.ForeignKey(
        BatchRun, verbose_name="批量核对", on_delete=models.PROTECT, related_name="data_accesses"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name="家庭", on_delete=models.PROTECT, related_name="+"
    )
    consent = models.ForeignKey(
        VerificationConsent, verbose_name="所依据的授权", on_delete=models.PROTECT, related_name="+"
    )
    sources = models.JSONField("查询的数据源")
    purpose = models.CharField("用途", max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="查询人", on_delete=models.PROTECT, related_name="+"
    )
    accessed_at = models.DateTimeField("查询时间")

    class Meta:
        verbose_name = "批量核对个人数据查询记录"
        verbose_name_plural = "批量核对个人数据查询记录"
        ordering = ["run_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="batch_access_once_per_person")
        ]
