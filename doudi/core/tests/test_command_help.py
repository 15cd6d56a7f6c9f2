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
