"""Checks that a pure package stays free of Django (STYLE.md P3), shared by each package's tests."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]


def django_modules_loaded_by(script: str) -> list[str]:
    """Run `script` in a fresh interpreter (nothing preloaded by pytest-django) and return the
    Django modules it ended up importing."""
    probe = textwrap.dedent(script) + textwrap.dedent(
        """
        import sys as _sys
        print(",".join(sorted(n for n in _sys.modules if n == "django" or n.startswith("django."))))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPOSITORY)},
    )
    last = completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else ""
    return [name for name in last.split(",") if name]


def modules_importing_django(package: Path) -> list[str]:
    """Source files of `package` (tests excluded) with an `import django` / `from django` line."""
    return sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tests" not in path.parts
        and any(
            line.lstrip().startswith(("import django", "from django"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    )
