"""`doudi idcard NUMBER`: JSON on stdout, exit code 0 when valid and 1 otherwise, no database."""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def run_command(number: str) -> tuple[int, dict[str, object]]:
    stdout = io.StringIO()
    try:
        call_command("idcard", number, stdout=stdout)
    except SystemExit as exit_:
        return int(exit_.code), json.loads(stdout.getvalue())
    return 0, json.loads(stdout.getvalue())


def test_it_prints_a_valid_number_as_json():
    assert run_command("11010519491231002x") == (
        0,
        {
            "valid": True,
            "normalized": "11010519491231002X",
            "sex": "F",
            "birth_date": "1949-12-31",
            "address_code": "110105",
            "region_name": "北京市朝阳区",
            "address_code_status": "current",
            "was_legacy_15": False,
            "errors": [],
        },
    )


def test_it_exits_1_with_every_error_in_the_json():
    assert run_command("350199199003071234") == (
        1,
        {
            "valid": False,
            "normalized": "350199199003071234",
            "sex": "M",
            "birth_date": "1990-03-07",
            "address_code": "350199",
            "region_name": None,
            "address_code_status": None,
            "was_legacy_15": False,
            "errors": [
                "地址码 350199 不是已知的行政区划代码（现行或已撤销）",
                "身份证号码校验位错误：应为 3，实为 4",
            ],
        },
    )


def test_it_uses_the_date_in_shanghai_as_today():
    # 2024-06-01 00:30 in Shanghai is still 2024-05-31 in UTC: born "today" must be accepted.
    number = "350112202406010011"
    with time_machine.travel(datetime.datetime(2024, 6, 1, 0, 30, tzinfo=SHANGHAI), tick=False):
        exit_code, output = run_command(number)

    assert (exit_code, output["valid"], output["birth_date"]) == (0, True, "2024-06-01")


def test_it_rejects_a_birth_date_after_today_in_shanghai():
    number = "350112202406010011"
    with time_machine.travel(datetime.datetime(2024, 5, 31, 23, 30, tzinfo=SHANGHAI), tick=False):
        exit_code, output = run_command(number)

    assert (exit_code, output["errors"]) == (1, ["出生日期 2024-06-01 晚于当前日期 2024-05-31"])


def test_it_upgrades_a_legacy_number():
    exit_code, output = run_command("350112900307123")

    assert (exit_code, output["normalized"], output["was_legacy_15"]) == (
        0,
        "350112199003071237",
        True,
    )


def _doudi_command() -> list[str]:
    script = Path(sys.executable).with_name("doudi")
    return [str(script)] if script.exists() else [sys.executable, "-m", "doudi.cli"]


@pytest.mark.parametrize(
    ("number", "exit_code", "stdout"),
    [
        (
            "350402198506150016",
            0,
            '{"valid": true, "normalized": "350402198506150016", "sex": "M", '
            '"birth_date": "1985-06-15", "address_code": "350402", '
            '"region_name": "福建省三明市梅列区（已撤销）", "address_code_status": "retired", '
            '"was_legacy_15": false, "errors": []}\n',
        ),
        (
            "3501",
            1,
            '{"valid": false, "normalized": null, "sex": null, "birth_date": null, '
            '"address_code": null, "region_name": null, "address_code_status": null, '
            '"was_legacy_15": false, "errors": ["身份证号码长度错误：应为 18 位（旧版 15 位），实为 4 位"]}\n',
        ),
    ],
)
def test_it_runs_as_the_doudi_command_without_a_database(number, exit_code, stdout):
    # An unreachable database proves the command never connects.
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DOUDI_DB": "postgres",
        "DOUDI_DB_HOST": "203.0.113.1",
        "DOUDI_DB_PORT": "1",
    }

    completed = subprocess.run(
        [*_doudi_command(), "idcard", number],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )

    assert (completed.returncode, completed.stdout, completed.stderr) == (exit_code, stdout, "")
