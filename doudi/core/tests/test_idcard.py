"""GB 11643-1999 ID numbers. Pure module: no database. Every number here is synthetic except the
two examples printed in the standard itself (11010519491231002X, 440524188001010014)."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest
from stdnum.cn import ric

from doudi.core import idcard
from doudi.core.idcard import IdCardError, IdCardResult

TODAY = datetime.date(2024, 6, 1)

STANDARD_FEMALE = "11010519491231002X"  # 北京市朝阳区, born 1949-12-31
STANDARD_MALE = "440524188001010014"  # 广东省汕头市潮阳县 (retired code), born 1880-01-01
FUJIAN_MALE = "350112199003071237"  # synthetic: 长乐区, 1990-03-07, sequence 123


def test_it_accepts_the_standards_female_example():
    # when
    result = idcard.parse(STANDARD_FEMALE, today=TODAY)

    # then
    assert result == IdCardResult(
        valid=True,
        input=STANDARD_FEMALE,
        normalized="11010519491231002X",
        sex="F",
        birth_date=datetime.date(1949, 12, 31),
        address_code="110105",
        region_name="北京市朝阳区",
        address_code_status="current",
        was_legacy_15=False,
        errors=(),
    )


def test_it_accepts_the_standards_male_example_with_a_retired_address_code():
    # 440524 潮阳县 became a city in 1993: the number stays valid.
    result = idcard.parse(STANDARD_MALE, today=TODAY)

    assert result.valid is True
    assert result.sex == "M"
    assert result.birth_date == datetime.date(1880, 1, 1)
    assert result.address_code_status == "retired"
    assert result.region_name == "广东省汕头市潮阳县（已撤销）"


def test_it_decodes_a_fujian_number():
    result = idcard.parse(FUJIAN_MALE, today=TODAY)

    assert result.to_json_dict() == {
        "valid": True,
        "normalized": "350112199003071237",
        "sex": "M",
        "birth_date": "1990-03-07",
        "address_code": "350112",
        "region_name": "福建省福州市长乐区",
        "address_code_status": "current",
        "was_legacy_15": False,
        "errors": [],
    }


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),
        ("44052418800101001", "4"),
        ("35011219900307123", "7"),
        ("35011220000229002", "X"),
        ("35040219850615001", "6"),
    ],
)
def test_it_computes_the_check_character(first17, expected):
    assert idcard.check_character(first17) == expected
    # stdnum agrees when given the full 18 characters (it drops the last one itself).
    assert ric.calc_check_digit(first17 + "?") == expected


@pytest.mark.parametrize(
    "first17", ["1101051949123100", "1101051949123100X", "１１０１０５１９４９１２３１００２"]
)
def test_it_refuses_to_compute_a_check_character_without_17_ascii_digits(first17):
    with pytest.raises(ValueError, match="需要 17 位数字"):
        idcard.check_character(first17)


def test_it_accepts_lower_case_x():
    result = idcard.parse("11010519491231002x", today=TODAY)

    assert result.valid is True
    assert result.normalized == "11010519491231002X"
    assert result.input == "11010519491231002x"


def test_it_accepts_full_width_x():
    result = idcard.parse("11010519491231002Ｘ", today=TODAY)

    assert result.valid is True
    assert result.normalized == "11010519491231002X"


def test_it_accepts_full_width_digits_and_spaces():
    raw = "　３５０１１２ １９９００３０７ １２３７ "

    assert idcard.normalize(raw) == "350112199003071237"
    assert idcard.parse(raw, today=TODAY).normalized == "350112199003071237"


def test_it_normalizes_full_width_lower_case_x():
    assert idcard.normalize("11010519491231002ｘ") == "11010519491231002X"


def test_it_upgrades_a_legacy_15_digit_number():
    assert idcard.upgrade_legacy("350112900307123") == "350112199003071237"
    assert idcard.upgrade_legacy("110105491231002") == "11010519491231002X"


def test_it_parses_a_legacy_15_digit_number():
    result = idcard.parse("350112900307123", today=TODAY)

    assert result.to_json_dict() == {
        "valid": True,
        "normalized": "350112199003071237",
        "sex": "M",
        "birth_date": "1990-03-07",
        "address_code": "350112",
        "region_name": "福建省福州市长乐区",
        "address_code_status": "current",
        "was_legacy_15": True,
        "errors": [],
    }


def test_it_refuses_to_upgrade_a_number_that_is_not_15_digits():
    with pytest.raises(ValueError, match="旧版身份证号码需要 15 位数字"):
        idcard.upgrade_legacy("35011290030712X")


def test_it_rejects_a_wrong_check_character_and_names_both():
    result = idcard.parse("110105194912310025", today=TODAY)

    assert result.valid is False
    assert result.errors == (
        IdCardError("check_character", "身份证号码校验位错误：应为 X，实为 5"),
    )
    # The decoded fields are still shown, so that a caseworker can find the typo.
    assert result.normalized == "110105194912310025"
    assert result.birth_date == datetime.date(1949, 12, 31)


def test_it_accepts_29_february_in_a_leap_year():
    result = idcard.parse("35011220000229002X", today=TODAY)

    assert result.valid is True
    assert result.birth_date == datetime.date(2000, 2, 29)
    assert result.sex == "F"


def test_it_rejects_29_february_in_a_non_leap_year():
    first17 = "35011219000229002"  # 1900 is not a leap year (divisible by 100, not by 400)
    number = first17 + idcard.check_character(first17)

    result = idcard.parse(number, today=TODAY)

    assert result.valid is False
    assert result.errors == (IdCardError("birth_date_invalid", "出生日期 19000229 不是有效日期"),)
    assert result.birth_date is None


def test_it_rejects_a_birth_date_after_today():
    first17 = "35011220240602001"
    number = first17 + idcard.check_character(first17)

    result = idcard.parse(number, today=TODAY)

    assert result.error_codes == ("birth_date_future",)
    assert result.errors[0].message == "出生日期 2024-06-02 晚于当前日期 2024-06-01"


def test_it_accepts_a_birth_date_of_today():
    first17 = "35011220240601001"
    number = first17 + idcard.check_character(first17)

    assert idcard.is_valid(number, today=TODAY) is True


def test_it_rejects_a_birth_date_before_1880():
    first17 = "35011218791231001"
    number = first17 + idcard.check_character(first17)

    result = idcard.parse(number, today=TODAY)

    assert result.errors == (
        IdCardError("birth_date_too_early", "出生日期 1879-12-31 早于 1880-01-01"),
    )


@pytest.mark.parametrize("address_code", ["350199", "999999"])
def test_it_rejects_an_unknown_address_code(address_code):
    first17 = address_code + "19900307123"
    number = first17 + idcard.check_character(first17)

    result = idcard.parse(number, today=TODAY)

    assert result.valid is False
    assert result.errors == (
        IdCardError(
            "address_code_unknown", f"地址码 {address_code} 不是已知的行政区划代码（现行或已撤销）"
        ),
    )
    assert result.address_code == address_code
    assert result.address_code_status is None
    assert result.region_name is None


@pytest.mark.parametrize(
    ("number", "region_name"),
    [
        ("350402198506150016", "福建省三明市梅列区（已撤销）"),
        ("350427197001010029", "福建省三明市沙县（已撤销）"),
        ("350681199211110034", "福建省漳州市龙海市（已撤销）"),
        ("350625198808080047", "福建省漳州市长泰县（已撤销）"),
    ],
)
def test_it_accepts_retired_fujian_address_codes(number, region_name):
    result = idcard.parse(number, today=TODAY)

    assert result.valid is True
    assert result.address_code_status == "retired"
    assert result.region_name == region_name


def test_it_accepts_a_retired_code_for_someone_born_before_the_code_existed():
    # 350402 梅列区 existed 1983-2021; a person born in 1950 got a number there after 1983.
    # stdnum rejects this because it checks the code against the birth year.
    first17 = "35040219500101001"
    number = first17 + idcard.check_character(first17)

    assert ric.is_valid(number) is False
    assert idcard.is_valid(number, today=TODAY) is True


def test_it_marks_a_code_missing_from_the_nbs_table_without_an_end_year():
    first17 = "35010119800101001"  # 350101 福州市市辖区: in the historical table, no end year
    number = first17 + idcard.check_character(first17)

    result = idcard.parse(number, today=TODAY)

    assert result.valid is True
    assert result.address_code_status == "retired"
    assert result.region_name == "福建省福州市（未列入现行区划表）"


def test_it_gives_pingtan_its_gb_name():
    result = idcard.parse("350128200505050053", today=TODAY)

    assert result.region_name == "福建省福州市平潭县"
    assert result.sex == "M"


@pytest.mark.parametrize(
    ("raw", "length"),
    [("", 0), ("3501121990030712", 16), ("3501121990030712377", 19)],
)
def test_it_rejects_a_wrong_length(raw, length):
    result = idcard.parse(raw, today=TODAY)

    assert result == IdCardResult(
        valid=False,
        input=raw,
        errors=(
            IdCardError(
                "length", f"身份证号码长度错误：应为 18 位（旧版 15 位），实为 {length} 位"
            ),
        ),
    )


def test_it_rejects_letters_in_the_middle():
    result = idcard.parse("3501121990O3071237", today=TODAY)  # letter O for zero

    assert result.valid is False
    assert result.errors == (
        IdCardError(
            "characters", "身份证号码含非法字符（第 11 位）：前 17 位应为数字，第 18 位应为数字或 X"
        ),
    )
    assert result.normalized is None
    assert result.address_code == "350112"
    assert result.birth_date is None
    assert result.sex == "M"


def test_it_rejects_x_in_a_legacy_number():
    result = idcard.parse("35011290030712X", today=TODAY)

    assert result.errors == (
        IdCardError("characters", "身份证号码含非法字符（第 15 位）：旧版 15 位号码应全部为数字"),
    )
    assert result.was_legacy_15 is True
    assert result.normalized is None


def test_it_reports_every_problem_at_once():
    result = idcard.parse("999999209902300015", today=TODAY)

    assert result.valid is False
    assert result.to_json_dict()["errors"] == [
        "地址码 999999 不是已知的行政区划代码（现行或已撤销）",
        "出生日期 20990230 不是有效日期",
        "身份证号码校验位错误：应为 7，实为 5",
    ]
    assert result.error_codes == ("address_code_unknown", "birth_date_invalid", "check_character")


def test_it_reports_length_and_characters_together():
    result = idcard.parse("35011219A0030712X", today=TODAY)

    assert result.error_codes == ("length", "characters")
    assert result.errors[1].message == "身份证号码含非法字符（第 9 位）：只能包含数字，仅末位可为 X"


@pytest.mark.parametrize(
    ("_case", "born", "on", "age"),
    [
        ("day before birthday", datetime.date(1964, 6, 2), datetime.date(2024, 6, 1), 59),
        ("on birthday", datetime.date(1964, 6, 1), datetime.date(2024, 6, 1), 60),
        ("day of birth", datetime.date(2024, 6, 1), datetime.date(2024, 6, 1), 0),
        (
            "leapling, 28 Feb, non-leap year",
            datetime.date(2004, 2, 29),
            datetime.date(2022, 2, 28),
            17,
        ),
        (
            "leapling, 1 March, non-leap year",
            datetime.date(2004, 2, 29),
            datetime.date(2022, 3, 1),
            18,
        ),
        ("leapling, 29 Feb, leap year", datetime.date(2004, 2, 29), datetime.date(2024, 2, 29), 20),
        ("leapling, 28 Feb, leap year", datetime.date(2004, 2, 29), datetime.date(2024, 2, 28), 19),
        ("31 December", datetime.date(1949, 12, 31), datetime.date(2019, 12, 30), 69),
    ],
)
def test_it_computes_age_in_completed_years(_case, born, on, age):
    assert idcard.age_on(born, on) == age


def test_it_refuses_an_age_before_birth():
    with pytest.raises(ValueError, match="早于出生日期"):
        idcard.age_on(datetime.date(2000, 1, 2), datetime.date(2000, 1, 1))


def test_it_computes_age_from_a_parsed_number():
    result = idcard.parse(STANDARD_FEMALE, today=TODAY)

    assert result.age_on(datetime.date(2009, 12, 30)) == 59
    assert result.age_on(datetime.date(2009, 12, 31)) == 60


def test_it_refuses_an_age_from_an_invalid_number():
    result = idcard.parse("110105194912310025", today=TODAY)

    with pytest.raises(ValueError, match="身份证号码无效"):
        result.age_on(TODAY)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("350112199003071234", "3501**********1234"),
        ("11010519491231002x", "1101**********002X"),
        ("350112900307123", "3501*******7123"),
        ("12345", "*****"),
    ],
)
def test_it_masks_a_number(number, masked):
    assert idcard.mask(number) == masked


def test_is_valid_agrees_with_parse():
    assert idcard.is_valid(FUJIAN_MALE, today=TODAY) is True
    assert idcard.is_valid("350112199003071234", today=TODAY) is False


def test_it_imports_without_django():
    code = (
        "import sys; import doudi.core.idcard, doudi.core.divisions; "
        "doudi.core.idcard.parse('350112199003071237', today=__import__('datetime').date(2024, 1, 1)); "
        "print('django' in sys.modules)"
    )

    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert completed.stdout == "False\n"
