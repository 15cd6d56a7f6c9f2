from __future__ import annotations

from django.db import models


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "设区市"
    COUNTY = "county", "县（市、区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


LEVEL_DEPTH = {
    DivisionLevel.PROVINCE: 0,
    DivisionLevel.CITY: 1,
    DivisionLevel.COUNTY: 2,
    DivisionLevel.TOWNSHIP: 3,
    DivisionLevel.VILLAGE: 4,
}


class Division(models.Model):
    """An administrative division. Province, city and county use 6-digit GB/T 2260 codes
    (350000, 350100, 350112); townships 9 digits; villages 12 digits."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64, db_index=True)
    level = models.CharField("层级", max_length=16, choices=DivisionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province_code = models.CharField("省代码", max_length=6, db_index=True)
    city_code = models.CharField("市代码", max_length=6, blank=True, db_index=True)
    county_code = models.CharField("县代码", max_length=6, blank=True, db_index=True)
    township_code = models.CharField("乡镇代码", max_length=9, blank=True, db_index=True)
    is_management_region = models.BooleanField(
        "管理区（自定标准）",
        default=False,
        help_text="如平潭综合实验区：在福州市下，但自行制定保障标准",
    )
    is_synthetic = models.BooleanField("合成数据", default=False)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
