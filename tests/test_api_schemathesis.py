"""Property-based API test: schemathesis drives every operation from the app's own OpenAPI schema.

Bounded (15 examples per operation, derandomised) and over the ingested sample corpus.
It must find no 5xx, and every response must match the schema: status code, content
type, headers and body. Writes are off here (no token), so generated calls cannot change
the shared graph; they must answer 403 as documented.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_api import release_kg, shared_kg

from search_api.api import create_app

if TYPE_CHECKING:
    from search_api.service import PolicyKG

pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="session")
def kg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolicyKG]:
    yield shared_kg(tmp_path_factory)
    release_kg()


@pytest.fixture(scope="module")
def app(kg: PolicyKG) -> FastAPI:
    # A short timeout: a generated query must not keep the run waiting.
    return create_app(kg.settings.model_copy(update={"api_token": None, "query_timeout_s": 2.0}), kg=kg)


@pytest.fixture(scope="module")
def api_schema(app: FastAPI) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
