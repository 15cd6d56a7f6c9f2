"""Small builders for exchange tests: valid synthetic ID numbers and feed files in each format."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from doudi.accounts.models import Role
from doudi.core import idcard
from doudi.testing.factories import OrgUnitFactory, staff_user


def id_number(first17: str) -> str:
    return first17 + idcard.check_character(first17)


ZHANG = id_number("35011219800101001")  # 张伟, born 1980-01-01
LI = id_number("35011219900215002")  # 李娜, born 1990-02-15
WANG = id_number("35011220100630003")  # 王磊, born 2010-06-30

TAX_HEADER = ["公民身份号码", "姓名", "出生日期", "所属期", "所得项目", "收入额", "已缴税额"]
TAX_ROWS = [
    [ZHANG, "张伟", "1980-01-01", "2025-12", "工资薪金", "8000.00", "90.00"],
    [LI, "李娜", "1990-02-15", "2025-12", "wage", "5200.5", "6"],
    ["", "赵强", "1975-05-05", "2025-12", "劳务报酬", "3000", "0"],  # number missing: kept
]


def csv_bytes(header: list[str], rows: list[list[Any]], *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def changle_verifier(username: str = "changle_verifier"):  # type: ignore[no-untyped-def]
    """A 核对人员 of the 长乐区 verification centre (the divisions must be there)."""
    unit = OrgUnitFactory(
        division_code="350112",
        name="长乐区社会救助家庭经济状况核对中心",
        is_verification_centre=True,
    )
    return staff_user(
        username,
        org_unit=unit,
        roles=[Role.VERIFICATION_OFFICER],
        display_name="长乐核对",
    )


@pytest.fixture
def verification_officer_user(villages):
    """核对人员 of the 长乐区 verification centre."""
    return changle_verifier()
