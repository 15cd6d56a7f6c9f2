from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa

from doudi.exchange.readers import Problem, read_table
from doudi.exchange.schemas import FEEDS, ColumnType, IdPolicy
from doudi.exchange.tests.helpers import (
    LI,
    TAX_HEADER,
    TAX_ROWS,
    WANG,
    ZHANG,
    csv_bytes,
    id_number,
    parquet_bytes,
    xlsx_bytes,
)
from doudi.exchange.validation import PROBLEMS_KEPT, validate_table

TODAY = dt.date(2026, 3, 10)


def _validate(source: str, data: bytes, filename: str = "feed.csv"):  # type: ignore[no-untyped-def]
    return validate_table(
        FEEDS[source], read_table(data, filename), today=TODAY, id_hash=lambda n: f"h:{n}"
    )


def test_every_feed_declares_identity_columns_labels_and_a_natural_key():
    assert len(FEEDS) == 19
    for schema in FEEDS.values():
        names = [c.name for c in schema.columns]
        assert names[:4] == ["id_number", "name", "birth_date", "region_code"]
        assert schema.id_column.type is ColumnType.ID_NUMBER
        assert all(c.label and not c.label.isascii() for c in schema.columns)
        assert schema.natural_key
    strict = sorted(s for s, schema in FEEDS.items() if schema.id_policy is IdPolicy.STRICT)
    assert strict == ["deaths", "hukou"]


def test_it_normalises_a_valid_csv():
    result = _validate("tax", csv_bytes(TAX_HEADER, TAX_ROWS))
    assert result.problems == []
    assert result.row_count == 3
    assert result.id_counts == {"valid": 2, "missing": 1, "invalid": 0}
    rows = result.table.to_pylist()
    # sorted by person key, records without a valid number last
    assert [r["name"] for r in rows] == ["张伟", "李娜", "赵强"]
    assert rows[0] == {
        "person_key": f"h:{ZHANG}",
        "id_status": "valid",
        "id_number_masked": ZHANG[:4] + "**********" + ZHANG[-4:],
        "name": "张伟",
        "birth_date": dt.date(1980, 1, 1),
        "region_code": None,
        "period": dt.date(2025, 12, 1),
        "income_type": "wage",
        "income_amount": Decimal("8000.00"),
        "tax_paid": Decimal("90.00"),
        "source_row": 2,
    }
    assert rows[1]["income_amount"] == Decimal("5200.50")
    assert rows[2]["person_key"] is None
    assert rows[2]["id_status"] == "missing"
    assert result.table.schema.field("income_amount").type == pa.decimal128(18, 2)


def test_it_lists_every_problem_of_a_bad_file_with_row_column_and_reason():
    rows = [
        [ZHANG, "张伟", "1980-01-01", "2026-04", "工资薪金", "8000", "90"],  # future month
        [LI, "李娜", "1990-02-15", "2025-12", "工资", "-1.5", "0.001"],  # bad code, negative, 3 dp
        [ZHANG, "张伟", "1980-01-01", "2025-12", "工资薪金", "8000", "90"],
        [ZHANG, "张伟", "1980-01-01", "2025-12", "wage", "7000", "80"],  # duplicate of row 4
        [
            "35011219800101001X",
            "钱多",
            "",
            "2025-12",
            "wage",
            "100",
            "0",
        ],  # bad number, no birth date
        [
            WANG,
            "",
            "2027-01-01",
            "2025-12",
            "wage",
            "abc",
            "0",
        ],  # no name, future date, not a number
    ]
    result = _validate("tax", csv_bytes(TAX_HEADER, rows))
    assert [str(p) for p in result.problems] == [
        "第 2 行，“所属期（period）”列：月份 2026-04 晚于本月（2026-03）",
        "第 3 行，“所得项目（income_type）”列：不在代码表中：工资（可选：工资薪金、经营所得、劳务报酬、财产租赁、其他所得）",
        "第 3 行，“收入额（income_amount）”列：金额不能为负数：-1.5",
        "第 3 行，“已缴税额（tax_paid）”列：金额最多两位小数：0.001",
        "第 5 行：重复记录：与第 4 行的公民身份号码、姓名、出生日期、所属期、所得项目相同",
        "第 6 行，“出生日期（birth_date）”列：身份证号码缺失或无效时，出生日期必填（供身份比对）",
        "第 7 行，“姓名（name）”列：必填项为空",
        "第 7 行，“出生日期（birth_date）”列：日期 2027-01-01 晚于今天（2026-03-10）",
        "第 7 行，“收入额（income_amount）”列：金额格式不正确：abc",
    ]
    assert result.problem_count == 9
    assert result.table is None


