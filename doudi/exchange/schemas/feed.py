"""A feed's declaration: its columns, natural key, ID-number policy, the department that sends it
and what it means for verification (no Django imports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from doudi.exchange.schemas.columns import Column
from doudi.exchange.schemas.meaning import Meaning, meaning_problems


class IdPolicy(StrEnum):
    STRICT = "strict"  # an invalid or missing ID number rejects the file
    FLAG = "flag"  # kept with id_status = missing / invalid; name and birth date then required


@dataclass(frozen=True)
class FeedSchema:
    source: str
    label: str
    department: str  # the sending department, Chinese
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    id_policy: IdPolicy = IdPolicy.FLAG
    # accounts.PartnerDepartment whose users may upload this feed ("" = verification centre only)
    partner_department: str = ""
    # what a row means for verification (None: verification does not read the feed)
    meaning: Meaning | None = None
    version: int = 1
    column_by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_by_name", {c.name: c for c in self.columns})
        missing = [name for name in self.natural_key if name not in self.column_by_name]
        if missing:
            raise ValueError(f"{self.source}: natural key names unknown columns {missing}")
        if self.meaning is not None:
            problems = meaning_problems(self.meaning, self.column_by_name)
            if problems:
                raise ValueError(f"{self.source}: meaning {'; '.join(problems)}")

    @property
    def id_column(self) -> Column:
        return self.column_by_name["id_number"]
