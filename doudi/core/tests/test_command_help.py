"""Every `doudi` command of the platform answers `--help` (argparse formats each option's help, so a
bare ``%`` in a help text breaks it)."""

from __future__ import annotations

import pytest
from django.core.management import get_commands, load_command_class

PLATFORM_COMMANDS = sorted(
    (name, app) for name, app in get_commands().items() if app.startswith("doudi.")
)


def test_the_platform_has_its_commands() -> None:
    assert {"synth", "demo", "registry_import", "policy"} <= {name for name, _ in PLATFORM_COMMANDS}


@pytest.mark.parametrize(("name", "app"), PLATFORM_COMMANDS)
def test_every_command_formats_its_help(name: str, app: str) -> None:
    parser = load_command_class(app, name).create_parser("doudi", name)

    assert parser.format_help().startswith("usage: doudi")


def test_a_command_in_a_fresh_checkout_creates_the_data_directory(tmp_path) -> None:
    # `doudi migrate` (or any command) before `make demo`: var/ does not exist yet.
    import os
    import subprocess
    import sys
    from pathlib import Path

    data = tmp_path / "fresh" / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOUDI_", "DJANGO_"))}
    env["DOUDI_DATA_DIR"] = str(data)

    completed = subprocess.run(
        [sys.executable, "-m", "doudi.cli", "showmigrations", "core"],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
    )

    assert completed.returncode == 0, completed.stderr[-1000:]
    assert (data / "doudi.sqlite3").is_file()


def test_a_data_directory_that_cannot_be_created_stops_with_a_chinese_message(tmp_path) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOUDI_", "DJANGO_"))}
    env["DOUDI_DATA_DIR"] = str(blocker / "var")

    completed = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
    )

    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: "
        f"无法创建目录 {blocker / 'var'}（Not a directory）：请把 DOUDI_DATA_DIR 设为可写的位置"
    )
