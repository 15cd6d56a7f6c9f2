"""The computed facts of one household, and the phrases every explanation shares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openfisca_core.parameters import Parameter
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from doudi.core import divisions
from doudi.policy import codes, sources
from doudi.policy.catalogue import ParameterEntry
from doudi.policy.money import fen_to_decimal, format_fen, round_fen, yuan_value_to_fen
from doudi.policy.regional import ValueInForce, resolve, value_in_force
from doudi.policy.situation import Member, Situation
from doudi.policy.system import find_parameter

OVERRIDDEN = "（本次评估指定值）"


@dataclass(frozen=True)
class Context:
    """Everything the reason writers read: the situation, the system used, computed values.

    `household` holds household variables of this household (int or bool); `persons` holds
    person variables, one list entry per member in situation order. `origins` says where a
    named parameter came from when not from YAML: "override" or "local:<region code>".
    """

    situation: Situation
    system: TaxBenefitSystem
    catalogue: Mapping[str, ParameterEntry]
    household: Mapping[str, Any]
    persons: Mapping[str, Sequence[Any]]
    origins: Mapping[str, str]

    @property
    def instant(self) -> str:
        return f"{self.situation.month}-01"

    @property
    def members(self) -> tuple[Member, ...]:
        return self.situation.members

    def h(self, name: str) -> Any:
        return self.household[name]

    def p(self, name: str, index: int) -> Any:
        return self.persons[name][index]

    # --- numbers ------------------------------------------------------------------------------

    @staticmethod
    def yuan(fen: int) -> str:
        return format_fen(fen)

    @staticmethod
    def decimal(fen: int) -> Decimal:
        return fen_to_decimal(fen)

    def value(self, name: str) -> ValueInForce | None:
        """A scalar parameter in force this month (after overrides)."""
        parameter = find_parameter(self.system, name)
        if not isinstance(parameter, Parameter):
            return None
        return value_in_force(parameter, self.instant)

    def number(self, name: str) -> Any:
        found = self.value(name)
        return None if found is None else found.value

    def mark(self, name: str) -> str:
        """'（演示值…）' or '（本次评估指定值）' after a number taken from parameter `name`."""
        if self.origins.get(name) == "override":
            return OVERRIDDEN
        if self.origins.get(name, "").startswith("local:"):
            return ""
        found = (
            self.value(name)
            if name in self.catalogue and not self.catalogue[name].variable
            else None
        )
        if found is None and name in self.catalogue and self.catalogue[name].variable:
            found = self.regional(name)
        return sources.DEMO_MARK if found is not None and found.is_demo else ""

    def percent(self, name: str) -> str:
        """A ratio parameter as a percentage: 0.25 → '25%'."""
        value = Decimal(repr(float(self.number(name)))) * 100
        text = format(value.normalize(), "f")
        return f"{text}%"

    def times(self, name: str) -> str:
        """A ratio parameter as a multiple: 1.3 → '1.3'."""
        return format(Decimal(repr(float(self.number(name)))).normalize(), "f")

    # --- places -------------------------------------------------------------------------------

    @property
    def region_name(self) -> str:
        return divisions.display_name(self.situation.region) or self.situation.region

    def regional(self, name: str) -> ValueInForce | None:
        """Where the YAML value of regional parameter `name` comes from (None: fallback rule)."""
        node = find_parameter(self.system, name)
        return None if node is None else resolve(node, self.situation.region, self.instant)  # type: ignore[arg-type]

    def origin_text(self, name: str) -> str:
        """'（福州市，2022-01-01 起，演示值…）' for the resolved value of regional parameter `name`."""
        origin = self.origins.get(name, "")
        if origin == "override":
            return OVERRIDDEN
        if origin.startswith("local:"):
            code = origin.removeprefix("local:")
            return f"（本地标准库：{divisions.display_name(code) or code}）"
        found = self.regional(name)
        if found is None:
            return ""
        demo = "，" + sources.DEMO_MARK.strip("（）") if found.is_demo else ""
        return f"（{found.label}，{found.since} 起{demo}）"

    def standard_text(self) -> str:
        """'当地低保标准 880.00 元/人·月（福州市，2022-01-01 起，…）'."""
        standard = self.h("dibao_standard")
        origin = self.origin_text("dibao.standard")
        if not origin:
            floor = self.value("dibao.provincial_floor")
            assert floor is not None  # evaluate() refuses a month without either
            demo = "，" + sources.DEMO_MARK.strip("（）") if floor.is_demo else ""
            origin = (
                f"（{self.region_name}未录入低保标准，按省定低保最低标准 "
                f"{self.yuan(int(yuan_value_to_fen(floor.value)))}/年 ÷ 12，{floor.since} 起{demo}；"
                f"{sources.FUJIAN_ADJUSTMENT_2021}）"
            )
        return f"当地低保标准 {self.yuan(standard)}/人·月{origin}"

    # --- people -------------------------------------------------------------------------------

    def who(self, index: int) -> str:
        """'m2（68岁）'."""
        return f"{self.members[index].label}（{self.p('age', index)}岁）"

    def disability_text(self, index: int) -> str:
        disability = self.members[index].disability
        if disability is None:
            return ""
        return (
            f"{codes.DISABILITY_LABELS[disability.type]}{codes.GRADE_LABELS[disability.grade]}残疾"
        )

    def counted_indexes(self) -> list[int]:
        return [index for index, member in enumerate(self.members) if member.counted]

    def dibao_indexes(self) -> list[int]:
        return [index for index in range(len(self.members)) if self.p("dibao_member", index)]

    def per_capita(self, total: int, members: int) -> int:
        """Per-capita fen for display only (decisions compare totals exactly)."""
        return int(round_fen(total / members)) if members else 0
