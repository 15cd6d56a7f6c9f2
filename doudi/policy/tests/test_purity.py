"""The rules package is pure: no Django, whatever is imported or evaluated (STYLE.md P3)."""

from __future__ import annotations

from doudi.core.tests.purity import REPOSITORY, django_modules_loaded_by, modules_importing_django


def test_it_imports_and_evaluates_without_loading_django() -> None:
    loaded = django_modules_loaded_by(
        """
        import doudi.policy
        from doudi.policy import evaluate, evaluate_batch
        import doudi.policy.explain, doudi.policy.variables, doudi.policy.simulation
        evaluate({"month": "2023-03", "region": "350102", "members": [
            {"id": "m1", "relation": "head", "birth_date": "1960-01-01", "counted": True}]})
        """
    )
    assert loaded == []


def test_no_module_of_the_package_mentions_django() -> None:
    assert modules_importing_django(REPOSITORY / "doudi" / "policy") == []
