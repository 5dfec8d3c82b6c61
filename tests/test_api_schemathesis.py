"""Property-based API test: schemathesis drives every operation from the app's own OpenAPI schema.

Bounded (15 examples per operation, derandomised) and over the ingested sample corpus.
It must find no 5xx, and every response must match the schema: status code, content
type, headers and body. Writes are off here (no token), so generated calls cannot change
the shared graph; they must answer 403 as documented.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.types import Receive, Scope, Send

from search_api.api import create_app
from search_api.settings import Settings

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


class _Deferred:
    """An ASGI app that forwards requests to the real one once the session's corpus is ingested.

    The schema is loaded at import (``schemathesis.pytest.from_fixture`` does not work with
    pytest 9), before any fixture runs, from an app with the same routes and no data. The
    real app's lifespan is run by the fixture (schemathesis would keep the first app's
    lifespan for the whole run), so lifespan messages are acknowledged here.
    """

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


_NO_WRITES = Settings(api_token=None, query_timeout_s=2.0)
_app = _Deferred(create_app(_NO_WRITES, kg=SimpleNamespace(settings=_NO_WRITES)))  # type: ignore[arg-type]
schema = schemathesis.openapi.from_asgi("/openapi.json", _app)


@pytest.fixture(scope="module", autouse=True)
def real_app(kg: PolicyKG) -> Iterator[None]:
    # Writes off (no token): generated calls cannot change the shared graph. A short
    # timeout: a generated query must not keep the run waiting.
    placeholder = _app.app
    _app.app = create_app(kg.settings.model_copy(update={"api_token": None, "query_timeout_s": 2.0}), kg=kg)
    with TestClient(_app.app):  # runs the real app's lifespan for the whole module
        yield
    _app.app = placeholder


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
