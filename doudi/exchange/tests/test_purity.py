"""Validation and the feed declarations are pure: they import and run without Django
(STYLE.md P3), so that the row checks and what a feed means can be used and tested anywhere."""

from __future__ import annotations

from doudi.core.tests.purity import REPOSITORY, django_modules_loaded_by, modules_importing_django

EXCHANGE = REPOSITORY / "doudi" / "exchange"
PURE_MODULES = (
    "validation/",
    "readers.py",
    "schemas/",
    "duckdb_engine.py",
    "identity.py",
    "linkage.py",
    "names.py",
)


def test_validation_and_the_declarations_import_and_validate_without_loading_django():
    loaded = django_modules_loaded_by(
        """
        import datetime as dt
        from doudi.core import idcard
        from doudi.core.id_hashing import KeyedHasher
        from doudi.exchange.readers import read_table
        from doudi.exchange.schemas import FEEDS
        from doudi.exchange.validation import validate_table
        number = "35011219800517001" + idcard.check_character("35011219800517001")
        data = (
            "公民身份号码,姓名,出生日期,所属期,所得项目,收入额,已缴税额\\n"
            f"{number},林建国,1980-05-17,2026-09,工资薪金,3000.00,0\\n"
        ).encode()
        result = validate_table(
            FEEDS["tax"], read_table(data, "tax.csv"), today=dt.date(2026, 11, 5),
            id_hash=KeyedHasher(b"synthetic-key"),
        )
        assert result.is_valid, result.problems
        assert len(result.table.column("person_key")[0].as_py()) == 64
        """
    )
    assert loaded == []


def test_the_duckdb_engine_and_identity_resolution_import_without_loading_django():
    loaded = django_modules_loaded_by(
        """
        from doudi.exchange import identity
        from doudi.exchange.duckdb_engine import DuckDBEngine
        with identity.registry_connection() as engine:
            assert isinstance(engine, DuckDBEngine)
        """
    )
    assert loaded == []


def test_no_pure_module_mentions_django():
    mentioning = modules_importing_django(EXCHANGE)
    assert [path for path in mentioning if path.startswith(PURE_MODULES)] == []
