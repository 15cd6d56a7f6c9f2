"""The OpenAPI document names each operation once, by the endpoint's own name."""

from __future__ import annotations

from collections import Counter

from doudi.api.urls import api


def test_every_operation_id_is_the_endpoint_name_and_unique() -> None:
    schema = api.get_openapi_schema()
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert [name for name, count in Counter(ids).items() if count > 1] == []
    assert "application_submit" in ids
    assert all(not name.startswith("doudi_") for name in ids)
