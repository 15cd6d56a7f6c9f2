"""The report rules, the batch screen and the snapshot reads are pure: they import without
Django (STYLE.md P3, P9: DuckDB code never imports models)."""

from __future__ import annotations

from doudi.core.tests.purity import REPOSITORY, django_modules_loaded_by, modules_importing_django

PURE_MODULES = ("findings/", "batch.py", "sources.py", "snapshots.py")


def test_the_rules_the_screen_and_the_reads_import_without_loading_django():
    loaded = django_modules_loaded_by(
        """
        from doudi.verification import batch, findings, snapshots, sources
        assert batch.SCREENED_SOURCES and sources.SOURCES
        """
    )
    assert loaded == []


def test_no_pure_module_mentions_django():
    mentioning = modules_importing_django(REPOSITORY / "doudi" / "verification")
    assert [path for path in mentioning if path.startswith(PURE_MODULES)] == []