def test_it_rejects_unknown_duplicate_and_missing_columns_before_reading_rows():
    header = ["公民身份号码", "姓名", "姓名", "所属期", "收入", "已缴税额"]
    result = _validate("tax", csv_bytes(header, [[ZHANG, "张伟", "张伟", "2025-12", "1", "1"]]))
    assert result.problems == [
        Problem(1, "姓名（name）", "列重复出现"),
        Problem(1, "收入", "未知列：不在本数据源的数据规范中"),
        Problem(1, "所得项目（income_type）", "缺少必需的列"),
        Problem(1, "收入额（income_amount）", "缺少必需的列"),
    ]
    assert result.row_count == 0


def test_a_strict_feed_rejects_an_invalid_or_missing_number():
    header = ["公民身份号码", "姓名", "出生日期", "死亡日期"]
    bad = ZHANG[:17] + ("0" if ZHANG[17] != "0" else "1")
    rows = [[bad, "张伟", "1980-01-01", "2025-11-02"], ["", "李娜", "1990-02-15", "2025-10-01"]]
    result = _validate("deaths", csv_bytes(header, rows))
    assert [str(p) for p in result.problems] == [
        f"第 2 行，“公民身份号码（id_number）”列：身份证号码无效（{bad[:4]}**********{bad[-4:]}）："
        f"身份证号码校验位错误：应为 {ZHANG[17]}，实为 {bad[17]}",
        "第 3 行，“公民身份号码（id_number）”列：必填项为空",
    ]


def test_a_flag_feed_keeps_a_mistyped_number_as_invalid_without_its_hash():
    mistyped = ZHANG[:10] + ZHANG[11] + ZHANG[10] + ZHANG[12:]  # two digits swapped
    rows = [[mistyped, "张伟", "1980-01-01", "2025-12", "wage", "8000", "90"]]
    result = _validate("tax", csv_bytes(TAX_HEADER, rows))
    assert result.problems == []
    row = result.table.to_pylist()[0]
    assert (row["person_key"], row["id_status"]) == (None, "invalid")
    assert row["id_number_masked"] == mistyped[:4] + "**********" + mistyped[-4:]


def test_it_reads_gbk_csv_excel_and_parquet_alike():
    utf8 = _validate("tax", csv_bytes(TAX_HEADER, TAX_ROWS)).table
    gbk = _validate("tax", csv_bytes(TAX_HEADER, TAX_ROWS, encoding="gbk")).table
    excel_rows = [
        [ZHANG, "张伟", dt.datetime(1980, 1, 1), "2025-12", "工资薪金", 8000, 90],  # noqa: DTZ001 (Excel cells are naive)
        [LI, "李娜", dt.date(1990, 2, 15), "202512", "wage", 5200.5, 6],
        [None, "赵强", "1975/05/05", "2025年12月", "劳务报酬", 3000, 0],
    ]
    excel = _validate("tax", xlsx_bytes(TAX_HEADER, excel_rows), "feed.xlsx").table
    parquet_table = pa.table(
        {
            "id_number": [ZHANG, LI, None],
            "name": ["张伟", "李娜", "赵强"],
            "birth_date": pa.array(
                [dt.date(1980, 1, 1), dt.date(1990, 2, 15), dt.date(1975, 5, 5)], pa.date32()
            ),
            "period": ["2025-12", "2025-12", "2025-12"],
            "income_type": ["wage", "wage", "labour"],
            "income_amount": pa.array(
                [Decimal("8000"), Decimal("5200.50"), Decimal("3000")], pa.decimal128(12, 2)
            ),
            "tax_paid": [90.0, 6.0, 0.0],
        }
    )
    parquet = _validate("tax", parquet_bytes(parquet_table), "feed.parquet").table
    assert gbk.equals(utf8)
    assert excel.equals(utf8)
    # Parquet rows are numbered from 1 (no header row)
    assert parquet.drop(["source_row"]).equals(utf8.drop(["source_row"]))
    assert parquet.column("source_row").to_pylist() == [1, 2, 3]


