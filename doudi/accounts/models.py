from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models

from doudi.core.models import BaseModel, Division, DivisionLevel


class Role(models.TextChoices):
    CASEWORKER = "caseworker", "经办人"  # township/village: accepts, investigates, proposes
    APPROVER = "approver", "审核确认人"  # confirms (county, or township where delegated)
    COUNTY_OFFICER = "county_officer", "县级民政干部"  # payroll, local standards, supervision
    VERIFICATION_OFFICER = "verification_officer", "核对人员"  # economic-status verification centre
    ANALYST = "analyst", "分析人员"  # aggregate monitoring, simulation; no individual records
    AUDITOR = "auditor", "审计监督人员"  # read-only, including the audit trail
    ADMIN = "admin", "系统管理员"  # accounts, holiday schedules, reference data
    VILLAGE_WORKER = "village_worker", "村（居）协理员"  # helps families apply, in one village
    PARTNER = "partner", "协同部门经办人"  # a partner department: answers its own referrals


class PartnerDepartment(models.TextChoices):
    """The departments that work with civil affairs: those a need is referred to (一门受理、
    协同办理, by the assistance they give; `REFERRAL_DEPARTMENTS`), and those that only send
    their data for verification and monitoring (部门数据共享). A partner-department user sees
    the referrals of their department and uploads their department's feeds."""

    MEDICAL_ASSISTANCE = "medical_assistance", "医疗保障部门（医疗救助）"
    EDUCATION_ASSISTANCE = "education_assistance", "教育部门（教育救助）"
    HOUSING_ASSISTANCE = "housing_assistance", "住房和城乡建设部门（住房救助）"
    EMPLOYMENT_ASSISTANCE = "employment_assistance", "人力资源和社会保障部门（就业救助）"
    LEGAL_AID = "legal_aid", "司法行政部门（法律援助）"
    CHARITY = "charity", "慈善组织（慈善帮扶）"
    PUBLIC_SECURITY = "public_security", "公安机关（户籍、死亡、机动车登记）"
    TAX = "tax", "税务部门"
    HOUSING_FUND_CENTRE = "housing_fund_centre", "住房公积金管理中心"
    NATURAL_RESOURCES = "natural_resources", "自然资源部门（不动产登记）"
    MARKET_REGULATION = "market_regulation", "市场监督管理部门"
    FINANCIAL_REGULATION = "financial_regulation", "金融监管部门（银行、证券、保险）"
    DISABLED_PERSONS_FEDERATION = "disabled_persons_federation", "残疾人联合会"
    EMERGENCY_MANAGEMENT = "emergency_management", "应急管理部门"
    RURAL_REVITALISATION = "rural_revitalisation", "农业农村（乡村振兴）部门"


# The departments needs are referred to (the referrals app offers only these).
REFERRAL_DEPARTMENTS = (
    PartnerDepartment.MEDICAL_ASSISTANCE,
    PartnerDepartment.EDUCATION_ASSISTANCE,
    PartnerDepartment.HOUSING_ASSISTANCE,
    PartnerDepartment.EMPLOYMENT_ASSISTANCE,
    PartnerDepartment.LEGAL_AID,
    PartnerDepartment.CHARITY,
)
REFERRAL_DEPARTMENT_CHOICES = [(d.value, d.label) for d in REFERRAL_DEPARTMENTS]


class OrgUnit(BaseModel):
    """A civil-affairs office (民政局, 乡镇/街道 office, 村居委会) covering one division."""

    name = models.CharField("单位名称", max_length=128)
    division = models.ForeignKey(
        Division, verbose_name="管辖区划", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField("层级", max_length=16, choices=DivisionLevel.choices)
    is_verification_centre = models.BooleanField("核对中心", default=False)
    partner_department = models.CharField(
        "协同部门",
        max_length=32,
        choices=PartnerDepartment.choices,
        blank=True,
        help_text="仅协同部门单位填写：该单位接收哪一类转介",
    )

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["division_id", "name"]

    def __str__(self) -> str:
        return self.name


class StaffProfile(BaseModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="staff"
    )
    display_name = models.CharField("姓名", max_length=64)
    roles = models.JSONField("角色", default=list)

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"
        ordering = ["org_unit_id", "display_name"]

    def __str__(self) -> str:
        return f"{self.display_name}（{self.org_unit}）"


class ApiToken(BaseModel):
    """A bearer token for the REST API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("用途", max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()


class PasswordRecord(BaseModel):
    """When a user's password was last set, for the expiry rule (DOUDI_PASSWORD_MAX_AGE_DAYS).

    Written by `accounts.validators.PasswordExpiryValidator.password_changed`, which Django calls
    whenever a password is set through `set_password` and saved."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_record"
    )
    changed_at = models.DateTimeField("密码设置时间")

    class Meta:
        verbose_name = "密码记录"
        verbose_name_plural = "密码记录"
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.user}（{self.changed_at:%Y-%m-%d}）"
