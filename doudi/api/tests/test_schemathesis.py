"""No input breaks the API, and every answer is the one the API document declares: schemathesis
generates requests for every operation of `/api/openapi.json` (about 20 each, malformed ids,
wrong types, missing fields, odd bodies) with a caseworker's token, and checks that none answers
a server error, that every status is declared and that every body matches its declared schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from doudi.testing.clients import api_headers

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _schema():  # type: ignore[no-untyped-def]
    from config.wsgi import application

    # The document itself reads nothing from the database.
    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


schema = _schema()


@pytest.fixture
def connection_kept():  # type: ignore[no-untyped-def]
    """Requests go through the WSGI application, whose signals close the database connection at
    the end of each request; the test's database lives in that connection (in memory on SQLite,
    a transaction on PostgreSQL). Django's test client keeps it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.usefixtures("connection_kept")
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure here is a failure, not luck
    suppress_health_check=list(HealthCheck),
)
def test_no_input_breaks_the_api_and_every_answer_is_declared(case, caseworker_user, household):
    token = api_headers(caseworker_user)["HTTP_AUTHORIZATION"]
    response = case.call(headers={"Authorization": token})

    assert response.status_code != 401  # the token is taken: the operations themselves answer
    case.validate_response(response, checks=CHECKS)
