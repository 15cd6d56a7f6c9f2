"""The strict parser of the situation's JSON form.

`parse_situation` reports *every* problem at once, each with its field path and a Chinese
message, e.g. `members[0].incomes[1].type：未知的收入类型 "lottery"，可选：wage、business、…`.
Amounts are yuan strings with at most two decimals ("2000.00"); floats are refused, as are
unknown fields, unknown vocabulary values and unknown override names.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from doudi.core import divisions
from doudi.policy import codes
from doudi.policy.catalogue import default_catalogue
from doudi.policy.money import FEN_LIMIT
from doudi.policy.situation import (
    Assets,
    Disability,
    Expenses,
    Income,
    Member,
    OrphanOptions,
    PhaseOut,
    Problem,
    Situation,
    SituationError,
    TekunOptions,
    Temporary,
)

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YUAN = re.compile(r"^-?\d+(\.\d+)?$")


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class _Reader:
    """Collects problems while reading; every getter returns a usable default after a problem."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def object(self, data: Any, path: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            self.add(path or "situation", "应为对象（JSON object）")
            return {}
        for key in data:
            if key not in allowed:
                self.add(_join(path, str(key)), f"未知字段，可用字段：{codes.choices(allowed)}")
        return data

    def boolean(self, data: Mapping[str, Any], key: str, path: str, default: bool | None) -> bool:
        value = data.get(key, default)
        if value is None:
            self.add(_join(path, key), "缺少字段（应为 true 或 false）")
            return False
        if not isinstance(value, bool):
            self.add(_join(path, key), f"应为 true 或 false：{_shown(value)}")
            return False
        return value

    def integer(self, data: Mapping[str, Any], key: str, path: str, low: int, high: int) -> int:
        if key not in data and low > 0:
            self.add(_join(path, key), f"缺少字段（{low} 到 {high} 之间的整数）")
            return low
        value = data.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(_join(path, key), f"应为 {low} 到 {high} 之间的整数：{_shown(value)}")
            return low
        return value

    def choice(self, data: Mapping[str, Any], key: str, path: str, options: Any, what: str) -> str:
        value = data.get(key)
        if value is None:
            self.add(_join(path, key), f"缺少{what}")
            return next(iter(options))
        if value not in options:
            self.add(
                _join(path, key), f"未知的{what} {_shown(value)}，可选：{codes.choices(options)}"
            )
            return next(iter(options))
        return str(value)

    def money(self, data: Mapping[str, Any], key: str, path: str, *, required: bool) -> Decimal:
        where = _join(path, key)
        if key not in data:
            if required:
                self.add(where, "缺少金额")
            return Decimal("0.00")
        value = data[key]
        if isinstance(value, float):
            self.add(where, f'金额应写成字符串，不能用浮点数，如 "2000.00"：{_shown(value)}')
            return Decimal("0.00")
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.add(where, f'金额应为字符串（元），如 "2000.00"：{_shown(value)}')
            return Decimal("0.00")
        text = str(value).strip()
        if not _YUAN.match(text):
            self.add(where, f"金额格式不正确：{_shown(value)}")
            return Decimal("0.00")
        amount = Decimal(text)
        if amount != amount.quantize(Decimal("0.01")):
            self.add(where, f"金额最多两位小数：{_shown(value)}")
            return Decimal("0.00")
        if amount < 0:
            self.add(where, f"金额不能为负数：{_shown(value)}")
            return Decimal("0.00")
        if amount * 100 > FEN_LIMIT:
            self.add(where, f"金额超出可计算范围（不超过 {FEN_LIMIT // 100} 元）：{_shown(value)}")
            return Decimal("0.00")
        return amount.quantize(Decimal("0.01"))

    def text(self, data: Mapping[str, Any], key: str, path: str, *, required: bool) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.add(_join(path, key), "缺少字段")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(_join(path, key), f"应为非空字符串：{_shown(value)}")
            return None
        return value.strip()


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