def test_empty_truncated_and_unsupported_files_are_problems():
    assert [str(p) for p in _validate("tax", b"").problems] == ["文件为空：0 字节"]
    assert [str(p) for p in _validate("tax", b"\n").problems] == ["文件为空：没有表头和数据行"]
    header_only = _validate("tax", csv_bytes(TAX_HEADER, []))
    assert [str(p) for p in header_only.problems] == ["文件没有数据行"]
    whole = csv_bytes(TAX_HEADER, TAX_ROWS)
    truncated = _validate("tax", whole[: whole.rindex(b",3000")])
    assert [str(p) for p in truncated.problems] == [
        "第 4 行：本行有 5 列，表头有 7 列（文件可能被截断）"
    ]
    parquet = parquet_bytes(pa.table({"id_number": [ZHANG]}))
    broken = _validate("tax", parquet[: len(parquet) // 2], "feed.parquet")
    assert len(broken.problems) == 1
    assert broken.problems[0].reason.startswith("Parquet 文件无法读取（文件可能已损坏或被截断）")
    excel = _validate("tax", b"PK\x03\x04garbage", "feed.xlsx")
    assert excel.problems[0].reason.startswith("Excel 文件无法读取")
    assert [str(p) for p in _validate("tax", b"abc", "feed.json").problems] == [
        "不支持的文件格式：只接受 CSV（UTF-8 或 GBK）、Excel（.xlsx）和 Parquet"
    ]


def test_it_keeps_the_first_thousand_problems_and_counts_them_all():
    rows = [
        [
            id_number(f"350112198001{(i % 28) + 1:02d}{i % 900 + 100:03d}"),
            "张伟",
            "x",
            "2025-12",
            "wage",
            "1",
            "1",
        ]
        for i in range(1500)
    ]
    result = _validate("tax", csv_bytes(TAX_HEADER, rows))
    assert result.problem_count == 1500
    assert len(result.problems) == PROBLEMS_KEPT


def test_a_column_embedding_an_id_number_is_kept_only_as_its_hash():
    header = ["公民身份号码", "姓名", "出生日期", "残疾人证号", "残疾类别", "残疾等级", "发证日期"]
    rows = [[ZHANG, "张伟", "1980-01-01", f"{ZHANG}41", "肢体", "1", "2015-03-01"]]
    result = _validate("disability_certificates", csv_bytes(header, rows))
    row = result.table.to_pylist()[0]
    assert row["certificate_number"] == f"h:{ZHANG}41"
    assert (row["disability_type"], row["disability_grade"]) == ("physical", 1)


def test_a_month_of_year_zero_is_a_problem_not_a_crash():
    rows = [[ZHANG, "张伟", "1980-01-01", "0000-01", "工资薪金", "8000", "90"]]
    result = _validate("tax", csv_bytes(TAX_HEADER, rows))
    assert [str(p) for p in result.problems] == [
        "第 2 行，“所属期（period）”列：月份格式不正确：0000-01（应为 YYYY-MM）"
    ]
    assert result.table is None


def test_two_people_without_an_id_number_sharing_a_name_are_not_duplicates():
    # given: two records without a number, the same name, month and item, other birth dates
    rows = [
        ["", "张伟", "1980-01-01", "2025-12", "工资薪金", "8000", "90"],
        ["", "张伟", "1992-07-30", "2025-12", "工资薪金", "6000", "60"],
        ["", "张伟", "1992-07-30", "2025-12", "工资薪金", "6000", "60"],  # a real duplicate
    ]
    result = _validate("tax", csv_bytes(TAX_HEADER, rows))
    assert [str(p) for p in result.problems] == [
        "第 4 行：重复记录：与第 3 行的公民身份号码、姓名、出生日期、所属期、所得项目相同"
    ]
