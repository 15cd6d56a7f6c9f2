"""The snapshot catalogue: every file a department sent, and the snapshots accepted from them.

The data themselves live as immutable Parquet files under settings.DATA_DIR (docs/exchange.md);
these tables hold only provenance, status and the problems of rejected files."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from doudi.core.models import BaseModel


class SubmissionStatus(models.TextChoices):
    ACCEPTED = "accepted", "已接收"  # validated whole; a snapshot was written
    REJECTED = "rejected", "已退回"  # at least one problem; nothing of the file kept


class SubmissionChannel(models.TextChoices):
    COMMAND = "command", "命令行"
    API = "api", "接口上传"
    WEB = "web", "页面上传"


class FeedSubmission(BaseModel):
    """One file received for a feed, accepted or rejected (a duplicate of an accepted file is not
    recorded: re-sending it is a no-op)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField("数据源", max_length=64, db_index=True)
    status = models.CharField("状态", max_length=16, choices=SubmissionStatus.choices)
    channel = models.CharField("报送方式", max_length=16, choices=SubmissionChannel.choices)
    filename = models.CharField("文件名", max_length=255)
    file_format = models.CharField("文件格式", max_length=16, blank=True)
    checksum = models.CharField("SHA-256", max_length=64, db_index=True)
    size_bytes = models.BigIntegerField("文件大小（字节）")
    received_at = models.DateTimeField("接收时间")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    row_count = models.BigIntegerField("数据行数", default=0)
    problem_count = models.IntegerField("问题数", default=0)
    problems = models.JSONField("问题清单", default=list)  # [{row, column, reason}], at most 1,000

    class Meta:
        verbose_name = "数据报送"
        verbose_name_plural = "数据报送"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.filename}（{self.get_status_display()}）"


class FeedSnapshot(BaseModel):
    """An accepted, immutable, dated snapshot of one feed: a Parquet file and its provenance."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField("数据源", max_length=64)
    submission = models.OneToOneField(
        FeedSubmission, verbose_name="报送", on_delete=models.PROTECT, related_name="snapshot"
    )
    checksum = models.CharField("SHA-256", max_length=64)
    received_at = models.DateTimeField("接收时间")
    snapshot_date = models.DateField("快照日期")
    path = models.CharField("文件路径（相对数据目录）", max_length=500, unique=True)
    schema_version = models.PositiveSmallIntegerField("规范版本")
    row_count = models.BigIntegerField("记录数")
    id_valid_count = models.BigIntegerField("身份证号码有效")
    id_missing_count = models.BigIntegerField("身份证号码缺失")
    id_invalid_count = models.BigIntegerField("身份证号码无效")

    class Meta:
        verbose_name = "数据快照"
        verbose_name_plural = "数据快照"
        ordering = ["source", "-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "checksum"], name="exchange_snapshot_unique_checksum"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.snapshot_date}（{self.row_count} 条）"


class IdentityResolutionRun(BaseModel):
    """One identity-resolution run of a snapshot: counts, thresholds, model parameters, time.
    The links themselves are in the sidecar Parquet next to the snapshot (`links_path`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    snapshot = models.ForeignKey(
        FeedSnapshot, verbose_name="快照", on_delete=models.PROTECT, related_name="resolution_runs"
    )
    started_at = models.DateTimeField("开始时间")
    duration_seconds = models.FloatField("用时（秒）")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    record_count = models.BigIntegerField("记录数")
    exact_count = models.BigIntegerField("按身份证号码比对")
    probabilistic_count = models.BigIntegerField("按姓名等比对（自动接受）")
    review_count = models.BigIntegerField("待人工确认")
    unmatched_count = models.BigIntegerField("未比对上")
    carried_count = models.BigIntegerField("沿用人工确认", default=0)
    upper_threshold = models.FloatField("接受阈值")
    lower_threshold = models.FloatField("复核阈值")
    model_version = models.CharField("模型版本", max_length=32)
    parameters = models.JSONField("模型参数", default=dict)
    links_path = models.CharField("比对结果文件（相对数据目录）", max_length=500)

    class Meta:
        verbose_name = "身份比对"
        verbose_name_plural = "身份比对"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.snapshot} 身份比对 {self.started_at:%Y-%m-%d %H:%M}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    ACCEPTED = "accepted", "已确认为同一人"
    REJECTED = "rejected", "已确认不是同一人"
    SUPERSEDED = "superseded", "已由新一轮比对取代"


class IdentityLinkReview(BaseModel):
    """An uncertain candidate link of one snapshot record to one registry person, for a
    verification officer to accept or reject. `record_fields` / `person_fields` hold the compared
    fields (name, birth date, region, sex) and the masked ID numbers only."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.ForeignKey(
        IdentityResolutionRun,
        verbose_name="比对批次",
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    snapshot = models.ForeignKey(
        FeedSnapshot, verbose_name="快照", on_delete=models.PROTECT, related_name="link_reviews"
    )
    source_row = models.BigIntegerField("原文件行号")
    person = models.ForeignKey(
        "registry.Person", verbose_name="候选人员", on_delete=models.PROTECT, related_name="+"
    )
    person_key = models.CharField("人员标识（身份证号码摘要）", max_length=64)
    match_probability = models.FloatField("匹配概率")
    record_fields = models.JSONField("部门记录（脱敏）", default=dict)
    person_fields = models.JSONField("登记人员（脱敏）", default=dict)
    status = models.CharField(
        "状态", max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("确认时间", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "身份比对待确认"
        verbose_name_plural = "身份比对待确认"
        ordering = ["-match_probability", "snapshot_id", "source_row", "id"]
        indexes = [models.Index(fields=["snapshot", "source_row"])]

    def __str__(self) -> str:
        return f"{self.snapshot} 第 {self.source_row} 行 → {self.person_id}（{self.get_status_display()}）"