SITUATION_FIELDS = (
    "month",
    "region",
    "overrides",
    "members",
    "assets",
    "expenses",
    "programmes",
    "phase_out",
    "temporary",
    "area_type",
)
AREA_TYPES = ("urban", "rural")
MEMBER_FIELDS = (
    "id",
    "name",
    "relation",
    "birth_date",
    "counted",
    "labour_capacity",
    "in_school",
    "disability",
    "serious_illness",
    "self_care_failed_items",
    "incomes",
    "tekun",
    "orphan",
)


def parse_situation(data: Any, *, known_parameters: Mapping[str, Any] | None = None) -> Situation:
    """Parse and validate the JSON form of a situation.

    Args:
        data: the decoded JSON object.
        known_parameters: the names overrides may use (default: the packaged catalogue).

    Returns:
        The immutable `Situation`.

    Raises:
        SituationError: listing every problem found, in field order.
    """
    if known_parameters is None:
        known_parameters = default_catalogue()
    reader = _Reader()
    root = reader.object(data, "", SITUATION_FIELDS)
    month = _month(reader, root.get("month"))
    region = _region(reader, root.get("region"))
    overrides = _overrides(reader, root.get("overrides", {}), known_parameters)
    members = _members(reader, root.get("members"), month)
    assets_data = reader.object(
        root.get("assets", {}), "assets", tuple(Assets.__dataclass_fields__)
    )
    assets = Assets(
        financial=reader.money(assets_data, "financial", "assets", required=False),
        vehicles=reader.integer(assets_data, "vehicles", "assets", 0, 99),
        real_estate=reader.integer(assets_data, "real_estate", "assets", 0, 99),
        business_registrations=reader.integer(
            assets_data, "business_registrations", "assets", 0, 99
        ),
    )
    expense_fields = tuple(Expenses.__dataclass_fields__)
    expenses_data = reader.object(root.get("expenses", {}), "expenses", expense_fields)
    expenses = Expenses(
        *(reader.money(expenses_data, key, "expenses", required=False) for key in expense_fields)
    )
    programmes = _programmes(reader, root.get("programmes", list(codes.PROGRAMMES)))
    phase_out = _phase_out(reader, root.get("phase_out"))
    temporary = _temporary(reader, root.get("temporary"))
    total = sum(income.monthly for member in members for income in member.incomes)
    if total * 100 > FEN_LIMIT:
        reader.add("members", f"家庭月收入合计超出可计算范围（不超过 {FEN_LIMIT // 100} 元）")
    area_type = _area_type(reader, root)
    if reader.problems:
        raise SituationError(reader.problems)
    return Situation(
        month=month,
        region=region,
        area_type=area_type,
        members=members,
        assets=assets,
        expenses=expenses,
        overrides=overrides,
        programmes=programmes,
        phase_out=phase_out,
        temporary=temporary,
    )


def check_place_and_month(*, region: Any, month: Any, area_type: Any = "") -> None:
    """Validate a region (None: the province as a whole), a month and an area type as
    `parse_situation` does, with the same messages.

    Raises:
        SituationError: listing every problem found.
    """
    reader = _Reader()
    _month(reader, month)
    if region is not None:
        _region(reader, region)
    _area_type(reader, {"area_type": area_type})
    if reader.problems:
        raise SituationError(reader.problems)


def _area_type(reader: _Reader, root: Mapping[str, Any]) -> str:
    if root.get("area_type") in (None, ""):
        return ""
    return reader.choice(root, "area_type", "", {name: name for name in AREA_TYPES}, "城乡类别")


