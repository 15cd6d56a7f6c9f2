"""The rules package is pure: no Django, whatever is imported or evaluated (STYLE.md P3)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]


def test_it_imports_and_evaluates_without_loading_django() -> None:
    # given: a fresh interpreter, so that nothing Django-related is preloaded by pytest-django
    script = textwrap.dedent(
        """
        import sys
        import doudi.policy
        from doudi.policy import evaluate, evaluate_batch
        import doudi.policy.explain, doudi.policy.variables
        evaluate({"month": "2023-03", "region": "350102", "members": [
            {"id": "m1", "relation": "head", "birth_date": "1960-01-01", "counted": True}]})
        loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
        print(",".join(loaded))
        """
    )

    # when
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPOSITORY)},
    )

    # then
    assert completed.stdout.strip() == ""


def test_no_module_of_the_package_mentions_django() -> None:
    package = REPOSITORY / "doudi" / "policy"
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tests" not in path.parts
        and any(
            line.lstrip().startswith(("import django", "from django"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []
