from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from doudi.core.models import BaseModel, Division


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class AreaType(models.TextChoices):
    URBAN = "urban", "城镇"
    RURAL = "rural", "农村"


class DisabilityType(models.TextChoices):
    PHYSICAL = "physical", "肢体残疾"
    VISUAL = "visual", "视力残疾"
    HEARING = "hearing", "听力残疾"
    SPEECH = "speech", "言语残疾"
    INTELLECTUAL = "intellectual", "智力残疾"
    MENTAL = "mental", "精神残疾"
    MULTIPLE = "multiple", "多重残疾"


class Schooling(models.TextChoices):
    NONE = "none", "未在学"
    PRESCHOOL = "preschool", "学前教育"
    COMPULSORY = "compulsory", "义务教育"
    HIGH_SCHOOL = "high_school", "普通高中"
    SECONDARY_VOCATIONAL = "secondary_vocational", "中等职业教育"
    UNDERGRADUATE = "undergraduate", "全日制本专科"
    POSTGRADUATE = "postgraduate", "研究生"


class VitalStatus(models.TextChoices):
    ALIVE = "alive", "健在"
    DECEASED = "deceased", "死亡"


class Relation(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孙子女/外孙子女"
    GRANDPARENT = "grandparent", "祖父母/外祖父母"
    SIBLING = "sibling", "兄弟姐妹"
    CHILD_IN_LAW = "child_in_law", "儿媳/女婿"
    OTHER_RELATIVE = "other_relative", "其他亲属"


class ExclusionReason(models.TextChoices):
    """Why a member living with the family is not counted (民发〔2021〕57号 第七条)."""

    CLERGY_3Y = "clergy_3y", "连续三年以上脱离家庭独立生活的宗教教职人员"
    PRISON = "prison", "在监狱内服刑、在戒毒所强制隔离戒毒"
    MISSING = "missing", "宣告失踪人员"
    OTHER = "other", "省级民政部门根据本条原则确定的其他人员"


class Person(BaseModel):
    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("姓名", max_length=64, db_index=True)
    # The ID number is never stored in clear: ciphertext, keyed hash (unique, for lookup), masked form.
    id_number_encrypted = models.TextField("身份证号码（密文）")
    id_number_hash = models.CharField("身份证号码（摘要）", max_length=64, unique=True)
    id_number_masked = models.CharField("身份证号码（脱敏）", max_length=18)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    hukou_region = models.ForeignKey(
        Division, verbose_name="户籍地", on_delete=models.PROTECT, related_name="+"
    )
    hukou_type = models.CharField("户口性质", max_length=8, choices=AreaType.choices)
    residence_region = models.ForeignKey(
        Division, verbose_name="经常居住地", on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    disability_type = models.CharField(
        "残疾类别", max_length=16, choices=DisabilityType.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField("残疾等级", null=True, blank=True)
    labour_capacity = models.BooleanField("有劳动能力", default=True)
    serious_illness = models.BooleanField("患重特大疾病", default=False)
    schooling = models.CharField(
        "在学情况", max_length=24, choices=Schooling.choices, default=Schooling.NONE
    )
    vital_status = models.CharField(
        "生存状态", max_length=16, choices=VitalStatus.choices, default=VitalStatus.ALIVE
    )
    date_of_death = models.DateField("死亡日期", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True)
                | Q(disability_grade__gte=1, disability_grade__lte=4),
                name="person_disability_grade_1_to_4",
            ),
            models.CheckConstraint(
                condition=(Q(disability_type="") & Q(disability_grade__isnull=True))
                | (~Q(disability_type="") & Q(disability_grade__isnull=False)),
                name="person_disability_type_and_grade_together",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"


class Household(BaseModel):
    public_id = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    village = models.ForeignKey(
        Division, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    # Region codes of every level, copied from the village, so that scoping is one indexed equality.
    province_code = models.CharField("省", max_length=6, db_index=True)
    city_code = models.CharField("市", max_length=6, db_index=True)
    county_code = models.CharField("县", max_length=6, db_index=True)
    township_code = models.CharField("乡镇", max_length=9, db_index=True)
    village_code = models.CharField("村（社区）代码", max_length=12, db_index=True)
    address = models.CharField("详细地址", max_length=255)
    area_type = models.CharField("城乡类别", max_length=8, choices=AreaType.choices)
    external_ref = models.CharField("外部编号", max_length=64, blank=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = "家庭"
        verbose_name_plural = "家庭"
        ordering = ["village_code", "id"]
        # Scoped lists page in id order within a region: one index per level keeps that a range scan.
        indexes = [
            models.Index(fields=["county_code", "id"], name="household_county_id"),
            models.Index(fields=["township_code", "id"], name="household_township_id"),
            models.Index(fields=["village_code", "id"], name="household_village_id"),
        ]

    def __str__(self) -> str:
        return self.address

    def region_codes(self) -> dict[str, str]:
        """The division codes of every level, as region-scoped tables copy them."""
        return {
            "province_code": self.province_code,
            "city_code": self.city_code,
            "county_code": self.county_code,
            "township_code": self.township_code,
            "village_code": self.village_code,
        }


class Membership(BaseModel):
    household = models.ForeignKey(
        Household, verbose_name="家庭", on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="memberships"
    )
    relation = models.CharField("与户主关系", max_length=16, choices=Relation.choices)
    is_counted = models.BooleanField("计入共同生活家庭成员", default=True)
    exclusion_reason = models.CharField(
        "不计入原因", max_length=16, choices=ExclusionReason.choices, blank=True
    )
    is_active = models.BooleanField("有效", default=True)
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("离开日期", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = "家庭成员关系"
        verbose_name_plural = "家庭成员关系"
        ordering = ["household_id", "id"]
        constraints = [
            # A person is counted in at most one household at a time.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_active=True, is_counted=True),
                name="membership_counted_once",
            ),
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=Q(is_active=True),
                name="membership_active_once_per_household",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(is_active=True, relation="head"),
                name="membership_one_head",
            ),
            models.CheckConstraint(
                condition=(Q(is_counted=True) & Q(exclusion_reason=""))
                | (Q(is_counted=False) & ~Q(exclusion_reason="")),
                name="membership_exclusion_reason_iff_not_counted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} - {self.get_relation_display()}"


class BankAccount(BaseModel):
    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="bank_accounts"
    )
    bank_name = models.CharField("开户行", max_length=64)
    account_number_encrypted = models.TextField("账号（密文）")
    account_number_masked = models.CharField("账号（脱敏）", max_length=32)
    is_primary = models.BooleanField("发放账户", default=True)
    is_active = models.BooleanField("有效", default=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = "银行账户"
        verbose_name_plural = "银行账户"
        ordering = ["person_id", "-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_active=True, is_primary=True),
                name="bank_account_one_primary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.account_number_masked}"