def _month(reader: _Reader, value: Any) -> str:
    if value is None:
        reader.add("month", "缺少评估月份（YYYY-MM）")
        return "2000-01"
    match = _MONTH.match(value) if isinstance(value, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        reader.add("month", f"月份格式应为 YYYY-MM：{_shown(value)}")
        return "2000-01"
    return str(value)


def _region(reader: _Reader, value: Any) -> str:
    if value is None or value == "":
        reader.add("region", '缺少地区代码（县级行政区划代码，如 "350102"）')
        return ""
    if not isinstance(value, str) or len(value) != 6 or not value.isascii() or not value.isdigit():
        reader.add("region", f'应为6位行政区划代码字符串，如 "350102"：{_shown(value)}')
        return ""
    record = divisions.get_division(value)
    if record is None:
        reader.add("region", f"未知的行政区划代码 {_shown(value)}")
        return ""
    if record.province_code != divisions.FUJIAN_CODE:
        reader.add("region", f"不是福建省的行政区划代码：{_shown(value)}")
        return ""
    if record.level != "county":
        reader.add(
            "region", f"{_shown(value)}（{record.name}）不是县级行政区划，应填写县（市、区）代码"
        )
        return ""
    return value


def _overrides(reader: _Reader, value: Any, known: Mapping[str, Any]) -> dict[str, str]:
    if not isinstance(value, Mapping):
        reader.add("overrides", "应为对象：参数名 → 取值")
        return {}
    result: dict[str, str] = {}
    for name, raw in value.items():
        path = f"overrides[{_shown(name)}]"
        entry = known.get(name)
        if entry is None:
            reader.add(path, f"未知的参数名 {_shown(name)}（可用参数见 docs/policy.md）")
            continue
        try:
            entry.parse(raw)
        except ValueError as error:
            reader.add(path, str(error))
            continue
        result[name] = raw if isinstance(raw, str) else json.dumps(raw)
    return result


def _members(reader: _Reader, value: Any, month: str) -> tuple[Member, ...]:
    if not isinstance(value, list) or not value:
        reader.add("members", "应为至少包含一名成员的列表")
        return ()
    year, month_number = (int(part) for part in month.split("-"))
    last_day = datetime.date(
        year + month_number // 12, month_number % 12 + 1, 1
    ) - datetime.timedelta(days=1)
    members = [
        _member(reader, item, f"members[{index}]", last_day) for index, item in enumerate(value)
    ]
    seen: set[str] = set()
    for index, member in enumerate(members):
        if member.id and member.id in seen:
            reader.add(f"members[{index}].id", f"成员编号重复：{_shown(member.id)}")
        seen.add(member.id)
    heads = sum(member.relation == "head" for member in members)
    if heads != 1:
        reader.add("members", f'必须有且只有一名户主（relation 为 "head"），现有 {heads} 名')
    return tuple(members)


def _member(reader: _Reader, item: Any, path: str, last_day: datetime.date) -> Member:
    data = reader.object(item, path, MEMBER_FIELDS)
    member_id = reader.text(data, "id", path, required=True) or ""
    name = reader.text(data, "name", path, required=False) or ""
    relation = reader.choice(data, "relation", path, codes.RELATIONS, "与户主关系")
    birth_date = _birth_date(reader, data.get("birth_date"), f"{path}.birth_date", last_day)
    counted = reader.boolean(data, "counted", path, None)
    labour_capacity = reader.boolean(data, "labour_capacity", path, False)
    schooling = {"in_school": data.get("in_school", "none")}
    in_school = reader.choice(schooling, "in_school", path, codes.SCHOOLING, "在学情况")
    disability = None
    if data.get("disability") is not None:
        where = f"{path}.disability"
        raw = reader.object(data["disability"], where, ("type", "grade"))
        disability = Disability(
            type=reader.choice(raw, "type", where, codes.DISABILITY_LABELS, "残疾类别"),
            grade=reader.integer(raw, "grade", where, 1, 4),
        )
    serious_illness = reader.boolean(data, "serious_illness", path, False)
    failed_items = reader.integer(data, "self_care_failed_items", path, 0, 6)
    incomes = _incomes(reader, data.get("incomes", []), f"{path}.incomes")
    where = f"{path}.tekun"
    tekun_data = reader.object(
        data.get("tekun", {}), where, tuple(TekunOptions.__dataclass_fields__)
    )
    tekun = TekunOptions(
        *(
            reader.boolean(tekun_data, key, where, False)
            for key in TekunOptions.__dataclass_fields__
        )
    )
    orphan = None
    if data.get("orphan") is not None:
        where = f"{path}.orphan"
        raw = reader.object(data["orphan"], where, tuple(OrphanOptions.__dataclass_fields__))
        orphan = OrphanOptions(
            kind=reader.choice(raw, "kind", where, codes.ORPHAN_LABELS, "儿童类别"),
            institution=reader.boolean(raw, "institution", where, False),
            chooses_orphan_scheme=reader.boolean(raw, "chooses_orphan_scheme", where, False),
        )
    return Member(
        id=member_id,
        name=name,
        relation=relation,
        birth_date=birth_date,
        counted=counted,
        labour_capacity=labour_capacity,
        in_school=in_school,
        disability=disability,
        serious_illness=serious_illness,
        self_care_failed_items=failed_items,
        incomes=incomes,
        tekun=tekun,
        orphan=orphan,
    )


def _birth_date(reader: _Reader, value: Any, path: str, last_day: datetime.date) -> datetime.date:
    try:
        birth_date = datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        birth_date = None
    if birth_date is None or len(value) != 10:
        reader.add(path, f"出生日期应为 YYYY-MM-DD：{_shown(value)}")
        return datetime.date(1970, 1, 1)
    if birth_date > last_day:
        reader.add(path, f"出生日期 {value} 晚于评估月份 {last_day:%Y-%m}")
    return birth_date


def _incomes(reader: _Reader, value: Any, path: str) -> tuple[Income, ...]:
    if not isinstance(value, list):
        reader.add(path, "应为列表")
        return ()
    incomes = []
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        data = reader.object(item, where, ("type", "monthly", "stable"))
        kind = reader.choice(data, "type", where, codes.INCOME_TYPES, "收入类型")
        stable = reader.boolean(data, "stable", where, True)
        if not stable and data.get("type") != "wage":
            reader.add(f"{where}.stable", "只有工资性收入（wage）可以标注为不稳定（stable: false）")
        incomes.append(Income(kind, reader.money(data, "monthly", where, required=True), stable))
    return tuple(incomes)


def _programmes(reader: _Reader, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        reader.add("programmes", "应为救助项目列表")
        return tuple(codes.PROGRAMMES)
    for index, item in enumerate(value):
        if item not in codes.PROGRAMMES:
            reader.add(
                f"programmes[{index}]",
                f"未知的救助项目 {_shown(item)}，可选：{codes.choices(codes.PROGRAMMES)}",
            )
    return tuple(key for key in codes.PROGRAMMES if key in value)


def _phase_out(reader: _Reader, value: Any) -> PhaseOut | None:
    if value is None:
        return None
    data = reader.object(value, "phase_out", tuple(PhaseOut.__dataclass_fields__))
    return PhaseOut(
        months_since_exit=reader.integer(data, "months_since_exit", "phase_out", 1, 120),
        previous_amount=reader.money(data, "previous_amount", "phase_out", required=True),
        still_in_difficulty=reader.boolean(data, "still_in_difficulty", "phase_out", False),
    )


def _temporary(reader: _Reader, value: Any) -> Temporary | None:
    if value is None:
        return None
    data = reader.object(value, "temporary", tuple(Temporary.__dataclass_fields__))
    repeat = reader.boolean(data, "repeat_within_year", "temporary", False)
    return Temporary(
        kind=reader.choice(data, "kind", "temporary", codes.TEMPORARY_LABELS, "临时救助类型"),
        requested=reader.money(data, "requested", "temporary", required=True),
        reason=reader.text(data, "reason", "temporary", required=True) or "",
        repeat_within_year=repeat,
        repeat_justification=reader.text(data, "repeat_justification", "temporary", required=False),
    )
