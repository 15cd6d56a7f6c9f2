"""The in-memory division table: NBS current codes plus stdnum's retired codes. No database."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from doudi.core import divisions
from doudi.core.divisions import DivisionRecord


def test_it_normalises_short_province_and_city_codes():
    assert divisions.get_division("35") == divisions.get_division("350000")
    assert divisions.get_division("3501") == divisions.get_division("350100")
    assert divisions.normalize_code(" 3501 ") == "350100"


@pytest.mark.parametrize(
    "code", ["", "3", "350", "35011", "3501120011", "３５", "35O1", "999999", "441900001"]
)
def test_it_returns_none_for_an_unknown_or_malformed_code(code):
    assert divisions.get_division(code) is None


def test_it_loads_a_township_with_all_its_ancestors():
    assert divisions.get_division("350112001") == DivisionRecord(
        code="350112001",
        name="吴航街道",
        level="township",
        parent_code="350112",
        province_code="350000",
        city_code="350100",
        county_code="350112",
        township_code="350112001",
        is_current=True,
        is_management_region=False,
        valid_from_year=None,
        valid_to_year=None,
    )


def test_it_loads_a_city_without_county_or_township_codes():
    record = divisions.get_division("350100")

    assert record is not None
    assert (record.name, record.level, record.parent_code) == ("福州市", "city", "350000")
    assert (record.province_code, record.city_code, record.county_code, record.township_code) == (
        "350000",
        "350100",
        "",
        "",
    )


def test_it_loads_a_province_at_the_top():
    record = divisions.get_division("35")

    assert record is not None
    assert (record.name, record.level, record.parent_code, record.province_code) == (
        "福建省",
        "province",
        "",
        "350000",
    )


def test_records_are_immutable():
    record = divisions.get_division("350112")

    with pytest.raises(dataclasses.FrozenInstanceError):
        record.name = "改名"  # type: ignore[misc]


def test_it_keeps_municipality_placeholders_as_cities():
    record = divisions.get_division("110100")

    assert record is not None
    assert (record.name, record.level, record.is_placeholder) == ("市辖区", "city", True)
    assert divisions.get_division("110105").parent_code == "110100"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("350112001", "福建省福州市长乐区吴航街道"),
        ("350112", "福建省福州市长乐区"),
        ("350100", "福建省福州市"),
        ("35", "福建省"),
        ("110105", "北京市朝阳区"),
        ("500230", "重庆市丰都县"),
        ("429004", "湖北省仙桃市"),
        ("659001", "新疆维吾尔自治区石河子市"),
        ("350402", "福建省三明市梅列区"),
    ],
)
def test_it_builds_full_names_without_placeholders(code, name):
    assert divisions.full_name(code) == name


def test_it_has_no_full_name_for_an_unknown_code():
    assert divisions.full_name("350199") is None


def test_it_marks_pingtan_as_a_management_region_under_fuzhou():
    record = divisions.get_division("350128")

    assert record is not None
    assert (record.name, record.level, record.parent_code) == ("平潭县", "county", "350100")
    assert record.is_management_region is True
    assert divisions.display_name("350128") == "平潭综合实验区"
    assert divisions.display_name("350112") == "长乐区"
    assert divisions.display_name("350199") is None
    assert [r.code for r in divisions.all_divisions() if r.is_management_region] == ["350128"]


@pytest.mark.parametrize(
    ("code", "name", "parent_code", "valid_from_year", "valid_to_year"),
    [
        ("350402", "梅列区", "350400", 1983, 2021),
        ("350427", "沙县", "350400", 1983, 2021),
        ("350681", "龙海市", "350600", 1993, 2021),
        ("350625", "长泰县", "350600", 1985, 2021),
        ("350182", "长乐市", "350100", 1994, 2017),
    ],
)
def test_it_knows_retired_fujian_codes(code, name, parent_code, valid_from_year, valid_to_year):
    record = divisions.get_division(code)

    assert record is not None
    assert (record.name, record.level, record.parent_code, record.city_code) == (
        name,
        "county",
        parent_code,
        parent_code,
    )
    assert record.is_current is False
    assert (record.valid_from_year, record.valid_to_year) == (valid_from_year, valid_to_year)
    assert divisions.address_code_status(code) == "retired"
    assert divisions.is_known_address_code(code) is True


@pytest.mark.parametrize(
    ("code", "name"),
    [("350404", "三元区"), ("350405", "沙县区"), ("350604", "龙海区"), ("350605", "长泰区")],
)
def test_it_knows_the_2021_replacement_codes_as_current(code, name):
    record = divisions.get_division(code)

    assert record is not None
    assert (record.name, record.is_current, record.valid_to_year) == (name, True, None)
    assert record.valid_from_year == 2021
    assert divisions.address_code_status(code) == "current"


def test_it_keeps_the_latest_name_of_a_renamed_retired_code():
    # 350205: [1983-2002]杏林区,[2003-]海沧区 is current; 352100: 建阳地区 then 南平地区 is retired.
    record = divisions.get_division("352100")

    assert record is not None
    assert (record.name, record.level, record.is_current) == ("南平地区", "city", False)
    assert (record.valid_from_year, record.valid_to_year) == (None, 1993)
    assert divisions.full_name("352121") == "福建省南平地区顺昌县"
    assert divisions.get_division("352121").city_code == "352100"


def test_current_codes_keep_the_nbs_name():
    assert divisions.get_division("350111").name == "晋安区"
    assert divisions.get_division("350111").valid_from_year == 1983


@pytest.mark.parametrize("code", ["350199", "999999", "35011", "3501120", "35O112", "350112001"])
def test_it_does_not_know_other_address_codes(code):
    assert divisions.address_code_status(code) is None
    assert divisions.is_known_address_code(code) is False


def test_it_lists_the_84_current_fujian_counties():
    counties = divisions.fujian_counties()

    assert len(counties) == 84
    assert counties[:3] == ("350102", "350103", "350104")
    assert "350128" in counties
    assert "350527" in counties  # 金门县: nominal
    assert "350402" not in counties


def test_it_lists_children_in_code_order():
    assert [r.code for r in divisions.children("350400")] == [
        "350404", "350405", "350421", "350423", "350424", "350425",
        "350426", "350428", "350429", "350430", "350481",
    ]  # fmt: skip


def test_it_lists_retired_children_on_request():
    codes = [r.code for r in divisions.children("350400", include_retired=True)]

    assert codes == [
        "350401", "350402", "350403", "350404", "350405", "350420", "350421", "350422",
        "350423", "350424", "350425", "350426", "350427", "350428", "350429", "350430", "350481",
    ]  # fmt: skip


def test_it_lists_no_children_for_an_unknown_code():
    assert divisions.children("350199") == []


def test_it_lists_ancestors_nearest_first():
    assert [r.code for r in divisions.ancestors("350112001")] == ["350112", "350100", "350000"]
    assert [r.code for r in divisions.ancestors("110105")] == ["110100", "110000"]
    assert divisions.ancestors("350000") == []
    assert divisions.ancestors("350199") == []


def test_it_lists_the_townships_of_a_county():
    townships = divisions.townships_of("350128")

    assert [(r.code, r.name) for r in townships] == [
        ("350128001", "海坛街道"),
        ("350128107", "金井镇"),
        ("350128108", "君山镇"),
        ("350128109", "苏平镇"),
        ("350128201", "屿头乡"),
        ("350128205", "东庠乡"),
        ("350128207", "南海乡"),
    ]


def test_it_has_fujian_townships_only():
    townships = [r for r in divisions.all_divisions() if r.level == "township"]

    assert len(townships) == 1170
    assert {r.province_code for r in townships} == {"350000"}


def test_it_finds_a_division_by_exact_name():
    assert [r.code for r in divisions.find_by_name("鼓楼区")] == [
        "320106",
        "320302",
        "350102",
        "410204",
    ]
    assert [r.code for r in divisions.find_by_name("吴航街道")] == ["350112001"]


def test_it_finds_a_division_by_name_without_its_suffix():
    assert [r.code for r in divisions.find_by_name("福州")] == ["350100"]
    assert [r.code for r in divisions.find_by_name("福建")] == ["350000"]
    assert [r.code for r in divisions.find_by_name("吴航")] == ["350112001"]
    assert [r.code for r in divisions.find_by_name("沙县")] == ["350405"]


def test_it_finds_a_current_division_from_an_old_suffix():
    assert [r.code for r in divisions.find_by_name("长乐市", level="county")] == ["350112"]


def test_it_filters_by_level():
    assert [r.code for r in divisions.find_by_name("平潭", level="county")] == ["350128"]
    assert divisions.find_by_name("平潭", level="city") == []


def test_it_finds_retired_divisions_only_on_request():
    assert divisions.find_by_name("梅列区") == []
    assert [r.code for r in divisions.find_by_name("梅列区", include_retired=True)] == ["350402"]


@pytest.mark.parametrize("name", ["", "  ", "不存在的地方"])
def test_it_finds_nothing_for_an_unknown_name(name):
    assert divisions.find_by_name(name) == []


def test_it_imports_without_django():
    code = "import sys; from doudi.core import divisions; divisions.get_division('35'); print('django' in sys.modules)"

    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert completed.stdout == "False\n"


@pytest.mark.parametrize(("code", "name"), [("441900", "广东省东莞市"), ("442000", "广东省中山市")])
def test_it_keeps_cities_without_counties_as_cities(code, name):
    # NBS lists 东莞 and 中山 again as their own "county"; one city record serves both.
    record = divisions.get_division(code)

    assert record is not None
    assert (record.level, record.parent_code, record.county_code) == ("city", code[:2] + "0000", "")
    assert divisions.full_name(code) == name
    assert divisions.address_code_status(code) == "current"


def test_every_record_hangs_from_an_existing_higher_level_parent():
    depth = {"province": 0, "city": 1, "county": 2, "township": 3, "village": 4}
    records = divisions.all_divisions()
    by_code = {record.code: record for record in records}

    orphans = [
        record.code
        for record in records
        if (record.level == "province") != (record.parent_code == "")
        or (record.parent_code and depth[by_code[record.parent_code].level] >= depth[record.level])
    ]

    assert orphans == []
    assert len(records) == 8186
