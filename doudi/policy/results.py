"""What an evaluation returns: per programme, a decision, an amount and its reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class ProgrammeResult:
    """The decision for one programme.

    Attributes:
        eligible: the household (or one of its members) qualifies this month.
        amount: monthly amount in yuan (temporary assistance: the one-off amount); 0.00 for the
            statuses without cash (marginal, rigid expenditure).
        reasons: Chinese sentences with the numbers and the rule's source, in reading order.
        basis: how dibao applies — "household", "phase_out" or "individual_coverage" ("" otherwise).
        requires_county_approval: temporary assistance above the township approval limit.
        member_amounts: per-member amounts (member id → yuan) for person-level programmes.
    """

    eligible: bool
    amount: Decimal
    reasons: tuple[str, ...]
    basis: str = ""
    requires_county_approval: bool = False
    member_amounts: Mapping[str, Decimal] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "amount": f"{self.amount:.2f}",
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The result of `evaluate`: everything a decision record needs (STYLE.md P5).

    Attributes:
        month: the assessment month 'YYYY-MM'.
        region: the county code.
        rule_version: package version + hashes of the parameter and rule files.
        parameters: every named parameter in force for this household and month (name → value
            string), after overrides and local standards; the names are those `overrides` accepts.
            Without overrides, the values of `parameters_in_force` for the region and month.
        programmes: programme key (GLOSSARY.md) → result, in the order of `codes.PROGRAMMES`.
    """

    month: str
    region: str
    rule_version: str
    parameters: Mapping[str, str]
    programmes: Mapping[str, ProgrammeResult]

    def to_json(self) -> dict[str, Any]:
        """The JSON form: month, region, rule_version, parameters, programmes (amounts as yuan
        strings with two decimals)."""
        return {
            "month": self.month,
            "region": self.region,
            "rule_version": self.rule_version,
            "parameters": dict(self.parameters),
            "programmes": {key: result.to_json() for key, result in self.programmes.items()},
        }
