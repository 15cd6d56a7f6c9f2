"""What a simulation is asked to apply: a dated `Proposal` of new dibao standards (by a
`DibaoStandardRule` — a share of each county's minimum wage, rounded — or explicit county amounts)
and other named parameters, with every problem of it listed in Chinese (pure, no Django)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from doudi.core import divisions
from doudi.policy.catalogue import default_catalogue
from doudi.policy.money import parse_yuan

ROUNDING_MODES = {"nearest": ROUND_HALF_UP, "up": ROUND_CEILING, "down": ROUND_FLOOR}
ROUNDING_LABELS = {"nearest": "四舍五入", "up": "向上取整", "down": "向下取整"}
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class DibaoStandardRule:
    """Every county's dibao standard at `share` of its minimum wage, rounded to `rounding_yuan`.

    `counties=None` applies the rule to every county of the population; `rounding_yuan=0` rounds
    to the fen. `rounding` is "nearest" (half up, as the demo standards were set), "up" or "down".
    """

    share: Decimal | str | float
    rounding_yuan: int = 10
    counties: tuple[str, ...] | None = None
    rounding: Literal["nearest", "up", "down"] = "nearest"
    kind: Literal["minimum_wage_share"] = "minimum_wage_share"

    @property
    def share_decimal(self) -> Decimal:
        return Decimal(str(self.share))

    def standard_fen(self, minimum_wage_fen: int) -> int:
        """The rule's standard for a minimum wage, in fen (exact decimal arithmetic)."""
        unit = Decimal(self.rounding_yuan * 100 if self.rounding_yuan else 1)
        units = (self.share_decimal * minimum_wage_fen / unit).quantize(
            Decimal(1), rounding=ROUNDING_MODES[self.rounding]
        )
        return int(units * unit)

    def describe(self) -> str:
        scope = "、".join(self.counties) if self.counties else "全部县（市、区）"
        step = f"取整到 {self.rounding_yuan} 元" if self.rounding_yuan else "精确到分"
        return (
            f"{scope}低保标准按当地月最低工资标准的 {_percent(self.share_decimal)} 确定，"
            f"{step}（{ROUNDING_LABELS.get(self.rounding, self.rounding)}）"
        )


@dataclass(frozen=True)
class Proposal:
    """A dated change: new dibao standards (a rule or explicit county amounts in yuan, e.g.
    `{"350102": "1000.00"}`) and/or other named parameters (docs/policy.md "Overrides"), from
    `starts` ('YYYY-MM')."""

    starts: str
    dibao_standard: DibaoStandardRule | Mapping[str, str | Decimal] | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        parts = []
        if isinstance(self.dibao_standard, DibaoStandardRule):
            parts.append(self.dibao_standard.describe())
        elif self.dibao_standard:
            amounts = "、".join(f"{c} {v} 元" for c, v in sorted(self.dibao_standard.items()))
            parts.append(f"低保标准调整为：{amounts}")
        parts += [f"{name} = {value}" for name, value in self.overrides.items()]
        return f"自 {self.starts} 起，" + ("；".join(parts) if parts else "不作调整")

    def problems(self) -> list[str]:
        """Every problem of the proposal itself (codes, amounts, names), in Chinese."""
        found = []
        if not MONTH.match(str(self.starts)):
            found.append(f"方案起始月份应为 YYYY-MM：{self.starts!r}")
        rule = self.dibao_standard
        if isinstance(rule, DibaoStandardRule):
            try:
                share = rule.share_decimal
                if not Decimal(0) < share <= Decimal(1):
                    found.append(f"最低工资标准比例应大于 0 且不超过 1：{rule.share}")
            except InvalidOperation:
                found.append(f"最低工资标准比例应为小数，如 0.44：{rule.share!r}")
            if not isinstance(rule.rounding_yuan, int) or not 0 <= rule.rounding_yuan <= 1000:
                found.append(f"取整单位应为 0 到 1000 的整数（元）：{rule.rounding_yuan!r}")
            if rule.rounding not in ROUNDING_MODES:
                found.append(f"取整方式应为 nearest、up 或 down：{rule.rounding!r}")
            found += [county_problem(code) for code in rule.counties or () if county_problem(code)]
        elif rule:
            for code, amount in rule.items():
                found += [county_problem(code)] if county_problem(code) else []
                try:
                    if parse_yuan(amount) <= 0:
                        found.append(f"县 {code} 的低保标准应大于 0：{amount}")
                except (TypeError, ValueError):
                    found.append(f"县 {code} 的低保标准应为金额（元，最多两位小数）：{amount!r}")
        catalogue = default_catalogue()
        for name, value in self.overrides.items():
            if name not in catalogue:
                found.append(f"未知的参数名 {name!r}（可用参数见 docs/policy.md）")
            elif name == "dibao.standard" and rule:
                found.append("dibao.standard 不能与低保标准方案同时指定")
            else:
                try:
                    catalogue[name].parse(value)
                except ValueError as error:
                    found.append(f"参数 {name}：{error}")
        return found


def county_problem(code: str) -> str:
    """Why `code` is not a Fujian county code, or ""."""
    record = divisions.get_division(str(code))
    if record is None or record.level != "county" or record.province_code != "350000":
        return f"{code!r} 不是福建省县级行政区划代码"
    return ""


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}%"
