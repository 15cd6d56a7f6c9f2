"""Administrative divisions as an immutable, in-memory table (no Django).

Why in memory: ID-number validation (`doudi.core.idcard`), the `doudi idcard` command and batch
verification must work without a database, and they look codes up millions of times. The table is
built once per process (`functools.cache`, about 0.1 s) and every lookup is a dict hit.

Two sources, see `docs/divisions.md`:

* current codes: the vendored NBS 统计用区划代码 (deadline 2022-10-31) in `data/divisions/`
  (provinces, cities, counties nationwide; townships for Fujian only);
* retired codes: python-stdnum's historical GB/T 2260 table (`stdnum/cn/loc.dat`). ID numbers keep the
  address code that was valid when they were issued (e.g. 350402 梅列区, merged in 2021), so those
  codes must stay known. Every 6-digit code of that table that is not in the NBS table becomes a
  record with `is_current=False`, its latest name and the years the code was in use.

Codes: province and city in their 6-digit GB/T 2260 form (`35` → `350000`, `3501` → `350100`),
county 6 digits, township 9 digits.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Literal

Level = Literal["province", "city", "county", "township", "village"]
AddressCodeStatus = Literal["current", "retired"]

DATA_DIR = Path(__file__).resolve().parent / "data" / "divisions"
FUJIAN_CODE = "350000"

# 平潭综合实验区 is not a GB/T 2260 prefecture: its code is 350128 (平潭县) under 福州, but Fujian policy
# lists it beside the nine cities because it sets its own standards (POLICY.md §8.1).
MANAGEMENT_REGION_NAMES: Mapping[str, str] = MappingProxyType({"350128": "平潭综合实验区"})

# Structural rows that are not places a person would name ("北京市市辖区朝阳区" is wrong).
PLACEHOLDER_NAMES = frozenset(
    {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖县级行政单位"}
)

# Longest first, so that "自治区" is stripped before "区".
NAME_SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "街道", "地区", "省", "市", "区", "县", "镇", "乡",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DivisionRecord:
    """One division. The `*_code` fields are the ancestors' codes at each level, the record itself
    included at its own level, and "" where a level does not apply (a city's `county_code`).

    `valid_from_year` / `valid_to_year` are the years the *code* was in use according to the
    historical table; None means open (before the table starts, or still in use)."""

    code: str
    name: str
    level: Level
    parent_code: str
    province_code: str
    city_code: str
    county_code: str
    township_code: str
    is_current: bool
    is_management_region: bool
    valid_from_year: int | None
    valid_to_year: int | None

    @property
    def is_placeholder(self) -> bool:
        """True for structural rows such as 110100 市辖区 that `full_name` leaves out."""
        return self.name in PLACEHOLDER_NAMES


@dataclass(frozen=True, slots=True)
class _HistoricalCode:
    name: str
    valid_from_year: int | None
    valid_to_year: int | None


@dataclass(frozen=True, slots=True)
class _Table:
    by_code: Mapping[str, DivisionRecord]
    children: Mapping[str, tuple[str, ...]]
    by_name: Mapping[str, tuple[str, ...]]
    by_stem: Mapping[str, tuple[str, ...]]


_PROPERTY = re.compile(r'(\w+)="([^"]*)"')
_PERIOD = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


def _read_csv(file_name: str) -> Iterator[dict[str, str]]:
    with (DATA_DIR / file_name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _parse_county_value(value: str) -> _HistoricalCode:
    """Parse `[1983-1994]郊区,[1995-]晋安区`: names are in chronological order, the last is the latest.
    An empty bound is open: the code predates the table, or is still in use."""
    starts: list[int | None] = []
    ends: list[int | None] = []
    name = value
    for part in value.split(","):
        match = _PERIOD.match(part)
        if match is None:
            starts.append(None)
            ends.append(None)
            name = part
            continue
        start, end, name = match.groups()
        starts.append(int(start) if start else None)
        ends.append(int(end) if end else None)
    valid_from = None if None in starts else min(year for year in starts if year is not None)
    valid_to = None if None in ends else max(year for year in ends if year is not None)
    return _HistoricalCode(name, valid_from, valid_to)


def _historical_codes() -> dict[str, _HistoricalCode]:
    """Read stdnum's `cn/loc.dat` directly (a stable, documented text format) rather than through
    `numdb` internals: `NN province="…"` lines, then indented `NNNN county="…"` lines."""
    text = resources.files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    codes: dict[str, _HistoricalCode] = {}
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        prefix = line.split(maxsplit=1)[0]
        properties = dict(_PROPERTY.findall(line))
        if not line.startswith(" "):
            province = prefix
        elif "county" in properties:
            codes[province + prefix] = _parse_county_value(properties["county"])
    return codes


def _level_of_code(code: str) -> Level:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


@functools.cache
def _table() -> _Table:
    history = _historical_codes()
    records: dict[str, DivisionRecord] = {}

    def add(code: str, name: str, level: Level, parent: str, *, is_current: bool = True) -> None:
        parent_record = records.get(parent)
        own = {level: code}
        ancestors = {
            "province": parent_record.province_code if parent_record else "",
            "city": parent_record.city_code if parent_record else "",
            "county": parent_record.county_code if parent_record else "",
            "township": parent_record.township_code if parent_record else "",
        } | own
        known = history.get(code)
        records[code] = DivisionRecord(
            code=code,
            name=name,
            level=level,
            parent_code=parent,
            province_code=ancestors["province"],
            city_code=ancestors["city"],
            county_code=ancestors["county"],
            township_code=ancestors["township"],
            is_current=is_current,
            is_management_region=code in MANAGEMENT_REGION_NAMES,
            valid_from_year=known.valid_from_year if known else None,
            valid_to_year=None if is_current or known is None else known.valid_to_year,
        )

    for row in _read_csv("provinces.csv"):
        add(row["code"] + "0000", row["name"], "province", "")
    for row in _read_csv("cities.csv"):
        add(row["code"] + "00", row["name"], "city", row["provinceCode"] + "0000")
    for row in _read_csv("areas.csv"):
        # 东莞 441900, 中山 442000 and 儋州 460400 have no counties: NBS repeats the city as its own
        # "county". Keep the city record (it is also the address code on their ID numbers).
        if row["code"] not in records:
            add(row["code"], row["name"], "county", row["cityCode"] + "00")
    for row in _read_csv("streets_fujian.csv"):
        add(row["code"], row["name"], "township", row["areaCode"])

    # Ascending order puts 352100 before 352121, so a retired county finds its retired prefecture.
    for code in sorted(history.keys() - records.keys()):
        level = _level_of_code(code)
        province, city = code[:2] + "0000", code[:4] + "00"
        if level == "province":
            parent = ""
        elif level == "city" or city not in records:
            parent = province
        else:
            parent = city
        add(code, history[code].name, level, parent, is_current=False)

    children: defaultdict[str, list[str]] = defaultdict(list)
    by_name: defaultdict[str, list[str]] = defaultdict(list)
    by_stem: defaultdict[str, list[str]] = defaultdict(list)
    for code in sorted(records):
        record = records[code]
        if record.parent_code:
            children[record.parent_code].append(code)
        by_name[record.name].append(code)
        by_stem[_stem(record.name)].append(code)
    return _Table(
        by_code=MappingProxyType(records),
        children=MappingProxyType({key: tuple(value) for key, value in children.items()}),
        by_name=MappingProxyType({key: tuple(value) for key, value in by_name.items()}),
        by_stem=MappingProxyType({key: tuple(value) for key, value in by_stem.items()}),
    )


def _stem(name: str) -> str:
    """Drop one administrative suffix: 福州市 → 福州, 沙县区 → 沙县, 吴航街道 → 吴航."""
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def normalize_code(code: str) -> str | None:
    """Return the stored form of a code (`35` → `350000`, `3501` → `350100`), or None if the
    string cannot be a division code (not ASCII digits, or not 2/4/6/9/12 long)."""
    code = code.strip()
    if not (code.isascii() and code.isdigit()):
        return None
    if len(code) == 2:
        return code + "0000"
    if len(code) == 4:
        return code + "00"
    if len(code) in (6, 9, 12):
        return code
    return None


def all_divisions() -> tuple[DivisionRecord, ...]:
    """Every record, current and retired, ordered by code (e.g. to seed the `Division` model)."""
    return tuple(_table().by_code[code] for code in sorted(_table().by_code))


def get_division(code: str) -> DivisionRecord | None:
    """Look a code up in its 2, 4, 6 or 9-digit form; None when unknown."""
    normalized = normalize_code(code)
    return None if normalized is None else _table().by_code.get(normalized)


def _records(codes: tuple[str, ...] | list[str]) -> list[DivisionRecord]:
    return [_table().by_code[code] for code in codes]


def find_by_name(
    name: str, level: Level | None = None, *, include_retired: bool = False
) -> list[DivisionRecord]:
    """Records named exactly `name`; if there are none, records whose name matches once an
    administrative suffix is ignored (福州 → 福州市, 长乐市 → 长乐区, 沙县 → 沙县区).

    Retired records are left out by default: a name typed today means today's division."""
    name = name.strip()
    if not name:
        return []

    def matching(codes: tuple[str, ...]) -> list[DivisionRecord]:
        return [
            record
            for record in _records(codes)
            if (level is None or record.level == level) and (include_retired or record.is_current)
        ]

    exact = matching(_table().by_name.get(name, ()))
    if exact:
        return exact
    table = _table()
    codes = set(table.by_stem.get(_stem(name), ())) | set(table.by_stem.get(name, ()))
    return matching(tuple(sorted(codes)))


def children(code: str, *, include_retired: bool = False) -> list[DivisionRecord]:
    """Direct children ordered by code; [] for an unknown code or a leaf."""
    record = get_division(code)
    if record is None:
        return []
    found = _records(_table().children.get(record.code, ()))
    return [child for child in found if include_retired or child.is_current]


def ancestors(code: str) -> list[DivisionRecord]:
    """The record's ancestors, nearest first, itself excluded: township → [county, city, province].
    Placeholder rows (110100 市辖区) are included; [] for an unknown code or a province."""
    record = get_division(code)
    found: list[DivisionRecord] = []
    while record is not None and record.parent_code:
        record = _table().by_code.get(record.parent_code)
        if record is not None:
            found.append(record)
    return found


def full_name(code: str) -> str | None:
    """Names from the province down, placeholders skipped: 350112001 → 福建省福州市长乐区吴航街道,
    110105 → 北京市朝阳区. A retired code gets its latest name under its ancestors' current names.
    None when the code is unknown."""
    record = get_division(code)
    if record is None:
        return None
    chain = [*reversed(ancestors(record.code)), record]
    return "".join(item.name for item in chain if not item.is_placeholder)


def display_name(code: str) -> str | None:
    """The name people use: 平潭综合实验区 for 350128 (GB/T name 平潭县), else the record's name."""
    record = get_division(code)
    if record is None:
        return None
    return MANAGEMENT_REGION_NAMES.get(record.code, record.name)


def townships_of(county_code: str) -> list[DivisionRecord]:
    """Current townships (乡镇/街道) of a county, ordered by code; only Fujian has township data."""
    return [child for child in children(county_code) if child.level == "township"]


@functools.cache
def fujian_counties() -> tuple[str, ...]:
    """The 84 current county-level codes of Fujian (金门 350527 included: nominal, no residents)."""
    return tuple(
        record.code
        for record in all_divisions()
        if record.level == "county" and record.is_current and record.province_code == FUJIAN_CODE
    )


def address_code_status(code6: str) -> AddressCodeStatus | None:
    """Status of an ID number's 6-digit address code: "current" (in the NBS table), "retired"
    (known only from the historical table) or None (not a known 6-digit code).

    Province and prefecture codes count as known, as in stdnum's table: a few old numbers carry
    them, and a wrongly rejected number costs a person more than a missed typo."""
    if len(code6) != 6 or not (code6.isascii() and code6.isdigit()):
        return None
    record = _table().by_code.get(code6)
    if record is None:
        return None
    return "current" if record.is_current else "retired"


def is_known_address_code(code6: str) -> bool:
    """True if the 6-digit code is a current or retired division code."""
    return address_code_status(code6) is not None
